<?php
/**
 * Accepts built messages: durable first, then one immediate attempt.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Outbox;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Log_Repository;
use RelayPress\Mail\Built_Message;
use RelayPress\Mail\Tracking_Policy;
use RelayPress\Relay\Send_Result;
use RelayPress\Support\Clock;
use RelayPress\Support\Uuid;

/**
 * The log row, its body and the outbox row are committed together before any network call;
 * whatever happens to the request afterwards, the row is there for WP-Cron to finish.
 */
class Outbox {

	/** Lease held by the immediate attempt: longer than the relay client's total timeout. */
	private const IMMEDIATE_LEASE = 60;

	private Outbox_Repository $outbox;
	private Log_Repository $log;
	private Outbox_Processor $processor;
	private Clock $clock;
	private ?Tracking_Policy $tracking;

	/**
	 * Log id of the last accepted message (for `wp_mail_succeeded` listeners and tests).
	 *
	 * @var int|null
	 */
	public ?int $last_log_id = null;

	/**
	 * @param Tracking_Policy|null $tracking Chooses open/click tracking (null: the relay's
	 *                                       account defaults decide).
	 */
	public function __construct( Outbox_Repository $outbox, Log_Repository $log, Outbox_Processor $processor, Clock $clock, ?Tracking_Policy $tracking = null ) {
		$this->outbox    = $outbox;
		$this->log       = $log;
		$this->processor = $processor;
		$this->clock     = $clock;
		$this->tracking  = $tracking;
	}

	/**
	 * Queues a message and tries it once. Accepted and temporary results mean "queued";
	 * a permanent one means the message is failed (the caller reports it).
	 */
	public function accept( Built_Message $message, ?int $resent_from = null ): Send_Result {
		global $wpdb;
		$this->last_log_id = null;
		$now               = $this->clock->mysql();
		$lock_token        = Uuid::v4();
		// Chosen once and stored: every retry must send the relay the same body.
		$tracking = null === $this->tracking ? '' : Tracking_Policy::encode( $this->tracking->choose( $message, $message->tracking_limit ) );

		$wpdb->query( 'START TRANSACTION' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$log_id = $this->log->insert( $message, $now, $resent_from, $tracking );
		$id     = null === $log_id ? null : $this->outbox->insert_claimed(
			array(
				'log_id'          => $log_id,
				'idempotency_key' => Uuid::v4(),
				'mail_from'       => $message->mail_from,
				'rcpt_to'         => (string) wp_json_encode( $message->rcpt_to ),
				'raw_mime'        => $message->raw,
				'template_request' => null === $message->template_request ? null : (string) wp_json_encode( self::with_tracking( $message->template_request, $tracking ) ),
				'tags'            => null === $message->tags ? null : (string) wp_json_encode( $message->tags ),
				'source'          => $message->source,
				'tracking'        => $tracking,
				'attempts'        => 0,
				'next_attempt_at' => $now,
				'created_at'      => $now,
				'updated_at'      => $now,
			),
			$lock_token,
			$this->clock->mysql( self::IMMEDIATE_LEASE )
		);
		if ( null === $id ) {
			$error = $wpdb->last_error;
			$wpdb->query( 'ROLLBACK' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			return new Send_Result( Send_Result::PERMANENT, null, 'queue_failed', 'RelayPress could not store the message: ' . $error );
		}
		$wpdb->query( 'COMMIT' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$this->last_log_id = $log_id;

		$row = (array) $this->outbox->find( $id );
		if ( ! apply_filters( 'relaypress_send_immediately', true, $message ) ) {
			$this->processor->release( $row, $lock_token );
			return new Send_Result( Send_Result::TEMPORARY, null, 'deferred', 'queued for WP-Cron' );
		}
		return $this->processor->deliver( $row, $lock_token, false );
	}

	/**
	 * Sends a logged message again, as a new log entry with a new idempotency key.
	 *
	 * @return Send_Result|\WP_Error
	 */
	public function resend( int $log_id ) {
		$entry = $this->log->find( $log_id );
		if ( null === $entry ) {
			return new \WP_Error( 'relaypress_not_found', __( 'No such log entry.', 'relaypress' ) );
		}
		if ( null === $entry['body'] ) {
			return new \WP_Error( 'relaypress_body_purged', __( 'The message body is no longer kept, so it cannot be resent.', 'relaypress' ) );
		}
		return $this->accept( Built_Message::from_log( $entry, $entry['body']['raw'], $entry['body']['envelope'] ), $log_id );
	}

	/**
	 * The template send carries the same tracking choice as the raw one would (decided once,
	 * stored with the message), so a WooCommerce email is tracked exactly as the settings say.
	 *
	 * @param array<string, mixed> $request Template request body.
	 * @return array<string, mixed>
	 */
	private static function with_tracking( array $request, string $tracking ): array {
		$choice = Tracking_Policy::decode( $tracking );
		if ( null !== $choice ) {
			$request['tracking'] = $choice;
		}
		return $request;
	}
}
