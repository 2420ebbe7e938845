<?php
/**
 * What every RelayPress REST controller shares: namespace, permission check, arg helpers.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Plugin;

/**
 * register_route() adds the permission callback to every endpoint, so no route can be
 * registered without it.
 */
abstract class Controller {

	/** Relay status → status of this API (the rest: 502, the relay misbehaved or is down). */
	private const STATUS_FOR_RELAY = array(
		400 => 400,
		404 => 404,
		409 => 409, // The request clashes with the account's state (a domain taken, a key that signs).
		413 => 413,
		429 => 503,
		503 => 503,
	);

	protected Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	abstract public function register_routes(): void;

	/**
	 * 401 for a visitor (or a cookie request without a nonce), 403 for a user without the capability.
	 *
	 * @return true|\WP_Error
	 */
	public function permission() {
		if ( current_user_can( Rest::capability() ) ) {
			return true;
		}
		return new \WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to manage RelayPress.', 'relaypress' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * @param array<int, array<string, mixed>> $endpoints Endpoints (methods, callback, args).
	 */
	protected function register_route( string $path, array $endpoints ): void {
		foreach ( $endpoints as $i => $endpoint ) {
			$endpoints[ $i ]['permission_callback'] = array( $this, 'permission' );
			$endpoints[ $i ]['args']                = $endpoint['args'] ?? array();
		}
		register_rest_route( Rest::NAMESPACE, $path, $endpoints );
	}

	/**
	 * An argument whose value is checked against its schema first, then by $check; sanitized
	 * by its schema, then by $clean.
	 *
	 * @param array<string, mixed> $schema JSON schema (type, enum, minimum, …).
	 * @param callable|null        $check  fn( $value ): true|string (string = error message).
	 * @param callable|null        $clean  fn( $value ): mixed.
	 * @return array<string, mixed>
	 */
	protected static function arg( array $schema, ?callable $check = null, ?callable $clean = null ): array {
		return $schema + array(
			'validate_callback' => static function ( $value, $request, $param ) use ( $check ) {
				$valid = rest_validate_request_arg( $value, $request, $param );
				if ( true !== $valid || null === $check ) {
					return $valid;
				}
				$verdict = $check( $value );
				/* translators: 1: parameter, 2: problem */
				return true === $verdict ? true : new \WP_Error( 'rest_invalid_param', sprintf( __( '%1$s: %2$s', 'relaypress' ), $param, (string) $verdict ), array( 'status' => 400 ) );
			},
			'sanitize_callback' => static function ( $value, $request, $param ) use ( $clean ) {
				$value = rest_sanitize_request_arg( $value, $request, $param );
				return null === $clean || is_wp_error( $value ) ? $value : $clean( $value );
			},
		);
	}

	/**
	 * A log entry id in the path.
	 *
	 * @return array<string, mixed>
	 */
	protected static function id_arg(): array {
		return self::arg(
			array(
				'type'        => 'integer',
				'minimum'     => 1,
				'required'    => true,
				'description' => __( 'Log entry id.', 'relaypress' ),
			)
		);
	}

	/**
	 * A list of log entry ids in the body.
	 *
	 * @return array<string, mixed>
	 */
	protected static function ids_arg(): array {
		return self::arg(
			array(
				'type'        => 'array',
				'items'       => array(
					'type'    => 'integer',
					'minimum' => 1,
				),
				'minItems'    => 1,
				'maxItems'    => 100,
				'uniqueItems' => true,
				'required'    => true,
				'description' => __( 'Log entry ids.', 'relaypress' ),
			),
			null,
			static fn( $ids ) => array_values( array_map( 'intval', (array) $ids ) )
		);
	}

	/**
	 * '' or an http(s) URL.
	 *
	 * @param mixed $value Value.
	 * @return true|string
	 */
	protected static function check_url_or_empty( $value ) {
		$value = trim( (string) $value );
		if ( '' === $value ) {
			return true;
		}
		$scheme = strtolower( (string) wp_parse_url( $value, PHP_URL_SCHEME ) );
		return in_array( $scheme, array( 'http', 'https' ), true ) && '' !== (string) wp_parse_url( $value, PHP_URL_HOST ) && esc_url_raw( $value, array( 'http', 'https' ) ) === $value
			? true
			: __( 'must be an http or https URL', 'relaypress' );
	}

	/**
	 * '' or an email address.
	 *
	 * @param mixed $value Value.
	 * @return true|string
	 */
	protected static function check_email_or_empty( $value ) {
		$value = trim( (string) $value );
		return '' === $value || is_email( $value ) ? true : __( 'must be an email address', 'relaypress' );
	}

	/**
	 * A request to the relay (with the token) whose answer is a 2xx JSON object, with its
	 * status; or this API's error (relay_error()), 503 before any request when no relay URL
	 * or token is configured.
	 *
	 * @param array<string, scalar> $query Query arguments.
	 * @return array{status: int, json: array<string, mixed>}|\WP_Error
	 */
	protected function relay_call( string $method, string $path, array $query = array(), ?string $body = null, string $content_type = 'application/json' ) {
		if ( ! $this->plugin->settings->is_configured() ) {
			return self::relay_error( self::not_configured() );
		}
		$answer = $this->plugin->relay_client->call( $method, $path, $query, $body, $content_type );
		return is_wp_error( $answer ) ? self::relay_error( $answer ) : $answer;
	}

	/**
	 * The error for a site with no relay URL or token, as Relay_Client errors look.
	 */
	protected static function not_configured(): \WP_Error {
		return new \WP_Error( 'relaypress_relay_not_configured', __( 'No relay URL or API token is configured.', 'relaypress' ), array( 'relay_status' => null, 'relay_code' => 'not_configured' ) );
	}

	/**
	 * A Relay_Client error as this API's: the same code and message (escaped), a status that
	 * says whose fault it is (STATUS_FOR_RELAY; no relay configured: 503), and the parameter
	 * the relay refused, if it named one.
	 */
	protected static function relay_error( \WP_Error $relay ): \WP_Error {
		$data   = (array) $relay->get_error_data();
		$status = isset( $data['relay_status'] ) ? ( self::STATUS_FOR_RELAY[ (int) $data['relay_status'] ] ?? 502 ) : ( 'not_configured' === ( $data['relay_code'] ?? '' ) ? 503 : 502 );
		return new \WP_Error(
			$relay->get_error_code(),
			Output::text( $relay->get_error_message() ),
			array(
				'status'       => $status,
				'relay_status' => isset( $data['relay_status'] ) ? (int) $data['relay_status'] : null,
				'relay_code'   => sanitize_key( (string) ( $data['relay_code'] ?? '' ) ),
				'field'        => Output::nullable_text( $data['relay_field'] ?? null ),
			)
		);
	}
}
