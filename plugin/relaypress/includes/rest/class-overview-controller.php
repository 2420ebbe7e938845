<?php
/**
 * `GET /relaypress/v1/overview`: the admin app's first screen in one request.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Always 200: whether the relay is set up and answering is part of the answer, not an
 * error. The relay is asked only `/healthz` (no token, Relay_Client::HEALTH_TIMEOUT); the
 * rest is this site's own tables (two indexed counts) and the webhook registration state.
 */
class Overview_Controller extends Controller {

	/** The log window the overview counts. */
	public const LOG_WINDOW = DAY_IN_SECONDS;

	public function register_routes(): void {
		$this->register_route(
			'/overview',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'show' ),
				),
			)
		);
	}

	public function show(): \WP_REST_Response {
		return new \WP_REST_Response(
			array(
				'connection' => $this->connection(),
				'webhook'    => Settings_Controller::webhook_view( $this->plugin->webhook_registration->view() ),
				'outbox'     => $this->plugin->outbox_repository->backlog(),
				'log_24h'    => $this->plugin->log_repository->count_by_status_since( $this->plugin->clock->mysql( -self::LOG_WINDOW ) ),
			)
		);
	}

	/**
	 * @return array{configured: bool, reachable: bool, code: string, message: string}
	 */
	private function connection(): array {
		if ( ! $this->plugin->settings->is_configured() ) {
			return array(
				'configured' => false,
				'reachable'  => false,
				'code'       => 'not_configured',
				'message'    => Output::text( self::not_configured()->get_error_message() ),
			);
		}
		try {
			$health = $this->plugin->relay_client->health();
		} catch ( \Throwable $e ) { // A filter on the HTTP API that throws must not take the overview down.
			$health = new \WP_Error( 'relaypress_relay_unreachable', $e->getMessage(), array( 'relay_code' => 'unreachable' ) );
		}
		if ( true === $health ) {
			return array(
				'configured' => true,
				'reachable'  => true,
				'code'       => 'ok',
				'message'    => Output::text( __( 'The relay answers.', 'relaypress' ) ),
			);
		}
		$data = (array) $health->get_error_data();
		return array(
			'configured' => true,
			'reachable'  => false,
			'code'       => sanitize_key( (string) ( $data['relay_code'] ?? 'unreachable' ) ),
			'message'    => Output::text( $health->get_error_message() ),
		);
	}
}
