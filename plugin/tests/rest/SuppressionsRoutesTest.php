<?php
/**
 * /suppressions…, with CSV export and import, over real HTTP to a `php -S` relay stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Rest\Suppressions_Controller;
use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;

final class SuppressionsRoutesTest extends Rest_Test_Case {

	private const HOSTILE = '<script>alert(1)</script>';
	private const ID      = 'sup_01hzx3k4m5n6p7q8r9s0t1v2w3';
	private const NEXT    = 'sup_01hzx3k4m5n6p7q8r9s0t1v2w2';

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
		foreach ( array( 0 => 401, $this->user( 'subscriber' ) => 403, $this->user( 'editor' ) => 403 ) as $user => $status ) {
			wp_set_current_user( $user );
			$responses = array(
				$this->request( 'GET', '/suppressions' ),
				$this->request( 'POST', '/suppressions', array( 'email' => 'a@example.com' ) ),
				$this->request( 'DELETE', '/suppressions/' . self::ID ),
				$this->request( 'GET', '/suppressions/export' ),
				$this->import( "a@example.com\n" ),
			);
			foreach ( $responses as $i => $response ) {
				$this->assertSame( $status, $response->get_status(), "user {$user} route {$i}" );
				$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
			}
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	// List.

	public function test_the_list_forwards_only_search_limit_and_cursor(): void {
		$this->server->answer( array( self::page(), self::page() ) );

		$this->ok( 'GET', '/suppressions' );
		$this->ok( 'GET', '/suppressions', array( 'search' => ' @example.com ', 'limit' => '500', 'cursor' => self::NEXT, 'account_id' => 'acc_other', 'reason' => 'manual' ) );

		$requests = $this->server->requests();
		$this->assertSame( array( 'GET', '/v1/suppressions', 'limit=50' ), array( $requests[0]['method'], $requests[0]['path'], $requests[0]['query'] ) );
		$this->assertSame( 'search=%40example.com&limit=500&cursor=' . self::NEXT, $requests[1]['query'] );
		$this->assertSame( 'Bearer ' . self::TOKEN, $requests[1]['authorization'] );
	}

	public function test_invalid_list_parameters_are_400_and_never_reach_the_relay(): void {
		foreach ( array( array( 'limit' => 0 ), array( 'limit' => 501 ), array( 'limit' => 'all' ), array( 'cursor' => 'msg_01hzx3k4m5n6p7q8r9s0t1v2w3' ), array( 'cursor' => 'sup_1' ), array( 'search' => str_repeat( 'x', 201 ) ), array( 'search' => "a\nb" ) ) as $params ) {
			$response = $this->request( 'GET', '/suppressions', $params );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $params ) );
			$this->assertArrayHasKey( (string) key( $params ), $response->get_data()['data']['params'] );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_entries_come_back_allow_listed_and_escaped(): void {
		$page                                  = self::page();
		$page['body']['data'][0]['note']       = self::HOSTILE;
		$page['body']['data'][0]['pattern']    = '"><img src=x>@example.com';
		$page['body']['data'][0]['account_id'] = 'acc_1';
		$page['body']['data'][0]['reason']     = 'because';
		$page['body']['data'][]                = 'not an entry';
		$page['body']['next_cursor']           = '../../v1/admin';
		$this->server->answer( array( $page ) );

		$data = $this->ok( 'GET', '/suppressions' );

		$this->assertSame( array( 'data', 'next_cursor' ), array_keys( $data ) );
		$this->assertCount( 2, $data['data'] );
		$this->assertSame( array( 'id', 'pattern', 'reason', 'note', 'created_at' ), array_keys( $data['data'][0] ) );
		$this->assertSame( '&lt;script&gt;alert(1)&lt;/script&gt;', $data['data'][0]['note'] );
		$this->assertSame( '&quot;&gt;&lt;img src=x&gt;@example.com', $data['data'][0]['pattern'] );
		$this->assertNull( $data['data'][0]['reason'] );
		$this->assertSame( array( self::NEXT, '*@example.org', 'hard_bounce', null, '2024-01-02T03:04:05.000Z' ), array_values( $data['data'][1] ) );
		$this->assertNull( $data['next_cursor'] );
		$json = (string) wp_json_encode( $data );
		foreach ( array( '<script', '<img', 'acc_1', self::TOKEN ) as $leak ) {
			$this->assertStringNotContainsString( $leak, $json );
		}
	}

	// Add and remove.

	public function test_adding_forwards_email_reason_and_note_only_and_answers_201_or_200(): void {
		$this->server->answer( array( self::entry( 201 ), self::entry( 200 ), self::entry( 201 ) ) );

		$created = $this->request( 'POST', '/suppressions', array( 'email' => ' A@Example.com ', 'reason' => 'complaint', 'note' => ' From the <b>helpdesk</b> ', 'account_id' => 'acc_other', 'pattern' => '*@evil.example' ) );
		$again   = $this->request( 'POST', '/suppressions', array( 'email' => 'a@example.com' ) );
		$this->request( 'POST', '/suppressions', array( 'email' => '*@example.org' ) );

		$this->assertSame( array( 201, 200 ), array( $created->get_status(), $again->get_status() ) );
		$this->assertSame( self::ID, $created->get_data()['id'] );
		$bodies = array_column( $this->server->requests(), 'body' );
		$this->assertSame( array( 'email' => 'A@Example.com', 'reason' => 'complaint', 'note' => 'From the <b>helpdesk</b>' ), $bodies[0] );
		$this->assertSame( array( 'email' => 'a@example.com' ), $bodies[1] );
		$this->assertSame( array( 'email' => '*@example.org' ), $bodies[2] );
		$this->assertSame( array( 'POST', '/v1/suppressions', 'application/json' ), array( $this->server->requests()[0]['method'], $this->server->requests()[0]['path'], $this->server->requests()[0]['content_type'] ) );
	}

	public function test_invalid_entries_are_400_and_never_reach_the_relay(): void {
		$invalid = array(
			array(),
			array( 'email' => 'not an address' ),
			array( 'email' => 'nobody' ),
			array( 'email' => 'a@b@example.com' ),
			array( 'email' => str_repeat( 'a', 310 ) . '@example.com' ),
			array( 'email' => 'a@example.com', 'reason' => 'spam' ),
			array( 'email' => 'a@example.com', 'reason' => 'hard-bounce' ),
			array( 'email' => 'a@example.com', 'note' => str_repeat( 'n', 501 ) ),
			array( 'email' => 'a@example.com', 'note' => "bell\x07" ),
		);
		foreach ( $invalid as $params ) {
			$response = $this->request( 'POST', '/suppressions', $params );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $params ) );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_a_note_of_500_characters_is_accepted(): void {
		$this->server->answer( array( self::entry( 201 ) ) );

		$this->assertSame( 201, $this->request( 'POST', '/suppressions', array( 'email' => 'a@example.com', 'note' => str_repeat( 'é', 500 ) ) )->get_status() );
	}

	public function test_removing_is_a_relay_delete_answered_204_and_unknown_ids_are_the_relays_404(): void {
		$this->server->answer(
			array(
				array( 'status' => 204, 'body' => null ),
				array( 'status' => 404, 'body' => array( 'error' => array( 'code' => 'not_found', 'message' => 'No such suppression' ) ) ),
			)
		);

		$deleted = $this->request( 'DELETE', '/suppressions/' . self::ID );
		$missing = $this->request( 'DELETE', '/suppressions/' . self::NEXT );

		$this->assertSame( 204, $deleted->get_status() );
		$this->assertNull( $deleted->get_data() );
		$this->assertSame( array( 404, 'relaypress_relay_not_found' ), array( $missing->get_status(), $missing->get_data()['code'] ) );
		$this->assertSame( array( 'DELETE', '/v1/suppressions/' . self::ID ), array( $this->server->requests()[0]['method'], $this->server->requests()[0]['path'] ) );
	}

	public function test_malformed_ids_are_400_and_never_reach_the_relay(): void {
		foreach ( array( 'sup_short', 'dom_01hzx3k4m5n6p7q8r9s0t1v2w3', 'SUP_01HZX3K4M5N6P7Q8R9S0T1V2W3', self::ID . 'x' ) as $id ) {
			$this->assertSame( 400, $this->request( 'DELETE', '/suppressions/' . $id )->get_status(), $id );
		}
		$this->assertSame( 400, $this->request( 'DELETE', '/suppressions/export' )->get_status() );
		$this->assertSame( array(), $this->server->requests() );
	}

	// Export.

	public function test_export_is_the_relays_csv_as_an_uncached_download(): void {
		$csv = "email,reason,note,created_at\r\n" . "a@example.com,manual,\"<script>, \"\"quoted\"\"\",2024-01-02T03:04:05.000Z\r\n" . "*@example.org,hard_bounce,'=HYPERLINK(1),2024-01-02T03:04:05.000Z\r\n";
		$this->server->answer( array( array( 'status' => 200, 'raw' => $csv, 'content_type' => 'text/csv; charset=utf-8' ) ) );

		$response = $this->request( 'GET', '/suppressions/export', array( 'account_id' => 'acc_other' ) );

		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( $csv, $response->get_data() );
		$headers = $response->get_headers();
		$this->assertSame( 'text/csv; charset=utf-8', $headers['Content-Type'] );
		$this->assertMatchesRegularExpression( '/^attachment; filename="relaypress-suppressions-\d{4}-\d\d-\d\d\.csv"$/', $headers['Content-Disposition'] );
		$this->assertStringContainsString( 'no-store', $headers['Cache-Control'] );
		$request = $this->server->requests()[0];
		$this->assertSame( array( 'GET', '/v1/suppressions/export.csv', '', 'Bearer ' . self::TOKEN ), array( $request['method'], $request['path'], $request['query'], $request['authorization'] ) );
	}

	public function test_the_rest_server_writes_the_export_as_csv_not_json(): void {
		$csv = "email,reason,note,created_at\r\na@example.com,manual,,2024-01-02T03:04:05.000Z\r\n";
		$this->server->answer( array( array( 'status' => 200, 'raw' => $csv, 'content_type' => 'text/csv; charset=utf-8' ) ) );
		$request  = new \WP_REST_Request( 'GET', '/relaypress/v1/suppressions/export' );
		$response = rest_do_request( $request );

		ob_start();
		$served = apply_filters( 'rest_pre_serve_request', false, $response, $request, rest_get_server() );
		$body   = (string) ob_get_clean();

		$this->assertTrue( $served );
		$this->assertSame( $csv, $body );
	}

	public function test_an_export_error_is_json_not_a_download(): void {
		$this->server->answer(
			array(
				array( 'status' => 503, 'body' => array( 'error' => array( 'code' => 'unavailable', 'message' => 'draining' ) ) ),
				array( 'status' => 200, 'raw' => '<html>login</html>', 'content_type' => 'text/html' ),
			)
		);

		$busy    = $this->request( 'GET', '/suppressions/export' );
		$not_csv = $this->request( 'GET', '/suppressions/export' );

		$this->assertSame( array( 503, 'relaypress_relay_unavailable' ), array( $busy->get_status(), $busy->get_data()['code'] ) );
		$this->assertSame( array( 502, 'relaypress_relay_unexpected_response' ), array( $not_csv->get_status(), $not_csv->get_data()['code'] ) );
		$this->assertArrayNotHasKey( 'Content-Disposition', $busy->get_headers() );
		ob_start();
		$served = apply_filters( 'rest_pre_serve_request', false, $busy, new \WP_REST_Request( 'GET', '/relaypress/v1/suppressions/export' ), rest_get_server() );
		ob_end_clean();
		$this->assertFalse( $served );
	}

	// Import.

	public function test_import_forwards_the_csv_body_as_is_as_text_csv(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'imported' => 2, 'skipped' => 1, 'secret' => 'x' ) ) ) );
		$csv = "email,reason,note\r\na@example.com,complaint,\"Said \"\"stop\"\", <b>loudly</b>\"\r\n*@example.org\r\na@example.com\r\n";

		$response = $this->import( "\xEF\xBB\xBF" . $csv );

		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( array( 'imported' => 2, 'skipped' => 1 ), $response->get_data() );
		$request = $this->server->requests()[0];
		$this->assertSame( array( 'POST', '/v1/suppressions/import', '', 'text/csv; charset=utf-8', 'Bearer ' . self::TOKEN ), array( $request['method'], $request['path'], $request['query'], $request['content_type'], $request['authorization'] ) );
		$this->assertSame( $csv, $request['raw_body'] ); // Byte for byte, without the byte order mark.
	}

	public function test_a_bad_line_is_the_relays_400_naming_the_line(): void {
		$this->server->answer( array( array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => 'line 3: "<nobody>" is not an email address or a *@domain pattern', 'field' => 'body' ) ) ) ) );

		$response = $this->import( "email\na@example.com\n<nobody>\n" );

		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'relaypress_relay_validation_failed', $response->get_data()['code'] );
		$this->assertSame( 'line 3: &quot;&lt;nobody&gt;&quot; is not an email address or a *@domain pattern', $response->get_data()['message'] );
		$this->assertSame( 'body', $response->get_data()['data']['field'] );
	}

	public function test_an_oversize_empty_non_csv_or_non_utf8_import_is_refused_before_the_relay(): void {
		$too_large = $this->import( str_repeat( "someone@example.com\n", (int) ceil( ( Suppressions_Controller::MAX_IMPORT_BYTES + 1 ) / 20 ) ) );
		$empty     = $this->import( "\xEF\xBB\xBF \r\n" );
		$json      = $this->import( '{"email":"a@example.com"}', 'application/json' );
		$latin1    = $this->import( "m\xFCller@example.com\n" );

		$this->assertSame( array( 413, 'relaypress_csv_too_large' ), array( $too_large->get_status(), $too_large->get_data()['code'] ) );
		$this->assertSame( array( 400, 'relaypress_csv_empty' ), array( $empty->get_status(), $empty->get_data()['code'] ) );
		$this->assertSame( array( 415, 'relaypress_csv_content_type' ), array( $json->get_status(), $json->get_data()['code'] ) );
		$this->assertSame( array( 400, 'relaypress_csv_encoding' ), array( $latin1->get_status(), $latin1->get_data()['code'] ) );
		$this->assertSame( array(), $this->server->requests() );
	}

	public function test_an_import_of_exactly_the_limit_is_forwarded(): void {
		$this->server->answer( array( array( 'status' => 200, 'body' => array( 'imported' => 1, 'skipped' => 0 ) ) ) );
		$line = "someone@example.com\n";
		$csv  = str_repeat( $line, intdiv( Suppressions_Controller::MAX_IMPORT_BYTES, strlen( $line ) ) );
		$csv .= str_repeat( ' ', Suppressions_Controller::MAX_IMPORT_BYTES - strlen( $csv ) );

		$this->assertSame( 200, $this->import( $csv, 'text/plain' )->get_status() );
		$this->assertSame( Suppressions_Controller::MAX_IMPORT_BYTES, strlen( $this->server->requests()[0]['raw_body'] ) );
	}

	public function test_no_relay_configured_is_503_for_every_route(): void {
		$this->plugin->settings->update( array( 'api_token_clear' => true ) );

		foreach ( array( $this->request( 'GET', '/suppressions' ), $this->request( 'POST', '/suppressions', array( 'email' => 'a@example.com' ) ), $this->request( 'DELETE', '/suppressions/' . self::ID ), $this->request( 'GET', '/suppressions/export' ), $this->import( "a@example.com\n" ) ) as $i => $response ) {
			$this->assertSame( array( 503, 'relaypress_relay_not_configured' ), array( $response->get_status(), $response->get_data()['code'] ), "route {$i}" );
		}
		$this->assertSame( array(), $this->server->requests() );
	}

	private function import( string $csv, string $type = 'text/csv' ): \WP_REST_Response {
		$request = new \WP_REST_Request( 'POST', '/relaypress/v1/suppressions/import' );
		$request->set_header( 'Content-Type', $type );
		$request->set_body( $csv );
		return rest_do_request( $request );
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function entry( int $status ): array {
		return array(
			'status' => $status,
			'body'   => array( 'id' => self::ID, 'pattern' => 'a@example.com', 'reason' => 'complaint', 'note' => null, 'created_at' => '2024-01-02T03:04:05.000Z' ),
		);
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function page(): array {
		return array(
			'status' => 200,
			'body'   => array(
				'data'        => array(
					array( 'id' => self::ID, 'pattern' => 'a@example.com', 'reason' => 'manual', 'note' => 'asked by phone', 'created_at' => '2024-01-02T03:04:05.000Z' ),
					array( 'id' => self::NEXT, 'pattern' => '*@example.org', 'reason' => 'hard_bounce', 'note' => null, 'created_at' => '2024-01-02T03:04:05.000Z' ),
				),
				'next_cursor' => self::NEXT,
			),
		);
	}
}
