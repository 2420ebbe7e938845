<?php
/**
 * `POST /relaypress/v1/connection-test`.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Relay\Connection_Test;

/**
 * Always 200 when the test ran: the outcome is data (`ok` and a `code` from
 * Connection_Test::CODES), not an error of this API.
 */
class Connection_Controller extends Controller {

	public function register_routes(): void {
		$this->register_route(
			'/connection-test',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'run' ),
				),
			)
		);
	}

	public function run(): \WP_REST_Response {
		$result = ( new Connection_Test( $this->plugin->relay_client ) )->run();
		return new \WP_REST_Response(
			array(
				'ok'          => 'ok' === $result['code'],
				'code'        => $result['code'],
				'step'        => $result['step'],
				'http_status' => $result['http_status'],
				'message'     => Output::text( $result['message'] ),
			)
		);
	}
}
