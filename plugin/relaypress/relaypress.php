<?php
/**
 * Plugin Name:       RelayPress
 * Plugin URI:        https://github.com/relaypress/relaypress
 * Description:       Sends every wp_mail() through a self-hosted RelayPress relay, with a durable outbox and an email log.
 * Version:           0.1.0
 * Requires at least: 5.9
 * Requires PHP:      8.0
 * Author:            RelayPress
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       relaypress
 * Domain Path:       /languages
 * Network:           true
 *
 * @package RelayPress
 */

declare( strict_types=1 );

defined( 'ABSPATH' ) || exit;

define( 'RELAYPRESS_VERSION', '0.1.0' );
define( 'RELAYPRESS_FILE', __FILE__ );
define( 'RELAYPRESS_DIR', __DIR__ );

require_once __DIR__ . '/includes/autoload.php';

register_activation_hook( __FILE__, array( \RelayPress\Lifecycle\Installer::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \RelayPress\Lifecycle\Installer::class, 'deactivate' ) );

\RelayPress\Plugin::boot();
