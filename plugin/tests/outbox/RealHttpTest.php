<?php
/**
 * The same paths over a real socket: WordPress's HTTP API against a `php -S` relay stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Outbox;

use RelayPress\Tests\Stub_Server;
use RelayPress\Tests\Test_Case;

final class RealHttpTest extends Test_Case {

	private ?Stub_Server $server = null;

	protected function setUp(): void {
		parent::setUp();
		$this->server = Stub_Server::start( 4 );
		$this->plugin->settings->update( array( 'relay_url' => $this->server->url ) );
	}

	protected function tearDown(): void {
		$this->server->stop();
		parent::tearDown();
	}

	public function test_wp_mail_posts_the_raw_message_over_http_with_token_and_idempotency_key(): void {
		$this->assertTrue( wp_mail( 'a@example.com', 'Over HTTP', 'Body', array( 'Bcc: b@example.com' ) ) );

		$requests = $this->server->requests();
		$this->assertCount( 1, $requests );
		$this->assertSame( 'POST', $requests[0]['method'] );
		$this->assertSame( '/v1/emails', $requests[0]['path'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $requests[0]['authorization'] );
		$this->assertSame( 'application/json', $requests[0]['content_type'] );
		$this->assertSame( $this->outbox_rows()[0]['idempotency_key'], $requests[0]['idempotency_key'] );
		$this->assertSame( array( 'a@example.com', 'b@example.com' ), $requests[0]['body']['envelope']['rcpt_to'] );
		$this->assertSame( $this->log_rows()[0]['relay_message_id'], 'msg_stub1' );
		$this->assertSame( 'Over HTTP', $this->sent_message( $requests[0] )->header( 'Subject' ) );
	}

	public function test_a_400_over_http_makes_wp_mail_return_false_with_the_relays_message(): void {
		$this->server->answer( array( array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => 'must contain at least 1 recipient', 'field' => 'envelope.rcpt_to' ) ) ) ) );
		$failed = $this->record( 'wp_mail_failed' );

		$this->assertFalse( wp_mail( 'a@example.com', 'Subject', 'Body' ) );

		$this->assertStringContainsString( 'validation_failed: must contain at least 1 recipient (envelope.rcpt_to)', $failed[0][0]->get_error_message() );
	}

	public function test_a_503_over_http_then_a_cron_run_delivers_with_the_same_key(): void {
		$this->server->answer( array( array( 'status' => 503, 'body' => array( 'error' => array( 'code' => 'unavailable', 'message' => 'draining' ) ) ) ) );
		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );
		$this->plugin->clock->advance( 61 );

		$this->assertSame( 1, $this->run_cron()['sent'] );

		$keys = array_column( $this->server->requests(), 'idempotency_key' );
		$this->assertCount( 2, $keys );
		$this->assertSame( $keys[0], $keys[1] );
	}

	public function test_two_cron_processes_running_at_once_send_each_row_exactly_once(): void {
		add_filter( 'relaypress_send_immediately', '__return_false' );
		for ( $i = 1; $i <= 6; $i++ ) {
			wp_mail( "r{$i}@example.com", "Message {$i}", 'Body' );
		}
		$this->server->delay_all( 200 ); // Each send takes a while, so the runs overlap.

		$code    = 'echo wp_json_encode( \RelayPress\Plugin::instance()->processor->run() );';
		$first   = $this->start_in_wordpress( $code );
		$second  = $this->start_in_wordpress( $code );
		$stats   = array( json_decode( $this->finish_in_wordpress( $first ), true ), json_decode( $this->finish_in_wordpress( $second ), true ) );

		$keys = array_column( $this->server->requests(), 'idempotency_key' );
		$this->assertCount( 6, $keys );
		$this->assertCount( 6, array_unique( $keys ) );
		$this->assertSame( 6, $stats[0]['sent'] + $stats[1]['sent'] );
		$this->assertSame( array( 'sent' ), array_values( array_unique( array_column( $this->outbox_rows(), 'status' ) ) ) );
	}

	public function test_the_connection_test_checks_health_and_token(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ), array( 'status' => 200, 'body' => array( 'data' => array() ) ) ) );
		$this->assertTrue( $this->plugin->relay_client->test_connection() );

		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ), array( 'status' => 401, 'body' => array( 'error' => array( 'code' => 'unauthorized', 'message' => 'invalid token' ) ) ) ) );
		$result = $this->plugin->relay_client->test_connection();
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertSame( 'relaypress_token_rejected', $result->get_error_code() );
		$this->assertNull( $this->server->requests()[0]['authorization'] ); // /healthz gets no token.
	}
}
