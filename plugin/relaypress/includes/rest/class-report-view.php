<?php
/**
 * The relay's reporting JSON (analytics, events) reduced to known fields, typed and escaped.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Delivery_Status;

/**
 * An allow-list, as Relay_View: a figure or event field the relay adds later does not reach
 * the browser until it is listed here with its type.
 */
final class Report_View {

	/** Counts per bucket (README, `GET /v1/analytics`). */
	public const COUNTS = array( 'queued', 'delivered', 'deferred', 'hard_bounced', 'soft_bounced', 'suppressed', 'failed', 'opened', 'clicked', 'spam_complaint', 'unsubscribed' );

	/** Ratios from 0 to 1, null when there was nothing to divide by. */
	public const RATES = array( 'delivery_rate', 'bounce_rate', 'open_rate', 'click_rate', 'complaint_rate', 'unsubscribe_rate' );

	/** The `data` fields of the event types in docs/webhooks.md. */
	private const EVENT_DATA = array( 'source', 'response', 'mx_host', 'tls', 'attempt', 'category', 'next_attempt_at', 'kind', 'status', 'diagnostic', 'reason', 'feedback_type', 'user_agent', 'suppression', 'user_agent_class', 'machine', 'ip', 'url', 'message' );

	/**
	 * @param array<string, mixed> $a `GET /v1/analytics` answer.
	 * @return array<string, mixed>
	 */
	public static function analytics( array $a ): array {
		return array(
			'from'     => Relay_View::date( $a['from'] ?? null ),
			'to'       => Relay_View::date( $a['to'] ?? null ),
			'group_by' => in_array( $a['group_by'] ?? null, array( 'day', 'hour' ), true ) ? $a['group_by'] : null,
			'tag'      => Output::nullable_text( $a['tag'] ?? null ),
			'totals'   => self::figures( is_array( $a['totals'] ?? null ) ? $a['totals'] : array() ),
			'data'     => array_map(
				static fn( array $row ): array => array( 'bucket' => Relay_View::date( $row['bucket'] ?? null ) )
					+ ( array_key_exists( 'tag', $row ) ? array( 'tag' => Output::nullable_text( $row['tag'] ) ) : array() )
					+ self::figures( $row ),
				Relay_View::list_of( $a['data'] ?? array() )
			),
		);
	}

	/**
	 * One event of `GET /v1/events`, with a readable line as the log's timeline has.
	 *
	 * @param array<string, mixed> $e Public event.
	 * @return array<string, mixed>
	 */
	public static function event( array $e ): array {
		$type = sanitize_key( (string) ( $e['type'] ?? '' ) );
		$data = is_array( $e['data'] ?? null ) ? $e['data'] : array();
		return array(
			'id'          => Relay_View::id( $e['id'] ?? null ),
			'type'        => $type,
			'created_at'  => Relay_View::date( $e['created_at'] ?? null ),
			'message_id'  => Relay_View::id( $e['message_id'] ?? null ),
			'recipient'   => Output::nullable_text( $e['recipient'] ?? null ),
			'description' => Output::text( Delivery_Status::describe( $type, $data ) ),
			'data'        => self::event_data( $data ),
		);
	}

	/**
	 * Counts as integers, rates as numbers or null.
	 *
	 * @param array<string, mixed> $row Totals or one bucket.
	 * @return array<string, int|float|null>
	 */
	private static function figures( array $row ): array {
		$figures = array();
		foreach ( self::COUNTS as $name ) {
			$figures[ $name ] = max( 0, (int) ( is_numeric( $row[ $name ] ?? null ) ? $row[ $name ] : 0 ) );
		}
		foreach ( self::RATES as $name ) {
			$figures[ $name ] = is_numeric( $row[ $name ] ?? null ) ? round( (float) $row[ $name ], 4 ) : null;
		}
		return $figures;
	}

	/**
	 * The known scalar fields: booleans and numbers as they are, text escaped.
	 *
	 * @param array<string, mixed> $data Event data.
	 * @return array<string, bool|int|float|string|null>
	 */
	private static function event_data( array $data ): array {
		$view = array();
		foreach ( self::EVENT_DATA as $name ) {
			if ( ! array_key_exists( $name, $data ) ) {
				continue;
			}
			$value = $data[ $name ];
			if ( null === $value || is_bool( $value ) || is_int( $value ) || is_float( $value ) ) {
				$view[ $name ] = $value;
			} elseif ( is_string( $value ) ) {
				$view[ $name ] = Output::text( $value );
			}
		}
		return $view;
	}
}
