<?php
/**
 * The relay's message JSON reduced to known fields, typed and escaped.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * An allow-list: a field the relay adds later does not reach the browser until it is
 * listed here with its type.
 */
final class Relay_View {

	/**
	 * @param array<string, mixed> $m Relay message summary.
	 * @return array<string, mixed>
	 */
	public static function summary( array $m ): array {
		return array(
			'id'         => self::id( $m['id'] ?? null ),
			'created_at' => self::date( $m['created_at'] ?? null ),
			'source'     => sanitize_key( (string) ( $m['source'] ?? '' ) ),
			'mail_from'  => Output::text( $m['mail_from'] ?? '' ),
			'from'       => Output::nullable_text( $m['from'] ?? null ),
			'subject'    => Output::nullable_text( $m['subject'] ?? null ),
			'size'       => (int) ( $m['size'] ?? 0 ),
			'tags'       => array_map( array( Output::class, 'text' ), array_values( array_filter( (array) ( $m['tags'] ?? array() ), 'is_scalar' ) ) ),
			'recipients' => array_map(
				static fn( array $r ): array => array(
					'id'     => self::id( $r['id'] ?? null ),
					'email'  => Output::text( $r['email'] ?? '' ),
					'status' => sanitize_key( (string) ( $r['status'] ?? '' ) ),
				),
				self::list_of( $m['recipients'] ?? array() )
			),
		);
	}

	/**
	 * @param array<string, mixed> $m Relay message with recipients, attempts and events.
	 * @return array<string, mixed>
	 */
	public static function detail( array $m ): array {
		$view                      = self::summary( $m );
		$view['message_id_header'] = Output::nullable_text( $m['message_id_header'] ?? null );
		$view['recipients']        = array_map(
			static fn( array $r ): array => array(
				'id'              => self::id( $r['id'] ?? null ),
				'email'           => Output::text( $r['email'] ?? '' ),
				'status'          => sanitize_key( (string) ( $r['status'] ?? '' ) ),
				'attempts_count'  => (int) ( $r['attempts_count'] ?? 0 ),
				'next_attempt_at' => self::date( $r['next_attempt_at'] ?? null ),
				'last_response'   => Output::nullable_text( $r['last_response'] ?? null ),
				'attempts'        => array_map( array( self::class, 'attempt' ), self::list_of( $r['attempts'] ?? array() ) ),
			),
			self::list_of( $m['recipients'] ?? array() )
		);
		$view['events']            = array_map(
			static fn( array $e ): array => array(
				'id'        => self::id( $e['id'] ?? null ),
				'type'      => sanitize_key( str_replace( '.', '_', (string) ( $e['type'] ?? '' ) ) ),
				'at'        => self::date( $e['at'] ?? null ),
				'recipient' => Output::nullable_text( $e['recipient'] ?? null ),
			),
			self::list_of( $m['events'] ?? array() )
		);
		return $view;
	}

	/**
	 * @param array<string, mixed> $a Delivery attempt.
	 * @return array<string, mixed>
	 */
	public static function attempt( array $a ): array {
		return array(
			'id'              => self::id( $a['id'] ?? null ),
			'at'              => self::date( $a['at'] ?? null ),
			'outcome'         => sanitize_key( (string) ( $a['outcome'] ?? '' ) ),
			'category'        => sanitize_key( (string) ( $a['category'] ?? '' ) ),
			'response'        => Output::nullable_text( $a['response'] ?? null ),
			'response_code'   => isset( $a['response_code'] ) ? (int) $a['response_code'] : null,
			'enhanced_status' => Output::nullable_text( $a['enhanced_status'] ?? null ),
			'mx_host'         => Output::nullable_text( $a['mx_host'] ?? null ),
			'tls'             => (bool) ( $a['tls'] ?? false ),
			'duration_ms'     => isset( $a['duration_ms'] ) ? (int) $a['duration_ms'] : null,
		);
	}

	/**
	 * A relay id (`msg_…`, `rcpt_…`), or null when it is not one.
	 *
	 * @param mixed $value Value.
	 */
	public static function id( $value ): ?string {
		return is_scalar( $value ) && preg_match( '/^[A-Za-z0-9_-]{1,100}$/', (string) $value ) ? (string) $value : null;
	}

	/**
	 * An ISO 8601 date as the relay sends it, or null.
	 *
	 * @param mixed $value Value.
	 */
	public static function date( $value ): ?string {
		return is_string( $value ) && preg_match( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', $value ) ? $value : null;
	}

	/**
	 * @param mixed $value Value.
	 * @return array<int, array<string, mixed>>
	 */
	public static function list_of( $value ): array {
		return array_values( array_filter( is_array( $value ) ? $value : array(), 'is_array' ) );
	}
}
