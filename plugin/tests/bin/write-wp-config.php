<?php
/**
 * Writes the throwaway site's wp-config.php (argv[1]) from RELAYPRESS_TEST_DB_* variables.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

$salts = '';
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $name ) {
	$salts .= sprintf( "define( '%s', '%s' );\n", $name, bin2hex( random_bytes( 32 ) ) );
}
$config = sprintf(
	<<<'PHP'
<?php
define( 'DB_NAME', %s );
define( 'DB_USER', %s );
define( 'DB_PASSWORD', %s );
define( 'DB_HOST', %s );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
%s
$table_prefix = 'wp_';
define( 'WP_HOME', 'http://example.test' );
define( 'WP_SITEURL', 'http://example.test' );
define( 'WP_DEBUG', true );
// Served over HTTP (WordPress_Server), errors go to the server's log, not into the bodies
// tests parse: WordPress 6.1's Requests classes raise deprecations on PHP 8.1+ whenever the
// site itself calls out (the relay), a core issue fixed in 6.2.
define( 'WP_DEBUG_DISPLAY', 'cli-server' !== PHP_SAPI );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); // Loopback only, whatever a test does.
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost' );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
$_SERVER['HTTP_HOST']   = $_SERVER['HTTP_HOST'] ?? 'example.test';
$_SERVER['SERVER_NAME'] = $_SERVER['SERVER_NAME'] ?? 'example.test';
require_once ABSPATH . 'wp-settings.php';
PHP,
	var_export( getenv( 'RELAYPRESS_TEST_DB_NAME' ), true ),
	var_export( getenv( 'RELAYPRESS_TEST_DB_USER' ), true ),
	var_export( (string) getenv( 'RELAYPRESS_TEST_DB_PASSWORD' ), true ),
	var_export( getenv( 'RELAYPRESS_TEST_DB_HOST' ), true ),
	$salts
);
file_put_contents( $argv[1], $config );
