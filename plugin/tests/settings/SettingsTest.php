<?php
/**
 * Settings: the token is sealed at rest, never displayed, and wp-config.php constants win.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Settings;

use RelayPress\Settings\Settings;
use RelayPress\Tests\Test_Case;

final class SettingsTest extends Test_Case {

	public function test_the_token_is_stored_encrypted_and_decrypts_back(): void {
		global $wpdb;
		$stored = (string) $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", Settings::OPTION ) );

		$this->assertStringNotContainsString( self::TOKEN, $stored );
		$this->assertStringContainsString( 'rp1:', $stored );
		$this->assertSame( self::TOKEN, $this->plugin->settings->api_token() );
	}

	public function test_saving_without_a_token_keeps_the_stored_one_and_clearing_removes_it(): void {
		$this->plugin->settings->update( array( 'api_token' => '', 'from_name' => 'Shop' ) );
		$this->assertSame( self::TOKEN, $this->plugin->settings->api_token() );

		$this->plugin->settings->update( array( 'api_token_clear' => true ) );
		$this->assertSame( '', $this->plugin->settings->api_token() );
	}

	public function test_the_option_sanitizer_seals_a_token_submitted_through_update_option(): void {
		update_option( Settings::OPTION, array_merge( $this->plugin->settings->all(), array( 'api_token' => 'rpk_from_a_form' ) ) );

		$this->assertStringNotContainsString( 'rpk_from_a_form', serialize( get_option( Settings::OPTION ) ) );
		$this->assertSame( 'rpk_from_a_form', $this->plugin->settings->api_token() );
	}

	public function test_what_a_screen_may_display_never_contains_the_token(): void {
		$display = $this->plugin->settings->for_display();

		$this->assertStringNotContainsString( self::TOKEN, (string) wp_json_encode( $display ) );
		$this->assertArrayNotHasKey( 'api_token', $display );
		$this->assertTrue( $display['api_token_set'] );
	}

	public function test_wp_config_constants_win_over_stored_settings(): void {
		$out = $this->run_in_wordpress(
			'$s = \RelayPress\Plugin::instance()->settings; echo wp_json_encode( array( $s->relay_url(), $s->api_token(), $s->for_display()["api_token_locked"] ) );',
			array(
				'RELAYPRESS_RELAY_URL' => 'https://relay.example.net/',
				'RELAYPRESS_API_TOKEN' => 'rpk_from_wp_config',
			)
		);

		$this->assertSame( array( 'https://relay.example.net', 'rpk_from_wp_config', true ), json_decode( $out, true ) );
	}

	public function test_a_token_sealed_with_the_salts_is_unreadable_under_an_explicit_encryption_key(): void {
		$out = $this->run_in_wordpress(
			'$s = \RelayPress\Plugin::instance()->settings; echo wp_json_encode( array( $s->api_token(), $s->token_unreadable() ) );',
			array( 'RELAYPRESS_ENCRYPTION_KEY' => 'a different key' )
		);

		$this->assertSame( array( '', true ), json_decode( $out, true ) );
	}

	public function test_the_default_from_replaces_only_cores_wordpress_at_host(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'from_email' => 'hello@example.org', 'from_name' => 'Example' ) );

		wp_mail( 'a@example.com', 'Default', 'Body' );
		wp_mail( 'a@example.com', 'Own From', 'Body', array( 'From: Shop <shop@example.net>' ) );

		$this->assertSame( 'Example <hello@example.org>', $this->sent_message( $relay->sends()[0] )->header( 'From' ) );
		$this->assertSame( 'Shop <shop@example.net>', $this->sent_message( $relay->sends()[1] )->header( 'From' ) );
	}

	public function test_the_forced_from_replaces_every_from(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'from_email' => 'hello@example.org', 'from_name' => 'Example', 'force_from' => true ) );

		wp_mail( 'a@example.com', 'Own From', 'Body', array( 'From: Shop <shop@example.net>' ) );

		$this->assertSame( 'Example <hello@example.org>', $this->sent_message( $relay->sends()[0] )->header( 'From' ) );
		$this->assertSame( 'hello@example.org', $relay->sends()[0]['body']['envelope']['mail_from'] );
	}
}
