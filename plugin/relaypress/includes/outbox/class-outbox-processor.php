<?php
/**
 * Hands outbox rows to the relay and records what happened.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Outbox;

defined( 'ABSPATH' ) || exit;

use RelayPress\Backup\Fallback;
use RelayPress\Log\Log_Repository;
use RelayPress\Mail\Tracking_Policy;
use RelayPress\Relay\Relay_Client;
use RelayPress\Relay\Send_Result;
use RelayPress\Support\Clock;
use RelayPress\Support\Uuid;
use RelayPress\Webhooks\Event_Recorder;

/**
 * run() is the WP-Cron job: claim due rows → deliver each → stop early when the relay is
 * down. deliver() is one attempt: send → record the result in outbox and log.
 */
class Outbox_Processor {

	/** Rows one run claims, and how long it holds them (longer than BATCH × timeout). */
	public const BATCH = 20;
	public const LEASE = 300;

	private Outbox_Repository $outbox;
	private Log_Repository $log;
	private Relay_Client $client;
	private Retry_Schedule $schedule;
	private Clock $clock;
	private ?Fallback $fallback;
	private ?Event_Recorder $events;

	public function __construct( Outbox_Repository $outbox, Log_Repository $log, Relay_Client $client, Retry_Schedule $schedule, Clock $clock, ?Fallback $fallback = null, ?Event_Recorder $events = null ) {
		$this->outbox   = $outbox;
		$this->log      = $log;
		$this->client   = $client;
		$this->schedule = $schedule;
		$this->clock    = $clock;
		$this->fallback = $fallback;
		$this->events   = $events;
	}

	/**
	 * One cron run.
	 *
	 * @return array{claimed: int, sent: int, retry: int, failed: int}
	 */
	public function run(): array {
		$stats = array(
			'claimed' => 0,
			'sent'    => 0,
			'retry'   => 0,
			'failed'  => 0,
		);
		$token = Uuid::v4();
		$rows  = $this->outbox->claim_due( $token, $this->clock->mysql(), $this->clock->mysql( self::LEASE ), self::BATCH );

		$stats['claimed'] = count( $rows );
		$relay_down       = false;
		while ( $rows ) {
			$row = array_shift( $rows );
			if ( $relay_down && ! ( $this->fallback && $this->fallback->overdue( $row ) ) ) {
				$this->release( $row, $token );
				continue;
			}
			$result = $this->deliver( $row, $token, true, $relay_down );
			$stats[ $result->accepted() ? 'sent' : ( $result->permanent() ? 'failed' : 'retry' ) ]++;
			if ( $result->temporary() ) {
				// The relay is down or pushing back, and no backup took the message: leave
				// the rest for the next run.
				foreach ( $rows as $rest ) {
					$this->release( $rest, $token );
				}
				break;
			}
			// Sent by the backup: the relay is down, so only overdue rows go on (by backup).
			$relay_down = $relay_down || Fallback::VIA_BACKUP === $result->code;
		}
		return $stats;
	}

	/**
	 * One attempt for a row claimed by $lock_token.
	 *
	 * @param array<string, mixed> $row               Outbox row.
	 * @param bool                 $announce_failure  Fire `wp_mail_failed` on a final failure
	 *                                                (false when wp_mail() itself reports it).
	 * @param bool                 $relay_down        The relay failed earlier in this run: go
	 *                                                straight to the backup.
	 */
	public function deliver( array $row, string $lock_token, bool $announce_failure, bool $relay_down = false ): Send_Result {
		$id       = (int) $row['id'];
		$log_id   = (int) $row['log_id'];
		$attempts = (int) $row['attempts'] + 1;

		$refusal = null;
		if ( $relay_down ) {
			$result = new Send_Result( Send_Result::TEMPORARY, null, 'relay_unreachable', __( 'the relay failed earlier in this run', 'relaypress' ) );
		} elseif ( null !== ( $row['template_request'] ?? null ) ) {
			// Template first (WooCommerce emails mapped to a relay template). A refusal
			// (4xx: missing variable, unknown template, invalid field) is the relay's verdict
			// on the template send only: the message goes on as its raw form, WooCommerce's
			// own HTML, under a fresh key. A temporary failure retries the template form.
			$result = $this->client->send_template( (string) $row['template_request'], (string) $row['idempotency_key'] );
			if ( $result->permanent() ) {
				$refusal = $result;
				/* translators: %s: relay error */
				$reason = sprintf( __( 'Template refused (%s); sent as the original HTML', 'relaypress' ), $result->describe() );
				$row['idempotency_key']  = Uuid::v4();
				$row['template_request'] = null;
				if ( ! $this->outbox->drop_template( $id, $lock_token, (string) $row['idempotency_key'], $reason, $this->clock->mysql() ) ) {
					// The row is no longer ours (lease taken over) or could not be written: sending
					// the raw form under a key the row does not hold could send it twice. The row
					// keeps its template request; whoever holds it goes on from there.
					return new Send_Result( Send_Result::TEMPORARY, null, 'lease_lost', __( 'the message was taken over by another run', 'relaypress' ) );
				}
				do_action( 'relaypress_template_refused', $result, $row );
				$result = $this->send_raw( $row );
			}
		} else {
			$result = $this->send_raw( $row );
		}
		$now = $this->clock->mysql();

		$backup = null === $this->fallback ? null : $this->fallback->after_relay_failure( $row, $result );
		if ( null !== $backup && $backup->accepted() ) {
			$this->outbox->mark_sent( $id, $lock_token, $attempts, null, $now, Fallback::VIA_BACKUP );
			/* translators: 1: relay error, 2: backup result */
			$this->log->update( $log_id, array( 'status' => Log_Repository::SENT, 'sent_via' => Fallback::VIA_BACKUP, 'attempts' => $attempts, 'last_error' => sprintf( __( 'Relay: %1$s; %2$s', 'relaypress' ), $result->describe(), $backup->describe() ), 'updated_at' => $now ) );
			do_action( 'relaypress_delivery_attempted', $backup, $row, $attempts );
			return $backup;
		}
		if ( null !== $backup ) {
			$result = new Send_Result( $result->kind, $result->http_status, $result->code, $result->message . '; ' . $backup->describe() );
		}

		if ( $result->temporary() ) {
			$delay = $this->schedule->delay_after( $attempts );
			if ( null === $delay ) {
				/* translators: 1: number of attempts, 2: last error */
				$result = new Send_Result( Send_Result::PERMANENT, $result->http_status, 'retries_exhausted', sprintf( __( 'Gave up after %1$d attempts: %2$s', 'relaypress' ), $attempts, $result->describe() ) );
			} else {
				$this->outbox->reschedule( $id, $lock_token, $attempts, $this->clock->mysql( $delay ), $result->describe(), $now );
				$this->log->update( $log_id, array( 'status' => Log_Repository::QUEUED, 'attempts' => $attempts, 'last_error' => $result->describe(), 'updated_at' => $now ) );
			}
		}
		if ( $result->accepted() ) {
			$this->outbox->mark_sent( $id, $lock_token, $attempts, $result->relay_message_id, $now );
			/* translators: %s: relay error */
			$this->log->update( $log_id, array( 'status' => Log_Repository::SENT, 'sent_via' => Fallback::VIA_RELAY, 'attempts' => $attempts, 'relay_message_id' => $result->relay_message_id, 'last_error' => null === $refusal ? null : sprintf( __( 'Template refused (%s); sent as the original HTML', 'relaypress' ), $refusal->describe() ), 'updated_at' => $now ) );
			if ( null !== $this->events && null !== $result->relay_message_id ) {
				$this->events->attach( $log_id, $result->relay_message_id ); // A webhook may have overtaken the relay's answer.
			}
		}
		if ( $result->permanent() ) {
			$this->outbox->mark_failed( $id, $lock_token, $attempts, $result->describe(), $now );
			$this->log->update( $log_id, array( 'status' => Log_Repository::FAILED, 'attempts' => $attempts, 'last_error' => $result->describe(), 'updated_at' => $now ) );
			if ( $announce_failure ) {
				$this->announce_failure( $log_id, $result );
			}
		}

		do_action( 'relaypress_delivery_attempted', $result, $row, $attempts );
		return $result;
	}

	/**
	 * The raw form of a row: the MIME PHPMailer built.
	 *
	 * @param array<string, mixed> $row Outbox row.
	 */
	private function send_raw( array $row ): Send_Result {
		return $this->client->send_raw(
			(string) $row['mail_from'],
			(array) json_decode( (string) $row['rcpt_to'], true ),
			(string) $row['raw_mime'],
			(string) $row['idempotency_key'],
			self::row_tags( $row ),
			Tracking_Policy::decode( (string) ( $row['tracking'] ?? '' ) )
		);
	}

	/**
	 * The row's own tags, else the ones its source gives.
	 *
	 * @param array<string, mixed> $row Outbox row.
	 * @return string[]
	 */
	public static function row_tags( array $row ): array {
		$tags = isset( $row['tags'] ) ? json_decode( (string) $row['tags'], true ) : null;
		return is_array( $tags ) ? array_values( array_map( 'strval', $tags ) ) : self::tags( (string) ( $row['source'] ?? '' ) );
	}

	/**
	 * Gives a claimed row back untouched.
	 *
	 * @param array<string, mixed> $row Outbox row.
	 */
	public function release( array $row, string $lock_token ): void {
		global $wpdb;
		$wpdb->update( // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			$this->outbox->table(),
			array(
				'lock_token'   => null,
				'locked_until' => null,
			),
			array(
				'id'         => (int) $row['id'],
				'lock_token' => $lock_token,
			)
		);
	}

	/**
	 * `wp_mail_failed` for a message wp_mail() had already reported as queued. The WP_Error
	 * data has core's keys where the log knows them, plus the RelayPress ones.
	 */
	private function announce_failure( int $log_id, Send_Result $result ): void {
		$entry = $this->log->find( $log_id );
		$to    = null === $entry ? array() : array_values( array_filter( array_map( 'trim', explode( ',', (string) $entry['to_addresses'] ) ) ) );
		do_action(
			'wp_mail_failed',
			new \WP_Error(
				'wp_mail_failed',
				$result->describe(),
				array(
					'to'                => $to,
					'subject'           => null === $entry ? '' : (string) $entry['subject'],
					'relaypress_log_id' => $log_id,
					'relay_http_status' => $result->http_status,
					'relay_error_code'  => $result->code,
				)
			)
		);
	}

	/**
	 * @return string[]
	 */
	public static function tags( string $source ): array {
		$tags = array( 'wordpress' );
		if ( '' !== $source ) {
			$tags[] = substr( $source, 0, 64 );
		}
		return $tags;
	}
}
