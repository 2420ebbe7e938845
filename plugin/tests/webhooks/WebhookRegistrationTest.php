<?php
/**
 * Connecting to a relay registers this site's receiver with it; a failure never blocks saving.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Webhooks;

use RelayPress\Lifecycle\Installer;
use RelayPress\Lifecycle\Schema;
use RelayPress\Lifecycle\Uninstaller;
use RelayPress\Tests\Webhook_Test_Case;
use RelayPress\Webhooks\Webhook_Registration;

final class WebhookRegistrationTest extends Webhook_Test_Case {

	private const NEW_TOKEN = 'rpk_live_new_token_0123456789';

	protected function setUp(): void {
		parent::setUp();
		$this->as_admin();
	}

	protected function tearDown(): void {
		if ( ! Schema::installed() ) {
			Installer::install_site();
		}
		parent::tearDown();
	}

	public function test_saving_a_relay_url_and_token_registers_the_receiver_and_keeps_the_secret_sealed(): void {
		$relay = $this->relay()->answer( 201, $this->created( 'wh_first', 'whsec_first_secret_value' ) );

		$data = $this->ok( 'POST', '/settings', array( 'relay_url' => 'https://relay.example.net', 'api_token' => self::NEW_TOKEN ) );

		$this->assertCount( 1, $relay->requests );
		$this->assertSame( array( 'POST', 'https://relay.example.net/v1/webhooks' ), array( $relay->requests[0]['method'], $relay->requests[0]['url'] ) );
		$this->assertSame( 'Bearer ' . self::NEW_TOKEN, $relay->requests[0]['headers']['Authorization'] );
		$this->assertSame( array( 'url' => rest_url( 'relaypress/v1/webhooks' ) ), $relay->requests[0]['body'] );

		$this->assertTrue( $data['webhook']['registered'] );
		$this->assertNull( $data['webhook']['error'] );
		$this->assertSame( rest_url( 'relaypress/v1/webhooks' ), $data['webhook']['url'] );
		$this->assertStringNotContainsString( 'whsec_first_secret_value', (string) wp_json_encode( $data ) );
		$this->assertStringNotContainsString( 'whsec_first_secret_value', serialize( get_option( Webhook_Registration::OPTION ) ) );
		$this->assertSame( 'wh_first', get_option( Webhook_Registration::OPTION )['endpoint_id'] );
		$this->assertSame( array( 'whsec_first_secret_value' ), $this->plugin->webhook_registration->secrets() );
		$this->assertSame( $data, $this->ok( 'GET', '/settings' ) );
	}

	public function test_the_relays_secret_is_the_one_deliveries_are_checked_with(): void {
		$this->relay()->answer( 201, $this->created( 'wh_first', 'whsec_from_the_relay' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );
		$row = $this->sent_mail();
		wp_set_current_user( 0 );

		$this->assertSame( 401, $this->deliver( $this->event( 'delivered' ), null, 'whsec_something_else' )->get_status() );
		$this->assertSame( 200, $this->deliver( $this->event( 'delivered' ), null, 'whsec_from_the_relay' )->get_status() );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
	}

	public function test_saving_other_settings_does_not_register_again(): void {
		$relay = $this->relay()->answer( 201, $this->created( 'wh_first', 'whsec_1' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->ok( 'POST', '/settings', array( 'from_name' => 'Shop', 'api_token' => self::NEW_TOKEN ) );

		$this->assertCount( 1, $relay->requests );
	}

	public function test_a_new_token_deletes_the_previous_endpoint_first_then_registers_anew(): void {
		$relay = $this->relay()
			->answer( 201, $this->created( 'wh_first', 'whsec_1' ) )
			->answer( 204 )
			->answer( 201, $this->created( 'wh_second', 'whsec_2' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$data = $this->ok( 'POST', '/settings', array( 'api_token' => 'rpk_rotated_token_abcdef' ) );

		$this->assertSame(
			array( array( 'POST', self::RELAY_URL . '/v1/webhooks' ), array( 'DELETE', self::RELAY_URL . '/v1/webhooks/wh_first' ), array( 'POST', self::RELAY_URL . '/v1/webhooks' ) ),
			array_map( static fn( $r ) => array( $r['method'], $r['url'] ), $relay->requests )
		);
		$this->assertSame( 'Bearer rpk_rotated_token_abcdef', $relay->requests[1]['headers']['Authorization'] );
		$this->assertTrue( $data['webhook']['registered'] );
		$this->assertSame( 'wh_second', get_option( Webhook_Registration::OPTION )['endpoint_id'] );
		$this->assertSame( array( 'whsec_2' ), $this->plugin->webhook_registration->secrets() );
	}

	public function test_an_endpoint_the_relay_no_longer_has_does_not_stop_registration(): void {
		$relay = $this->relay()
			->answer( 201, $this->created( 'wh_first', 'whsec_1' ) )
			->answer( 404, array( 'error' => array( 'code' => 'not_found', 'message' => 'No such webhook' ) ) )
			->answer( 201, $this->created( 'wh_second', 'whsec_2' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->assertTrue( $this->ok( 'POST', '/settings', array( 'api_token' => 'rpk_rotated_token_abcdef' ) )['webhook']['registered'] );
		$this->assertCount( 3, $relay->requests );
	}

	public function test_moving_to_another_relay_does_not_send_the_old_endpoint_id_to_the_new_one(): void {
		$relay = $this->relay()->answer( 201, $this->created( 'wh_first', 'whsec_1' ) )->answer( 201, $this->created( 'wh_other', 'whsec_2' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->ok( 'POST', '/settings', array( 'relay_url' => 'https://other-relay.example.net' ) );

		$this->assertSame( array( 'POST', 'https://other-relay.example.net/v1/webhooks' ), array( $relay->requests[1]['method'], $relay->requests[1]['url'] ) );
		$this->assertCount( 2, $relay->requests );
	}

	public function test_an_unreachable_relay_still_saves_the_settings_reports_the_error_and_retries(): void {
		$relay = $this->relay()->answer( new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to relay.test port 80: Connection refused' ) );

		$response = $this->request( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN, 'from_name' => 'Saved anyway' ) );

		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( 'Saved anyway', $data['from_name'] );
		$this->assertSame( self::NEW_TOKEN, $this->plugin->settings->api_token() );
		$this->assertFalse( $data['webhook']['registered'] );
		$this->assertSame( 'unreachable', $data['webhook']['error']['code'] );
		$this->assertStringContainsString( 'Connection refused', $data['webhook']['error']['message'] );
		$this->assertNotNull( $data['webhook']['error']['retry_at'] );
		$retry_at = wp_next_scheduled( Webhook_Registration::RETRY_HOOK );
		$this->assertEqualsWithDelta( time() + HOUR_IN_SECONDS, $retry_at, 5 );
		$this->assertStringNotContainsString( self::NEW_TOKEN, (string) wp_json_encode( $data ) );

		// The cron event runs: the relay is back.
		$relay->answer( 201, $this->created( 'wh_later', 'whsec_later' ) );
		do_action( Webhook_Registration::RETRY_HOOK );

		$this->assertTrue( $this->ok( 'GET', '/settings' )['webhook']['registered'] );
		$this->assertFalse( wp_next_scheduled( Webhook_Registration::RETRY_HOOK ) );
		$this->assertCount( 2, $relay->requests );
	}

	public function test_a_failed_registration_is_retried_on_the_next_save(): void {
		$relay = $this->relay()->answer( 503, array( 'error' => array( 'code' => 'unavailable', 'message' => 'Shutting down' ) ) );
		$this->assertSame( 'unavailable', $this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) )['webhook']['error']['code'] );

		$relay->answer( 201, $this->created( 'wh_1', 'whsec_1' ) );
		$data = $this->ok( 'POST', '/settings', array( 'from_name' => 'Unrelated change' ) );

		$this->assertTrue( $data['webhook']['registered'] );
		$this->assertNull( $data['webhook']['error'] );
	}

	public function test_a_refusal_is_reported_and_not_retried_by_cron(): void {
		$this->relay()->answer( 422, array( 'error' => array( 'code' => 'url_not_allowed', 'message' => 'The URL resolves to a private address', 'field' => 'url' ) ) );

		$data = $this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->assertSame( 'url_not_allowed', $data['webhook']['error']['code'] );
		$this->assertSame( 422, $data['webhook']['error']['http_status'] );
		$this->assertStringContainsString( 'private address', $data['webhook']['error']['message'] );
		$this->assertNull( $data['webhook']['error']['retry_at'] );
		$this->assertFalse( wp_next_scheduled( Webhook_Registration::RETRY_HOOK ) );
		$this->assertContains(
			'The webhook could not be registered with the relay: The URL resolves to a private address The email log shows only what this site sent until it is; saving the settings tries again.',
			( new \RelayPress\Admin\Admin_Notices( $this->plugin->conflicts, $this->plugin->settings, $this->plugin->webhook_registration ) )->messages()
		);
	}

	public function test_an_answer_without_id_and_secret_is_a_failure(): void {
		$this->relay()->answer( 201, array( 'id' => 'wh_1' ) );

		$data = $this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->assertFalse( $data['webhook']['registered'] );
		$this->assertSame( 'unexpected_response', $data['webhook']['error']['code'] );
		$this->assertSame( array(), $this->plugin->webhook_registration->secrets() );
	}

	public function test_nothing_is_registered_without_a_token(): void {
		$relay = $this->relay();

		$data = $this->ok( 'POST', '/settings', array( 'api_token_clear' => true ) );

		$this->assertSame( array(), $relay->requests );
		$this->assertFalse( $data['webhook']['registered'] );
		$this->assertNull( $data['webhook']['error'] );
	}

	public function test_the_admin_can_register_again_now(): void {
		$relay = $this->relay()->answer( 201, $this->created( 'wh_1', 'whsec_1' ) )->answer( 204 )->answer( 201, $this->created( 'wh_2', 'whsec_2' ) );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$data = $this->ok( 'POST', '/webhook-registration' );

		$this->assertSame( array( true, 'registered' ), array( $data['ok'], $data['code'] ) );
		$this->assertTrue( $data['webhook']['registered'] );
		$this->assertSame( array( 'DELETE', self::RELAY_URL . '/v1/webhooks/wh_1' ), array( $relay->requests[1]['method'], $relay->requests[1]['url'] ) );
		$this->assertSame( array( 'whsec_2' ), $this->plugin->webhook_registration->secrets() );
		$this->assertStringNotContainsString( 'whsec_', (string) wp_json_encode( $data ) );
	}

	public function test_a_site_behind_a_proxy_can_give_the_url_the_relay_reaches(): void {
		add_filter( 'relaypress_webhook_url', static fn() => 'https://public.example.org/wp-json/relaypress/v1/webhooks' );
		$relay = $this->relay()->answer( 201, $this->created( 'wh_1', 'whsec_1' ) );

		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		$this->assertSame( 'https://public.example.org/wp-json/relaypress/v1/webhooks', $relay->requests[0]['body']['url'] );
	}

	public function test_a_connection_from_wp_config_is_registered_on_the_first_admin_page_load_and_tried_once(): void {
		$relay = $this->relay()->answer( 503 );
		$this->assertNotFalse( has_action( 'admin_init', array( $this->plugin->webhook_registration, 'ensure_for_admin' ) ) );

		$this->plugin->webhook_registration->ensure_for_admin(); // Fails: the relay is busy.
		$this->plugin->webhook_registration->ensure_for_admin(); // Same connection: not again on every page load.
		$this->assertCount( 1, $relay->requests );

		$this->plugin->settings->update( array( 'api_token' => self::NEW_TOKEN ) ); // As a changed constant would.
		$relay->answer( 201, $this->created( 'wh_1', 'whsec_1' ) );
		$this->plugin->webhook_registration->ensure_for_admin();
		$this->plugin->webhook_registration->ensure_for_admin();

		$this->assertCount( 2, $relay->requests );
		$this->assertTrue( $this->plugin->webhook_registration->is_current() );
		wp_set_current_user( $this->user( 'editor' ) );
		$this->plugin->settings->update( array( 'api_token' => 'rpk_yet_another_token_1234' ) );
		$this->plugin->webhook_registration->ensure_for_admin();
		$this->assertCount( 2, $relay->requests, 'an editor page load registered' );
	}

	public function test_uninstall_deletes_the_endpoint_at_the_relay(): void {
		$relay = $this->relay()->answer( 201, $this->created( 'wh_1', 'whsec_1' ) )->answer( 204 );
		$this->ok( 'POST', '/settings', array( 'api_token' => self::NEW_TOKEN ) );

		Uninstaller::uninstall();

		$this->assertSame( array( 'DELETE', self::RELAY_URL . '/v1/webhooks/wh_1' ), array( $relay->requests[1]['method'], $relay->requests[1]['url'] ) );
		$this->assertFalse( get_option( Webhook_Registration::OPTION ) );
	}

	/**
	 * The relay's 201 answer.
	 *
	 * @return array<string, mixed>
	 */
	private function created( string $id, string $secret ): array {
		return array(
			'id'          => $id,
			'url'         => rest_url( 'relaypress/v1/webhooks' ),
			'event_types' => null,
			'enabled'     => true,
			'secret'      => $secret,
			'created_at'  => '2026-11-29T12:00:00.000Z',
		);
	}
}
