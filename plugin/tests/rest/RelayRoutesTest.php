<?php
/**
 * /connection-test and the /relay proxies, over real HTTP to a `php -S` relay stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;

final class RelayRoutesTest extends Rest_Test_Case {

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

	public function test_connection_ok_checks_healthz_without_and_messages_with_the_token(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ), array( 'status' => 200, 'body' => array( 'data' => array(), 'next_cursor' => null ) ) ) );

		$data = $this->ok( 'POST', '/connection-test' );

		$this->assertSame( array( true, 'ok' ), array( $data['ok'], $data['code'] ) );
		$requests = $this->server->requests();
		$this->assertSame( array( '/healthz', '/v1/messages' ), array_column( $requests, 'path' ) );
		$this->assertNull( $requests[0]['authorization'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $requests[1]['authorization'] );
		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $data ) );
	}

	public function test_connection_unauthorized_when_the_relay_refuses_the_token(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ), array( 'status' => 401, 'body' => array( 'error' => array( 'code' => 'unauthorized', 'message' => 'invalid token' ) ) ) ) );

		$data = $this->ok( 'POST', '/connection-test' );

		$this->assertSame( array( false, 'unauthorized', 'auth', 401 ), array( $data['ok'], $data['code'], $data['step'], $data['http_status'] ) );
	}

	public function test_connection_unexpected_response_when_healthz_is_not_a_relay(): void {
		$this->server->answer( array( array( 'status' => 404, 'body' => array( 'error' => array( 'code' => 'not_found', 'message' => '<b>nope</b>' ) ) ) ) );

		$data = $this->ok( 'POST', '/connection-test' );

		$this->assertSame( array( 'unexpected_response', 'healthz', 404 ), array( $data['code'], $data['step'], $data['http_status'] ) );
		$this->assertStringNotContainsString( '<b>', $data['message'] );
	}

	public function test_connection_unexpected_response_when_the_list_is_not_the_relays_shape(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ), array( 'status' => 200, 'body' => array( 'hello' => 'world' ) ) ) );

		$this->assertSame( 'unexpected_response', $this->ok( 'POST', '/connection-test' )['code'] );
	}

	public function test_connection_unreachable_when_nothing_listens(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . Stub_Server::free_port() ) );

		$data = $this->ok( 'POST', '/connection-test' );

		$this->assertSame( array( false, 'unreachable', 'healthz' ), array( $data['ok'], $data['code'], $data['step'] ) );
	}

	public function test_connection_tls_error_when_https_meets_a_plain_http_server(): void {
		$this->plugin->settings->update( array( 'relay_url' => str_replace( 'http://', 'https://', $this->server->url ) ) );

		$data = $this->ok( 'POST', '/connection-test' );

		$this->assertSame( 'tls_error', $data['code'], $data['message'] );
	}

	public function test_connection_not_configured_without_a_relay_url(): void {
		$this->plugin->settings->update( array( 'relay_url' => '' ) );

		$this->assertSame( 'not_configured', $this->ok( 'POST', '/connection-test' )['code'] );
	}

	public function test_relay_messages_passes_limit_and_cursor_and_returns_typed_escaped_data(): void {
		$this->server->answer(
			array(
				array(
					'status' => 200,
					'body'   => array(
						'data'        => array(
							array(
								'id'         => 'msg_01hzzzzzzzzzzzzzzzzzzzzzzz',
								'created_at' => '2024-05-01T10:00:00.000Z',
								'source'     => 'http',
								'mail_from'  => 'shop@example.net',
								'from'       => 'Shop <shop@example.net>',
								'subject'    => '<img src=x onerror=alert(1)>Order',
								'size'       => '1234',
								'tags'       => array( 'wordpress' ),
								'metadata'   => array( 'secret' => 'not for the browser' ),
								'recipients' => array( array( 'id' => 'rcpt_1', 'email' => 'a@example.com', 'status' => 'delivered' ) ),
							),
						),
						'next_cursor' => 'msg_01hzzzzzzzzzzzzzzzzzzzzzzz',
					),
				),
			)
		);

		$data = $this->ok( 'GET', '/relay/messages', array( 'limit' => 10, 'cursor' => 'msg_01hyyyyyyyyyyyyyyyyyyyyyyy' ) );

		$request = $this->server->requests()[0];
		$this->assertSame( '/v1/messages', $request['path'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $request['authorization'] );
		$message = $data['data'][0];
		$this->assertSame( 1234, $message['size'] );
		$this->assertSame( '&lt;img src=x onerror=alert(1)&gt;Order', $message['subject'] );
		$this->assertSame( 'Shop &lt;shop@example.net&gt;', $message['from'] );
		$this->assertSame( 'delivered', $message['recipients'][0]['status'] );
		$this->assertArrayNotHasKey( 'metadata', $message );
		$this->assertSame( 'msg_01hzzzzzzzzzzzzzzzzzzzzzzz', $data['next_cursor'] );
		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $data ) );
	}

	public function test_relay_messages_sends_the_query_the_relay_expects(): void {
		$seen = array();
		add_filter(
			'pre_http_request',
			static function ( $pre, $args, $url ) use ( &$seen ) {
				$seen[] = $url;
				return $pre;
			},
			1,
			3
		);
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'data' => array(), 'next_cursor' => null ) ) ) );

		$this->ok( 'GET', '/relay/messages', array( 'limit' => 10, 'cursor' => 'msg_abc' ) );

		$this->assertSame( $this->server->url . '/v1/messages?limit=10&cursor=msg_abc', $seen[0] );
	}

	public function test_relay_message_detail_with_attempts(): void {
		$this->server->answer(
			array(
				array(
					'status' => 200,
					'body'   => array(
						'id'                => 'msg_1',
						'subject'           => 'Hi',
						'message_id_header' => '<abc@example.net>',
						'recipients'        => array(
							array(
								'id'             => 'rcpt_1',
								'email'          => 'a@example.com',
								'status'         => 'deferred',
								'attempts_count' => 2,
								'last_response'  => '451 4.7.1 <script>x</script>',
								'attempts'       => array( array( 'id' => 'att_1', 'at' => '2024-05-01T10:00:00.000Z', 'outcome' => 'deferred', 'response_code' => 451, 'tls' => 1 ) ),
							),
						),
						'events'            => array( array( 'id' => 'evt_1', 'type' => 'message.accepted', 'at' => '2024-05-01T10:00:00.000Z' ) ),
					),
				),
			)
		);

		$data = $this->ok( 'GET', '/relay/messages/msg_1' );

		$this->assertSame( '/v1/messages/msg_1', $this->server->requests()[0]['path'] );
		$this->assertSame( '&lt;abc@example.net&gt;', $data['message_id_header'] );
		$this->assertSame( '451 4.7.1 &lt;script&gt;x&lt;/script&gt;', $data['recipients'][0]['last_response'] );
		$this->assertSame( array( 451, true ), array( $data['recipients'][0]['attempts'][0]['response_code'], $data['recipients'][0]['attempts'][0]['tls'] ) );
		$this->assertSame( 'message_accepted', $data['events'][0]['type'] );
	}

	public function test_a_relay_404_comes_back_as_404_with_the_relays_code_and_message(): void {
		$this->server->answer( array( array( 'status' => 404, 'body' => array( 'error' => array( 'code' => 'not_found', 'message' => 'No such message' ) ) ) ) );

		$response = $this->request( 'GET', '/relay/messages/msg_404' );

		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'relaypress_relay_not_found', $response->get_data()['code'] );
		$this->assertSame( 'No such message', $response->get_data()['message'] );
		$this->assertSame( 404, $response->get_data()['data']['relay_status'] );
	}

	public function test_a_relay_401_is_a_502_so_the_browser_does_not_think_it_was_logged_out(): void {
		$this->server->answer( array( array( 'status' => 401, 'body' => array( 'error' => array( 'code' => 'unauthorized', 'message' => 'Authentication credentials are missing or invalid' ) ) ) ) );

		$response = $this->request( 'GET', '/relay/messages' );

		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'relaypress_relay_unauthorized', $response->get_data()['code'] );
	}

	public function test_an_unreachable_relay_is_a_502(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . Stub_Server::free_port() ) );

		$response = $this->request( 'GET', '/relay/messages' );

		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'relaypress_relay_unreachable', $response->get_data()['code'] );
	}

	public function test_invalid_proxy_arguments_never_reach_the_relay(): void {
		$this->assertSame( 400, $this->request( 'GET', '/relay/messages', array( 'limit' => 500 ) )->get_status() );
		$this->assertSame( 400, $this->request( 'GET', '/relay/messages', array( 'cursor' => '../admin' ) )->get_status() );
		$this->assertSame( 404, $this->request( 'GET', '/relay/messages/..%2Fadmin' )->get_status() ); // No route matches.
		$this->assertSame( array(), $this->server->requests() );
	}
}
