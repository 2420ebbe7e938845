<?php
/**
 * Every route of relaypress/v1 is for administrators only (or whoever the site's filter says),
 * except the relay's webhook receiver, which is authenticated by its signature instead.
 *
 * The routes are read from the REST server, so a route added later is covered without
 * touching this file; a second public route would have to be added to PUBLIC_ROUTES here.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Tests\Rest_Test_Case;

final class PermissionsTest extends Rest_Test_Case {

	/** Routes without a login: the relay signs its requests (see tests/webhooks). */
	private const PUBLIC_ROUTES = array( '/relaypress/v1/webhooks' );

	public function test_the_namespace_has_the_routes_the_admin_app_uses(): void {
		$paths = array_unique( array_column( $this->endpoints(), 'path_pattern' ) );

		foreach ( array( '/relaypress/v1/settings', '/relaypress/v1/connection-test', '/relaypress/v1/test-email', '/relaypress/v1/log', '/relaypress/v1/log/(?P<id>\d+)', '/relaypress/v1/log/resend', '/relaypress/v1/log/delete', '/relaypress/v1/log/export', '/relaypress/v1/relay/messages', '/relaypress/v1/relay/messages/(?P<id>[A-Za-z0-9_-]{1,100})', '/relaypress/v1/webhook-registration', '/relaypress/v1/analytics', '/relaypress/v1/activity', '/relaypress/v1/activity/messages' ) as $expected ) {
			$this->assertContains( $expected, $paths );
		}
		// Issue 9: domains, suppressions, overview.
		$id       = '(?P<id>[A-Za-z0-9_-]+)';
		$selector = '(?P<selector>[A-Za-z0-9_.-]+)';
		foreach ( array( '/relaypress/v1/domains', "/relaypress/v1/domains/{$id}", "/relaypress/v1/domains/{$id}/verify", "/relaypress/v1/domains/{$id}/dkim-keys", "/relaypress/v1/domains/{$id}/dkim-keys/{$selector}/activate", "/relaypress/v1/domains/{$id}/dkim-keys/{$selector}", '/relaypress/v1/suppressions', "/relaypress/v1/suppressions/{$id}", '/relaypress/v1/suppressions/export', '/relaypress/v1/suppressions/import', '/relaypress/v1/overview' ) as $expected ) {
			$this->assertContains( $expected, $paths );
		}
		$this->assertGreaterThanOrEqual( 28, count( $this->endpoints() ) );
	}

	public function test_every_route_has_a_permission_callback_and_typed_validated_sanitized_args(): void {
		foreach ( rest_get_server()->get_routes( 'relaypress/v1' ) as $path => $handlers ) {
			if ( '/relaypress/v1' === $path ) {
				continue; // The namespace index, core's.
			}
			foreach ( $handlers as $handler ) {
				$this->assertIsCallable( $handler['permission_callback'] ?? null, $path );
				if ( ! in_array( $path, self::PUBLIC_ROUTES, true ) ) {
					$this->assertInstanceOf( \RelayPress\Rest\Controller::class, $handler['permission_callback'][0], $path );
					$this->assertSame( 'permission', $handler['permission_callback'][1], $path );
				}
				foreach ( $handler['args'] as $name => $arg ) {
					$this->assertArrayHasKey( 'type', $arg, "{$path} {$name}" );
					$this->assertIsCallable( $arg['validate_callback'] ?? null, "{$path} {$name}" );
					$this->assertIsCallable( $arg['sanitize_callback'] ?? null, "{$path} {$name}" );
				}
			}
		}
	}

	public function test_an_editor_gets_403_on_every_route(): void {
		wp_set_current_user( $this->user( 'editor' ) );
		$this->assert_every_endpoint_answers( 403 );
	}

	public function test_a_subscriber_gets_403_on_every_route(): void {
		wp_set_current_user( $this->user( 'subscriber' ) );
		$this->assert_every_endpoint_answers( 403 );
	}

	public function test_a_visitor_gets_401_on_every_route(): void {
		wp_set_current_user( 0 );
		$this->assert_every_endpoint_answers( 401 );
	}

	public function test_an_administrator_passes_the_permission_check_on_every_route(): void {
		$this->relay()->answer( 200, array( 'status' => 'ok' ) )->answer( 200, array( 'data' => array() ) );
		$this->as_admin();
		foreach ( $this->endpoints() as $endpoint ) {
			$response = $this->dispatch( $endpoint );
			$this->assertNotContains( $response->get_status(), array( 401, 403 ), "{$endpoint['method']} {$endpoint['path']}" );
			$this->assertStringNotContainsString( self::TOKEN, wp_json_encode( $response->get_data() ) . wp_json_encode( $response->get_headers() ), "{$endpoint['method']} {$endpoint['path']}" );
		}
	}

	public function test_the_only_public_route_is_the_webhook_receiver_and_it_refuses_unsigned_requests_from_anyone(): void {
		$public = array();
		foreach ( rest_get_server()->get_routes( 'relaypress/v1' ) as $path => $handlers ) {
			foreach ( $handlers as $handler ) {
				if ( '__return_true' === ( $handler['permission_callback'] ?? null ) ) {
					$public[] = $path;
				}
			}
		}
		$this->assertSame( self::PUBLIC_ROUTES, $public );

		$relay = $this->relay();
		foreach ( array( 0, $this->user( 'subscriber' ), $this->user( 'editor' ), $this->user( 'administrator' ) ) as $user ) {
			wp_set_current_user( $user );
			$response = $this->request( 'POST', '/webhooks', array( 'id' => 'evt_1', 'type' => 'delivered', 'created_at' => gmdate( 'c' ), 'message_id' => 'msg_1', 'recipient' => 'a@example.com', 'data' => array() ) );
			$this->assertSame( 400, $response->get_status(), "user {$user}" );
			$this->assertSame( 'relaypress_webhook_signature_missing', $response->get_data()['code'] );
		}
		$this->assertSame( 0, $this->plugin->event_repository->count() );
		$this->assertSame( array(), $relay->requests );
	}

	public function test_a_site_can_lower_the_capability_with_the_filter(): void {
		add_filter( 'relaypress_required_capability', static fn() => 'edit_others_posts' );
		wp_set_current_user( $this->user( 'editor' ) );

		$this->assertSame( 200, $this->request( 'GET', '/settings' )->get_status() );
		wp_set_current_user( $this->user( 'subscriber' ) );
		$this->assertSame( 403, $this->request( 'GET', '/settings' )->get_status() );
	}

	private function assert_every_endpoint_answers( int $expected ): void {
		$relay = $this->relay();
		foreach ( $this->endpoints() as $endpoint ) {
			$response = $this->dispatch( $endpoint );
			$this->assertSame( $expected, $response->get_status(), "{$endpoint['method']} {$endpoint['path']}: " . wp_json_encode( $response->get_data() ) );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
		}
		$this->assertSame( array(), $relay->requests, 'a refused request reached the relay' );
		$this->assertSame( array(), $this->log_rows(), 'a refused request sent mail' );
	}

	/**
	 * Every (method, route) of the namespace, with a concrete path and valid sample arguments
	 * (validation runs before the permission check, so invalid ones would answer 400).
	 *
	 * @return array<int, array{method: string, path: string, path_pattern: string, params: array<string, mixed>}>
	 */
	private function endpoints(): array {
		$endpoints = array();
		foreach ( rest_get_server()->get_routes( 'relaypress/v1' ) as $pattern => $handlers ) {
			if ( '/relaypress/v1' === $pattern || in_array( $pattern, self::PUBLIC_ROUTES, true ) ) {
				continue; // The namespace index, core's; the signed receiver, tested above.
			}
			$path = preg_replace_callback( '/\(\?P<(\w+)>([^)]*)\)/', static fn( array $m ): string => self::path_sample( $pattern, $m[1], $m[2] ), $pattern );
			foreach ( $handlers as $handler ) {
				foreach ( array_keys( array_filter( (array) $handler['methods'] ) ) as $method ) {
					$params = array();
					foreach ( $handler['args'] as $name => $arg ) {
						if ( ! empty( $arg['required'] ) && ! in_array( $name, array( 'id', 'selector' ), true ) ) {
							$params[ $name ] = self::sample( $name, $arg );
						}
					}
					$endpoints[] = array(
						'method'       => $method,
						'path'         => substr( $path, strlen( '/relaypress/v1' ) ),
						'path_pattern' => $pattern,
						'params'       => $params,
					);
				}
			}
		}
		return $endpoints;
	}

	/**
	 * @param array<string, mixed> $endpoint From endpoints().
	 */
	private function dispatch( array $endpoint ): \WP_REST_Response {
		return $this->request( $endpoint['method'], $endpoint['path'], $endpoint['params'] );
	}

	/**
	 * A valid value for a path parameter (an invalid one would be 400 before the permission).
	 */
	private static function path_sample( string $route, string $name, string $regex ): string {
		if ( 'selector' === $name ) {
			return 'rpr202401';
		}
		if ( '\\d+' === $regex ) {
			return '1';
		}
		if ( false !== strpos( $route, '/domains/' ) ) {
			return 'dom_' . str_repeat( '0', 26 );
		}
		if ( false !== strpos( $route, '/suppressions/' ) ) {
			return 'sup_' . str_repeat( '0', 26 );
		}
		return 'msg_1';
	}

	/**
	 * @param array<string, mixed> $arg Argument schema.
	 * @return mixed
	 */
	private static function sample( string $name, array $arg ) {
		if ( isset( $arg['enum'] ) ) {
			return $arg['enum'][0];
		}
		if ( 'domain' === $name ) {
			return 'example.com';
		}
		switch ( $arg['type'] ) {
			case 'integer':
				return 1;
			case 'boolean':
				return true;
			case 'array':
				return array( 1 );
			default:
				return false !== strpos( $name, 'to' ) || false !== strpos( $name, 'email' ) ? 'someone@example.com' : 'x';
		}
	}
}
