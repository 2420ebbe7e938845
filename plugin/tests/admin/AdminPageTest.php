<?php
/**
 * The "RelayPress" admin page: a root element for the app, the built app enqueued with its
 * config (escaped, no token), a message instead of a blank page when it is not built.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Admin;

use RelayPress\Admin\Admin_Page;
use RelayPress\Tests\Rest_Test_Case;

final class AdminPageTest extends Rest_Test_Case {

	private const BUILD_URL = 'https://site.example/wp-content/plugins/relaypress/build';

	private string $build_dir;

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$this->build_dir = sys_get_temp_dir() . '/relaypress-build-' . bin2hex( random_bytes( 4 ) ) . '/build';
		mkdir( $this->build_dir, 0777, true );
		$this->reset_assets();
		$this->as_admin();
	}

	protected function tearDown(): void {
		array_map( 'unlink', glob( $this->build_dir . '/*' ) ?: array() );
		rmdir( $this->build_dir );
		rmdir( dirname( $this->build_dir ) );
		$this->reset_assets();
		unset( $GLOBALS['menu'], $GLOBALS['admin_page_hooks'], $GLOBALS['_registered_pages'] );
		parent::tearDown();
	}

	// The menu.

	public function test_the_plugin_adds_a_top_level_relaypress_page_for_the_routes_capability(): void {
		$GLOBALS['menu'] = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		do_action( 'admin_menu', '' );

		$entries = array_values( array_filter( $GLOBALS['menu'], static fn( $item ) => 'relaypress' === $item[2] ) );
		$this->assertCount( 1, $entries );
		$this->assertSame( array( 'RelayPress', 'manage_options' ), array( $entries[0][0], $entries[0][1] ) );
		$this->assertSame( Admin_Page::HOOK_SUFFIX, get_plugin_page_hookname( 'relaypress', '' ) );
		$this->assertNotFalse( has_action( Admin_Page::HOOK_SUFFIX ) );
	}

	public function test_the_menu_follows_the_capability_filter(): void {
		add_filter( 'relaypress_required_capability', static fn() => 'edit_others_posts' );
		$GLOBALS['menu'] = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		do_action( 'admin_menu', '' );

		$entries = array_values( array_filter( $GLOBALS['menu'], static fn( $item ) => 'relaypress' === $item[2] ) );
		$this->assertSame( 'edit_others_posts', $entries[0][1] );
	}

	// Not built.

	public function test_without_a_build_the_page_says_how_to_build_and_enqueues_nothing(): void {
		$page = $this->page();

		$page->enqueue( Admin_Page::HOOK_SUFFIX );
		$html = $this->render( $page );

		$this->assertFalse( $page->is_built() );
		$this->assertStringContainsString( '<div id="relaypress-admin-app"></div>', $html );
		$this->assertStringContainsString( 'The admin app is not built; run <code>npm run build:admin</code>.', $html );
		$this->assertStringContainsString( 'notice-warning', $html );
		$this->assertFalse( wp_script_is( Admin_Page::HANDLE, 'registered' ) );
		$this->assertFalse( wp_style_is( Admin_Page::HANDLE, 'registered' ) );
	}

	// Built.

	public function test_the_built_app_is_enqueued_with_its_css_version_and_registered_non_react_dependencies(): void {
		$this->build( array( 'dependencies' => array( 'react', 'react-dom', 'react-jsx-runtime', 'wp-i18n', 'wp-not-in-6-1', 42 ), 'version' => 'b1d2c3' ), true );
		$page = $this->page();

		$page->enqueue( Admin_Page::HOOK_SUFFIX );

		$this->assertTrue( wp_script_is( Admin_Page::HANDLE, 'enqueued' ) );
		$script = wp_scripts()->registered[ Admin_Page::HANDLE ];
		$this->assertSame( self::BUILD_URL . '/admin-app.js', $script->src );
		$this->assertSame( array( 'wp-i18n' ), $script->deps );
		$this->assertSame( 'b1d2c3', $script->ver );
		$this->assertSame( 1, $script->extra['group'] ?? null ); // In the footer, after the root element.
		$this->assertSame( 'relaypress', $script->textdomain );
		$this->assertSame( dirname( $this->build_dir ) . '/languages', $script->translations_path );
		$this->assertTrue( wp_style_is( Admin_Page::HANDLE, 'enqueued' ) );
		$this->assertSame( self::BUILD_URL . '/admin-app.css', wp_styles()->registered[ Admin_Page::HANDLE ]->src );
		$this->assertStringNotContainsString( 'npm run build:admin', $this->render( $page ) );
	}

	public function test_a_right_to_left_admin_gets_the_rtl_stylesheet_instead_of_the_ltr_one(): void {
		global $wp_locale;
		$this->build( array( 'dependencies' => array(), 'version' => '1' ), true );
		file_put_contents( $this->build_dir . '/admin-app-rtl.css', '#relaypress-admin-app{}' );
		$direction                  = $wp_locale->text_direction;
		$wp_locale->text_direction = 'rtl'; // As under ar or he_IL: is_rtl() is true.
		try {
			$this->reset_assets(); // wp_styles() reads is_rtl() when it is created.
			$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );
			$html = $this->print_style();
		} finally {
			$wp_locale->text_direction = $direction;
		}

		$this->assertSame( 'replace', wp_styles()->get_data( Admin_Page::HANDLE, 'rtl' ) );
		$this->assertStringContainsString( self::BUILD_URL . '/admin-app-rtl.css?ver=1', $html );
		$this->assertStringNotContainsString( self::BUILD_URL . '/admin-app.css', $html );
	}

	public function test_a_left_to_right_admin_gets_the_ltr_stylesheet_only(): void {
		$this->build( array( 'dependencies' => array(), 'version' => '1' ), true );
		file_put_contents( $this->build_dir . '/admin-app-rtl.css', '#relaypress-admin-app{}' );

		$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );
		$html = $this->print_style();

		$this->assertStringContainsString( self::BUILD_URL . '/admin-app.css?ver=1', $html );
		$this->assertStringNotContainsString( 'admin-app-rtl.css', $html );
	}

	public function test_without_an_rtl_build_a_right_to_left_admin_keeps_the_ltr_stylesheet(): void {
		$this->build( array( 'dependencies' => array(), 'version' => '1' ), true );

		$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );

		$this->assertFalse( wp_styles()->get_data( Admin_Page::HANDLE, 'rtl' ) ); // No link to a file that is not there.
	}

	public function test_script_translations_are_looked_up_in_languages_by_the_md5_of_build_admin_app_js(): void {
		$this->build( null, false );
		$languages = dirname( $this->build_dir ) . '/languages';
		$file      = $languages . '/relaypress-de_DE-' . md5( 'build/admin-app.js' ) . '.json'; // What languages/README.md tells maintainers.
		mkdir( $languages );
		file_put_contents( $file, '{"locale_data":{"messages":{"":{"domain":"messages"},"Settings":["Einstellungen"]}}}' );
		add_filter( 'determine_locale', static fn() => 'de_DE' );
		try {
			( new Admin_Page( $this->build_dir ) )->enqueue( Admin_Page::HOOK_SUFFIX ); // The plugin's own build URL.
			$translations = load_script_textdomain( Admin_Page::HANDLE, 'relaypress', $languages );
		} finally {
			unlink( $file );
			rmdir( $languages );
		}

		$this->assertStringEndsWith( '/plugins/relaypress/build/admin-app.js', wp_scripts()->registered[ Admin_Page::HANDLE ]->src );
		$this->assertStringContainsString( 'Einstellungen', (string) $translations );
	}

	public function test_without_an_asset_file_only_wp_i18n_for_the_translations_is_a_dependency_and_the_version_follows_the_file(): void {
		$this->build( null, false );

		$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );

		$script = wp_scripts()->registered[ Admin_Page::HANDLE ];
		$this->assertSame( array( 'wp-i18n' ), $script->deps ); // Added by wp_set_script_translations().
		$this->assertSame( RELAYPRESS_VERSION . '-' . filemtime( $this->build_dir . '/admin-app.js' ), $script->ver );
		$this->assertFalse( wp_style_is( Admin_Page::HANDLE, 'registered' ) );
	}

	public function test_other_admin_pages_do_not_load_the_app(): void {
		$this->build( null, true );

		foreach ( array( 'index.php', 'options-general.php', 'relaypress_page_other' ) as $hook_suffix ) {
			$this->page()->enqueue( $hook_suffix );
		}

		$this->assertFalse( wp_script_is( Admin_Page::HANDLE, 'registered' ) );
	}

	public function test_the_config_object_has_the_rest_root_a_working_nonce_the_users_email_and_locale(): void {
		$this->build( null, false );
		$user = wp_get_current_user();

		$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );
		$config = $this->config_object();

		$this->assertSame( array( 'restRoot', 'nonce', 'version', 'adminEmail', 'locale' ), array_keys( $config ) );
		$this->assertSame( rest_url( 'relaypress/v1/' ), $config['restRoot'] );
		$this->assertSame( 1, wp_verify_nonce( $config['nonce'], 'wp_rest' ) );
		$this->assertSame( RELAYPRESS_VERSION, $config['version'] );
		$this->assertSame( $user->user_email, $config['adminEmail'] );
		$this->assertSame( get_user_locale(), $config['locale'] );
	}

	public function test_config_values_cannot_break_out_of_the_script(): void {
		$this->build( null, false );
		update_user_meta( get_current_user_id(), 'locale', 'de_DE</script><script>alert(1)</script>' );
		add_filter( 'rest_url', static fn( $url ) => $url . '?x=</script><script>alert(2)</script>&y="\'' );

		$this->page()->enqueue( Admin_Page::HOOK_SUFFIX );
		$inline = (string) wp_scripts()->print_inline_script( Admin_Page::HANDLE, 'before', false );
		$config = $this->config_object();

		$this->assertStringStartsWith( 'window.relaypressAdmin = {', $inline );
		$this->assertDoesNotMatchRegularExpression( '/[<>\'&]/', $inline ); // JSON_HEX_*: nothing can close the script element.
		$this->assertStringNotContainsString( '<script', $config['locale'] );
		$this->assertStringNotContainsString( '<', $config['restRoot'] );
	}

	public function test_nothing_of_the_relay_connection_is_in_the_page(): void {
		$this->build( array( 'dependencies' => array(), 'version' => '1' ), true );
		$page = $this->page();

		$page->enqueue( Admin_Page::HOOK_SUFFIX );
		ob_start();
		$page->render();
		wp_scripts()->do_items( array( Admin_Page::HANDLE ) );
		wp_styles()->do_items( array( Admin_Page::HANDLE ) );
		$html = (string) ob_get_clean();

		$this->assertStringContainsString( 'window.relaypressAdmin', $html );
		$this->assertStringContainsString( self::BUILD_URL . '/admin-app.js', $html );
		$this->assertStringNotContainsString( self::TOKEN, $html );
		$this->assertStringNotContainsString( substr( self::TOKEN, -8 ), $html );
		$this->assertStringNotContainsString( self::RELAY_URL, $html );
	}

	public function test_a_user_without_the_capability_gets_no_page(): void {
		wp_set_current_user( $this->user( 'editor' ) );

		$this->assertSame( '', $this->render( $this->page() ) );
	}

	private function page(): Admin_Page {
		return new Admin_Page( $this->build_dir, self::BUILD_URL );
	}

	/**
	 * Writes a build: the script, optionally its asset file and stylesheet.
	 *
	 * @param array<string, mixed>|null $asset Asset file contents, or none.
	 */
	private function build( ?array $asset, bool $css ): void {
		file_put_contents( $this->build_dir . '/admin-app.js', 'console.log("app");' );
		if ( null !== $asset ) {
			file_put_contents( $this->build_dir . '/admin-app.asset.php', '<?php return ' . var_export( $asset, true ) . ';' );
		}
		if ( $css ) {
			file_put_contents( $this->build_dir . '/admin-app.css', '#relaypress-admin-app{}' );
		}
	}

	private function print_style(): string {
		ob_start();
		wp_styles()->do_items( array( Admin_Page::HANDLE ) );
		return (string) ob_get_clean();
	}

	private function render( Admin_Page $page ): string {
		ob_start();
		$page->render();
		return (string) ob_get_clean();
	}

	/**
	 * The object the inline script assigns, decoded.
	 *
	 * @return array<string, mixed>
	 */
	private function config_object(): array {
		$inline = (string) wp_scripts()->print_inline_script( Admin_Page::HANDLE, 'before', false );
		$this->assertMatchesRegularExpression( '/^window\.relaypressAdmin = (\{.*\});$/s', $inline );
		preg_match( '/^window\.relaypressAdmin = (\{.*\});$/s', $inline, $m );
		return (array) json_decode( $m[1], true );
	}

	private function reset_assets(): void {
		$GLOBALS['wp_scripts'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		$GLOBALS['wp_styles']  = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
	}

	public function test_the_not_configured_notice_is_marked_for_the_app_to_remove_and_absent_once_configured(): void {
		$notices = new \RelayPress\Admin\Admin_Notices( $this->plugin->conflicts, $this->plugin->settings );
		$render  = static function () use ( $notices ): string {
			ob_start();
			$notices->render();
			return (string) ob_get_clean();
		};
		$this->assertStringNotContainsString( 'not configured yet', $render(), 'configured (the test site has a relay URL and token)' );

		delete_option( \RelayPress\Settings\Settings::OPTION );
		$html = $render();
		$this->assertStringContainsString( '<div class="notice notice-warning" data-relaypress-notice="not-configured"><p><strong>RelayPress:</strong> RelayPress is not configured yet; WordPress sends mail as it did before.</p></div>', $html );
	}
}
