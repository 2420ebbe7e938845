<?php
/**
 * bin/build-zip.sh makes a zip that WordPress installs and activates as wp-admin's upload does.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Build;

use PHPUnit\Framework\TestCase;
use RelayPress\Tests\Scratch_WordPress;

final class BuildZipTest extends TestCase {

	private string $zip;
	private ?Scratch_WordPress $site = null;

	protected function setUp(): void {
		$this->zip = sys_get_temp_dir() . '/relaypress-build-' . bin2hex( random_bytes( 4 ) ) . '/relaypress.zip';
		exec( 'bash ' . escapeshellarg( dirname( __DIR__, 2 ) . '/bin/build-zip.sh' ) . ' ' . escapeshellarg( $this->zip ) . ' 2>&1', $output, $code );
		$this->assertSame( 0, $code, implode( "\n", $output ) );
	}

	protected function tearDown(): void {
		if ( $this->site ) {
			$this->site->destroy();
		}
		@unlink( $this->zip );
		@rmdir( dirname( $this->zip ) );
	}

	public function test_the_zip_holds_only_the_runtime_plugin_folder(): void {
		$names = $this->entries();

		$this->assertContains( 'relaypress/relaypress.php', $names );
		$this->assertContains( 'relaypress/uninstall.php', $names );
		$this->assertContains( 'relaypress/readme.txt', $names );
		$this->assertContains( 'relaypress/includes/class-plugin.php', $names );
		$this->assertContains( 'relaypress/includes/rest/class-rest.php', $names );
		$this->assertContains( 'relaypress/build/admin-app-rtl.css', $names ); // Printed instead of admin-app.css for RTL admins.
		foreach ( $names as $name ) {
			$this->assertMatchesRegularExpression( '#^relaypress/#', $name );
			$this->assertDoesNotMatchRegularExpression( '#(^|/)(\.|tests?/|node_modules/|src/|bin/|dist/|phpunit|composer\.|package\.json)#', $name );
			$this->assertMatchesRegularExpression( '#/$|\.php$|^relaypress/readme\.txt$|^relaypress/(languages|build)/#', $name );
		}
		$sources = $this->source_files();
		$this->assertSame( $sources, array_values( array_filter( $names, static fn( $n ) => str_starts_with( $n, 'relaypress/includes/' ) ) ) );
	}

	public function test_wordpress_installs_the_zip_with_plugin_upgrader_and_activates_it(): void {
		$this->site = Scratch_WordPress::create( 'rpzip' . bin2hex( random_bytes( 2 ) ) . '_' );
		$this->site->install();

		$installed = $this->site->run(
			"require_once ABSPATH . 'wp-admin/includes/admin.php'; // What wp-admin/update.php has loaded.
			require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
			\$upgrader = new Plugin_Upgrader( new Automatic_Upgrader_Skin() );
			\$result   = \$upgrader->install( " . var_export( $this->zip, true ) . " );
			\$plugin   = \$upgrader->plugin_info();
			\$active   = activate_plugin( (string) \$plugin );
			echo wp_json_encode( array( \$result, \$plugin, is_wp_error( \$active ) ? \$active->get_error_message() : null, is_link( WP_PLUGIN_DIR . '/relaypress' ) ) );"
		);
		$this->assertSame( array( true, 'relaypress/relaypress.php', null, false ), $installed );
		$this->assertFileDoesNotExist( $this->site->dir . '/wp-content/plugins/relaypress/tests' );

		$state = $this->site->run(
			"global \$wpdb;
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			echo wp_json_encode( array(
				is_plugin_active( 'relaypress/relaypress.php' ),
				class_exists( '\\\\RelayPress\\\\Plugin' ),
				\\RelayPress\\Lifecycle\\Schema::installed(),
				(bool) \$wpdb->get_var( \$wpdb->prepare( 'SHOW TABLES LIKE %s', \$wpdb->prefix . 'relaypress_outbox' ) ),
				(bool) wp_next_scheduled( 'relaypress_process_outbox' ),
				RELAYPRESS_DIR,
			) );"
		);
		$this->assertSame( array( true, true, true, true, true ), array_slice( $state, 0, 5 ) );
		$this->assertSame( $this->site->dir . '/wp-content/plugins/relaypress', $state[5] );
	}

	/**
	 * @return string[]
	 */
	private function entries(): array {
		$zip = new \ZipArchive();
		$this->assertTrue( $zip->open( $this->zip ) );
		$names = array();
		for ( $i = 0; $i < $zip->numFiles; $i++ ) {
			$names[] = (string) $zip->getNameIndex( $i );
		}
		$zip->close();
		return $names;
	}

	/**
	 * @return string[] Every PHP file under includes/, as zip names, sorted.
	 */
	private function source_files(): array {
		$root  = dirname( __DIR__, 2 ) . '/relaypress';
		$names = array();
		foreach ( new \RecursiveIteratorIterator( new \RecursiveDirectoryIterator( $root . '/includes', \FilesystemIterator::SKIP_DOTS ) ) as $file ) {
			$names[] = 'relaypress/' . substr( (string) $file, strlen( $root ) + 1 );
		}
		sort( $names );
		return $names;
	}
}
