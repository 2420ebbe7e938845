<?php
/**
 * Over real HTTP, as the admin app calls it: logged-in cookie plus the `wp_rest` nonce.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\Stub_Server;
use RelayPress\Tests\WordPress_Server;

final class CookieAuthHttpTest extends Rest_Test_Case {

	private WordPress_Server $server;

	protected function setUp(): void {
		parent::setUp();
		$this->server = WordPress_Server::start( (string) getenv( 'RELAYPRESS_WP_DIR' ) );
	}

	protected function tearDown(): void {
		$this->server->stop();
		parent::tearDown();
	}

	public function test_cookie_auth_needs_the_rest_nonce_and_the_capability(): void {
		list( $admin_cookie, $admin_nonce ) = $this->login( $this->user( 'administrator' ) );
		list( $editor_cookie, $editor_nonce ) = $this->login( $this->user( 'editor' ) );

		$no_nonce = $this->get( '/settings', $admin_cookie, null );
		$this->assertSame( 401, $no_nonce['status'] ); // WordPress treats a cookie without a nonce as logged out.
		$this->assertSame( 'rest_forbidden', $no_nonce['json']['code'] );

		$bad_nonce = $this->get( '/settings', $admin_cookie, 'abcdef1234' );
		$this->assertSame( 403, $bad_nonce['status'] );
		$this->assertSame( 'rest_cookie_invalid_nonce', $bad_nonce['json']['code'] );

		$ok = $this->get( '/settings', $admin_cookie, $admin_nonce );
		$this->assertSame( 200, $ok['status'], $ok['body'] );
		$this->assertTrue( $ok['json']['token_set'] );
		$this->assertStringNotContainsString( self::TOKEN, $ok['body'] );

		$editor = $this->get( '/settings', $editor_cookie, $editor_nonce );
		$this->assertSame( 403, $editor['status'] );
		$this->assertSame( 'rest_forbidden', $editor['json']['code'] );

		$export = $this->get( '/log/export', $admin_cookie, $admin_nonce );
		$this->assertSame( 200, $export['status'] );
		$this->assertStringStartsWith( 'text/csv', $export['content_type'] );
		$this->assertStringStartsWith( 'id,created_at,status', $export['body'] );
	}

	public function test_the_admin_app_imports_and_exports_suppression_csv_over_http(): void {
		$relay = Stub_Server::start();
		try {
			$this->plugin->settings->update( array( 'relay_url' => $relay->url ) );
			$csv    = "email,reason,note\r\na@example.com,manual,\"from the \"\"shop\"\"\"\r\n";
			$export = "email,reason,note,created_at\r\n" . str_repeat( "someone@example.com,manual,,2024-01-02T03:04:05.000Z\r\n", 2000 ); // Larger than an output buffer.
			$relay->answer(
				array(
					array( 'status' => 200, 'body' => array( 'imported' => 1, 'skipped' => 0 ) ),
					array( 'status' => 400, 'body' => array( 'error' => array( 'code' => 'validation_failed', 'message' => 'line 2: "nobody" is not an email address or a *@domain pattern', 'field' => 'body' ) ) ),
					array( 'status' => 200, 'raw' => $export, 'content_type' => 'text/csv; charset=utf-8' ),
					array( 'status' => 200, 'raw' => $csv, 'content_type' => 'text/csv; charset=utf-8' ),
				)
			);
			list( $cookie, $nonce ) = $this->login( $this->user( 'administrator' ) );

			$imported = $this->send( 'POST', '/suppressions/import', $cookie, $nonce, $csv, 'text/csv' );
			$refused  = $this->send( 'POST', '/suppressions/import', $cookie, $nonce, "email\nnobody\n", 'text/csv' );
			$exported = $this->get( '/suppressions/export', $cookie, $nonce );
			$small    = $this->get( '/suppressions/export', $cookie, $nonce );

			$this->assertSame( array( 200, array( 'imported' => 1, 'skipped' => 0 ) ), array( $imported['status'], $imported['json'] ), $imported['body'] );
			$this->assertSame( array( 400, 'relaypress_relay_validation_failed' ), array( $refused['status'], $refused['json']['code'] ) );
			$this->assertStringContainsString( 'line 2', $refused['json']['message'] );
			$this->assertSame( 200, $exported['status'] );
			$this->assertSame( 'text/csv; charset=utf-8', $exported['content_type'] );
			$this->assertSame( $export, $exported['body'] );
			$this->assertStringStartsWith( 'attachment;', $exported['headers']['content-disposition'] );
			foreach ( array( $exported, $small ) as $download ) { // Small enough to be buffered, or not: no-store either way.
				$this->assertStringContainsString( 'no-store', $download['headers']['cache-control'] );
			}
			$this->assertSame( $csv, $small['body'] );
			$sent = $relay->requests()[0];
			$this->assertSame( array( '/v1/suppressions/import', 'text/csv; charset=utf-8', $csv ), array( $sent['path'], $sent['content_type'], $sent['raw_body'] ) );
			foreach ( array( $imported, $refused, $exported ) as $answer ) {
				$this->assertStringNotContainsString( self::TOKEN, $answer['body'] . wp_json_encode( $answer['headers'] ) );
			}
		} finally {
			$relay->stop();
		}
	}

	/**
	 * A real login session: the logged-in cookie and a `wp_rest` nonce bound to it.
	 *
	 * @return array{0: string, 1: string} Cookie header, nonce.
	 */
	private function login( int $user_id ): array {
		$expiration = time() + HOUR_IN_SECONDS;
		$token      = \WP_Session_Tokens::get_instance( $user_id )->create( $expiration );
		$cookie     = wp_generate_auth_cookie( $user_id, $expiration, 'logged_in', $token );

		$saved_cookie                = $_COOKIE[ LOGGED_IN_COOKIE ] ?? null;
		$_COOKIE[ LOGGED_IN_COOKIE ] = $cookie; // wp_create_nonce() binds the nonce to this session.
		wp_set_current_user( $user_id );
		$nonce = wp_create_nonce( 'wp_rest' );
		wp_set_current_user( 0 );
		if ( null === $saved_cookie ) {
			unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
		} else {
			$_COOKIE[ LOGGED_IN_COOKIE ] = $saved_cookie;
		}
		return array( LOGGED_IN_COOKIE . '=' . rawurlencode( $cookie ), $nonce );
	}

	/**
	 * @return array{status: int, body: string, json: mixed, content_type: string}
	 */
	private function get( string $route, string $cookie, ?string $nonce ): array {
		return $this->send( 'GET', $route, $cookie, $nonce );
	}

	/**
	 * @return array{status: int, body: string, json: mixed, content_type: string, headers: array<string, string>}
	 */
	private function send( string $method, string $route, string $cookie, ?string $nonce, ?string $body = null, ?string $content_type = null ): array {
		$headers = array( 'Cookie' => $cookie );
		if ( null !== $nonce ) {
			$headers['X-WP-Nonce'] = $nonce;
		}
		if ( null !== $content_type ) {
			$headers['Content-Type'] = $content_type;
		}
		$args = array(
			'method'      => $method,
			'headers'     => $headers,
			'timeout'     => 20,
			'redirection' => 0,
		);
		if ( null !== $body ) {
			$args['body'] = $body;
		}
		$response = wp_remote_request( $this->server->url . '/?rest_route=' . rawurlencode( '/relaypress/v1' . $route ), $args );
		$this->assertNotWPError( $response );
		$body = (string) wp_remote_retrieve_body( $response );
		return array(
			'status'       => (int) wp_remote_retrieve_response_code( $response ),
			'body'         => $body,
			'json'         => json_decode( $body, true ),
			'content_type' => (string) wp_remote_retrieve_header( $response, 'content-type' ),
			'headers'      => array_map( 'strval', (array) wp_remote_retrieve_headers( $response )->getAll() ),
		);
	}

	/**
	 * @param mixed $value Value.
	 */
	private function assertNotWPError( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? $value->get_error_message() : '' );
	}
}
