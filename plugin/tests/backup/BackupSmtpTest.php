<?php
/**
 * When the relay stays unreachable, cron sends the stored message through the backup SMTP
 * host, and the admin hears about it. Against a real SMTP server (Postfix's smtp-sink).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Backup;

use RelayPress\Tests\Smtp_Sink;
use RelayPress\Tests\Stub_Server;
use RelayPress\Tests\Test_Case;

final class BackupSmtpTest extends Test_Case {

	private ?Smtp_Sink $sink = null;
	private ?Stub_Server $webhook = null;

	protected function setUp(): void {
		parent::setUp();
		if ( ! Smtp_Sink::available() ) {
			$this->markTestSkipped( 'smtp-sink (Debian package postfix) is not installed' );
		}
		$this->sink = Smtp_Sink::start();
		$this->plugin->settings->update(
			array(
				'relay_url'              => 'http://127.0.0.1:' . Stub_Server::free_port(), // Nothing listens: unreachable.
				'backup_smtp_host'       => '127.0.0.1',
				'backup_smtp_port'       => $this->sink->port,
				'backup_smtp_encryption' => 'none',
			)
		);
		foreach ( array( 'relay_unreachable', 'backup_failed' ) as $kind ) {
			delete_option( 'relaypress_alert_last_' . $kind );
		}
	}

	protected function tearDown(): void {
		if ( $this->sink ) {
			$this->sink->stop();
		}
		if ( $this->webhook ) {
			$this->webhook->stop();
		}
		parent::tearDown();
	}

	public function test_a_row_failing_for_15_minutes_goes_out_via_backup_smtp_byte_for_byte(): void {
		$this->assertTrue( wp_mail( 'a@example.com', 'Backup me', "Line one\n.starts with a dot\nLine three", array( 'Cc: c@example.com', 'Bcc: hidden@example.com' ) ) );
		$raw = (string) $this->outbox_rows()[0]['raw_mime'];

		$this->plugin->clock->advance( 14 * 60 );
		$this->assertSame( 0, $this->run_cron()['sent'] );
		$this->assertSame( array(), $this->sink->messages(), 'the backup was used before the relay had 15 minutes' );

		$this->plugin->clock->advance( 121 ); // Past 15 minutes, and due after the 2-minute backoff.
		$this->assertSame( 1, $this->run_cron()['sent'] );

		$received = $this->sink->messages( 1 );
		$this->assertCount( 1, $received );
		$this->assertSame( 'wordpress@example.test', $received[0]['mail_from'] );
		$this->assertSame( array( 'a@example.com', 'c@example.com', 'hidden@example.com' ), $received[0]['rcpt_to'] );
		$this->assertSame( str_replace( "\r\n", "\n", $raw ), $received[0]['data'] );
		$this->assertStringNotContainsString( 'hidden@example.com', $received[0]['data'] );

		$row = $this->outbox_rows()[0];
		$this->assertSame( array( 'sent', 'backup_smtp' ), array( $row['status'], $row['sent_via'] ) );
		$this->assertNull( $row['raw_mime'] );
		$log = $this->log_rows()[0];
		$this->assertSame( array( 'sent', 'backup_smtp' ), array( $log['status'], $log['sent_via'] ) );
		$this->assertStringContainsString( 'relay_unreachable', $log['last_error'] );

		$this->plugin->clock->advance( 3600 );
		$this->run_cron();
		$this->assertCount( 1, $this->sink->messages(), 'sent twice' );
	}

	public function test_the_wait_before_the_backup_is_configurable(): void {
		$this->plugin->settings->update( array( 'backup_after_minutes' => 2 ) );
		wp_mail( 'a@example.com', 'Soon', 'Body' );

		$this->plugin->clock->advance( 121 );
		$this->run_cron();

		$this->assertCount( 1, $this->sink->messages( 1 ) );
	}

	public function test_rows_already_overdue_all_go_by_backup_in_one_run_without_asking_the_relay_again(): void {
		add_filter( 'relaypress_send_immediately', '__return_false' );
		for ( $i = 1; $i <= 3; $i++ ) {
			wp_mail( "r{$i}@example.com", "Message {$i}", 'Body' );
		}
		$requests = $this->record( 'pre_http_request' );

		$this->plugin->clock->advance( 16 * 60 );
		$stats = $this->run_cron();

		$this->assertSame( 3, $stats['sent'] );
		$this->assertCount( 3, $this->sink->messages( 3 ) );
		$this->assertCount( 1, $requests ); // One relay attempt, then straight to the backup.
	}

	public function test_a_refused_backup_login_keeps_the_row_and_never_records_the_password(): void {
		// smtp-sink advertises AUTH but answers it with 250, which PHPMailer rightly refuses.
		$this->plugin->settings->update( array( 'backup_smtp_username' => 'wp', 'backup_smtp_password' => 'secret-pw' ) );
		wp_mail( 'a@example.com', 'With auth', 'Body' );

		$this->plugin->clock->advance( 16 * 60 );
		$this->run_cron();

		$this->assertSame( array(), $this->sink->messages() );
		$row = $this->outbox_rows()[0];
		$this->assertSame( 'pending', $row['status'] );
		$this->assertStringContainsString( 'backup SMTP AUTH failed', $row['last_error'] );
		$this->assertStringNotContainsString( 'secret-pw', (string) wp_json_encode( array( $this->outbox_rows(), $this->log_rows() ) ) );
	}

	public function test_when_the_backup_fails_too_the_row_stays_pending_with_both_errors(): void {
		$this->plugin->settings->update( array( 'backup_smtp_port' => Stub_Server::free_port() ) );
		wp_mail( 'a@example.com', 'Nowhere to go', 'Body' );

		$this->plugin->clock->advance( 16 * 60 );
		$this->assertSame( 1, $this->run_cron()['retry'] );

		$row = $this->outbox_rows()[0];
		$this->assertSame( 'pending', $row['status'] );
		$this->assertStringContainsString( 'relay_unreachable', $row['last_error'] );
		$this->assertStringContainsString( 'backup SMTP connect failed', $row['last_error'] );
		$this->assertNotNull( $row['raw_mime'] );
	}

	public function test_the_admin_is_alerted_by_email_via_the_backup_and_by_webhook_once_per_hour(): void {
		$this->webhook = Stub_Server::start();
		$port          = (int) wp_parse_url( $this->webhook->url, PHP_URL_PORT );
		// wp_safe_remote_post() refuses loopback hosts and unusual ports; a test opens them.
		add_filter( 'http_request_host_is_external', '__return_true' );
		add_filter( 'http_allowed_safe_ports', static fn( $ports ) => array_merge( (array) $ports, array( $port ) ) );
		$this->plugin->settings->update( array( 'alert_email' => 'ops@example.org', 'alert_webhook_url' => $this->webhook->url . '/hook' ) );
		wp_mail( 'a@example.com', 'First', 'Body' );

		$this->plugin->clock->advance( 16 * 60 );
		$this->run_cron();

		$received = $this->sink->messages( 2 );
		$this->assertCount( 2, $received ); // The message itself, and the alert.
		$alert = array_values( array_filter( $received, static fn( $m ) => array( 'ops@example.org' ) === $m['rcpt_to'] ) );
		$this->assertCount( 1, $alert );
		$this->assertStringContainsString( 'RelayPress alert: relay_unreachable', $alert[0]['data'] );
		$this->assertCount( 1, $this->log_rows(), 'the alert went through the outbox' );

		$hooks = $this->webhook->requests();
		$this->assertCount( 1, $hooks );
		$this->assertSame( array( '/hook', 'application/json' ), array( $hooks[0]['path'], $hooks[0]['content_type'] ) );
		$this->assertSame( array( 'relaypress.alert', 'relay_unreachable' ), array( $hooks[0]['body']['event'], $hooks[0]['body']['kind'] ) );

		// Still down ten minutes later: no second alert within the hour.
		wp_mail( 'b@example.com', 'Second', 'Body' );
		$this->plugin->clock->advance( 16 * 60 );
		$this->run_cron();
		$this->assertCount( 3, $this->sink->messages( 3 ) );
		$this->assertCount( 1, $this->webhook->requests() );

		// An hour after the first alert, the next failure alerts again.
		wp_mail( 'c@example.com', 'Third', 'Body' );
		$this->plugin->clock->advance( 45 * 60 );
		$this->run_cron();
		$this->assertCount( 2, $this->webhook->requests() );
	}
}
