<?php
/**
 * Every core wp_mail() hook keeps its meaning while RelayPress sends the mail.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Mail;

use RelayPress\Mail\Relay_Mailer;
use RelayPress\Tests\Test_Case;

final class CoreHookParityTest extends Test_Case {

	public function test_the_wp_mail_filter_rewrites_the_arguments_that_are_sent(): void {
		$relay = $this->relay();
		add_filter(
			'wp_mail',
			static function ( array $atts ): array {
				$atts['to']      = 'rewritten@example.com';
				$atts['subject'] = 'Rewritten subject';
				return $atts;
			}
		);

		$this->assertTrue( wp_mail( 'original@example.com', 'Original', 'Body' ) );

		$send = $relay->sends()[0];
		$this->assertSame( array( 'rewritten@example.com' ), $send['body']['envelope']['rcpt_to'] );
		$this->assertSame( 'Rewritten subject', $this->sent_message( $send )->header( 'Subject' ) );
	}

	public function test_a_value_from_pre_wp_mail_short_circuits_and_nothing_is_queued(): void {
		$relay = $this->relay();
		add_filter( 'pre_wp_mail', static fn() => true );

		$this->assertTrue( wp_mail( 'a@example.com', 'Subject', 'Body' ) );

		$this->assertSame( array(), $relay->requests );
		$this->assertSame( array(), $this->outbox_rows() );
		$this->assertSame( array(), $this->log_rows() );
	}

	public function test_wp_mail_from_and_wp_mail_from_name_set_the_from_header_and_the_envelope_sender(): void {
		$relay = $this->relay();
		add_filter( 'wp_mail_from', static fn() => 'shop@example.org' );
		add_filter( 'wp_mail_from_name', static fn() => 'The Shop' );

		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$send = $relay->sends()[0];
		$this->assertSame( 'The Shop <shop@example.org>', $this->sent_message( $send )->header( 'From' ) );
		$this->assertSame( 'shop@example.org', $send['body']['envelope']['mail_from'] );
	}

	public function test_wp_mail_content_type_makes_the_message_html(): void {
		$relay = $this->relay();
		add_filter( 'wp_mail_content_type', static fn() => 'text/html' );

		wp_mail( 'a@example.com', 'Subject', '<p>Hello</p>' );

		$message = $this->sent_message( $relay->sends()[0] );
		$this->assertSame( 'text/html', $message->content_type() );
		$this->assertStringContainsString( '<p>Hello</p>', $message->decoded_body() );
	}

	public function test_wp_mail_charset_sets_the_charset_of_the_message(): void {
		$relay = $this->relay();
		add_filter( 'wp_mail_charset', static fn() => 'ISO-8859-1' );

		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->assertSame( 'ISO-8859-1', $this->sent_message( $relay->sends()[0] )->param( 'Content-Type', 'charset' ) );
	}

	public function test_phpmailer_init_runs_on_the_relay_mailer_and_its_alt_body_makes_the_message_multipart(): void {
		$relay  = $this->relay();
		$seen   = array();
		add_filter( 'wp_mail_content_type', static fn() => 'text/html' );
		add_action(
			'phpmailer_init',
			static function ( $mailer ) use ( &$seen ): void {
				$seen[]          = get_class( $mailer );
				$mailer->AltBody = 'Hello in plain text'; // What WooCommerce does for multipart emails.
			}
		);

		wp_mail( 'a@example.com', 'Subject', '<p>Hello in HTML</p>' );

		$this->assertSame( array( Relay_Mailer::class ), $seen );
		$message = $this->sent_message( $relay->sends()[0] );
		$this->assertSame( 'multipart/alternative', $message->content_type() );
		$this->assertSame( 'Hello in plain text', trim( $message->first_leaf( 'text/plain' )->decoded_body() ) );
		$this->assertStringContainsString( '<p>Hello in HTML</p>', $message->first_leaf( 'text/html' )->decoded_body() );
	}

	public function test_wp_mail_succeeded_fires_with_cores_mail_data_once_queued(): void {
		$this->relay();
		$calls = $this->record( 'wp_mail_succeeded' );

		$this->assertTrue( wp_mail( 'a@example.com, b@example.com', 'Subject', 'Body', array( 'X-Order: 42', 'Cc: c@example.com' ) ) );

		$this->assertCount( 1, $calls );
		$data = $calls[0][0];
		$this->assertSame( array( 'to', 'subject', 'message', 'headers', 'attachments' ), array_keys( $data ) );
		$this->assertSame( array( 'a@example.com', ' b@example.com' ), $data['to'] ); // Core's explode(',').
		$this->assertSame( array( 'X-Order' => '42' ), $data['headers'] ); // Parsed, Cc removed, as core.
	}

	public function test_wp_mail_failed_fires_with_the_relays_message_when_the_relay_refuses_the_message(): void {
		$this->relay()->answer(
			400,
			array(
				'error' => array(
					'code'    => 'domain_not_verified',
					'message' => 'sender domain example.test is not verified',
					'field'   => 'envelope.mail_from',
				),
			)
		);
		$failed    = $this->record( 'wp_mail_failed' );
		$succeeded = $this->record( 'wp_mail_succeeded' );

		$this->assertFalse( wp_mail( 'a@example.com', 'Subject', 'Body' ) );

		$this->assertCount( 0, $succeeded );
		$this->assertCount( 1, $failed );
		$error = $failed[0][0];
		$this->assertInstanceOf( \WP_Error::class, $error );
		$this->assertSame( 'wp_mail_failed', $error->get_error_code() );
		$this->assertStringContainsString( 'sender domain example.test is not verified', $error->get_error_message() );
		$this->assertArrayHasKey( 'phpmailer_exception_code', $error->get_error_data() );
		$this->assertSame( 'failed', $this->outbox_rows()[0]['status'] );
		$this->assertSame( 'failed', $this->log_rows()[0]['status'] );
	}
}
