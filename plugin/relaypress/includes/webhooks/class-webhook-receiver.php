<?php
/**
 * `POST /relaypress/v1/webhooks`: where the relay reports what happened to each message.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Webhooks;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Delivery_Status;
use RelayPress\Rest\Rest;
use RelayPress\Support\Clock;

/**
 * The checklist, in order; every refusal happens before anything is written:
 * body too large (413) → signature header missing or malformed (400) → signature or
 * timestamp refused (401) → no JSON object with an id and a type (400) → unknown type (200,
 * ignored: a newer relay's events) → other fields missing or invalid (400) → already
 * recorded (200, duplicate) → recorded (200).
 */
class Webhook_Receiver {

	public const ROUTE = '/webhooks';

	/** Largest body accepted; events are a few hundred bytes. */
	public const MAX_BODY_BYTES = 262144;

	/** Relay ids (`evt_…`, `msg_…`). */
	private const ID_PATTERN = '/^[A-Za-z0-9_-]{1,100}$/';

	private Webhook_Registration $registration;
	private Event_Recorder $recorder;
	private Clock $clock;

	public function __construct( Webhook_Registration $registration, Event_Recorder $recorder, Clock $clock ) {
		$this->registration = $registration;
		$this->recorder     = $recorder;
		$this->clock        = $clock;
	}

	public function register_routes(): void {
		register_rest_route(
			Rest::NAMESPACE,
			self::ROUTE,
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'receive' ),
					// Public on purpose, and the only route of the namespace that is: the relay has
					// no WordPress login. The HMAC signature over the raw body, checked first thing
					// in receive(), is the authentication; nothing is read or written before it.
					'permission_callback' => '__return_true',
					'args'                => array(),
				),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function receive( \WP_REST_Request $request ) {
		$body = (string) $request->get_body();
		if ( strlen( $body ) > self::MAX_BODY_BYTES ) {
			return new \WP_Error( 'relaypress_webhook_too_large', __( 'The webhook body is too large.', 'relaypress' ), array( 'status' => 413 ) );
		}
		$verified = Signature::verify( $request->get_header( Signature::HEADER ), $body, $this->registration->secrets(), $this->clock->now() );
		if ( is_wp_error( $verified ) ) {
			return $verified;
		}
		$event = self::parse( $body );
		if ( is_wp_error( $event ) ) {
			return $event;
		}
		if ( ! Delivery_Status::known( $event['type'] ) ) {
			return new \WP_REST_Response( array( 'received' => true, 'ignored' => true ) ); // Forward compatibility: acknowledged, so the relay stops retrying.
		}
		$recorded = $this->recorder->record( $event );
		if ( is_wp_error( $recorded ) ) {
			return $recorded; // 500: the relay retries.
		}
		return new \WP_REST_Response(
			array(
				'received'  => true,
				'duplicate' => ! $recorded['stored'],
				'matched'   => null !== $recorded['log_id'],
			)
		);
	}

	/**
	 * The event in the body, validated: `{id, type, created_at, message_id, recipient, data}`.
	 *
	 * @return array{id: string, type: string, occurred_at: string, message_id: string|null, recipient: string|null, data: array<mixed>}|\WP_Error
	 */
	public static function parse( string $body ) {
		$json = json_decode( $body, true, 64 );
		if ( ! is_array( $json ) ) {
			return self::invalid( __( 'The body is not a JSON object.', 'relaypress' ), null );
		}
		$missing = self::missing( $json, array( 'id', 'type' ) );
		if ( null !== $missing ) {
			return $missing;
		}
		if ( ! is_string( $json['id'] ) || ! preg_match( self::ID_PATTERN, $json['id'] ) ) {
			return self::invalid( __( 'id must be a relay event id.', 'relaypress' ), 'id' );
		}
		if ( ! is_string( $json['type'] ) || '' === $json['type'] || strlen( $json['type'] ) > 100 ) {
			return self::invalid( __( 'type must be an event type.', 'relaypress' ), 'type' );
		}
		if ( ! Delivery_Status::known( $json['type'] ) ) { // A newer relay's type: its other fields are not this plugin's to judge.
			return array( 'id' => $json['id'], 'type' => $json['type'], 'occurred_at' => '', 'message_id' => null, 'recipient' => null, 'data' => array() );
		}
		$missing = self::missing( $json, array( 'created_at', 'message_id', 'recipient', 'data' ) );
		if ( null !== $missing ) {
			return $missing;
		}
		$occurred_at = is_string( $json['created_at'] ) ? self::mysql_time( $json['created_at'] ) : null;
		if ( null === $occurred_at ) {
			return self::invalid( __( 'created_at must be an ISO 8601 time.', 'relaypress' ), 'created_at' );
		}
		if ( null !== $json['message_id'] && ( ! is_string( $json['message_id'] ) || ! preg_match( self::ID_PATTERN, $json['message_id'] ) ) ) {
			return self::invalid( __( 'message_id must be a relay message id or null.', 'relaypress' ), 'message_id' );
		}
		if ( null !== $json['recipient'] && ( ! is_string( $json['recipient'] ) || '' === $json['recipient'] || strlen( $json['recipient'] ) > 320 ) ) {
			return self::invalid( __( 'recipient must be an address or null.', 'relaypress' ), 'recipient' );
		}
		if ( ! is_array( $json['data'] ) ) {
			return self::invalid( __( 'data must be an object.', 'relaypress' ), 'data' );
		}
		return array(
			'id'          => $json['id'],
			'type'        => $json['type'],
			'occurred_at' => $occurred_at,
			'message_id'  => $json['message_id'],
			'recipient'   => $json['recipient'],
			'data'        => $json['data'],
		);
	}

	/**
	 * An RFC 3339 time as UTC `Y-m-d H:i:s.v`, or null.
	 */
	private static function mysql_time( string $value ): ?string {
		if ( false === rest_parse_date( $value ) || ! preg_match( '/(Z|[+-]\d\d:?\d\d)$/i', $value ) ) {
			return null; // A time without a zone would be read in this server's zone.
		}
		try {
			return ( new \DateTimeImmutable( $value ) )->setTimezone( new \DateTimeZone( 'UTC' ) )->format( 'Y-m-d H:i:s.v' );
		} catch ( \Exception $e ) {
			return null;
		}
	}

	/**
	 * The error for the first of $fields the event lacks (null is a value), or null.
	 *
	 * @param array<mixed> $json   Decoded body.
	 * @param string[]     $fields Required keys.
	 */
	private static function missing( array $json, array $fields ): ?\WP_Error {
		foreach ( $fields as $field ) {
			if ( ! array_key_exists( $field, $json ) ) {
				/* translators: %s: field name */
				return self::invalid( sprintf( __( 'The event has no %s.', 'relaypress' ), $field ), $field );
			}
		}
		return null;
	}

	private static function invalid( string $message, ?string $field ): \WP_Error {
		return new \WP_Error( 'relaypress_webhook_invalid_event', $message, array( 'status' => 400, 'field' => $field ) );
	}
}
