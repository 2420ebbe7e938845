<?php
/**
 * Base class for REST tests: real users with real roles, requests through rest_do_request().
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * Users made by user() are deleted after the test; the current user is reset to nobody.
 */
abstract class Rest_Test_Case extends Test_Case {

	/** @var int[] */
	private array $users = array();

	protected function setUp(): void {
		parent::setUp();
		$GLOBALS['wp_rest_server'] = null; // A fresh server: routes registered by the current code and hooks.
		rest_get_server();
	}

	protected function tearDown(): void {
		wp_set_current_user( 0 );
		require_once ABSPATH . 'wp-admin/includes/user.php';
		foreach ( $this->users as $id ) {
			wp_delete_user( $id );
		}
		$GLOBALS['wp_rest_server'] = null;
		parent::tearDown();
	}

	/**
	 * Creates a user with $role and returns its id.
	 */
	protected function user( string $role ): int {
		$login = $role . '_' . bin2hex( random_bytes( 4 ) );
		$id    = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 24 ),
				'user_email' => $login . '@example.test',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id );
		$this->users[] = $id;
		return $id;
	}

	protected function as_admin(): int {
		$id = $this->user( 'administrator' );
		wp_set_current_user( $id );
		return $id;
	}

	/**
	 * Dispatches a request as the current user.
	 *
	 * @param array<string, mixed> $params Query (GET/DELETE) or JSON body (POST) parameters.
	 */
	protected function request( string $method, string $path, array $params = array() ): \WP_REST_Response {
		$request = new \WP_REST_Request( $method, '/relaypress/v1' . $path );
		if ( 'GET' === $method || 'DELETE' === $method ) {
			$request->set_query_params( $params );
		} elseif ( $params ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $params ) );
		}
		return rest_do_request( $request );
	}

	/**
	 * @param array<string, mixed> $params Parameters.
	 * @return mixed Response data.
	 */
	protected function ok( string $method, string $path, array $params = array() ) {
		$response = $this->request( $method, $path, $params );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}
}
