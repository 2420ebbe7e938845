<?php
/**
 * /log, /log/{id}, /log/resend, /log/delete, /log/export and /test-email.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Rest\Log_Export_Controller;
use RelayPress\Tests\Rest_Test_Case;

final class LogRoutesTest extends Rest_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		$this->as_admin();
	}

	public function test_test_email_goes_through_wp_mail_and_returns_the_log_row_and_outbox_status(): void {
		$relay = $this->relay();

		$data = $this->ok( 'POST', '/test-email', array( 'to' => 'me@example.com' ) );

		$this->assertTrue( $data['sent'] );
		$this->assertSame( (int) $this->log_rows()[0]['id'], $data['log_id'] );
		$this->assertSame( array( 'sent', 'sent', 'relay' ), array( $data['log_status'], $data['outbox_status'], $data['via'] ) );
		$this->assertSame( array( 'me@example.com' ), $relay->sends()[0]['body']['envelope']['rcpt_to'] );
	}

	public function test_test_email_refused_by_the_relay_is_a_502_with_the_relays_reason(): void {
		$this->relay()->answer( 403, array( 'error' => array( 'code' => 'sender_domain_not_allowed', 'message' => 'The sender domain does not belong to this account' ) ) );

		$response = $this->request( 'POST', '/test-email', array( 'to' => 'me@example.com' ) );

		$this->assertSame( 502, $response->get_status() );
		$this->assertStringContainsString( 'sender_domain_not_allowed', $response->get_data()['message'] );
		$this->assertSame( 'failed', $response->get_data()['data']['log_status'] );
	}

	public function test_test_email_needs_a_valid_address(): void {
		$this->assertSame( 400, $this->request( 'POST', '/test-email', array( 'to' => 'nobody' ) )->get_status() );
		$this->assertSame( 400, $this->request( 'POST', '/test-email' )->get_status() );
	}

	public function test_the_list_searches_filters_pages_and_sends_total_headers(): void {
		$relay = $this->relay();
		for ( $i = 1; $i <= 5; $i++ ) {
			wp_mail( "r{$i}@example.com", "Order {$i}", 'Body' );
		}
		$relay->answer( 400, array( 'error' => array( 'code' => 'invalid_message', 'message' => 'bad' ) ) );
		wp_mail( 'x@example.com', 'Refused <b>one</b>', 'Body' );

		$page = $this->request( 'GET', '/log', array( 'per_page' => 2, 'page' => 2 ) );
		$this->assertSame( '6', $page->get_headers()['X-WP-Total'] );
		$this->assertSame( '3', $page->get_headers()['X-WP-TotalPages'] );
		$this->assertCount( 2, $page->get_data() );

		$failed = $this->ok( 'GET', '/log', array( 'status' => 'failed' ) );
		$this->assertCount( 1, $failed );
		$this->assertSame( 'Refused &lt;b&gt;one&lt;/b&gt;', $failed[0]['subject'] );
		$this->assertSame( array( 'x@example.com' ), $failed[0]['to'] );
		$this->assertIsInt( $failed[0]['id'] );
		$this->assertIsInt( $failed[0]['attempts'] );
		$this->assertIsBool( $failed[0]['has_attachments'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $failed[0]['created_at'] );

		$this->assertSame( array( 'r3@example.com' ), $this->ok( 'GET', '/log', array( 'q' => 'r3@' ) )[0]['to'] );
		$this->assertCount( 6, $this->ok( 'GET', '/log', array( 'after' => gmdate( 'c', time() - 60 ) ) ) );
		$this->assertCount( 0, $this->ok( 'GET', '/log', array( 'before' => gmdate( 'c', time() - 60 ) ) ) );
		$this->assertSame( 400, $this->request( 'GET', '/log', array( 'status' => 'bogus' ) )->get_status() );
		$this->assertSame( 400, $this->request( 'GET', '/log', array( 'after' => 'yesterday' ) )->get_status() );
		$this->assertSame( 400, $this->request( 'GET', '/log', array( 'per_page' => 1000 ) )->get_status() );
	}

	public function test_one_entry_comes_with_its_body_while_it_is_kept(): void {
		$this->relay();
		wp_mail( 'a@example.com', 'With body', '<p>Hello</p>', array( 'Content-Type: text/html', 'Bcc: hidden@example.com' ) );
		$id = (int) $this->log_rows()[0]['id'];

		$data = $this->ok( 'GET', "/log/{$id}" );

		$this->assertSame( $id, $data['id'] );
		$this->assertSame( 'sent', $data['outbox_status'] );
		$this->assertStringContainsString( '&lt;p&gt;Hello&lt;/p&gt;', $data['body']['raw'] );
		$this->assertSame( array( 'a@example.com', 'hidden@example.com' ), $data['body']['rcpt_to'] );

		$GLOBALS['wpdb']->query( "DELETE FROM {$this->plugin->log_repository->bodies_table()}" );
		$this->assertNull( $this->ok( 'GET', "/log/{$id}" )['body'] );
		$this->assertSame( 404, $this->request( 'GET', '/log/999999' )->get_status() );
	}

	public function test_resend_one_or_many_creates_new_entries_and_reports_each(): void {
		$relay = $this->relay();
		wp_mail( 'a@example.com', 'One', 'Body' );
		wp_mail( 'b@example.com', 'Two', 'Body' );
		$ids = array_map( 'intval', array_column( $this->log_rows(), 'id' ) );

		$data = $this->ok( 'POST', '/log/resend', array( 'ids' => array( $ids[0], $ids[1], 999999 ) ) );

		$results = $data['results'];
		$this->assertSame( array( true, true, false ), array_column( $results, 'ok' ) );
		$this->assertSame( 'relaypress_not_found', $results[2]['error'] );
		$this->assertSame( 'sent', $results[0]['status'] );
		$this->assertCount( 4, $this->log_rows() );
		$this->assertSame( (string) $ids[0], $this->log_rows()[2]['resent_from'] );
		$this->assertCount( 4, $relay->sends() );
		$this->assertSame( 400, $this->request( 'POST', '/log/resend', array( 'ids' => array() ) )->get_status() );
		$this->assertSame( 400, $this->request( 'POST', '/log/resend', array( 'ids' => array( 'x' ) ) )->get_status() );
	}

	public function test_delete_one_and_many(): void {
		$this->relay();
		for ( $i = 1; $i <= 3; $i++ ) {
			wp_mail( "r{$i}@example.com", "S{$i}", 'Body' );
		}
		$ids = array_map( 'intval', array_column( $this->log_rows(), 'id' ) );

		$this->assertSame( array( 'deleted' => true, 'id' => $ids[0] ), $this->ok( 'DELETE', "/log/{$ids[0]}" ) );
		$this->assertSame( 404, $this->request( 'DELETE', "/log/{$ids[0]}" )->get_status() );
		$this->assertSame( array( 'deleted' => array( $ids[1], $ids[2] ) ), $this->ok( 'POST', '/log/delete', array( 'ids' => array( $ids[1], $ids[2], 999999 ) ) ) );
		$this->assertSame( array(), $this->log_rows() );
	}

	public function test_export_is_a_csv_download_with_formula_cells_neutralised(): void {
		$this->relay();
		wp_mail( 'a@example.com', '=HYPERLINK("http://evil.example","click")', 'Body' );
		wp_mail( 'b@example.com', '+1 and "quotes", commas', 'Body' );
		wp_mail( 'c@example.com', '@SUM(A1)', 'Body' );
		wp_mail( 'd@example.com', '-2', 'Body' );
		wp_mail( 'e@example.com', 'Plain', 'Body' );

		$response = $this->request( 'GET', '/log/export', array( 'status' => 'sent' ) );

		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'text/csv; charset=utf-8', $response->get_headers()['Content-Type'] );
		$this->assertMatchesRegularExpression( '/^attachment; filename="relaypress-log-\d{4}-\d\d-\d\d\.csv"$/', $response->get_headers()['Content-Disposition'] );
		$rows = array_map( static fn( $line ) => str_getcsv( $line, ',', '"', '' ), array_filter( explode( "\n", $response->get_data() ) ) );
		$this->assertSame( 'id', $rows[0][0] );
		$subjects = array_column( array_slice( $rows, 1 ), 9 );
		$this->assertSame( array( 'Plain', "'-2", "'@SUM(A1)", "'+1 and \"quotes\", commas", "'=HYPERLINK(\"http://evil.example\",\"click\")" ), $subjects );
	}

	public function test_the_rest_server_writes_the_export_as_csv_not_json(): void {
		$this->relay();
		wp_mail( 'a@example.com', 'Plain', 'Body' );
		$request  = new \WP_REST_Request( 'GET', Log_Export_Controller::ROUTE );
		$response = rest_do_request( $request );

		ob_start();
		$served = apply_filters( 'rest_pre_serve_request', false, $response, $request, rest_get_server() );
		$body   = (string) ob_get_clean();

		$this->assertTrue( $served );
		$this->assertStringStartsWith( 'id,created_at,status', $body );
		$this->assertStringContainsString( ',Plain,', $body );
	}
}
