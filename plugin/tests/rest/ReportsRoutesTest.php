<?php
/**
 * /analytics, /activity and /activity/messages, over real HTTP to a `php -S` relay stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Rest\Reports_Controller;
use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;

final class ReportsRoutesTest extends Rest_Test_Case {

	private const HOSTILE = '<script>alert(1)</script>';

	private Stub_Server $server;

	protected function setUp(): void {
		parent::setUp();
		$this->forget_cache();
		$this->server = Stub_Server::start();
		$this->plugin->settings->update( array( 'relay_url' => $this->server->url ) );
		$this->as_admin();
	}

	protected function tearDown(): void {
		$this->server->stop();
		$this->forget_cache();
		parent::tearDown();
	}

	// Permission.

	public function test_visitors_subscribers_and_editors_are_refused_and_the_relay_is_never_asked(): void {
		foreach ( array( 0 => 401, $this->user( 'subscriber' ) => 403, $this->user( 'editor' ) => 403 ) as $user => $status ) {
			wp_set_current_user( $user );
			foreach ( array( '/analytics', '/activity', '/activity/messages' ) as $path ) {
				$response = $this->request( 'GET', $path );
				$this->assertSame( $status, $response->get_status(), "user {$user} {$path}" );
				$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
			}
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_an_administrator_gets_the_reports(): void {
		$this->server->answer( array( self::analytics_answer(), self::page(), self::page() ) );

		foreach ( array( '/analytics', '/activity', '/activity/messages' ) as $path ) {
			$this->ok( 'GET', $path );
		}
		$this->assertSame( array( '/v1/analytics', '/v1/events', '/v1/messages' ), array_column( $this->server->requests(), 'path' ) );
	}

	// Analytics: the query.

	public function test_analytics_asks_the_relay_with_the_token_and_only_the_known_parameters_normalized(): void {
		$this->server->answer( array( self::analytics_answer() ) );

		$data = $this->ok(
			'GET',
			'/analytics',
			array(
				'from'       => '2024-05-01',
				'to'         => '2024-05-08T12:30:00+02:00',
				'group_by'   => 'hour',
				'tag'        => 'shop',
				'by_tag'     => 'true',
				'account_id' => 'acc_other',
				'token'      => 'rpk_evil',
				'limit'      => '5',
			)
		);

		$request = $this->server->requests()[0];
		$this->assertSame( '/v1/analytics', $request['path'] );
		$this->assertSame( 'from=2024-05-01T00%3A00%3A00Z&to=2024-05-08T10%3A30%3A00Z&group_by=hour&tag=shop&by_tag=true', $request['query'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $request['authorization'] );
		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $data ) );
	}

	public function test_analytics_without_parameters_asks_for_days_and_lets_the_relay_choose_the_range(): void {
		$this->server->answer( array( self::analytics_answer() ) );

		$this->ok( 'GET', '/analytics' );

		$this->assertSame( 'group_by=day', $this->server->requests()[0]['query'] );
	}

	public function test_invalid_analytics_parameters_are_400_and_never_reach_the_relay(): void {
		$invalid = array(
			array( 'from' => '2024-02-30' ),
			array( 'from' => 'yesterday' ),
			array( 'from' => '2024-05-01 10:00:00' ), // Not ISO 8601: a space instead of T.
			array( 'to' => '2024-05-01T25:00:00Z' ),
			array( 'to' => '2024-05-01T10:00:00' ), // No zone: which day it is depends on the reader.
			array( 'to' => '1714557600' ),
			array( 'group_by' => 'week' ),
			array( 'by_tag' => 'maybe' ),
			array( 'tag' => str_repeat( 'x', 101 ) ),
		);
		foreach ( $invalid as $params ) {
			$response = $this->request( 'GET', '/analytics', $params );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $params ) );
			$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
			$this->assertArrayHasKey( (string) key( $params ), $response->get_data()['data']['params'] );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	// Analytics: the answer.

	public function test_analytics_figures_come_back_typed_and_free_text_escaped(): void {
		$answer                       = self::analytics_answer();
		$answer['body']['tag']        = self::HOSTILE;
		$answer['body']['account_id'] = 'acc_1';
		$answer['body']['totals']     = array( 'queued' => '10', 'delivered' => 9, 'opened' => 3, 'delivery_rate' => 0.9, 'open_rate' => '0.33333', 'click_rate' => null, 'secret' => 'x' );
		$answer['body']['data']       = array(
			array( 'bucket' => '2024-05-01T00:00:00.000Z', 'tag' => self::HOSTILE, 'queued' => 10, 'delivered' => 9, 'delivery_rate' => 0.9 ),
			array( 'bucket' => '<b>not a date</b>', 'queued' => -3 ),
			'not a row',
		);
		$this->server->answer( array( $answer ) );

		$data = $this->ok( 'GET', '/analytics', array( 'by_tag' => true ) );

		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $data['tag'] );
		$this->assertArrayNotHasKey( 'account_id', $data );
		$this->assertSame( array( 'day', '2024-04-01T00:00:00.000Z' ), array( $data['group_by'], $data['from'] ) );
		$this->assertSame( 10, $data['totals']['queued'] );
		$this->assertSame( 0, $data['totals']['clicked'] );
		$this->assertSame( array( 0.9, 0.3333, null ), array( $data['totals']['delivery_rate'], $data['totals']['open_rate'], $data['totals']['click_rate'] ) );
		$this->assertArrayNotHasKey( 'secret', $data['totals'] );
		$this->assertCount( 2, $data['data'] );
		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $data['data'][0]['tag'] );
		$this->assertSame( array( null, 0 ), array( $data['data'][1]['bucket'], $data['data'][1]['queued'] ) );
		$this->assertArrayNotHasKey( 'tag', $data['data'][1] );
		$this->assertStringNotContainsString( '<script', (string) wp_json_encode( $data ) );
	}

	// Errors.

	public function test_a_relay_400_is_passed_on_as_400_with_its_message_and_field_and_is_not_cached(): void {
		$refusal = array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => 'A range grouped by hour may span at most 31 days', 'field' => 'from' ) ) );
		$this->server->answer( array( $refusal, $refusal ) );
		$params = array( 'from' => '2024-01-01', 'to' => '2024-05-01', 'group_by' => 'hour' );

		$response = $this->request( 'GET', '/analytics', $params );

		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'relaypress_relay_validation_failed', $response->get_data()['code'] );
		$this->assertSame( 'A range grouped by hour may span at most 31 days', $response->get_data()['message'] );
		$this->assertSame( array( 400, 400, 'from' ), array( $response->get_data()['data']['status'], $response->get_data()['data']['relay_status'], $response->get_data()['data']['field'] ) );

		$this->assertSame( 400, $this->request( 'GET', '/analytics', $params )->get_status() );
		$this->assertCount( 2, $this->server->requests() );
	}

	public function test_a_relay_400_message_is_escaped(): void {
		$this->server->answer( array( array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => 'bad ' . self::HOSTILE, 'field' => self::HOSTILE ) ) ) ) );

		$data = $this->request( 'GET', '/activity' )->get_data();

		$this->assertSame( 'bad &lt;script&gt;alert(1)&lt;/script&gt;', $data['message'] );
		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $data['data']['field'] );
	}

	public function test_a_relay_that_is_down_is_a_502_on_every_report(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . Stub_Server::free_port() ) );

		foreach ( array( '/analytics', '/activity', '/activity/messages' ) as $path ) {
			$response = $this->request( 'GET', $path );
			$this->assertSame( 502, $response->get_status(), $path );
			$this->assertSame( 'relaypress_relay_unreachable', $response->get_data()['code'] );
			$this->assertNotSame( '', $response->get_data()['message'] );
		}
	}

	public function test_a_relay_500_is_a_502_and_is_not_cached(): void {
		$this->server->answer( array( array( 'status' => 500, 'body' => array( 'error' => array( 'code' => 'internal_error', 'message' => 'Something went wrong' ) ) ), self::analytics_answer() ) );

		$response = $this->request( 'GET', '/analytics' );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( array( 'relaypress_relay_internal_error', 500 ), array( $response->get_data()['code'], $response->get_data()['data']['relay_status'] ) );

		$this->assertSame( 'miss', $this->request( 'GET', '/analytics' )->get_headers()['X-RelayPress-Cache'] );
	}

	public function test_without_a_token_the_reports_are_503_not_configured_and_nothing_is_sent(): void {
		$this->plugin->settings->update( array( 'api_token_clear' => true ) );

		foreach ( array( '/analytics', '/activity', '/activity/messages' ) as $path ) {
			$response = $this->request( 'GET', $path );
			$this->assertSame( 503, $response->get_status(), $path );
			$this->assertSame( 'relaypress_relay_not_configured', $response->get_data()['code'] );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	// Caching.

	public function test_analytics_answers_are_cached_for_a_minute_per_normalized_query(): void {
		$this->server->answer( array( self::analytics_answer(), self::analytics_answer(), self::analytics_answer() ) );

		$first  = $this->request( 'GET', '/analytics', array( 'from' => '2024-05-01' ) );
		$second = $this->request( 'GET', '/analytics', array( 'from' => '2024-05-01T02:00:00+02:00', 'ignored' => 'x' ) );

		$this->assertSame( array( 'miss', 'hit' ), array( $first->get_headers()['X-RelayPress-Cache'], $second->get_headers()['X-RelayPress-Cache'] ) );
		$this->assertSame( $first->get_data(), $second->get_data() );
		$this->assertCount( 1, $this->server->requests() );

		$this->assertSame( 'miss', $this->request( 'GET', '/analytics', array( 'from' => '2024-05-01', 'group_by' => 'hour' ) )->get_headers()['X-RelayPress-Cache'] );
		$this->assertCount( 2, $this->server->requests() );

		$this->plugin->clock->advance( Reports_Controller::CACHE_SECONDS - 10 ); // Real seconds pass too while the test runs.
		$this->assertSame( 'hit', $this->request( 'GET', '/analytics', array( 'from' => '2024-05-01' ) )->get_headers()['X-RelayPress-Cache'] );
		$this->plugin->clock->advance( 10 );
		$this->assertSame( 'miss', $this->request( 'GET', '/analytics', array( 'from' => '2024-05-01' ) )->get_headers()['X-RelayPress-Cache'] );
		$this->assertCount( 3, $this->server->requests() );
	}

	public function test_the_analytics_cache_is_per_connection_another_token_asks_again(): void {
		$this->server->answer( array( self::analytics_answer(), self::analytics_answer() ) );

		$this->ok( 'GET', '/analytics' );
		$this->plugin->settings->update( array( 'api_token' => 'rpk_another_account_token' ) );
		$this->assertSame( 'miss', $this->request( 'GET', '/analytics' )->get_headers()['X-RelayPress-Cache'] );

		$this->assertSame( array( 'Bearer ' . self::TOKEN, 'Bearer rpk_another_account_token' ), array_column( $this->server->requests(), 'authorization' ) );
	}

	public function test_the_cache_holds_neither_the_token_nor_its_hash(): void {
		global $wpdb;
		$this->server->answer( array( self::analytics_answer() ) );

		$this->ok( 'GET', '/analytics' );

		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT option_name, option_value FROM {$wpdb->options} WHERE option_name LIKE %s", '%' . $wpdb->esc_like( Reports_Controller::CACHE_PREFIX ) . '%' ), ARRAY_A );
		$this->assertCount( 2, $rows ); // The value and its timeout.
		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $rows ) );
		$this->assertStringNotContainsString( hash( 'sha256', self::TOKEN ), (string) wp_json_encode( $rows ) );
	}

	public function test_activity_is_never_cached(): void {
		$this->server->answer( array( self::page(), self::page() ) );

		$this->ok( 'GET', '/activity' );
		$this->ok( 'GET', '/activity' );

		$this->assertCount( 2, $this->server->requests() );
	}

	// Activity (events).

	public function test_activity_passes_its_filters_and_nothing_else(): void {
		$this->server->answer( array( self::page() ) );

		$this->ok(
			'GET',
			'/activity',
			array(
				'type'       => 'hard_bounced',
				'recipient'  => ' buyer+1@example.com ',
				'message_id' => 'msg_01hzzzzzzzzzzzzzzzzzzzzzzz',
				'from'       => '2024-05-01T00:00:00Z',
				'to'         => '2024-05-02',
				'limit'      => 10,
				'cursor'     => 'evt_01hyyyyyyyyyyyyyyyyyyyyyyy',
				'status'     => 'delivered', // A messages filter, not an events one.
				'tag'        => 'x',
			)
		);

		$request = $this->server->requests()[0];
		$this->assertSame( '/v1/events', $request['path'] );
		$this->assertSame( 'type=hard_bounced&recipient=buyer%2B1%40example.com&message_id=msg_01hzzzzzzzzzzzzzzzzzzzzzzz&from=2024-05-01T00%3A00%3A00Z&to=2024-05-02T00%3A00%3A00Z&limit=10&cursor=evt_01hyyyyyyyyyyyyyyyyyyyyyyy', $request['query'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $request['authorization'] );
	}

	public function test_activity_defaults_to_50_events(): void {
		$this->server->answer( array( self::page() ) );

		$this->ok( 'GET', '/activity' );

		$this->assertSame( 'limit=50', $this->server->requests()[0]['query'] );
	}

	public function test_invalid_activity_parameters_are_400_and_never_reach_the_relay(): void {
		$invalid = array(
			array( 'type' => 'bogus' ),
			array( 'recipient' => 'not-an-address' ),
			array( 'recipient' => 'a@example.com&account_id=acc_2' ),
			array( 'message_id' => 'msg 1' ),
			array( 'cursor' => '../admin' ),
			array( 'limit' => 0 ),
			array( 'limit' => 101 ),
			array( 'from' => '2024-5-1' ),
		);
		foreach ( $invalid as $params ) {
			$response = $this->request( 'GET', '/activity', $params );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $params ) );
			$this->assertArrayHasKey( (string) key( $params ), $response->get_data()['data']['params'] );
		}
		$this->assertSame( 400, $this->request( 'GET', '/activity/messages', array( 'status' => 'opened' ) )->get_status() );
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_activity_events_come_back_typed_with_free_text_escaped_and_unknown_data_dropped(): void {
		$this->server->answer(
			array(
				self::page(
					array(
						array(
							'id'         => 'evt_1',
							'type'       => 'hard_bounced',
							'created_at' => '2024-05-01T10:00:00.000Z',
							'message_id' => 'msg_1',
							'recipient'  => '"' . self::HOSTILE . '"@example.com',
							'account_id' => 'acc_1',
							'data'       => array(
								'source'   => 'delivery',
								'kind'     => 'hard',
								'category' => 'unknown_user',
								'response' => '550 5.1.1 <b>no such user</b>',
								'attempt'  => 2,
								'tls'      => true,
								'headers'  => array( 'X-Secret' => 'y' ),
								'secret'   => 'not for the browser',
							),
						),
						array(
							'id'         => '<evt>',
							'type'       => 'clicked',
							'created_at' => 'yesterday',
							'message_id' => null,
							'recipient'  => null,
							'data'       => array( 'url' => 'javascript:alert(1)//<x>', 'machine' => false ),
						),
					),
					'evt_1'
				),
			)
		);

		$data = $this->ok( 'GET', '/activity' );

		$bounce = $data['data'][0];
		$this->assertSame( array( 'evt_1', 'hard_bounced', '2024-05-01T10:00:00.000Z', 'msg_1' ), array( $bounce['id'], $bounce['type'], $bounce['created_at'], $bounce['message_id'] ) );
		$this->assertSame( '&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com', $bounce['recipient'] );
		$this->assertSame( '[unknown_user] 550 5.1.1 &lt;b&gt;no such user&lt;/b&gt;', $bounce['description'] );
		$this->assertSame(
			array(
				'source'   => 'delivery',
				'response' => '550 5.1.1 &lt;b&gt;no such user&lt;/b&gt;',
				'tls'      => true,
				'attempt'  => 2,
				'category' => 'unknown_user',
				'kind'     => 'hard',
			),
			$bounce['data']
		);
		$this->assertArrayNotHasKey( 'account_id', $bounce );

		$click = $data['data'][1];
		$this->assertSame( array( null, null, null, null ), array( $click['id'], $click['created_at'], $click['message_id'], $click['recipient'] ) );
		$this->assertSame( array( 'machine' => false, 'url' => 'javascript:alert(1)//&lt;x&gt;' ), $click['data'] );
		$this->assertSame( 'evt_1', $data['next_cursor'] );
		$this->assertStringNotContainsString( '<', (string) wp_json_encode( $data ) );
	}

	// Activity (messages).

	public function test_activity_messages_pass_their_filters_and_come_back_escaped(): void {
		$this->server->answer(
			array(
				self::page(
					array(
						array(
							'id'         => 'msg_01hzzzzzzzzzzzzzzzzzzzzzzz',
							'created_at' => '2024-05-01T10:00:00.000Z',
							'source'     => 'http',
							'mail_from'  => 'shop@example.net',
							'from'       => 'Shop <shop@example.net>',
							'subject'    => self::HOSTILE,
							'size'       => 1234,
							'tags'       => array( 'order', self::HOSTILE ),
							'metadata'   => array( 'order_id' => '42' ),
							'recipients' => array( array( 'id' => 'rcpt_1', 'email' => 'a@example.com', 'status' => 'bounced' ) ),
						),
					)
				),
			)
		);

		$data = $this->ok( 'GET', '/activity/messages', array( 'recipient' => 'a@example.com', 'status' => 'bounced', 'tag' => 'order', 'from' => '2024-05-01', 'type' => 'opened' ) );

		$request = $this->server->requests()[0];
		$this->assertSame( '/v1/messages', $request['path'] );
		$this->assertSame( 'recipient=a%40example.com&status=bounced&tag=order&from=2024-05-01T00%3A00%3A00Z&limit=25', $request['query'] );
		$message = $data['data'][0];
		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $message['subject'] );
		$this->assertSame( array( 'order', '&lt;script&gt;alert(1)&lt;/script&gt;' ), $message['tags'] );
		$this->assertArrayNotHasKey( 'metadata', $message );
		$this->assertSame( 'bounced', $message['recipients'][0]['status'] );
		$this->assertNull( $data['next_cursor'] );
	}

	/**
	 * @return array{status: int, body: array<string, mixed>}
	 */
	private static function analytics_answer(): array {
		$zero = array_fill_keys( array( 'queued', 'delivered', 'deferred', 'hard_bounced', 'soft_bounced', 'suppressed', 'failed', 'opened', 'clicked', 'spam_complaint', 'unsubscribed' ), 0 );
		$none = array_fill_keys( array( 'delivery_rate', 'bounce_rate', 'open_rate', 'click_rate', 'complaint_rate', 'unsubscribe_rate' ), null );
		return array(
			'status' => 200,
			'body'   => array(
				'from'     => '2024-04-01T00:00:00.000Z',
				'to'       => '2024-05-01T00:00:00.000Z',
				'group_by' => 'day',
				'tag'      => null,
				'totals'   => $zero + $none,
				'data'     => array(),
			),
		);
	}

	/**
	 * @param array<int, mixed> $data Items.
	 * @return array{status: int, body: array<string, mixed>}
	 */
	private static function page( array $data = array(), ?string $next_cursor = null ): array {
		return array(
			'status' => 200,
			'body'   => array(
				'data'        => $data,
				'next_cursor' => $next_cursor,
			),
		);
	}

	private function forget_cache(): void {
		global $wpdb;
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", '%' . $wpdb->esc_like( Reports_Controller::CACHE_PREFIX ) . '%' ) );
		wp_cache_flush();
	}
}
