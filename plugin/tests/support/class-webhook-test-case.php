<?php
/**
 * Base class for webhook tests: a registered secret, signed deliveries, events.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use RelayPress\Webhooks\Signature;

/**
 * register_webhook() goes through the real registration against Relay_Stub, so the secret
 * the receiver checks is the one the relay handed out.
 */
abstract class Webhook_Test_Case extends Rest_Test_Case {

	public const SECRET = 'whsec_test_4f9c2a7e1b8d6035';

	private int $event_counter = 0;

	/**
	 * Registers the webhook with a stub relay that hands out $secret.
	 */
	protected function register_webhook( string $secret = self::SECRET, string $id = 'wh_test1' ): Relay_Stub {
		$relay = $this->relay()->answer( 201, array( 'id' => $id, 'url' => rest_url( 'relaypress/v1/webhooks' ), 'event_types' => null, 'enabled' => true, 'secret' => $secret ) );
		$this->assertTrue( $this->plugin->webhook_registration->register()['ok'] );
		return $relay;
	}

	/**
	 * An event as the relay sends it.
	 *
	 * @param array<string, mixed> $overrides Fields to replace.
	 * @return array<string, mixed>
	 */
	protected function event( string $type, array $overrides = array() ): array {
		++$this->event_counter;
		return array_merge(
			array(
				'id'         => 'evt_' . $this->event_counter . '_' . bin2hex( random_bytes( 3 ) ),
				'type'       => $type,
				'created_at' => gmdate( 'Y-m-d\TH:i:s', $this->plugin->clock->now() ) . '.' . sprintf( '%03d', $this->event_counter ) . 'Z',
				'message_id' => 'msg_0stub',
				'recipient'  => 'buyer@example.com',
				'data'       => array(),
			),
			$overrides
		);
	}

	/**
	 * POSTs a raw body to the receiver, signed with $secret now unless $signature is given.
	 *
	 * @param array<string, mixed>|string $event     Event, or a raw body.
	 * @param string|null|false           $signature Header value; null: signed; false: no header.
	 */
	protected function deliver( $event, $signature = null, string $secret = self::SECRET ): \WP_REST_Response {
		$body    = is_string( $event ) ? $event : (string) wp_json_encode( $event );
		$request = new \WP_REST_Request( 'POST', '/relaypress/v1/webhooks' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $body );
		if ( false !== $signature ) {
			$request->set_header( Signature::HEADER, $signature ?? Signature::header( $secret, $body, $this->plugin->clock->now() ) );
		}
		return rest_do_request( $request );
	}

	/**
	 * Delivers and asserts 200.
	 *
	 * @param array<string, mixed> $event Event.
	 * @return array<string, mixed> Response data.
	 */
	protected function accepted( array $event ): array {
		$response = $this->deliver( $event );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	/**
	 * Sends one message through the stub relay; returns its log row (relay id `msg_0stub`
	 * for the first message of a test).
	 *
	 * @param string|string[] $to Recipients.
	 * @return array<string, mixed>
	 */
	protected function sent_mail( $to = 'buyer@example.com' ): array {
		$this->assertTrue( wp_mail( $to, 'Your order', 'Thanks' ) );
		$rows = $this->log_rows();
		return end( $rows );
	}

	/**
	 * @return array<string, mixed>
	 */
	protected function log_row( int $id ): array {
		return (array) $this->plugin->log_repository->find( $id, false );
	}

	/**
	 * @return array<int, array<string, mixed>>
	 */
	protected function event_rows(): array {
		global $wpdb;
		return (array) $wpdb->get_results( "SELECT * FROM {$this->plugin->event_repository->table()} ORDER BY id", ARRAY_A );
	}
}
