<?php
/**
 * GET /overview: the connection (relay `/healthz`), the webhook registration, the outbox
 * backlog and the last 24 hours of the log, in one answer that is always 200.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Relay\Relay_Client;
use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;
use RelayPress\Webhooks\Webhook_Registration;

final class OverviewRouteTest extends Rest_Test_Case {

	private const HOSTILE = '<script>alert(1)</script>';

	private Stub_Server $server;

	protected function setUp(): void {
		parent::setUp();
		$this->server = Stub_Server::start();
		$this->plugin->settings->update( array( 'relay_url' => $this->server->url ) );
		$this->as_admin();
	}

	protected function tearDown(): void {
		$this->server->stop();
		parent::tearDown();
	}

	public function test_visitors_subscribers_and_editors_are_refused_and_the_relay_is_never_asked(): void {
		foreach ( array( 0 => 401, $this->user( 'subscriber' ) => 403, $this->user( 'editor' ) => 403 ) as $user => $status ) {
			wp_set_current_user( $user );
			$this->assertSame( $status, $this->request( 'GET', '/overview' )->get_status(), "user {$user}" );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_a_relay_that_answers_healthz_is_reachable_and_is_asked_without_the_token(): void {
		$data = $this->ok( 'GET', '/overview' );

		$this->assertSame( array( 'connection', 'webhook', 'outbox', 'log_24h' ), array_keys( $data ) );
		$this->assertSame( array( 'configured' => true, 'reachable' => true, 'code' => 'ok' ), array_intersect_key( $data['connection'], array_flip( array( 'configured', 'reachable', 'code' ) ) ) );
		$this->assertIsString( $data['connection']['message'] );
		$requests = $this->server->requests();
		$this->assertSame( array( array( 'GET', '/healthz' ) ), array_map( static fn( $r ) => array( $r['method'], $r['path'] ), $requests ) );
		$this->assertNull( $requests[0]['authorization'] );
		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $data ) );
	}

	public function test_a_relay_that_is_down_is_unreachable_and_the_answer_is_still_200(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . Stub_Server::free_port() ) );

		$connection = $this->ok( 'GET', '/overview' )['connection'];

		$this->assertSame( array( true, false, 'unreachable' ), array( $connection['configured'], $connection['reachable'], $connection['code'] ) );
		$this->assertNotSame( '', $connection['message'] );
	}

	public function test_a_relay_answering_healthz_with_an_error_is_unreachable_with_its_message_escaped(): void {
		$this->server->answer( array( array( 'status' => 503, 'body' => array( 'error' => array( 'code' => 'draining', 'message' => self::HOSTILE ) ) ) ) );

		$connection = $this->ok( 'GET', '/overview' )['connection'];

		$this->assertSame( array( true, false, 'draining', '&lt;script&gt;alert(1)&lt;/script&gt;' ), array( $connection['configured'], $connection['reachable'], $connection['code'], $connection['message'] ) );
	}

	public function test_a_slow_relay_is_given_up_on_after_the_health_timeout(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ), 'delay_ms' => ( Relay_Client::HEALTH_TIMEOUT + 3 ) * 1000 ) ) );

		$started    = microtime( true );
		$connection = $this->ok( 'GET', '/overview' )['connection'];

		$this->assertFalse( $connection['reachable'] );
		$this->assertLessThan( Relay_Client::HEALTH_TIMEOUT + 1.5, microtime( true ) - $started );
	}

	public function test_no_relay_configured_is_said_without_asking_anything(): void {
		$this->plugin->settings->update( array( 'api_token_clear' => true ) );

		$connection = $this->ok( 'GET', '/overview' )['connection'];

		$this->assertSame( array( false, false, 'not_configured' ), array( $connection['configured'], $connection['reachable'], $connection['code'] ) );
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_the_webhook_state_is_escaped_and_never_holds_the_secret(): void {
		update_option(
			Webhook_Registration::OPTION,
			array(
				'endpoint_id' => 'wh_1',
				'secret'      => 'sealed_secret_blob',
				'error'       => array( 'code' => 'Unreachable<b>', 'message' => 'The webhook could not be registered: ' . self::HOSTILE, 'http_status' => '502', 'at' => '2024-01-02 03:04:05' ),
			)
		);

		$webhook = $this->ok( 'GET', '/overview' )['webhook'];

		$this->assertFalse( $webhook['registered'] );
		$this->assertSame( rest_url( 'relaypress/v1/webhooks' ), $webhook['url'] );
		$this->assertSame( array( 'unreachableb', 'The webhook could not be registered: &lt;script&gt;alert(1)&lt;/script&gt;', 502, '2024-01-02T03:04:05Z' ), array( $webhook['error']['code'], $webhook['error']['message'], $webhook['error']['http_status'], $webhook['error']['at'] ) );
		$this->assertStringNotContainsString( 'sealed_secret_blob', (string) wp_json_encode( $webhook ) );
	}

	public function test_outbox_counts_split_waiting_from_retrying_and_failed(): void {
		$this->outbox_row( 'pending', 0 );
		$this->outbox_row( 'pending', 0 );
		$this->outbox_row( 'pending', 1 );
		$this->outbox_row( 'pending', 4 );
		$this->outbox_row( 'pending', 2 );
		$this->outbox_row( 'failed', 8 );
		$this->outbox_row( 'sent', 1 );

		$this->assertSame( array( 'pending' => 2, 'retrying' => 3, 'failed' => 1 ), $this->ok( 'GET', '/overview' )['outbox'] );
	}

	public function test_log_counts_cover_every_status_of_the_last_24_hours_only(): void {
		$now = $this->plugin->clock->now();
		foreach ( array( 'sent' => 3, 'delivered' => 2, 'bounced' => 1, 'failed' => 1 ) as $status => $n ) {
			for ( $i = 0; $i < $n; $i++ ) {
				$this->log_row( $status, $now - 60 );
			}
		}
		$this->log_row( 'queued', $now - DAY_IN_SECONDS + 60 );
		$this->log_row( 'delivered', $now - DAY_IN_SECONDS - 60 );
		$this->log_row( 'failed', $now - 7 * DAY_IN_SECONDS );

		$this->assertSame( array( 'queued' => 1, 'sent' => 3, 'deferred' => 0, 'delivered' => 2, 'bounced' => 1, 'failed' => 1 ), $this->ok( 'GET', '/overview' )['log_24h'] );
	}

	public function test_an_empty_site_counts_zeroes(): void {
		$data = $this->ok( 'GET', '/overview' );

		$this->assertSame( array( 'pending' => 0, 'retrying' => 0, 'failed' => 0 ), $data['outbox'] );
		$this->assertSame( array( 0, 0, 0, 0, 0, 0 ), array_values( $data['log_24h'] ) );
	}

	private function outbox_row( string $status, int $attempts ): void {
		global $wpdb;
		$now = gmdate( 'Y-m-d H:i:s' );
		$wpdb->insert(
			$this->plugin->outbox_repository->table(),
			array( 'idempotency_key' => wp_generate_uuid4(), 'rcpt_to' => '["a@example.com"]', 'status' => $status, 'attempts' => $attempts, 'next_attempt_at' => $now, 'created_at' => $now, 'updated_at' => $now )
		);
	}

	private function log_row( string $status, int $created ): void {
		global $wpdb;
		$at = gmdate( 'Y-m-d H:i:s', $created );
		$wpdb->insert( $this->plugin->log_repository->table(), array( 'status' => $status, 'created_at' => $at, 'updated_at' => $at ) );
	}
}
