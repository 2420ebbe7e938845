<?php
/**
 * Loads the throwaway WordPress that bin/test.sh built (RELAYPRESS_WP_DIR), plugin active.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

$wp_dir = getenv( 'RELAYPRESS_WP_DIR' );
if ( ! $wp_dir || ! is_file( $wp_dir . '/wp-load.php' ) ) {
	fwrite( STDERR, "RELAYPRESS_WP_DIR is not set; run the suite with plugin/bin/test.sh\n" );
	exit( 1 );
}

define( 'WP_USE_THEMES', false );
require $wp_dir . '/wp-load.php';

if ( ! class_exists( \RelayPress\Plugin::class ) ) {
	fwrite( STDERR, "RelayPress is not active in $wp_dir\n" );
	exit( 1 );
}

require __DIR__ . '/support/class-mime-message.php';
require __DIR__ . '/support/class-relay-stub.php';
require __DIR__ . '/support/class-process-group.php';
require __DIR__ . '/support/class-stub-server.php';
require __DIR__ . '/support/class-wordpress-server.php';
require __DIR__ . '/support/class-smtp-sink.php';
require __DIR__ . '/support/class-scratch-wordpress.php';
require __DIR__ . '/support/class-test-case.php';
require __DIR__ . '/support/class-rest-test-case.php';
require __DIR__ . '/support/class-webhook-test-case.php';
require __DIR__ . '/support/class-woocommerce-test-case.php';

// WordPress 6.1's Requests 1.8 classes raise PHP 8.1+ deprecation notices when they are first
// loaded (a core issue, fixed in 6.2). Load them all once here, with deprecations off, so the test that
// happens to make the first HTTP request is not flagged for printing output.
$relaypress_level = error_reporting( error_reporting() & ~E_DEPRECATED );
foreach ( new RecursiveIteratorIterator( new RecursiveDirectoryIterator( ABSPATH . WPINC . '/Requests', FilesystemIterator::SKIP_DOTS ) ) as $requests_file ) {
	$requests_class = 'Requests_' . str_replace( '/', '_', substr( (string) $requests_file, strlen( ABSPATH . WPINC . '/Requests/' ), -4 ) );
	class_exists( $requests_class ) || interface_exists( $requests_class );
}
error_reporting( $relaypress_level );
