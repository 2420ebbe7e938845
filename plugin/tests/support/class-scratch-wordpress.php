<?php
/**
 * Another WordPress next to the test site: same core files (wp-admin and wp-includes
 * symlinked), same database, its own table prefix, its own wp-content.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * For tests that need a site the suite's own must not become: one installing the plugin
 * from its zip, a multisite network. destroy() drops its tables and removes its folder.
 */
final class Scratch_WordPress {

	public string $dir;
	public string $prefix;

	/**
	 * @param array<string, mixed> $defines Constants for its wp-config.php.
	 */
	public static function create( string $prefix, array $defines = array() ): self {
		$site         = new self();
		$site->prefix = $prefix;
		$site->dir    = sys_get_temp_dir() . '/relaypress-scratch-' . bin2hex( random_bytes( 6 ) );
		$core         = (string) getenv( 'RELAYPRESS_WP_DIR' );
		mkdir( $site->dir . '/wp-content/plugins', 0777, true );
		mkdir( $site->dir . '/wp-content/uploads', 0777, true );
		foreach ( (array) glob( $core . '/*.php' ) as $file ) {
			if ( 'wp-config.php' !== basename( (string) $file ) ) {
				copy( (string) $file, $site->dir . '/' . basename( (string) $file ) ); // Copies: wp-load.php finds ABSPATH from its own path.
			}
		}
		symlink( $core . '/wp-admin', $site->dir . '/wp-admin' );
		symlink( $core . '/wp-includes', $site->dir . '/wp-includes' );
		symlink( $core . '/wp-content/themes', $site->dir . '/wp-content/themes' );
		$site->write_config( $defines );
		return $site;
	}

	/**
	 * Rewrites wp-config.php from the test site's, with this prefix and these constants.
	 *
	 * @param array<string, mixed> $defines Constants.
	 */
	public function write_config( array $defines ): void {
		$config = (string) file_get_contents( getenv( 'RELAYPRESS_WP_DIR' ) . '/wp-config.php' );
		$config = str_replace( "\$table_prefix = 'wp_';", '$table_prefix = ' . var_export( $this->prefix, true ) . ';', $config );
		$extra  = "\$_SERVER['REQUEST_URI'] = \$_SERVER['REQUEST_URI'] ?? '/';\n\$_SERVER['REMOTE_ADDR'] = \$_SERVER['REMOTE_ADDR'] ?? '127.0.0.1';\n";
		foreach ( array( 'FS_METHOD' => 'direct' ) + $defines as $name => $value ) {
			$extra .= sprintf( "define( %s, %s );\n", var_export( $name, true ), var_export( $value, true ) );
		}
		$config = str_replace( "if ( ! defined( 'ABSPATH' ) ) {", $extra . "if ( ! defined( 'ABSPATH' ) ) {", $config );
		file_put_contents( $this->dir . '/wp-config.php', $config );
	}

	/**
	 * Runs PHP in a fresh process of this site (tests/bin/wp-run.php); returns the last line
	 * of its output, decoded as JSON.
	 *
	 * @param array<string, mixed> $defines Constants defined before WordPress loads.
	 * @return mixed
	 */
	public function run( string $code, array $defines = array() ) {
		$stderr  = (string) tempnam( sys_get_temp_dir(), 'relaypress-scratch-' );
		$env     = array_merge( getenv(), array( 'RELAYPRESS_WP_DIR' => $this->dir, 'RELAYPRESS_DEFINES' => (string) json_encode( $defines ) ) );
		$process = proc_open(
			array( PHP_BINARY, '-d', 'sendmail_path=/bin/true', '-d', 'display_errors=stderr', dirname( __DIR__ ) . '/bin/wp-run.php', $code . ';echo "\n";' ),
			array( 0 => array( 'file', '/dev/null', 'r' ), 1 => array( 'pipe', 'w' ), 2 => array( 'file', $stderr, 'w' ) ),
			$pipes,
			$this->dir,
			$env
		);
		$output = (string) stream_get_contents( $pipes[1] );
		fclose( $pipes[1] );
		$code   = proc_close( $process );
		$errors = (string) file_get_contents( $stderr );
		unlink( $stderr );
		if ( 0 !== $code ) {
			throw new \RuntimeException( "scratch WordPress process failed ({$code}): {$output}\n{$errors}" );
		}
		$lines   = array_values( array_filter( explode( "\n", $output ), static fn( $l ) => '' !== trim( $l ) ) );
		$decoded = json_decode( (string) end( $lines ), true );
		if ( null === $decoded ) {
			throw new \RuntimeException( "scratch WordPress process printed no JSON: {$output}\n{$errors}" );
		}
		return $decoded;
	}

	public function install(): void {
		$this->run(
			"require_once ABSPATH . 'wp-admin/includes/upgrade.php';
			\$r = wp_install( 'Scratch', 'admin', 'admin@example.test', false, '', 'password' );
			echo wp_json_encode( ! empty( \$r['user_id'] ) );",
			array( 'WP_INSTALLING' => true )
		);
	}

	public function destroy(): void {
		global $wpdb;
		$tables = (array) $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $this->prefix ) . '%' ) );
		foreach ( $tables as $table ) {
			$wpdb->query( "DROP TABLE IF EXISTS `{$table}`" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		exec( 'rm -rf ' . escapeshellarg( $this->dir ) );
	}
}
