<?php
/**
 * /domains…, over real HTTP to a `php -S` relay stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;

final class DomainsRoutesTest extends Rest_Test_Case {

	private const HOSTILE = '<script>alert(1)</script>';
	private const ID      = 'dom_01hzx3k4m5n6p7q8r9s0t1v2w3';

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

	// Permission.

	public function test_visitors_subscribers_and_editors_are_refused_and_the_relay_is_never_asked(): void {
		$routes = array( array( 'GET', '/domains' ), array( 'POST', '/domains' ), array( 'GET', '/domains/' . self::ID ), array( 'POST', '/domains/' . self::ID . '/verify' ), array( 'POST', '/domains/' . self::ID . '/dkim-keys' ), array( 'POST', '/domains/' . self::ID . '/dkim-keys/rpr202401/activate' ), array( 'DELETE', '/domains/' . self::ID . '/dkim-keys/rpr202401' ) );
		$params = array( 'domain' => 'example.com', 'algorithm' => 'rsa' );
		foreach ( array( 0 => 401, $this->user( 'subscriber' ) => 403, $this->user( 'editor' ) => 403 ) as $user => $status ) {
			wp_set_current_user( $user );
			foreach ( $routes as list( $method, $path ) ) {
				$response = $this->request( $method, $path, 'POST' === $method ? $params : array() );
				$this->assertSame( $status, $response->get_status(), "user {$user} {$method} {$path}" );
				$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
			}
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	// The requests the relay receives.

	public function test_each_route_sends_exactly_its_relay_request_with_the_token(): void {
		$this->server->answer( array( self::list_answer(), self::domain_answer( 201 ), self::domain_answer(), self::domain_answer(), self::domain_answer( 201 ), self::domain_answer(), self::domain_answer() ) );

		$this->ok( 'GET', '/domains', array( 'account_id' => 'acc_other', 'limit' => 5 ) );
		$this->assertSame( 201, $this->request( 'POST', '/domains', array( 'domain' => ' example.com ', 'return_path' => 'evil', 'account_id' => 'acc_other' ) )->get_status() );
		$this->ok( 'GET', '/domains/' . self::ID );
		$this->ok( 'POST', '/domains/' . self::ID . '/verify', array( 'force' => true ) );
		$this->assertSame( 201, $this->request( 'POST', '/domains/' . self::ID . '/dkim-keys', array( 'algorithm' => 'ed25519', 'selector' => 'mine' ) )->get_status() );
		$this->ok( 'POST', '/domains/' . self::ID . '/dkim-keys/rpe202401b/activate' );
		$deleted = $this->request( 'DELETE', '/domains/' . self::ID . '/dkim-keys/rpr202401', array( 'force' => 'true' ) );
		$this->assertSame( 204, $deleted->get_status() );
		$this->assertNull( $deleted->get_data() );

		$sent = array_map( static fn( array $r ): array => array( $r['method'], $r['path'], $r['query'], $r['content_type'], $r['body'] ), $this->server->requests() );
		$this->assertSame(
			array(
				array( 'GET', '/v1/domains', '', null, null ),
				array( 'POST', '/v1/domains', '', 'application/json', array( 'domain' => 'example.com' ) ),
				array( 'GET', '/v1/domains/' . self::ID, '', null, null ),
				array( 'POST', '/v1/domains/' . self::ID . '/verify', '', 'application/json', array() ),
				array( 'POST', '/v1/domains/' . self::ID . '/dkim-keys', '', 'application/json', array( 'algorithm' => 'ed25519' ) ),
				array( 'POST', '/v1/domains/' . self::ID . '/dkim-keys/rpe202401b/activate', '', 'application/json', array() ),
				array( 'DELETE', '/v1/domains/' . self::ID . '/dkim-keys/rpr202401', '', null, null ),
			),
			$sent
		);
		foreach ( $this->server->requests() as $request ) {
			$this->assertSame( 'Bearer ' . self::TOKEN, $request['authorization'] );
		}
	}

	public function test_adding_a_domain_the_account_already_has_is_200(): void {
		$this->server->answer( array( self::domain_answer( 200 ) ) );

		$this->assertSame( self::ID, $this->ok( 'POST', '/domains', array( 'domain' => 'example.com' ) )['id'] );
	}

	// Validation.

	public function test_malformed_ids_selectors_algorithms_and_names_are_400_and_never_reach_the_relay(): void {
		$bad = array(
			array( 'GET', '/domains/dom_short', array() ),
			array( 'GET', '/domains/msg_01hzx3k4m5n6p7q8r9s0t1v2w3', array() ),
			array( 'GET', '/domains/DOM_01HZX3K4M5N6P7Q8R9S0T1V2W3', array() ),
			array( 'POST', '/domains/dom_01hzx3k4m5n6p7q8r9s0t1v2w3x/verify', array() ),
			array( 'POST', '/domains/' . self::ID . '/dkim-keys', array( 'algorithm' => 'dsa' ) ),
			array( 'POST', '/domains/' . self::ID . '/dkim-keys', array() ),
			array( 'POST', '/domains/' . self::ID . '/dkim-keys/RPR2024/activate', array() ),
			array( 'DELETE', '/domains/' . self::ID . '/dkim-keys/' . str_repeat( 'a', 64 ), array() ),
			array( 'DELETE', '/domains/' . self::ID . '/dkim-keys/rpr_2024', array() ),
			array( 'POST', '/domains', array() ),
			array( 'POST', '/domains', array( 'domain' => 'not a domain' ) ),
			array( 'POST', '/domains', array( 'domain' => 'https://example.com/' ) ),
			array( 'POST', '/domains', array( 'domain' => 'someone@example.com' ) ),
			array( 'POST', '/domains', array( 'domain' => 'localhost' ) ),
			array( 'POST', '/domains', array( 'domain' => str_repeat( 'a', 250 ) . '.com' ) ),
		);
		foreach ( $bad as list( $method, $path, $params ) ) {
			$response = $this->request( $method, $path, $params );
			$this->assertSame( 400, $response->get_status(), "{$method} {$path} " . wp_json_encode( $params ) );
			$this->assertContains( $response->get_data()['code'], array( 'rest_invalid_param', 'rest_missing_callback_param' ) );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_an_internationalized_domain_name_is_forwarded_for_the_relay_to_convert(): void {
		$this->server->answer( array( self::domain_answer( 201 ) ) );

		$this->request( 'POST', '/domains', array( 'domain' => 'bücher.example' ) );

		$this->assertSame( array( 'domain' => 'bücher.example' ), $this->server->requests()[0]['body'] );
	}

	// The answer.

	public function test_a_domain_comes_back_allow_listed_typed_and_escaped(): void {
		$answer                                      = self::domain_answer();
		$answer['body']['name']                      = 'example.com' . self::HOSTILE;
		$answer['body']['account_id']                = 'acc_1';
		$answer['body']['private_key']               = '-----BEGIN PRIVATE KEY-----';
		$answer['body']['status']                    = '<b>verified</b>';
		$answer['body']['records'][0]['found']       = array( 'v=DKIM1; p=' . self::HOSTILE, array( 'nested' ), 7 );
		$answer['body']['records'][0]['message']     = self::HOSTILE;
		$answer['body']['records'][0]['keyId']       = 'key_internal';
		$answer['body']['records'][1]['type']        = 'SCRIPT';
		$answer['body']['dkim_keys'][0]['selector']  = '"><img src=x onerror=alert(1)>';
		$answer['body']['dkim_keys'][0]['private']   = 'x';
		$answer['body']['dkim_keys'][0]['signing']   = 'yes';
		$answer['body']['records'][]                 = 'not a record';
		$this->server->answer( array( $answer ) );

		$data = $this->ok( 'GET', '/domains/' . self::ID );

		$this->assertSame( array( 'id', 'name', 'status', 'return_path', 'tracking_host', 'verified_at', 'last_checked_at', 'records', 'dkim_keys' ), array_keys( $data ) );
		$this->assertSame( 'example.com&lt;script&gt;alert(1)&lt;/script&gt;', $data['name'] );
		$this->assertNull( $data['status'] );
		$this->assertCount( 2, $data['records'] );
		$this->assertSame( array( 'purpose', 'name', 'type', 'value', 'required', 'status', 'found', 'message' ), array_keys( $data['records'][0] ) );
		$this->assertSame( array( 'v=DKIM1; p=&lt;script&gt;alert(1)&lt;/script&gt;', '7' ), $data['records'][0]['found'] );
		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $data['records'][0]['message'] );
		$this->assertNull( $data['records'][1]['type'] );
		$this->assertSame( 10, $data['records'][1]['priority'] );
		$this->assertSame( array( 'purpose', 'name', 'type', 'value', 'priority', 'required', 'status', 'found', 'message' ), array_keys( $data['records'][1] ) );
		$this->assertSame( array( 'selector', 'algorithm', 'state', 'signing', 'verified_at', 'retired_at', 'remove_record_after' ), array_keys( $data['dkim_keys'][0] ) );
		$this->assertNull( $data['dkim_keys'][0]['selector'] );
		$this->assertFalse( $data['dkim_keys'][0]['signing'] );
		$this->assertSame( array( 'rpe202401', 'ed25519', 'signing', true, '2024-01-02T03:04:05.000Z' ), array( $data['dkim_keys'][1]['selector'], $data['dkim_keys'][1]['algorithm'], $data['dkim_keys'][1]['state'], $data['dkim_keys'][1]['signing'], $data['dkim_keys'][1]['verified_at'] ) );
		$json = (string) wp_json_encode( $data );
		foreach ( array( '<script', '<img', 'acc_1', 'PRIVATE KEY', 'key_internal', self::TOKEN ) as $leak ) {
			$this->assertStringNotContainsString( $leak, $json );
		}
	}

	public function test_the_list_is_a_data_array_of_domains(): void {
		$this->server->answer( array( self::list_answer() ) );

		$data = $this->ok( 'GET', '/domains' );

		$this->assertSame( array( 'data' ), array_keys( $data ) );
		$this->assertSame( array( self::ID ), array_column( $data['data'], 'id' ) );
		$this->assertSame( 'verified', $data['data'][0]['status'] );
	}

	// Errors.

	public function test_relay_errors_are_mapped_as_for_every_relay_proxy(): void {
		$this->server->answer(
			array(
				array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => '"<b>x</b>" has no valid domain', 'field' => 'domain' ) ) ),
				array( 'status' => 409, 'body' => array( 'error' => array( 'code' => 'conflict', 'message' => 'This key signs for example.com; switch signing to another key first', 'field' => 'selector' ) ) ),
				array( 'status' => 404, 'body' => array( 'error' => array( 'code' => 'not_found', 'message' => 'No such domain' ) ) ),
				array( 'status' => 500, 'body' => array( 'error' => array( 'code' => 'internal', 'message' => 'boom' ) ) ),
				array( 'status' => 401, 'body' => array( 'error' => array( 'code' => 'unauthorized', 'message' => 'Invalid API token' ) ) ),
			)
		);

		$cases = array(
			array( 'POST', '/domains', array( 'domain' => 'example.com' ), 400, 'relaypress_relay_validation_failed', 'domain' ),
			array( 'DELETE', '/domains/' . self::ID . '/dkim-keys/rpe202401', array(), 409, 'relaypress_relay_conflict', 'selector' ),
			array( 'GET', '/domains/' . self::ID, array(), 404, 'relaypress_relay_not_found', null ),
			array( 'POST', '/domains/' . self::ID . '/verify', array(), 502, 'relaypress_relay_internal', null ),
			array( 'GET', '/domains', array(), 502, 'relaypress_relay_unauthorized', null ),
		);
		$messages = array();
		foreach ( $cases as list( $method, $path, $params, $status, $code, $field ) ) {
			$response = $this->request( $method, $path, $params );
			$this->assertSame( $status, $response->get_status(), "{$method} {$path}" );
			$this->assertSame( $code, $response->get_data()['code'] );
			$this->assertSame( $field, $response->get_data()['data']['field'] );
			$messages[] = $response->get_data()['message'];
		}
		$this->assertSame( '&quot;&lt;b&gt;x&lt;/b&gt;&quot; has no valid domain', $messages[0] );
	}

	public function test_an_unreachable_relay_is_502_and_no_relay_configured_is_503_without_a_request(): void {
		$this->plugin->settings->update( array( 'relay_url' => 'http://127.0.0.1:' . Stub_Server::free_port() ) );
		$response = $this->request( 'GET', '/domains' );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'relaypress_relay_unreachable', $response->get_data()['code'] );

		$this->plugin->settings->update( array( 'api_token_clear' => true ) );
		$response = $this->request( 'GET', '/domains' );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'relaypress_relay_not_configured', $response->get_data()['code'] );
		$this->assertSame( array(), $this->server->requests() );
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function domain_answer( int $status = 200 ): array {
		return array(
			'status' => $status,
			'body'   => array(
				'id'              => self::ID,
				'name'            => 'example.com',
				'return_path'     => 'bounces.example.com',
				'tracking_host'   => null,
				'status'          => 'verified',
				'verified_at'     => '2024-01-02T03:04:05.000Z',
				'last_checked_at' => '2024-01-02T03:04:05.000Z',
				'created_at'      => '2024-01-01T00:00:00.000Z',
				'dkim_keys'       => array(
					array( 'selector' => 'rpr202401', 'algorithm' => 'rsa', 'state' => 'ready', 'signing' => false, 'verified_at' => null, 'created_at' => '2024-01-01T00:00:00.000Z', 'retired_at' => null, 'remove_record_after' => null ),
					array( 'selector' => 'rpe202401', 'algorithm' => 'ed25519', 'state' => 'signing', 'signing' => true, 'verified_at' => '2024-01-02T03:04:05.000Z', 'created_at' => '2024-01-01T00:00:00.000Z', 'retired_at' => null, 'remove_record_after' => null ),
				),
				'records'         => array(
					array( 'purpose' => 'dkim', 'name' => 'rpr202401._domainkey.example.com', 'type' => 'TXT', 'value' => 'v=DKIM1; k=rsa; p=MIIB', 'required' => true, 'selector' => 'rpr202401', 'algorithm' => 'rsa', 'status' => 'ok', 'found' => array( 'v=DKIM1; k=rsa; p=MIIB' ), 'message' => 'Published' ),
					array( 'purpose' => 'return_path_mx', 'name' => 'bounces.example.com', 'type' => 'MX', 'value' => 'mx.relay.example', 'priority' => 10, 'required' => true, 'status' => 'missing', 'found' => array(), 'message' => 'No record at bounces.example.com yet' ),
				),
			),
		);
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function list_answer(): array {
		return array(
			'status' => 200,
			'body'   => array( 'data' => array( self::domain_answer()['body'] ) ),
		);
	}
}
