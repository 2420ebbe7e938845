<?php
/**
 * Uninstall: drops tables and options on every site unless "keep data" is set there.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/autoload.php';

\RelayPress\Lifecycle\Uninstaller::uninstall();
