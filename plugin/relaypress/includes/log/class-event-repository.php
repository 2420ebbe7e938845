<?php
/**
 * Events the relay reported through webhooks: each log entry's timeline.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Log;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- own table, names from $wpdb->prefix.

/**
 * One row per event id (the UNIQUE key makes a repeated delivery a no-op). `log_id` is null
 * while no log entry carries the event's relay message id: a message sent before the plugin
 * was installed, over SMTP, or whose webhook overtook the relay's answer (see attach()).
 */
class Event_Repository {

	public function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'relaypress_log_events';
	}

	/**
	 * Stores an event unless its id is already stored.
	 *
	 * @param array{event_id: string, log_id: int|null, relay_message_id: string|null, type: string, recipient: string|null, data: array<mixed>, occurred_at: string, received_at: string} $event Event.
	 * @return bool|null True when stored, false when the id was already there, null on a database error.
	 */
	public function insert( array $event ): ?bool {
		global $wpdb;
		$values = array(
			'event_id'         => $event['event_id'],
			'log_id'           => $event['log_id'],
			'relay_message_id' => $event['relay_message_id'],
			'type'             => $event['type'],
			'recipient'        => $event['recipient'],
			'data'             => (string) wp_json_encode( $event['data'] ),
			'occurred_at'      => $event['occurred_at'],
			'received_at'      => $event['received_at'],
		);
		$placeholders = array_map( static fn( $value ) => null === $value ? 'NULL' : ( is_int( $value ) ? '%d' : '%s' ), $values );
		$affected     = $wpdb->query(
			$wpdb->prepare(
				"INSERT IGNORE INTO {$this->table()} (" . implode( ', ', array_keys( $values ) ) . ') VALUES (' . implode( ', ', $placeholders ) . ')',
				array_values( array_filter( $values, static fn( $value ) => null !== $value ) )
			)
		);
		if ( false === $affected ) {
			return null;
		}
		return $affected > 0;
	}

	/**
	 * A log entry's events, oldest first: those linked to it, and those for its relay message
	 * that arrived before the entry knew the relay's id.
	 *
	 * @return array<int, array{event_id: string, type: string, recipient: string|null, data: array<mixed>, occurred_at: string}>
	 */
	public function for_log( int $log_id, ?string $relay_message_id ): array {
		global $wpdb;
		$sql  = null === $relay_message_id || '' === $relay_message_id
			? $wpdb->prepare( "SELECT * FROM {$this->table()} WHERE log_id = %d", $log_id )
			: $wpdb->prepare( "SELECT * FROM {$this->table()} WHERE log_id = %d OR ( log_id IS NULL AND relay_message_id = %s )", $log_id, $relay_message_id );
		$rows = (array) $wpdb->get_results( $sql . ' ORDER BY occurred_at, id', ARRAY_A );
		return array_map(
			static fn( array $row ): array => array(
				'event_id'    => (string) $row['event_id'],
				'type'        => (string) $row['type'],
				'recipient'   => null === $row['recipient'] ? null : (string) $row['recipient'],
				'data'        => (array) json_decode( (string) $row['data'], true ),
				'occurred_at' => (string) $row['occurred_at'],
			),
			$rows
		);
	}

	/**
	 * Links events that arrived before the log entry had its relay message id.
	 *
	 * @return int Events linked.
	 */
	public function attach( string $relay_message_id, int $log_id ): int {
		global $wpdb;
		return (int) $wpdb->query( $wpdb->prepare( "UPDATE {$this->table()} SET log_id = %d WHERE log_id IS NULL AND relay_message_id = %s", $log_id, $relay_message_id ) );
	}

	public function count(): int {
		global $wpdb;
		return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$this->table()}" );
	}

	/**
	 * Deletes events received before $before, and events whose log entry is gone.
	 */
	public function purge( string $before, string $log_table ): int {
		global $wpdb;
		$purged  = (int) $wpdb->query( $wpdb->prepare( "DELETE FROM {$this->table()} WHERE received_at < %s", $before ) );
		$purged += (int) $wpdb->query( "DELETE e FROM {$this->table()} e LEFT JOIN {$log_table} l ON l.id = e.log_id WHERE e.log_id IS NOT NULL AND l.id IS NULL" );
		return $purged;
	}
}
