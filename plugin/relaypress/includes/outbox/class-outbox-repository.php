<?php
/**
 * The outbox table: messages waiting for, or done with, the relay.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Outbox;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- own table, names from $wpdb->prefix.

/**
 * Rows are claimed with a lease: an UPDATE sets a fresh lock token on due, unleased rows,
 * and only the run holding that token may change them afterwards. InnoDB evaluates the
 * UPDATE under row locks, so two overlapping runs never claim the same row.
 */
class Outbox_Repository {

	public const PENDING = 'pending';
	public const SENT    = 'sent';
	public const FAILED  = 'failed';

	public function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'relaypress_outbox';
	}

	/**
	 * Inserts a row already claimed by $lock_token (the immediate attempt holds it).
	 *
	 * @param array<string, mixed> $row Column values.
	 * @return int|null Row id, or null when the insert failed.
	 */
	public function insert_claimed( array $row, string $lock_token, string $locked_until ): ?int {
		global $wpdb;
		$row['lock_token']   = $lock_token;
		$row['locked_until'] = $locked_until;
		$row['status']       = self::PENDING;
		$ok                  = $wpdb->insert( $this->table(), $row );
		return false === $ok ? null : (int) $wpdb->insert_id;
	}

	/**
	 * Claims up to $limit due rows for $lock_token and returns them.
	 *
	 * @return array<int, array<string, mixed>>
	 */
	public function claim_due( string $lock_token, string $now, string $locked_until, int $limit ): array {
		global $wpdb;
		$table = $this->table();
		$wpdb->query(
			$wpdb->prepare(
				"UPDATE {$table} SET lock_token = %s, locked_until = %s
				WHERE status = %s AND next_attempt_at <= %s AND ( locked_until IS NULL OR locked_until < %s )
				ORDER BY next_attempt_at, id LIMIT %d",
				$lock_token,
				$locked_until,
				self::PENDING,
				$now,
				$now,
				$limit
			)
		);
		return (array) $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM {$table} WHERE lock_token = %s AND status = %s ORDER BY next_attempt_at, id", $lock_token, self::PENDING ),
			ARRAY_A
		);
	}

	/**
	 * @return array<string, mixed>|null
	 */
	public function find( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A );
		return is_array( $row ) ? $row : null;
	}

	/**
	 * @return array<string, mixed>|null
	 */
	public function find_by_log( int $log_id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$this->table()} WHERE log_id = %d ORDER BY id DESC LIMIT 1", $log_id ), ARRAY_A );
		return is_array( $row ) ? $row : null;
	}

	/**
	 * The relay has it: the raw copy is no longer needed here (the log keeps the body).
	 */
	public function mark_sent( int $id, string $lock_token, int $attempts, ?string $relay_message_id, string $now, string $sent_via = 'relay' ): bool {
		return $this->update_claimed(
			$id,
			$lock_token,
			array(
				'status'           => self::SENT,
				'sent_via'         => $sent_via,
				'attempts'         => $attempts,
				'relay_message_id' => $relay_message_id,
				'raw_mime'         => null,
				'template_request' => null,
				'last_error'       => null,
				'updated_at'       => $now,
			)
		);
	}

	/**
	 * The relay refused the template form: the row goes on as its raw message, under a new
	 * idempotency key (the refused request was not accepted, so nothing is sent twice). The
	 * lease stays with $lock_token.
	 */
	public function drop_template( int $id, string $lock_token, string $new_idempotency_key, string $reason, string $now ): bool {
		global $wpdb;
		return (bool) $wpdb->update(
			$this->table(),
			array(
				'template_request' => null,
				'idempotency_key'  => $new_idempotency_key,
				'last_error'       => $reason,
				'updated_at'       => $now,
			),
			array(
				'id'         => $id,
				'lock_token' => $lock_token,
			)
		);
	}

	public function reschedule( int $id, string $lock_token, int $attempts, string $next_attempt_at, string $error, string $now ): bool {
		return $this->update_claimed(
			$id,
			$lock_token,
			array(
				'attempts'        => $attempts,
				'next_attempt_at' => $next_attempt_at,
				'last_error'      => $error,
				'updated_at'      => $now,
			)
		);
	}

	public function mark_failed( int $id, string $lock_token, int $attempts, string $error, string $now ): bool {
		return $this->update_claimed(
			$id,
			$lock_token,
			array(
				'status'     => self::FAILED,
				'attempts'   => $attempts,
				'last_error' => $error,
				'raw_mime'   => null,
				'template_request' => null,
				'updated_at' => $now,
			)
		);
	}

	/**
	 * Deletes finished rows last changed before $before.
	 */
	public function purge_finished( string $before ): int {
		global $wpdb;
		return (int) $wpdb->query( $wpdb->prepare( "DELETE FROM {$this->table()} WHERE status <> %s AND updated_at < %s", self::PENDING, $before ) );
	}

	/**
	 * @return array<string, int> Rows per status.
	 */
	public function counts(): array {
		global $wpdb;
		$counts = array(
			self::PENDING => 0,
			self::SENT    => 0,
			self::FAILED  => 0,
		);
		foreach ( (array) $wpdb->get_results( "SELECT status, COUNT(*) AS n FROM {$this->table()} GROUP BY status", ARRAY_A ) as $row ) {
			$counts[ $row['status'] ] = (int) $row['n'];
		}
		return $counts;
	}

	/**
	 * What the overview shows: rows waiting for their first attempt (or in it), rows waiting
	 * for a retry after a failed attempt, and rows given up on (until purged).
	 *
	 * @return array{pending: int, retrying: int, failed: int}
	 */
	public function backlog(): array {
		global $wpdb;
		$row = (array) $wpdb->get_row(
			$wpdb->prepare(
				"SELECT COALESCE( SUM( status = %s AND attempts = 0 ), 0 ) AS pending, COALESCE( SUM( status = %s AND attempts > 0 ), 0 ) AS retrying, COALESCE( SUM( status = %s ), 0 ) AS failed FROM {$this->table()}",
				self::PENDING,
				self::PENDING,
				self::FAILED
			),
			ARRAY_A
		);
		return array(
			'pending'  => (int) ( $row['pending'] ?? 0 ),
			'retrying' => (int) ( $row['retrying'] ?? 0 ),
			'failed'   => (int) ( $row['failed'] ?? 0 ),
		);
	}

	/**
	 * Updates a row only while $lock_token still holds it, and releases the lease.
	 *
	 * @param array<string, mixed> $values Columns.
	 */
	private function update_claimed( int $id, string $lock_token, array $values ): bool {
		global $wpdb;
		$values['lock_token']   = null;
		$values['locked_until'] = null;
		return (bool) $wpdb->update(
			$this->table(),
			$values,
			array(
				'id'         => $id,
				'lock_token' => $lock_token,
			)
		);
	}
}
