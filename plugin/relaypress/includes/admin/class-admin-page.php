<?php
/**
 * The "RelayPress" admin menu page: the admin app's mount point.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Admin;

defined( 'ABSPATH' ) || exit;

use RelayPress\Rest\Rest;

/**
 * The page is an empty root element; the app (built into build/ by `npm run build:admin`)
 * renders into it and calls only this plugin's REST routes, with the REST nonce handed over
 * in `window.relaypressAdmin`. No relay URL or token is ever put in the page.
 *
 * The app bundles its own React: WordPress 6.1 has no `react-jsx-runtime` handle, so the
 * script never depends on core's React handles, and of the other handles its asset file lists
 * only those this WordPress registers (wp_set_script_translations() adds `wp-i18n`).
 */
class Admin_Page {

	public const SLUG        = 'relaypress';
	public const HOOK_SUFFIX = 'toplevel_page_relaypress';
	public const HANDLE      = 'relaypress-admin-app';
	public const ROOT_ID     = 'relaypress-admin-app';

	/** Core handles the bundle must not pull in (it carries its own React). */
	private const BUNDLED_HANDLES = array( 'react', 'react-dom', 'react-jsx-runtime' );

	private string $build_dir;
	private ?string $build_url;

	/**
	 * @param string      $build_dir Where admin-app.js (and .css, -rtl.css, .asset.php) are built.
	 * @param string|null $build_url Its URL (default: the plugin's build/ folder).
	 */
	public function __construct( string $build_dir, ?string $build_url = null ) {
		$this->build_dir = rtrim( $build_dir, '/' );
		$this->build_url = null === $build_url ? null : rtrim( $build_url, '/' );
	}

	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_menu' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	public function add_menu(): void {
		add_menu_page( __( 'RelayPress', 'relaypress' ), __( 'RelayPress', 'relaypress' ), Rest::capability(), self::SLUG, array( $this, 'render' ), 'dashicons-email-alt', 81 );
	}

	/**
	 * True when the app's script has been built.
	 */
	public function is_built(): bool {
		return is_readable( $this->build_dir . '/admin-app.js' );
	}

	/**
	 * `admin_enqueue_scripts`: the app on its own page only, when it is built.
	 */
	public function enqueue( string $hook_suffix ): void {
		if ( self::HOOK_SUFFIX !== $hook_suffix || ! $this->is_built() ) {
			return;
		}
		$asset   = $this->asset();
		$version = $asset['version'];
		wp_enqueue_script( self::HANDLE, $this->url( 'admin-app.js' ), $asset['dependencies'], $version, true );
		wp_add_inline_script( self::HANDLE, 'window.relaypressAdmin = ' . wp_json_encode( $this->config(), JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES ) . ';', 'before' );
		wp_set_script_translations( self::HANDLE, 'relaypress', dirname( $this->build_dir ) . '/languages' );
		if ( is_readable( $this->build_dir . '/admin-app.css' ) ) {
			wp_enqueue_style( self::HANDLE, $this->url( 'admin-app.css' ), array(), $version );
			// The build's RTLCSS copy (admin-app-rtl.css): core prints it instead of the LTR
			// file when the admin is right to left.
			if ( is_readable( $this->build_dir . '/admin-app-rtl.css' ) ) {
				wp_style_add_data( self::HANDLE, 'rtl', 'replace' );
			}
		}
	}

	/**
	 * What the app needs to start: where the routes are, the nonce, who is using it.
	 *
	 * @return array{restRoot: string, nonce: string, version: string, adminEmail: string, locale: string}
	 */
	public function config(): array {
		return array(
			'restRoot'   => esc_url_raw( rest_url( Rest::NAMESPACE . '/' ) ),
			'nonce'      => wp_create_nonce( 'wp_rest' ),
			'version'    => RELAYPRESS_VERSION,
			'adminEmail' => sanitize_email( wp_get_current_user()->user_email ),
			'locale'     => sanitize_text_field( get_user_locale() ),
		);
	}

	public function render(): void {
		if ( ! current_user_can( Rest::capability() ) ) {
			return;
		}
		echo '<div class="wrap">';
		if ( ! $this->is_built() ) {
			printf(
				'<h1>%1$s</h1><div class="notice notice-warning inline"><p>%2$s</p></div>',
				esc_html__( 'RelayPress', 'relaypress' ),
				wp_kses( __( 'The admin app is not built; run <code>npm run build:admin</code>.', 'relaypress' ), array( 'code' => array() ) )
			);
		}
		printf( '<div id="%s"></div>', esc_attr( self::ROOT_ID ) );
		echo '</div>';
	}

	/**
	 * The build's asset file (dependencies, version), its dependencies narrowed to handles
	 * this WordPress registers, core React left out.
	 *
	 * @return array{dependencies: string[], version: string}
	 */
	public function asset(): array {
		$file  = $this->build_dir . '/admin-app.asset.php';
		$asset = is_readable( $file ) ? include $file : array();
		$asset = is_array( $asset ) ? $asset : array();
		$deps  = array_values(
			array_filter(
				array_filter( (array) ( $asset['dependencies'] ?? array() ), 'is_string' ),
				static fn( string $handle ): bool => ! in_array( $handle, self::BUNDLED_HANDLES, true ) && wp_script_is( $handle, 'registered' )
			)
		);
		$version = isset( $asset['version'] ) && is_scalar( $asset['version'] ) && '' !== (string) $asset['version']
			? (string) $asset['version']
			: RELAYPRESS_VERSION . '-' . (string) filemtime( $this->build_dir . '/admin-app.js' );
		return array(
			'dependencies' => $deps,
			'version'      => $version,
		);
	}

	private function url( string $file ): string {
		return ( $this->build_url ?? plugins_url( 'build', RELAYPRESS_FILE ) ) . '/' . $file;
	}
}
