<?php
/**
 * Talks to the relay's HTTP API through the WordPress HTTP API.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Relay;

defined( 'ABSPATH' ) || exit;

use RelayPress\Settings\Settings;

/**
 * `POST /v1/emails` with the raw message, `GET /v1/messages/:id`, `GET /healthz`, and
 * the JSON endpoints the admin routes proxy (get_json(), send_json(), call(), download()).
 * Every answer becomes a Send_Result through one table (classify()).
 */
class Relay_Client {

	/** Seconds to wait for the TCP connection, then for the whole request. */
	public const CONNECT_TIMEOUT = 3;
	public const TOTAL_TIMEOUT   = 10;

	/** Seconds the overview waits for `/healthz`: a status line, not worth holding the page. */
	public const HEALTH_TIMEOUT = 3;

	/**
	 * HTTP statuses that are retried although they are 4xx: the request was fine, the relay
	 * was not ready for it. Every other 4xx is the request's fault and is not retried.
	 */
	private const TEMPORARY_CLIENT_ERRORS = array( 408, 429 );

	private Settings $settings;

	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Hands one message over. The request body is a pure function of the stored row, so a
	 * retry with the same Idempotency-Key is the same request (the relay answers a repeated
	 * key with a different body by 409).
	 *
	 * @param string   $mail_from       Envelope sender.
	 * @param string[] $rcpt_to         Envelope recipients.
	 * @param string   $raw             RFC 5322 message, CRLF.
	 * @param string   $idempotency_key UUID of the outbox row.
	 * @param string[] $tags            Relay tags.
	 * @param array{opens: bool, clicks: bool}|null $tracking Sent as `tracking` (both kinds, so
	 *                                                        the account's defaults never apply);
	 *                                                        null leaves it out.
	 */
	public function send_raw( string $mail_from, array $rcpt_to, string $raw, string $idempotency_key, array $tags, ?array $tracking = null ): Send_Result {
		$body = array(
			'envelope' => array(
				'mail_from' => $mail_from,
				'rcpt_to'   => array_values( $rcpt_to ),
			),
			'raw'      => base64_encode( $raw ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
			'tags'     => array_values( $tags ),
		);
		if ( null !== $tracking ) {
			$body['tracking'] = array(
				'opens'  => (bool) $tracking['opens'],
				'clicks' => (bool) $tracking['clicks'],
			);
		}
		$response = $this->request( 'POST', '/v1/emails', (string) wp_json_encode( $body ), array( 'Idempotency-Key' => $idempotency_key ) );
		return $this->classify( $response );
	}

	/**
	 * Hands one message over in the template form: `$json` is the stored body, sent byte for
	 * byte, so a retry under the same key is the same request.
	 *
	 * @param string $json            `POST /v1/emails` body with `template_id`.
	 * @param string $idempotency_key UUID of the outbox row.
	 */
	public function send_template( string $json, string $idempotency_key ): Send_Result {
		return $this->classify( $this->request( 'POST', '/v1/emails', $json, array( 'Idempotency-Key' => $idempotency_key ) ) );
	}

	/**
	 * Relay's view of a message, per recipient.
	 *
	 * @return array<string, mixed>|\WP_Error
	 */
	public function message_status( string $relay_message_id ) {
		$response = $this->request( 'GET', '/v1/messages/' . rawurlencode( $relay_message_id ) );
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( 200 !== $status || ! is_array( $json ) ) {
			return new \WP_Error( 'relaypress_relay_error', $this->classify( $response )->describe() );
		}
		return $json;
	}

	/**
	 * A GET to the relay: the WordPress HTTP API's response, or its transport error.
	 *
	 * @param array<string, scalar> $query Query arguments.
	 * @return array<string, mixed>|\WP_Error
	 */
	public function get( string $path, array $query = array(), bool $auth = true ) {
		return $this->request( 'GET', self::with_query( $path, $query ), null, array(), $auth );
	}

	/**
	 * @param array<string, scalar> $query Query arguments, each URL-encoded.
	 */
	private static function with_query( string $path, array $query ): string {
		return $query ? add_query_arg( array_map( 'rawurlencode', array_map( 'strval', $query ) ), $path ) : $path;
	}

	/**
	 * A GET whose 2xx JSON object comes back as an array; anything else as a WP_Error whose
	 * code and message are the relay's (`relaypress_relay_<code>`), with `relay_status`,
	 * `relay_code` and `relay_field` (the parameter it refused, or null) in its data, or
	 * `relaypress_relay_unreachable` / `relaypress_relay_tls_error`.
	 *
	 * @param array<string, scalar> $query Query arguments.
	 * @return array<string, mixed>|\WP_Error
	 */
	public function get_json( string $path, array $query = array() ) {
		return $this->json_answer( $this->get( $path, $query ) );
	}

	/**
	 * A POST, PATCH or DELETE with a JSON body (or none), answered as get_json() answers.
	 *
	 * @param array<string, mixed>|null $body Request body.
	 * @return array<string, mixed>|\WP_Error
	 */
	public function send_json( string $method, string $path, ?array $body = null ) {
		return $this->json_answer( $this->request( $method, $path, null === $body ? null : (string) wp_json_encode( $body ) ) );
	}

	/**
	 * Any request whose answer is a 2xx JSON object, with the relay's status (201 created vs
	 * 200 already there); errors as get_json(). $body is sent as is, with $content_type.
	 *
	 * @param array<string, scalar> $query Query arguments.
	 * @return array{status: int, json: array<string, mixed>}|\WP_Error
	 */
	public function call( string $method, string $path, array $query = array(), ?string $body = null, string $content_type = 'application/json' ) {
		$response = $this->request( $method, self::with_query( $path, $query ), $body, null === $body ? array() : array( 'Content-Type' => $content_type ) );
		$json     = $this->json_answer( $response );
		return is_wp_error( $json ) ? $json : array(
			'status' => (int) wp_remote_retrieve_response_code( $response ),
			'json'   => $json,
		);
	}

	/**
	 * A GET whose 2xx body is a file (CSV), returned as is with its Content-Type; errors as
	 * get_json().
	 *
	 * @return array{body: string, content_type: string}|\WP_Error
	 */
	public function download( string $path ) {
		$response = $this->get( $path );
		$status   = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		if ( $status < 200 || $status >= 300 ) {
			return $this->json_answer( $response ); // Always an error for a non-2xx.
		}
		return array(
			'body'         => (string) wp_remote_retrieve_body( $response ),
			'content_type' => (string) wp_remote_retrieve_header( $response, 'content-type' ),
		);
	}

	/**
	 * Whether the relay answers `/healthz` (no token sent), within HEALTH_TIMEOUT. Never throws.
	 *
	 * @return true|\WP_Error Its error as get_json()'s.
	 */
	public function health() {
		$response = $this->request( 'GET', '/healthz', null, array(), false, self::HEALTH_TIMEOUT );
		if ( ! is_wp_error( $response ) && 200 === (int) wp_remote_retrieve_response_code( $response ) ) {
			return true;
		}
		$error = $this->json_answer( $response );
		return is_wp_error( $error ) ? $error : new \WP_Error( 'relaypress_relay_unexpected_response', 'unexpected answer', array( 'relay_status' => (int) wp_remote_retrieve_response_code( $response ), 'relay_code' => 'unexpected_response', 'relay_field' => null ) );
	}

	/**
	 * True for a relay answer worth retrying later: no answer at all, 5xx, 408 or 429.
	 */
	public static function is_temporary( \WP_Error $error ): bool {
		$data   = (array) $error->get_error_data();
		$status = $data['relay_status'] ?? null;
		return null === $status ? 'not_configured' !== ( $data['relay_code'] ?? '' ) : ( $status >= 500 || in_array( (int) $status, self::TEMPORARY_CLIENT_ERRORS, true ) );
	}

	/**
	 * A 2xx JSON object (an empty 2xx body counts as an empty object), or the error.
	 *
	 * @param array<string, mixed>|\WP_Error $response HTTP API result.
	 * @return array<string, mixed>|\WP_Error
	 */
	private function json_answer( $response ) {
		if ( is_wp_error( $response ) ) {
			$kind = 'relaypress_not_configured' === $response->get_error_code() ? 'not_configured' : ( self::is_tls_error( $response ) ? 'tls_error' : 'unreachable' );
			return new \WP_Error( 'relaypress_relay_' . $kind, $response->get_error_message(), array( 'relay_status' => null, 'relay_code' => $kind, 'relay_field' => null ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$raw    = (string) wp_remote_retrieve_body( $response );
		$json   = '' === trim( $raw ) && 204 === $status ? array() : json_decode( $raw, true );
		if ( $status >= 200 && $status < 300 && is_array( $json ) ) {
			return $json;
		}
		$error = is_array( $json ) && isset( $json['error'] ) && is_array( $json['error'] ) ? $json['error'] : array();
		$code  = preg_replace( '/[^a-z0-9_]/', '', strtolower( (string) ( $error['code'] ?? '' ) ) );
		$code  = '' === $code ? 'unexpected_response' : $code;
		$text  = (string) ( $error['message'] ?? wp_remote_retrieve_response_message( $response ) );
		$field = isset( $error['field'] ) && is_scalar( $error['field'] ) && '' !== (string) $error['field'] ? (string) $error['field'] : null;
		return new \WP_Error( 'relaypress_relay_' . $code, '' === $text ? 'unexpected answer' : $text, array( 'relay_status' => $status, 'relay_code' => $code, 'relay_field' => $field ) );
	}

	/**
	 * True for a transport error raised by TLS (handshake, certificate, protocol).
	 */
	public static function is_tls_error( \WP_Error $error ): bool {
		// cURL: 35 connect/handshake, 51/60 peer certificate, 53/54/58/59/66/77/80/82/83/90/91 TLS setup.
		return (bool) preg_match( '/cURL error (35|51|53|54|58|59|60|66|77|80|82|83|90|91)\b|\bSSL\b|\bTLS\b|certificate/i', $error->get_error_message() );
	}

	/**
	 * The connection test: relay reachable (`/healthz`) and token accepted.
	 *
	 * @return true|\WP_Error
	 */
	public function test_connection() {
		$health = $this->request( 'GET', '/healthz', null, array(), false );
		if ( is_wp_error( $health ) ) {
			return new \WP_Error( 'relaypress_unreachable', $health->get_error_message() );
		}
		if ( 200 !== (int) wp_remote_retrieve_response_code( $health ) ) {
			return new \WP_Error( 'relaypress_unhealthy', $this->classify( $health )->describe() );
		}
		$auth = $this->request( 'GET', '/v1/messages?limit=1' );
		if ( is_wp_error( $auth ) || 200 !== (int) wp_remote_retrieve_response_code( $auth ) ) {
			return new \WP_Error( 'relaypress_token_rejected', $this->classify( $auth )->describe() );
		}
		return true;
	}

	/**
	 * Maps a response (or transport error) to a Send_Result.
	 *
	 * @param array<string, mixed>|\WP_Error $response wp_remote_request() result.
	 */
	public function classify( $response ): Send_Result {
		if ( is_wp_error( $response ) ) {
			return new Send_Result( Send_Result::TEMPORARY, null, 'relay_unreachable', $response->get_error_message() );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$error  = is_array( $json ) && isset( $json['error'] ) && is_array( $json['error'] ) ? $json['error'] : array();
		$code   = (string) ( $error['code'] ?? '' );
		$text   = (string) ( $error['message'] ?? wp_remote_retrieve_response_message( $response ) );
		if ( ! empty( $error['field'] ) ) {
			$text .= ' (' . $error['field'] . ')';
		}

		if ( $status >= 200 && $status < 300 ) {
			$id = is_array( $json ) && isset( $json['id'] ) ? (string) $json['id'] : null;
			return new Send_Result( Send_Result::ACCEPTED, $status, '', 'accepted', $id );
		}
		if ( $status >= 400 && $status < 500 && ! in_array( $status, self::TEMPORARY_CLIENT_ERRORS, true ) ) {
			return new Send_Result( Send_Result::PERMANENT, $status, $code, $text );
		}
		// 5xx, 408, 429, and anything unexpected (3xx from a wrong URL): keep the message.
		return new Send_Result( Send_Result::TEMPORARY, $status, $code, '' === $text ? 'unexpected answer' : $text );
	}

	/**
	 * @param array<string, string> $headers Extra headers (a body is JSON unless they say otherwise).
	 * @return array<string, mixed>|\WP_Error
	 */
	private function request( string $method, string $path, ?string $body = null, array $headers = array(), bool $auth = true, int $timeout = self::TOTAL_TIMEOUT ) {
		$base = $this->settings->relay_url();
		if ( '' === $base ) {
			return new \WP_Error( 'relaypress_not_configured', __( 'No relay URL is configured.', 'relaypress' ) );
		}
		if ( $auth ) {
			$headers['Authorization'] = 'Bearer ' . $this->settings->api_token();
		}
		if ( null !== $body && ! isset( $headers['Content-Type'] ) ) {
			$headers['Content-Type'] = 'application/json';
		}
		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'redirection' => 0,
			'headers'     => $headers,
			'user-agent'  => 'RelayPress/' . ( defined( 'RELAYPRESS_VERSION' ) ? RELAYPRESS_VERSION : '0' ) . '; ' . home_url( '/' ), // Not defined in uninstall.php.
		);
		if ( null !== $body ) {
			$args['body'] = $body;
		}

		// The WordPress HTTP API has no connect timeout of its own; set it on our handle only.
		$connect_timeout = static function ( $handle ): void {
			curl_setopt( $handle, CURLOPT_CONNECTTIMEOUT, self::CONNECT_TIMEOUT ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
		};
		add_action( 'http_api_curl', $connect_timeout );
		try {
			return wp_remote_request( $base . $path, $args );
		} finally {
			remove_action( 'http_api_curl', $connect_timeout );
		}
	}
}
