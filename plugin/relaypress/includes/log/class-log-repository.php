<?php
/**
 * The email log (one row per message) and its bodies (raw MIME, shorter retention).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Log;

defined( 'ABSPATH' ) || exit;

use RelayPress\Mail\Built_Message;

// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- own tables, names from $wpdb->prefix.

/**
 * Statuses: `queued` (in the outbox here), `sent` (the relay accepted it), `failed` (refused,
 * or retries exhausted, here; or the relay reported it could not process it). What happens
 * after the relay is the relay's to report, through webhooks: `delivered`, `deferred` and
 * `bounced` (see Delivery_Status for how several recipients make one status).
 */
class Log_Repository {

	public const QUEUED    = 'queued';
	public const SENT      = 'sent';
	public const FAILED    = 'failed';
	public const DELIVERED = 'delivered';
	public const DEFERRED  = 'deferred';
	public const BOUNCED   = 'bounced';

	/** Every status a row can have, for filters. */
	public const STATUSES = array( self::QUEUED, self::SENT, self::DEFERRED, self::DELIVERED, self::BOUNCED, self::FAILED );

	public function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'relaypress_log';
	}

	public function bodies_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'relaypress_log_bodies';
	}

	/**
	 * Records a new message and its body.
	 *
	 * @param string $tracking Tracking_Policy::encode() of the choice made for it ('' none).
	 * @return int|null Log id, or null when the insert failed.
	 */
	public function insert( Built_Message $message, string $now, ?int $resent_from = null, string $tracking = '' ): ?int {
		global $wpdb;
		$ok = $wpdb->insert(
			$this->table(),
			array(
				'created_at'        => $now,
				'updated_at'        => $now,
				'status'            => self::QUEUED,
				'source'            => $message->source,
				'mail_from'         => $message->mail_from,
				'to_addresses'      => implode( ', ', $message->to ),
				'cc_addresses'      => implode( ', ', $message->cc ),
				'bcc_addresses'     => implode( ', ', $message->bcc ),
				'subject'           => $message->subject,
				'message_id_header' => $message->message_id,
				'has_attachments'   => $message->has_attachments ? 1 : 0,
				'tracking'          => $tracking,
				'resent_from'       => $resent_from,
			)
		);
		if ( false === $ok ) {
			return null;
		}
		$id = (int) $wpdb->insert_id;
		$ok = $wpdb->insert(
			$this->bodies_table(),
			array(
				'log_id'     => $id,
				'raw_mime'   => $message->raw,
				'envelope'   => wp_json_encode(
					array(
						'mail_from' => $message->mail_from,
						'rcpt_to'   => $message->rcpt_to,
					)
				),
				'created_at' => $now,
			)
		);
		return false === $ok ? null : $id;
	}

	/**
	 * @param array<string, mixed> $values Columns to change.
	 */
	public function update( int $id, array $values ): void {
		global $wpdb;
		$wpdb->update( $this->table(), $values, array( 'id' => $id ) );
	}

	/**
	 * One entry with its body (`body` is null once purged, or when not asked for).
	 *
	 * @return array<string, mixed>|null
	 */
	public function find( int $id, bool $with_body = true ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A );
		if ( ! is_array( $row ) || ! $with_body ) {
			return is_array( $row ) ? $row + array( 'body' => null ) : null;
		}
		$body        = $wpdb->get_row( $wpdb->prepare( "SELECT raw_mime, envelope FROM {$this->bodies_table()} WHERE log_id = %d", $id ), ARRAY_A );
		$row['body'] = is_array( $body ) ? array(
			'raw'      => (string) $body['raw_mime'],
			'envelope' => (array) json_decode( (string) $body['envelope'], true ),
		) : null;
		return $row;
	}

	/**
	 * Newest first.
	 *
	 * @param array<string, mixed> $args `search` (recipient, subject or sender), `status`,
	 *                                   `source`, `after`/`before` (UTC datetimes), `page`, `per_page`.
	 * @return array{items: array<int, array<string, mixed>>, total: int}
	 */
	public function search( array $args = array() ): array {
		global $wpdb;
		$where  = array( '1=1' );
		$params = array();
		if ( ! empty( $args['search'] ) ) {
			$like     = '%' . $wpdb->esc_like( (string) $args['search'] ) . '%';
			$where[]  = '( to_addresses LIKE %s OR cc_addresses LIKE %s OR bcc_addresses LIKE %s OR subject LIKE %s OR mail_from LIKE %s )';
			$params   = array_merge( $params, array( $like, $like, $like, $like, $like ) );
		}
		foreach ( array( 'status', 'source' ) as $column ) {
			if ( ! empty( $args[ $column ] ) ) {
				$where[]  = "{$column} = %s";
				$params[] = (string) $args[ $column ];
			}
		}
		if ( ! empty( $args['after'] ) ) {
			$where[]  = 'created_at >= %s';
			$params[] = (string) $args['after'];
		}
		if ( ! empty( $args['before'] ) ) {
			$where[]  = 'created_at < %s';
			$params[] = (string) $args['before'];
		}
		$per_page = max( 1, min( 100, (int) ( $args['per_page'] ?? 20 ) ) );
		$offset   = ( max( 1, (int) ( $args['page'] ?? 1 ) ) - 1 ) * $per_page;
		$sql      = implode( ' AND ', $where );

		$count_sql = "SELECT COUNT(*) FROM {$this->table()} WHERE {$sql}";
		$total     = (int) $wpdb->get_var( $params ? $wpdb->prepare( $count_sql, $params ) : $count_sql );
		$items     = $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM {$this->table()} WHERE {$sql} ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d", array_merge( $params, array( $per_page, $offset ) ) ),
			ARRAY_A
		);
		return array(
			'items' => (array) $items,
			'total' => $total,
		);
	}

	/**
	 * Entries created at or after $after, per status (every status, 0 when none).
	 *
	 * @param string $after UTC `Y-m-d H:i:s`.
	 * @return array<string, int>
	 */
	public function count_by_status_since( string $after ): array {
		global $wpdb;
		$counts = array_fill_keys( self::STATUSES, 0 );
		$rows   = (array) $wpdb->get_results( $wpdb->prepare( "SELECT status, COUNT(*) AS n FROM {$this->table()} WHERE created_at >= %s GROUP BY status", $after ), ARRAY_A );
		foreach ( $rows as $row ) {
			if ( isset( $counts[ $row['status'] ] ) ) {
				$counts[ $row['status'] ] = (int) $row['n'];
			}
		}
		return $counts;
	}

	/**
	 * The newest entry the relay knows by this id, locked until the transaction ends (so two
	 * webhooks for one message update its status one after the other).
	 */
	public function lock_by_relay_message_id( string $relay_message_id ): ?int {
		global $wpdb;
		$id = $wpdb->get_var( $wpdb->prepare( "SELECT id FROM {$this->table()} WHERE relay_message_id = %s ORDER BY id DESC LIMIT 1 FOR UPDATE", $relay_message_id ) );
		return null === $id ? null : (int) $id;
	}

	/**
	 * Deletes an entry, its body and its webhook events (its outbox row is left to finish or
	 * be purged).
	 */
	public function delete( int $id ): bool {
		global $wpdb;
		$wpdb->delete( $this->bodies_table(), array( 'log_id' => $id ) );
		$wpdb->delete( ( new Event_Repository() )->table(), array( 'log_id' => $id ) );
		return (bool) $wpdb->delete( $this->table(), array( 'id' => $id ) );
	}

	/**
	 * Deletes entries created before $entries_before and bodies created before $bodies_before.
	 *
	 * @return array{entries: int, bodies: int}
	 */
	public function purge( string $entries_before, string $bodies_before ): array {
		global $wpdb;
		$bodies  = (int) $wpdb->query( $wpdb->prepare( "DELETE FROM {$this->bodies_table()} WHERE created_at < %s", $bodies_before ) );
		$bodies += (int) $wpdb->query( $wpdb->prepare( "DELETE b FROM {$this->bodies_table()} b LEFT JOIN {$this->table()} l ON l.id = b.log_id WHERE l.id IS NULL OR l.created_at < %s", $entries_before ) );
		$entries = (int) $wpdb->query( $wpdb->prepare( "DELETE FROM {$this->table()} WHERE created_at < %s", $entries_before ) );
		return array(
			'entries' => $entries,
			'bodies'  => $bodies,
		);
	}
}
