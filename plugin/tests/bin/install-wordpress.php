<?php
/**
 * Installs the throwaway site (wp_install) and activates RelayPress.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

define( 'WP_INSTALLING', true );
require getenv( 'RELAYPRESS_WP_DIR' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$result = wp_install( 'RelayPress Test', 'admin', 'admin@example.test', false, '', 'password' );
if ( empty( $result['user_id'] ) ) {
	fwrite( STDERR, "wp_install failed\n" );
	exit( 1 );
}
$activated = activate_plugin( 'relaypress/relaypress.php' );
if ( ! is_wp_error( $activated ) && file_exists( WP_PLUGIN_DIR . '/woocommerce/woocommerce.php' ) ) {
	// The test-only WooCommerce stand-in (tests/woocommerce-stand-in), linked by bin/test.sh only.
	$activated = activate_plugin( 'woocommerce/woocommerce.php' );
}
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'activating relaypress failed: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}
