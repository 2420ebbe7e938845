<?php
/**
 * `POST /relaypress/v1/webhook-registration`: register the webhook with the relay again now.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * The admin's retry after a failed registration, and the way to get a fresh secret. Always
 * 200 when it ran: the outcome is data (`ok`, `code`, `message`), as for the connection test.
 */
class Webhook_Registration_Controller extends Controller {

	public function register_routes(): void {
		$this->register_route(
			'/webhook-registration',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'run' ),
				),
			)
		);
	}

	public function run(): \WP_REST_Response {
		$result = $this->plugin->webhook_registration->register();
		return new \WP_REST_Response(
			array(
				'ok'      => $result['ok'],
				'code'    => sanitize_key( $result['code'] ),
				'message' => Output::text( $result['message'] ),
				'webhook' => ( new Settings_Controller( $this->plugin ) )->view()['webhook'],
			)
		);
	}
}
