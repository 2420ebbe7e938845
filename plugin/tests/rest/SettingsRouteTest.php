<?php
/**
 * GET/POST /settings: secrets are write-only, wp-config.php constants are locked.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Rest;

use RelayPress\Tests\Rest_Test_Case;

final class SettingsRouteTest extends Rest_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		$this->as_admin();
		$this->relay(); // Saving a connection registers the webhook (tests/webhooks): no request may leave the machine.
	}

	public function test_get_returns_typed_settings_and_only_a_hint_of_the_token(): void {
		$data = $this->ok( 'GET', '/settings' );

		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $data ) );
		$this->assertArrayNotHasKey( 'api_token', $data );
		$this->assertArrayNotHasKey( 'backup_smtp_password', $data );
		$this->assertTrue( $data['token_set'] );
		$this->assertSame( '••••cdef', $data['token_hint'] );
		$this->assertSame( self::RELAY_URL, $data['relay_url'] );
		$this->assertSame( 30, $data['log_retention_days'] );
		$this->assertSame( 15, $data['backup_after_minutes'] );
		$this->assertSame( 'tls', $data['backup_smtp_encryption'] );
		$this->assertFalse( $data['keep_data'] );
		$this->assertFalse( $data['track_opens'] );
		$this->assertFalse( $data['track_clicks'] );
		$this->assertFalse( $data['locked']['track_opens'] );
		$this->assertFalse( $data['backup_smtp_password_set'] );
		$this->assertFalse( $data['locked']['relay_url'] );
		$this->assertFalse( $data['locked']['api_token'] );
	}

	public function test_post_saves_settings_and_seals_secrets(): void {
		$data = $this->ok(
			'POST',
			'/settings',
			array(
				'relay_url'              => 'https://relay.example.net/',
				'api_token'              => 'rpk_new_token_abcdefWXYZ',
				'from_email'             => 'hello@example.org',
				'from_name'              => 'Shop <b>Name</b>',
				'force_from'             => true,
				'log_retention_days'     => 60,
				'body_retention_days'    => 0,
				'backup_smtp_host'       => 'smtp.example.net',
				'backup_smtp_port'       => 465,
				'backup_smtp_encryption' => 'ssl',
				'backup_smtp_username'   => 'wp',
				'backup_smtp_password'   => 'hunter2-secret',
				'backup_after_minutes'   => 5,
				'alert_email'            => 'ops@example.org',
				'alert_webhook_url'      => 'https://hooks.example.org/relaypress',
				'keep_data'              => true,
				'track_opens'            => true,
				'track_clicks'           => false,
			)
		);

		$this->assertSame( 'https://relay.example.net', $data['relay_url'] );
		$this->assertSame( '••••WXYZ', $data['token_hint'] );
		$this->assertSame( 'Shop Name', $data['from_name'] );
		$this->assertSame( array( 60, 0, 465, 'ssl', 5, true, true ), array( $data['log_retention_days'], $data['body_retention_days'], $data['backup_smtp_port'], $data['backup_smtp_encryption'], $data['backup_after_minutes'], $data['force_from'], $data['keep_data'] ) );
		$this->assertSame( array( true, false ), array( $data['track_opens'], $data['track_clicks'] ) );
		$this->assertTrue( $data['backup_smtp_password_set'] );
		$this->assertStringNotContainsString( 'hunter2-secret', (string) wp_json_encode( $data ) );
		$this->assertStringNotContainsString( 'hunter2-secret', serialize( get_option( 'relaypress_settings' ) ) );
		$this->assertStringNotContainsString( 'rpk_new_token', serialize( get_option( 'relaypress_settings' ) ) );
		$this->assertSame( 'rpk_new_token_abcdefWXYZ', $this->plugin->settings->api_token() );
		$this->assertSame( 'hunter2-secret', $this->plugin->settings->backup_smtp()['password'] );
	}

	public function test_posting_without_secrets_keeps_them_and_clear_flags_remove_them(): void {
		$this->ok( 'POST', '/settings', array( 'backup_smtp_password' => 'pw-1234' ) );
		$this->ok( 'POST', '/settings', array( 'from_name' => 'Other' ) );
		$this->assertSame( self::TOKEN, $this->plugin->settings->api_token() );
		$this->assertSame( 'pw-1234', $this->plugin->settings->get( 'backup_smtp_password' ) );

		$data = $this->ok( 'POST', '/settings', array( 'api_token_clear' => true, 'backup_smtp_password_clear' => true ) );

		$this->assertFalse( $data['token_set'] );
		$this->assertNull( $data['token_hint'] );
		$this->assertFalse( $data['backup_smtp_password_set'] );
	}

	/**
	 * @dataProvider invalid_settings
	 *
	 * @param array<string, mixed> $body Invalid body.
	 */
	public function test_invalid_values_are_refused_with_400_and_nothing_is_saved( array $body ): void {
		$before   = get_option( 'relaypress_settings' );
		$response = $this->request( 'POST', '/settings', $body );

		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		$this->assertSame( $before, get_option( 'relaypress_settings' ) );
	}

	/**
	 * @return array<string, array{0: array<string, mixed>}>
	 */
	public function invalid_settings(): array {
		return array(
			'javascript: relay URL'  => array( array( 'relay_url' => 'javascript:alert(1)' ) ),
			'relay URL without host' => array( array( 'relay_url' => 'https://' ) ),
			'bad from email'         => array( array( 'from_email' => 'not-an-email' ) ),
			'retention out of range' => array( array( 'log_retention_days' => 0 ) ),
			'retention not a number' => array( array( 'log_retention_days' => 'ten' ) ),
			'unknown encryption'     => array( array( 'backup_smtp_encryption' => 'starttls' ) ),
			'port out of range'      => array( array( 'backup_smtp_port' => 70000 ) ),
			'host with a space'      => array( array( 'backup_smtp_host' => 'smtp example.net' ) ),
			'token with a newline'   => array( array( 'api_token' => "abc\ndef" ) ),
			'ftp webhook'            => array( array( 'alert_webhook_url' => 'ftp://example.org/x' ) ),
		);
	}

	public function test_wp_config_constants_are_reported_locked_and_posts_do_not_change_them(): void {
		$code = '
			wp_set_current_user( 1 );
			$post = new WP_REST_Request( "POST", "/relaypress/v1/settings" );
			$post->set_body_params( array( "relay_url" => "https://other.example", "api_token" => "rpk_other_abcdefgh", "from_name" => "Changed" ) );
			rest_do_request( $post );
			$get = rest_do_request( new WP_REST_Request( "GET", "/relaypress/v1/settings" ) );
			echo wp_json_encode( $get->get_data() );
		';
		$data = json_decode(
			$this->run_in_wordpress(
				$code,
				array(
					'RELAYPRESS_RELAY_URL' => 'https://relay.locked.example',
					'RELAYPRESS_API_TOKEN' => 'rpk_from_wp_config_1234',
				)
			),
			true
		);

		$this->assertSame( 'https://relay.locked.example', $data['relay_url'] );
		$this->assertTrue( $data['locked']['relay_url'] );
		$this->assertTrue( $data['locked']['api_token'] );
		$this->assertFalse( $data['locked']['from_name'] );
		$this->assertSame( '••••1234', $data['token_hint'] );
		$this->assertSame( 'Changed', $data['from_name'] );
		$this->assertStringNotContainsString( 'rpk_from_wp_config', (string) wp_json_encode( $data ) );
		$this->assertSame( self::RELAY_URL, $this->plugin->settings->all()['relay_url'] ); // The stored value was left alone.
		$this->assertSame( self::TOKEN, $this->plugin->settings->api_token() );
	}
}
