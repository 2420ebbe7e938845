<?php
/**
 * Checks that the relay answers and accepts the token, naming the first thing that fails.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Relay;

defined( 'ABSPATH' ) || exit;

/**
 * `GET /healthz` (no token), then `GET /v1/messages?limit=1` (token). The result code is
 * one of CODES, for the admin app to explain.
 */
class Connection_Test {

	public const CODES = array( 'ok', 'not_configured', 'unreachable', 'tls_error', 'unauthorized', 'unexpected_response' );

	private Relay_Client $client;

	public function __construct( Relay_Client $client ) {
		$this->client = $client;
	}

	/**
	 * @return array{code: string, message: string, step: string, http_status: int|null}
	 */
	public function run(): array {
		$health = $this->client->get( '/healthz', array(), false );
		$failed = $this->failure( 'healthz', $health, false );
		if ( null !== $failed ) {
			return $failed;
		}
		$auth   = $this->client->get( '/v1/messages', array( 'limit' => 1 ) );
		$failed = $this->failure( 'auth', $auth, true );
		if ( null !== $failed ) {
			return $failed;
		}
		return self::result( 'ok', 'auth', 200, __( 'The relay is reachable and accepts the API token.', 'relaypress' ) );
	}

	/**
	 * @param array<string, mixed>|\WP_Error $response HTTP API result.
	 * @return array{code: string, message: string, step: string, http_status: int|null}|null
	 */
	private function failure( string $step, $response, bool $expect_list ): ?array {
		if ( is_wp_error( $response ) ) {
			if ( 'relaypress_not_configured' === $response->get_error_code() ) {
				return self::result( 'not_configured', $step, null, $response->get_error_message() );
			}
			return self::result( Relay_Client::is_tls_error( $response ) ? 'tls_error' : 'unreachable', $step, null, $response->get_error_message() );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $expect_list && in_array( $status, array( 401, 403 ), true ) ) {
			return self::result( 'unauthorized', $step, $status, $this->client->classify( $response )->describe() );
		}
		$shape_ok = is_array( $json ) && ( ! $expect_list || ( isset( $json['data'] ) && is_array( $json['data'] ) ) );
		if ( 200 !== $status || ! $shape_ok ) {
			/* translators: 1: request, 2: what came back */
			return self::result( 'unexpected_response', $step, $status, sprintf( __( '%1$s answered: %2$s', 'relaypress' ), 'healthz' === $step ? 'GET /healthz' : 'GET /v1/messages', $this->client->classify( $response )->describe() ) );
		}
		return null;
	}

	/**
	 * @return array{code: string, message: string, step: string, http_status: int|null}
	 */
	private static function result( string $code, string $step, ?int $status, string $message ): array {
		return array(
			'code'        => $code,
			'step'        => $step,
			'http_status' => $status,
			'message'     => $message,
		);
	}
}
