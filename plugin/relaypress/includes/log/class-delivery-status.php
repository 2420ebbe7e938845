<?php
/**
 * What the relay's events mean for a log entry's status, and how one event reads in the log.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Log;

defined( 'ABSPATH' ) || exit;

/**
 * The rule for a message with several recipients:
 *
 * 1. Each recipient's state is its latest final event (`delivered`, a bounce, `suppressed`,
 *    `failed`) if it has one, else its latest pending one (`queued`, `sent`, `deferred`);
 *    "latest" by the relay's `created_at` (webhooks may arrive out of order). An event
 *    without a recipient applies to every recipient.
 * 2. The recipients are the entry's To, Cc and Bcc, plus any address the relay reported.
 * 3. The entry is `delivered` once any recipient was delivered; else `bounced` when every
 *    recipient bounced or was suppressed (`failed` when the relay failed them all); else
 *    `deferred` while a recipient's latest word is a deferral; else it stays `sent`.
 * 4. Engagement (`opened`, `clicked`, `unsubscribed`, `spam_complaint`) and `test` never
 *    change the status; they are recorded in the timeline.
 *
 * Per-recipient detail stays in the timeline; `last_error` names the recipients that are not
 * (yet) delivered, so a partly bounced message is visible in the list too.
 */
final class Delivery_Status {

	private const PENDING   = 'pending';
	private const DEFERRED  = 'deferred';
	private const DELIVERED = 'delivered';
	private const BOUNCED   = 'bounced';
	private const FAILED    = 'failed';

	/** Event type → what it says about its recipient (null: nothing about delivery). */
	public const EFFECTS = array(
		'queued'         => self::PENDING,
		'sent'           => self::PENDING,
		'deferred'       => self::DEFERRED,
		'delivered'      => self::DELIVERED,
		'hard_bounced'   => self::BOUNCED,
		'soft_bounced'   => self::BOUNCED,
		'suppressed'     => self::BOUNCED,
		'failed'         => self::FAILED,
		'spam_complaint' => null,
		'unsubscribed'   => null,
		'opened'         => null,
		'clicked'        => null,
		'test'           => null,
	);

	private const FINAL = array( self::DELIVERED, self::BOUNCED, self::FAILED );

	/** Longest description kept (the rest of a long SMTP reply is cut). */
	private const DESCRIPTION_LENGTH = 300;

	/**
	 * True for the event types this plugin understands (others are ignored when received).
	 */
	public static function known( string $type ): bool {
		return array_key_exists( $type, self::EFFECTS );
	}

	/**
	 * The entry's status and last_error after its events.
	 *
	 * @param array<string, mixed>             $row    Log row (to/cc/bcc addresses).
	 * @param array<int, array<string, mixed>> $events Its events, oldest first (Event_Repository::for_log()).
	 * @return array{status: string, last_error: string|null}
	 */
	public static function derive( array $row, array $events ): array {
		$states = array();
		foreach ( array( 'to_addresses', 'cc_addresses', 'bcc_addresses' ) as $column ) {
			foreach ( array_filter( array_map( 'trim', explode( ',', (string) ( $row[ $column ] ?? '' ) ) ) ) as $address ) {
				$states[ strtolower( $address ) ] = null;
			}
		}
		$delivery = array_values( array_filter( $events, static fn( array $e ): bool => null !== ( self::EFFECTS[ $e['type'] ] ?? null ) ) );
		if ( ! $delivery ) {
			return array(
				'status'     => Log_Repository::SENT,
				'last_error' => null,
			);
		}
		foreach ( $delivery as $event ) {
			if ( null !== $event['recipient'] ) {
				$states[ strtolower( (string) $event['recipient'] ) ] ??= null;
			}
		}
		if ( ! $states ) {
			$states[''] = null; // Nobody known: message-level events decide alone.
		}
		foreach ( $delivery as $event ) { // Oldest first: a later event of the same rank replaces an earlier one.
			$targets = null === $event['recipient'] ? array_keys( $states ) : array( strtolower( (string) $event['recipient'] ) );
			foreach ( $targets as $recipient ) {
				$current = $states[ $recipient ];
				if ( null === $current || self::is_final( $event ) || ! self::is_final( $current ) ) {
					$states[ $recipient ] = $event;
				}
			}
		}

		$effects = array_map( static fn( $event ) => null === $event ? self::PENDING : self::EFFECTS[ $event['type'] ], $states );
		if ( in_array( self::DELIVERED, $effects, true ) ) {
			$status = Log_Repository::DELIVERED;
		} elseif ( ! array_diff( $effects, array( self::BOUNCED, self::FAILED ) ) ) {
			$status = in_array( self::BOUNCED, $effects, true ) ? Log_Repository::BOUNCED : Log_Repository::FAILED;
		} elseif ( in_array( self::DEFERRED, $effects, true ) ) {
			$status = Log_Repository::DEFERRED;
		} else {
			$status = Log_Repository::SENT;
		}

		$problems = array();
		foreach ( $states as $recipient => $event ) {
			if ( null !== $event && in_array( self::EFFECTS[ $event['type'] ], array( self::DEFERRED, self::BOUNCED, self::FAILED ), true ) ) {
				$problems[] = trim( ( '' === $recipient ? '' : $recipient . ': ' ) . $event['type'] . ' ' . self::describe( $event['type'], (array) $event['data'] ) );
			}
		}
		return array(
			'status'     => $status,
			'last_error' => $problems ? implode( '; ', $problems ) : null,
		);
	}

	/**
	 * A short plain-text line for the timeline: the MX reply, the bounce reason, … (the
	 * REST layer escapes it).
	 *
	 * @param array<string, mixed> $data The event's `data`.
	 */
	public static function describe( string $type, array $data ): string {
		$text = static fn( string $key ): string => isset( $data[ $key ] ) && is_scalar( $data[ $key ] ) ? trim( (string) $data[ $key ] ) : '';
		switch ( $type ) {
			case 'delivered':
				$parts = array( '' === $text( 'mx_host' ) ? '' : $text( 'mx_host' ) . ':', $text( 'response' ), ! empty( $data['tls'] ) ? '(TLS)' : '' );
				break;
			case 'deferred':
				$parts = array( $text( 'response' ), '' === $text( 'next_attempt_at' ) ? '' : '(' . sprintf( /* translators: %s: time */ __( 'next attempt %s', 'relaypress' ), $text( 'next_attempt_at' ) ) . ')' );
				break;
			case 'hard_bounced':
			case 'soft_bounced':
				$parts = array( '' === $text( 'category' ) ? '' : '[' . $text( 'category' ) . ']', '' !== $text( 'response' ) ? $text( 'response' ) : $text( 'diagnostic' ) );
				break;
			case 'suppressed':
			case 'failed':
				$parts = array( $text( 'reason' ) );
				break;
			case 'spam_complaint':
				$parts = array( $text( 'feedback_type' ) );
				break;
			case 'clicked':
				$parts = array( $text( 'url' ) );
				break;
			case 'queued':
				$parts = array( $text( 'source' ) );
				break;
			case 'test':
				$parts = array( $text( 'message' ) );
				break;
			default:
				$parts = array();
		}
		$line = trim( (string) preg_replace( '/\s+/', ' ', implode( ' ', array_filter( $parts, 'strlen' ) ) ) );
		return mb_strlen( $line ) > self::DESCRIPTION_LENGTH ? mb_substr( $line, 0, self::DESCRIPTION_LENGTH - 1 ) . '…' : $line;
	}

	/**
	 * @param array<string, mixed> $event An event.
	 */
	private static function is_final( array $event ): bool {
		return in_array( self::EFFECTS[ $event['type'] ], self::FINAL, true );
	}
}
