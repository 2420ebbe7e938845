<?php
/**
 * The REST area: `relaypress/v1`, the admin app's only way in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Plugin;

/**
 * One small controller per resource. Every route requires the capability from
 * `relaypress_required_capability` (default `manage_options`); in a browser, WordPress's
 * cookie authentication adds the `X-WP-Nonce` check as for every REST route. The one
 * exception in the namespace, the relay's signed webhook receiver, is the Webhooks area's.
 */
class Rest {

	public const NAMESPACE = 'relaypress/v1';

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
		add_filter( 'rest_pre_serve_request', array( Csv_Download::class, 'serve' ), 10, 3 );
	}

	/**
	 * The capability every route requires.
	 */
	public static function capability(): string {
		return (string) apply_filters( 'relaypress_required_capability', 'manage_options' );
	}

	/**
	 * @return Controller[]
	 */
	public function controllers(): array {
		return array(
			new Settings_Controller( $this->plugin ),
			new Connection_Controller( $this->plugin ),
			new Test_Email_Controller( $this->plugin ),
			new Log_Controller( $this->plugin ),
			new Log_Export_Controller( $this->plugin ),
			new Relay_Controller( $this->plugin ),
			new Reports_Controller( $this->plugin ),
			new Webhook_Registration_Controller( $this->plugin ),
			new Domains_Controller( $this->plugin ),
			new Suppressions_Controller( $this->plugin ),
			new Overview_Controller( $this->plugin ),
			new WooCommerce_Controller( $this->plugin ),
		);
	}

	public function register_routes(): void {
		foreach ( $this->controllers() as $controller ) {
			$controller->register_routes();
		}
	}
}
