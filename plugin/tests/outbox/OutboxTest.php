<?php
/**
 * Nothing wp_mail() is given is lost: durable first, retried with the same key, claimed once.
 *
 * Relay answers here come from Relay_Stub (the `pre_http_request` filter, no socket);
 * RealHttpTest covers the same paths over real HTTP.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Outbox;

use RelayPress\Tests\Test_Case;

final class OutboxTest extends Test_Case {

	public function test_the_row_is_committed_before_the_relay_is_called(): void {
		$relay             = $this->relay();
		$rows_during_send  = null;
		$relay->on_request = function () use ( &$rows_during_send ): void {
			$rows_during_send = $this->outbox_rows();
		};

		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->assertCount( 1, $rows_during_send );
		$this->assertSame( 'pending', $rows_during_send[0]['status'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $rows_during_send[0]['idempotency_key'] );
		$this->assertStringContainsString( 'Subject: Subject', $rows_during_send[0]['raw_mime'] );
	}

	public function test_a_relay_answer_of_202_marks_outbox_and_log_sent_with_the_relay_id(): void {
		$relay = $this->relay();

		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );

		$send = $relay->sends()[0];
		$this->assertSame( self::RELAY_URL . '/v1/emails', $send['url'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $send['headers']['Authorization'] );
		$this->assertSame( 'application/json', $send['headers']['Content-Type'] );
		$this->assertSame( $this->outbox_rows()[0]['idempotency_key'], $send['headers']['Idempotency-Key'] );
		$this->assertSame( array( 'wordpress', 'unknown' ), $send['body']['tags'] );
		$row = $this->outbox_rows()[0];
		$this->assertSame( array( 'sent', '1', 'msg_0stub' ), array( $row['status'], $row['attempts'], $row['relay_message_id'] ) );
		$this->assertNull( $row['raw_mime'] ); // The log body keeps the copy.
		$log = $this->log_rows()[0];
		$this->assertSame( array( 'sent', 'msg_0stub' ), array( $log['status'], $log['relay_message_id'] ) );
	}

	public function test_relay_unreachable_queues_the_message_and_cron_sends_it_once_with_the_same_key(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . \RelayPress\Tests\Stub_Server::free_port() ) );
		$succeeded = $this->record( 'wp_mail_succeeded' );

		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );

		$this->assertCount( 1, $succeeded );
		$row = $this->outbox_rows()[0];
		$this->assertSame( array( 'pending', '1' ), array( $row['status'], $row['attempts'] ) );
		$this->assertStringContainsString( 'relay_unreachable', $row['last_error'] );
		$this->assertGreaterThan( gmdate( 'Y-m-d H:i:s' ), $row['next_attempt_at'] );
		$this->assertSame( 'queued', $this->log_rows()[0]['status'] );

		// The relay comes back.
		$this->plugin->settings->update( array( 'relay_url' => self::RELAY_URL ) );
		$relay = $this->relay();
		$this->assertSame( 0, $this->run_cron()['claimed'] ); // Not due yet.
		$this->plugin->clock->advance( 61 );
		$this->assertSame( 1, $this->run_cron()['sent'] );
		$this->run_cron();

		$this->assertCount( 1, $relay->sends() );
		$this->assertSame( $row['idempotency_key'], $relay->sends()[0]['headers']['Idempotency-Key'] );
		$this->assertSame( 'sent', $this->outbox_rows()[0]['status'] );
		$this->assertSame( 'sent', $this->log_rows()[0]['status'] );
	}

	public function test_5xx_and_429_keep_the_row_pending_with_growing_backoff_and_the_same_key(): void {
		$relay = $this->relay()->answer( 503, array( 'error' => array( 'code' => 'unavailable', 'message' => 'draining' ) ) )->answer( 429, array( 'error' => array( 'code' => 'rate_limited', 'message' => 'slow down' ) ) );
		$start = $this->plugin->clock->now();

		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );
		$row = $this->outbox_rows()[0];
		$this->assertSame( array( 'pending', '1' ), array( $row['status'], $row['attempts'] ) );
		$this->assertEqualsWithDelta( $start + 60, strtotime( $row['next_attempt_at'] . ' UTC' ), 2 );
		$this->assertStringContainsString( 'HTTP 503 unavailable: draining', $row['last_error'] );

		$this->plugin->clock->advance( 61 );
		$this->run_cron();
		$row = $this->outbox_rows()[0];
		$this->assertSame( array( 'pending', '2' ), array( $row['status'], $row['attempts'] ) );
		$this->assertEqualsWithDelta( $start + 61 + 120, strtotime( $row['next_attempt_at'] . ' UTC' ), 2 );

		$this->plugin->clock->advance( 121 );
		$this->run_cron();
		$this->assertSame( 'sent', $this->outbox_rows()[0]['status'] );
		$keys = array_unique( array_map( static fn( $r ) => $r['headers']['Idempotency-Key'], $relay->sends() ) );
		$this->assertCount( 3, $relay->sends() );
		$this->assertCount( 1, $keys );
	}

	public function test_a_4xx_on_a_cron_retry_fails_the_row_and_fires_wp_mail_failed(): void {
		$this->relay()->answer( 500, null )->answer( 413, array( 'error' => array( 'code' => 'message_too_large', 'message' => 'message exceeds 10 MB' ) ) );
		$failed = $this->record( 'wp_mail_failed' );
		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );
		$this->assertCount( 0, $failed );

		$this->plugin->clock->advance( 61 );
		$this->assertSame( 1, $this->run_cron()['failed'] );

		$this->assertCount( 1, $failed );
		$this->assertStringContainsString( 'message exceeds 10 MB', $failed[0][0]->get_error_message() );
		$this->assertSame( array( 'a@example.com' ), $failed[0][0]->get_error_data()['to'] );
		$this->assertSame( 'failed', $this->outbox_rows()[0]['status'] );
		$this->assertSame( 'failed', $this->log_rows()[0]['status'] );
	}

	public function test_408_is_retried_like_a_5xx(): void {
		$this->relay()->answer( 408, null );
		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );
		$this->assertSame( 'pending', $this->outbox_rows()[0]['status'] );
	}

	public function test_the_message_fails_when_the_retry_schedule_is_exhausted(): void {
		add_filter( 'relaypress_retry_delays', static fn() => array( 60 ) );
		$this->relay()->answer( 502, null )->answer( 502, null );
		$failed = $this->record( 'wp_mail_failed' );
		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->plugin->clock->advance( 61 );
		$this->run_cron();

		$this->assertSame( 'failed', $this->outbox_rows()[0]['status'] );
		$this->assertStringContainsString( 'Gave up after 2 attempts', $this->log_rows()[0]['last_error'] );
		$this->assertCount( 1, $failed );
	}

	public function test_a_cron_run_that_overlaps_another_claims_nothing_the_first_holds(): void {
		add_filter( 'relaypress_send_immediately', '__return_false' );
		wp_mail( 'a@example.com', 'One', 'Body' );
		wp_mail( 'b@example.com', 'Two', 'Body' );
		$relay             = $this->relay();
		$overlapping       = null;
		$relay->on_request = function () use ( &$overlapping ): void {
			$overlapping ??= $this->run_cron(); // A second run starts while the first is sending.
		};

		$first = $this->run_cron();

		$this->assertSame( 2, $first['sent'] );
		$this->assertSame( 0, $overlapping['claimed'] );
		$this->assertCount( 2, $relay->sends() );
	}

	public function test_an_expired_lease_is_claimed_again(): void {
		add_filter( 'relaypress_send_immediately', '__return_false' );
		wp_mail( 'a@example.com', 'One', 'Body' );
		$claimed = $this->plugin->outbox_repository->claim_due( 'crashed-run', $this->plugin->clock->mysql(), $this->plugin->clock->mysql( 300 ), 10 );
		$this->assertCount( 1, $claimed );
		$relay = $this->relay();

		$this->assertSame( 0, $this->run_cron()['claimed'] );
		$this->plugin->clock->advance( 301 );
		$this->assertSame( 1, $this->run_cron()['sent'] );
		$this->assertCount( 1, $relay->sends() );
	}

	public function test_a_run_stops_at_the_first_temporary_failure_and_leaves_the_rest_due(): void {
		add_filter( 'relaypress_send_immediately', '__return_false' );
		wp_mail( 'a@example.com', 'One', 'Body' );
		wp_mail( 'b@example.com', 'Two', 'Body' );
		$relay = $this->relay()->answer( 503, null );

		$stats = $this->run_cron();

		$this->assertSame( array( 2, 0, 1 ), array( $stats['claimed'], $stats['sent'], $stats['retry'] ) );
		$this->assertCount( 1, $relay->sends() );
		$second = $this->outbox_rows()[1];
		$this->assertSame( array( 'pending', '0' ), array( $second['status'], $second['attempts'] ) );
		$this->assertNull( $second['lock_token'] );
	}

	public function test_mail_goes_through_core_when_no_relay_is_configured(): void {
		$this->plugin->settings->update( array( 'api_token_clear' => true ) );
		$relay = $this->relay();

		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->assertSame( array(), $relay->requests );
		$this->assertSame( array(), $this->outbox_rows() );
	}
}
