<?php
/**
 * The RelayPress page as a browser gets it: wp-admin over real HTTP with a login session.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Admin;

use RelayPress\Tests\Rest_Test_Case;
use RelayPress\Tests\WordPress_Server;

final class AdminPageHttpTest extends Rest_Test_Case {

	private WordPress_Server $server;

	protected function setUp(): void {
		parent::setUp();
		$this->server = WordPress_Server::start( (string) getenv( 'RELAYPRESS_WP_DIR' ) );
	}

	protected function tearDown(): void {
		$this->server->stop();
		parent::tearDown();
	}

	public function test_an_administrator_gets_the_page_with_its_root_element_and_no_relay_secret(): void {
		$page = $this->get( '/wp-admin/admin.php?page=relaypress', $this->login( $this->user( 'administrator' ) ) );

		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( '<div id="relaypress-admin-app"></div>', $page['body'] );
		$this->assertStringContainsString( 'admin.php?page=relaypress', $page['body'] ); // The menu entry.
		$this->assertStringNotContainsString( self::TOKEN, $page['body'] );
		$this->assertStringNotContainsString( substr( self::TOKEN, -8 ), $page['body'] );
		if ( is_readable( RELAYPRESS_DIR . '/build/admin-app.js' ) ) {
			$this->assertStringContainsString( 'window.relaypressAdmin = {', $page['body'] );
			$this->assertStringContainsString( '/build/admin-app.js', $page['body'] );
		} else {
			$this->assertStringContainsString( 'npm run build:admin', $page['body'] );
			$this->assertStringNotContainsString( 'relaypressAdmin', $page['body'] );
		}
	}

	public function test_an_editor_is_refused_the_page(): void {
		$page = $this->get( '/wp-admin/admin.php?page=relaypress', $this->login( $this->user( 'editor' ) ) );

		$this->assertSame( 403, $page['status'] );
		$this->assertStringNotContainsString( 'relaypress-admin-app', $page['body'] );
	}

	/**
	 * The cookies of a real login session (wp-admin wants the auth cookie, the app the logged-in one).
	 */
	private function login( int $user_id ): string {
		$expiration = time() + HOUR_IN_SECONDS;
		$token      = \WP_Session_Tokens::get_instance( $user_id )->create( $expiration );
		return AUTH_COOKIE . '=' . rawurlencode( wp_generate_auth_cookie( $user_id, $expiration, 'auth', $token ) )
			. '; ' . LOGGED_IN_COOKIE . '=' . rawurlencode( wp_generate_auth_cookie( $user_id, $expiration, 'logged_in', $token ) );
	}

	/**
	 * @return array{status: int, body: string}
	 */
	private function get( string $path, string $cookie ): array {
		$response = wp_remote_get(
			$this->server->url . $path,
			array(
				'headers'     => array( 'Cookie' => $cookie ),
				'timeout'     => 30,
				'redirection' => 0,
			)
		);
		$this->assertFalse( is_wp_error( $response ), is_wp_error( $response ) ? $response->get_error_message() : '' );
		return array(
			'status' => (int) wp_remote_retrieve_response_code( $response ),
			'body'   => (string) wp_remote_retrieve_body( $response ),
		);
	}
}
