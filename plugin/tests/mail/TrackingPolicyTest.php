<?php
/**
 * Open and click tracking: what the relay is asked for, per message, and what is never tracked.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Mail;

use RelayPress\Mail\Built_Message;
use RelayPress\Mail\Source_Detector;
use RelayPress\Tests\Stub_Server;
use RelayPress\Tests\Test_Case;

final class TrackingPolicyTest extends Test_Case {

	private const OFF  = array(
		'opens'  => false,
		'clicks' => false,
	);
	private const BOTH = array(
		'opens'  => true,
		'clicks' => true,
	);

	public function test_by_default_every_send_asks_the_relay_for_no_tracking_at_all(): void {
		$relay = $this->relay();

		wp_mail( 'a@example.com', 'Subject', '<p>Body</p>', array( 'Content-Type: text/html' ) );

		// Both kinds, explicitly: the relay account's defaults never decide for this site.
		$this->assertSame( self::OFF, $relay->sends()[0]['body']['tracking'] );
	}

	public function test_the_settings_turn_opens_and_clicks_on_for_every_send(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'track_opens' => true ) );
		wp_mail( 'a@example.com', 'Opens only', 'Body' );
		$this->plugin->settings->update( array( 'track_clicks' => true ) );
		wp_mail( 'a@example.com', 'Both', 'Body' );

		$this->assertSame(
			array(
				'opens'  => true,
				'clicks' => false,
			),
			$relay->sends()[0]['body']['tracking']
		);
		$this->assertSame( self::BOTH, $relay->sends()[1]['body']['tracking'] );
	}

	public function test_the_relaypress_tracking_filter_turns_tracking_off_for_one_email(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'track_opens' => true, 'track_clicks' => true ) );
		$seen = array();
		add_filter(
			'relaypress_tracking',
			static function ( array $choice, Built_Message $message ) use ( &$seen ): array {
				$seen[] = array( $choice, $message->subject, $message->source, $message->caller );
				return 'Your invoice' === $message->subject ? array( 'opens' => false, 'clicks' => false ) : $choice;
			},
			10,
			2
		);

		wp_mail( 'a@example.com', 'Your invoice', 'Body' );
		wp_mail( 'a@example.com', 'Newsletter', 'Body' );

		$this->assertSame( self::OFF, $relay->sends()[0]['body']['tracking'] );
		$this->assertSame( self::BOTH, $relay->sends()[1]['body']['tracking'] );
		$this->assertSame( array( self::BOTH, 'Your invoice', 'unknown', __METHOD__ ), $seen[0] );
	}

	public function test_a_core_password_reset_is_never_tracked_even_when_everything_asks_for_it(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'track_opens' => true, 'track_clicks' => true ) );
		add_filter( 'relaypress_tracking', static fn() => array( 'opens' => true, 'clicks' => true ) );
		$user_id = $this->user();

		$this->assertTrue( retrieve_password( get_userdata( $user_id )->user_login ) );

		$this->assertStringContainsString( 'Password Reset', $this->log_rows()[0]['subject'] );
		$this->assertSame( self::OFF, $relay->sends()[0]['body']['tracking'] );
	}

	public function test_core_new_user_emails_to_the_user_and_the_admin_are_never_tracked(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'track_opens' => true, 'track_clicks' => true ) );
		$user_id = $this->user();

		wp_new_user_notification( $user_id, null, 'both' );

		$this->assertCount( 2, $relay->sends() );
		$this->assertSame( array( self::OFF, self::OFF ), array_map( static fn( $send ) => $send['body']['tracking'], $relay->sends() ) );
		wp_mail( 'a@example.com', 'Any other mail', 'Body' );
		$this->assertSame( self::BOTH, $relay->sends()[2]['body']['tracking'] );
	}

	public function test_a_retry_sends_the_choice_made_when_the_mail_was_queued_even_after_the_settings_changed(): void {
		$relay = $this->relay()->answer( 503, null );
		$this->plugin->settings->update( array( 'track_opens' => true, 'track_clicks' => true ) );
		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->plugin->settings->update( array( 'track_opens' => false, 'track_clicks' => false ) );
		$this->plugin->clock->advance( 61 );
		$this->assertSame( 1, $this->run_cron()['sent'] );

		// Same Idempotency-Key, same body: otherwise the relay would answer 409.
		$this->assertSame( $relay->sends()[0]['body'], $relay->sends()[1]['body'] );
		$this->assertSame( self::BOTH, $relay->sends()[1]['body']['tracking'] );
	}

	public function test_a_resent_password_reset_stays_untracked(): void {
		$relay = $this->relay();
		$this->plugin->settings->update( array( 'track_opens' => true, 'track_clicks' => true ) );
		retrieve_password( get_userdata( $this->user() )->user_login );

		$this->plugin->outbox->resend( (int) $this->log_rows()[0]['id'] );

		$this->assertCount( 2, $relay->sends() );
		$this->assertSame( self::OFF, $relay->sends()[1]['body']['tracking'] );
	}

	public function test_a_message_queued_before_the_upgrade_is_retried_without_tracking_as_it_was_first_sent(): void {
		global $wpdb;
		$relay = $this->relay()->answer( 503, null );
		wp_mail( 'a@example.com', 'Queued by the old version', 'Body' );
		$wpdb->query( "UPDATE {$this->plugin->outbox_repository->table()} SET tracking = ''" );

		$this->plugin->clock->advance( 61 );
		$this->run_cron();

		$this->assertArrayNotHasKey( 'tracking', $relay->sends()[1]['body'] );
	}

	public function test_the_relay_stand_in_receives_tracking_from_a_wp_config_constant_the_screen_cannot_change(): void {
		$server = Stub_Server::start();
		try {
			$this->plugin->settings->update( array( 'relay_url' => $server->url, 'track_opens' => false, 'track_clicks' => false ) );
			$code = '
				wp_set_current_user( 1 );
				$post = new WP_REST_Request( "POST", "/relaypress/v1/settings" );
				$post->set_body_params( array( "track_opens" => false, "track_clicks" => true ) );
				rest_do_request( $post );
				$view = rest_do_request( new WP_REST_Request( "GET", "/relaypress/v1/settings" ) )->get_data();
				wp_mail( "a@example.com", "Locked", "Body" );
				echo wp_json_encode( array( $view["track_opens"], $view["locked"]["track_opens"], $view["track_clicks"], $view["locked"]["track_clicks"] ) );
			';
			$view = json_decode( $this->run_in_wordpress( $code, array( 'RELAYPRESS_TRACK_OPENS' => true ) ), true );

			$this->assertSame( array( true, true, true, false ), $view );
			$emails = array_values( array_filter( $server->requests(), static fn( $r ) => '/v1/emails' === $r['path'] ) );
			$this->assertSame( self::BOTH, $emails[0]['body']['tracking'] );
			$this->assertFalse( $this->plugin->settings->all()['track_opens'] ); // The stored value was left alone.
		} finally {
			$server->stop();
		}
	}

	public function test_the_caller_of_wp_mail_is_the_function_or_the_core_file_that_called_it(): void {
		$frame = static fn( string $function, string $file, ?string $class = null ): array => array_filter(
			array(
				'function' => $function,
				'file'     => $file,
				'class'    => $class,
			)
		);
		$send  = $frame( 'send', ABSPATH . 'wp-includes/pluggable.php', 'RelayPress\Mail\Relay_Mailer' );

		$this->assertSame( 'retrieve_password', Source_Detector::caller_from_backtrace( array( $send, $frame( 'wp_mail', ABSPATH . 'wp-includes/user.php' ), $frame( 'retrieve_password', ABSPATH . 'wp-login.php' ) ) ) );
		$this->assertSame( 'WP_Recovery_Mode_Email_Service::send_recovery_mode_email', Source_Detector::caller_from_backtrace( array( $send, $frame( 'wp_mail', ABSPATH . 'wp-includes/x.php' ), $frame( 'send_recovery_mode_email', ABSPATH . 'wp-includes/y.php', 'WP_Recovery_Mode_Email_Service' ) ) ) );
		$this->assertSame( 'wp-admin/user-new.php', Source_Detector::caller_from_backtrace( array( $send, $frame( 'wp_mail', ABSPATH . 'wp-admin/user-new.php' ), $frame( 'require_once', ABSPATH . 'wp-admin/admin.php' ) ) ) );
		$this->assertSame( '', Source_Detector::caller_from_backtrace( array( $send ) ) );
	}

	/** @var int[] */
	private array $users = array();

	protected function setUp(): void {
		parent::setUp();
		$_SERVER['REMOTE_ADDR'] = '192.0.2.1'; // retrieve_password() puts the requester's address in the mail.
	}

	protected function tearDown(): void {
		unset( $_SERVER['REMOTE_ADDR'] );
		require_once ABSPATH . 'wp-admin/includes/user.php';
		foreach ( $this->users as $user_id ) {
			wp_delete_user( $user_id );
		}
		parent::tearDown();
	}

	private function user(): int {
		return $this->users[] = (int) wp_insert_user(
			array(
				'user_login' => 'u' . wp_generate_password( 8, false ),
				'user_email' => strtolower( wp_generate_password( 8, false ) ) . '@example.com',
				'user_pass'  => wp_generate_password(),
			)
		);
	}
}
