<?php
/**
 * Runs PHP code (argv[1]) inside the test WordPress in a fresh process, after defining the
 * constants given as JSON in RELAYPRESS_DEFINES (wp-config.php-style overrides).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

foreach ( (array) json_decode( (string) getenv( 'RELAYPRESS_DEFINES' ), true ) as $name => $value ) {
	define( $name, $value );
}
define( 'WP_USE_THEMES', false );
require getenv( 'RELAYPRESS_WP_DIR' ) . '/wp-load.php';
ini_set( 'display_errors', 'stderr' ); // phpcs:ignore WordPress.PHP.IniSet -- stdout carries the result.
eval( $argv[1] ); // phpcs:ignore Squiz.PHP.Eval.Discouraged -- test helper.
