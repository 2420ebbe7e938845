<?php
/**
 * Stores one verified webhook event and brings its log entry's status up to date.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Webhooks;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Delivery_Status;
use RelayPress\Log\Event_Repository;
use RelayPress\Log\Log_Repository;
use RelayPress\Support\Clock;

/**
 * The status is derived from all of the entry's events each time (Delivery_Status), never
 * stepped from the previous status, so events arriving twice or out of order give the same
 * result. The entry row is locked while that happens: two webhooks for one message can not
 * each miss the other's event.
 */
class Event_Recorder {

	private Event_Repository $events;
	private Log_Repository $log;
	private Clock $clock;

	public function __construct( Event_Repository $events, Log_Repository $log, Clock $clock ) {
		$this->events = $events;
		$this->log    = $log;
		$this->clock  = $clock;
	}

	/**
	 * @param array{id: string, type: string, occurred_at: string, message_id: string|null, recipient: string|null, data: array<mixed>} $event A validated event.
	 * @return array{stored: bool, log_id: int|null}|\WP_Error `stored` false: the id was already recorded.
	 */
	public function record( array $event ) {
		global $wpdb;
		$wpdb->query( 'START TRANSACTION' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$log_id = null === $event['message_id'] ? null : $this->log->lock_by_relay_message_id( $event['message_id'] );
		$stored = $this->events->insert(
			array(
				'event_id'         => $event['id'],
				'log_id'           => $log_id,
				'relay_message_id' => $event['message_id'],
				'type'             => $event['type'],
				'recipient'        => $event['recipient'],
				'data'             => $event['data'],
				'occurred_at'      => $event['occurred_at'],
				'received_at'      => $this->clock->mysql(),
			)
		);
		if ( null === $stored ) {
			$error = $wpdb->last_error;
			$wpdb->query( 'ROLLBACK' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			return new \WP_Error( 'relaypress_webhook_not_stored', 'RelayPress could not store the event: ' . $error, array( 'status' => 500 ) );
		}
		if ( $stored && null !== $log_id && null !== Delivery_Status::EFFECTS[ $event['type'] ] ) {
			$this->refresh_status( $log_id );
		}
		$wpdb->query( 'COMMIT' ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		return array(
			'stored' => $stored,
			'log_id' => $log_id,
		);
	}

	/**
	 * The outbox learned the relay's id for an entry: events that got here first are linked
	 * to it, and the status takes them into account.
	 */
	public function attach( int $log_id, string $relay_message_id ): void {
		if ( $this->events->attach( $relay_message_id, $log_id ) > 0 ) {
			$this->refresh_status( $log_id );
		}
	}

	private function refresh_status( int $log_id ): void {
		$row = $this->log->find( $log_id, false );
		if ( null === $row ) {
			return;
		}
		$derived = Delivery_Status::derive( $row, $this->events->for_log( $log_id, $row['relay_message_id'] ) );
		if ( $derived['status'] === $row['status'] && $derived['last_error'] === $row['last_error'] ) {
			return;
		}
		$this->log->update(
			$log_id,
			array(
				'status'     => $derived['status'],
				'last_error' => $derived['last_error'],
				'updated_at' => $this->clock->mysql(),
			)
		);
	}
}
