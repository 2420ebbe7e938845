<?php
/**
 * `/relaypress/v1/relay/messages[/id]`: the relay's view of messages, fetched server-side.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * The browser never sees the relay token: PHP calls the relay with it and returns a typed,
 * escaped copy of the fields the admin app shows (Relay_View). Relay errors keep their code
 * and message; the status says whose fault it is (Controller::relay_error()).
 */
class Relay_Controller extends Controller {

	public function register_routes(): void {
		$this->register_route(
			'/relay/messages',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'index' ),
					'args'     => array(
						'limit'  => self::arg( array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 100, 'default' => 25, 'description' => __( 'Messages per page.', 'relaypress' ) ) ),
						'cursor' => self::arg( array( 'type' => 'string', 'pattern' => '^[A-Za-z0-9_-]{1,100}$', 'description' => __( 'next_cursor of the previous page.', 'relaypress' ) ) ),
					),
				),
			)
		);
		$this->register_route(
			'/relay/messages/(?P<id>[A-Za-z0-9_-]{1,100})',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'show' ),
					'args'     => array(
						'id' => self::arg( array( 'type' => 'string', 'pattern' => '^[A-Za-z0-9_-]{1,100}$', 'required' => true, 'description' => __( 'Relay message id.', 'relaypress' ) ) ),
					),
				),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function index( \WP_REST_Request $request ) {
		$query = array( 'limit' => (int) $request->get_param( 'limit' ) );
		if ( null !== $request->get_param( 'cursor' ) ) {
			$query['cursor'] = (string) $request->get_param( 'cursor' );
		}
		$json = $this->plugin->relay_client->get_json( '/v1/messages', $query );
		if ( is_wp_error( $json ) ) {
			return self::relay_error( $json );
		}
		return new \WP_REST_Response(
			array(
				'data'        => array_map( array( Relay_View::class, 'summary' ), array_values( array_filter( (array) ( $json['data'] ?? array() ), 'is_array' ) ) ),
				'next_cursor' => Relay_View::id( $json['next_cursor'] ?? null ),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function show( \WP_REST_Request $request ) {
		$json = $this->plugin->relay_client->get_json( '/v1/messages/' . rawurlencode( (string) $request['id'] ) );
		if ( is_wp_error( $json ) ) {
			return self::relay_error( $json );
		}
		return new \WP_REST_Response( Relay_View::detail( $json ) );
	}
}
