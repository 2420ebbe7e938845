<?php
/**
 * The email log: search, view, resend, delete, retention, and where a message came from.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Log;

use RelayPress\Tests\Test_Case;

final class LogRepositoryTest extends Test_Case {

	public function test_search_finds_entries_by_recipient_subject_and_status(): void {
		$this->relay()->answer( 200, array( 'id' => 'msg_a' ) )->answer( 400, array( 'error' => array( 'code' => 'x', 'message' => 'no' ) ) );
		wp_mail( 'alice@example.com', 'Order shipped', 'Body' );
		wp_mail( 'bob@example.com', 'Password reset', 'Body' );
		$log = $this->plugin->log_repository;

		$this->assertSame( array( 'Order shipped' ), array_column( $log->search( array( 'search' => 'alice' ) )['items'], 'subject' ) );
		$this->assertSame( array( 'Password reset' ), array_column( $log->search( array( 'search' => 'reset' ) )['items'], 'subject' ) );
		$this->assertSame( array( 'Password reset' ), array_column( $log->search( array( 'status' => 'failed' ) )['items'], 'subject' ) );
		$all = $log->search( array( 'per_page' => 1 ) );
		$this->assertSame( 2, $all['total'] );
		$this->assertSame( array( 'Password reset' ), array_column( $all['items'], 'subject' ) ); // Newest first.
	}

	public function test_view_returns_the_entry_with_its_raw_message_and_envelope(): void {
		$this->relay();
		wp_mail( 'a@example.com', 'Viewed', 'The body', array( 'Bcc: hidden@example.com' ) );

		$entry = $this->plugin->log_repository->find( $this->plugin->outbox->last_log_id );

		$this->assertSame( 'Viewed', $entry['subject'] );
		$this->assertStringContainsString( 'The body', $entry['body']['raw'] );
		$this->assertSame( array( 'a@example.com', 'hidden@example.com' ), $entry['body']['envelope']['rcpt_to'] );
	}

	public function test_resend_sends_the_same_message_under_a_new_key_and_a_new_entry(): void {
		$relay = $this->relay();
		wp_mail( 'a@example.com', 'Again', 'Body' );
		$first = $this->plugin->outbox->last_log_id;

		$result = $this->plugin->outbox->resend( $first );

		$this->assertTrue( $result->accepted() );
		$sends = $relay->sends();
		$this->assertSame( $sends[0]['body']['raw'], $sends[1]['body']['raw'] );
		$this->assertNotSame( $sends[0]['headers']['Idempotency-Key'], $sends[1]['headers']['Idempotency-Key'] );
		$this->assertSame( (string) $first, $this->log_rows()[1]['resent_from'] );
	}

	public function test_delete_removes_the_entry_and_its_body(): void {
		global $wpdb;
		$this->relay();
		wp_mail( 'a@example.com', 'Gone', 'Body' );

		$this->assertTrue( $this->plugin->log_repository->delete( $this->plugin->outbox->last_log_id ) );

		$this->assertSame( array(), $this->log_rows() );
		$this->assertSame( '0', $wpdb->get_var( "SELECT COUNT(*) FROM {$this->plugin->log_repository->bodies_table()}" ) );
	}

	public function test_the_daily_purge_drops_bodies_before_entries(): void {
		$this->relay();
		$this->plugin->settings->update( array( 'body_retention_days' => 7, 'log_retention_days' => 30 ) );
		wp_mail( 'a@example.com', 'Old', 'Body' );
		$id = $this->plugin->outbox->last_log_id;

		$this->plugin->clock->advance( 8 * DAY_IN_SECONDS );
		do_action( 'relaypress_purge_log' );
		$entry = $this->plugin->log_repository->find( $id );
		$this->assertNotNull( $entry );
		$this->assertNull( $entry['body'] );
		$this->assertInstanceOf( \WP_Error::class, $this->plugin->outbox->resend( $id ) );

		$this->plugin->clock->advance( 23 * DAY_IN_SECONDS );
		do_action( 'relaypress_purge_log' );
		$this->assertNull( $this->plugin->log_repository->find( $id ) );
		$this->assertSame( array(), $this->outbox_rows() );
	}

	public function test_the_source_is_the_plugin_whose_file_called_wp_mail(): void {
		$relay = $this->relay();
		$dir   = WP_PLUGIN_DIR . '/acme-shop';
		wp_mkdir_p( $dir );
		file_put_contents( "{$dir}/acme-shop.php", "<?php\nfunction acme_shop_send_receipt() { return wp_mail( 'a@example.com', 'Receipt', 'Body' ); }\n" );
		require_once "{$dir}/acme-shop.php";

		acme_shop_send_receipt();

		unlink( "{$dir}/acme-shop.php" );
		rmdir( $dir );
		$this->assertSame( 'acme-shop', $this->log_rows()[0]['source'] );
		$this->assertSame( array( 'wordpress', 'acme-shop' ), $relay->sends()[0]['body']['tags'] );
	}

	public function test_the_source_of_a_core_notification_is_core(): void {
		$this->relay();
		$user_id = wp_insert_user( array( 'user_login' => 'u' . wp_generate_password( 8, false ), 'user_email' => wp_generate_password( 8, false ) . '@example.com', 'user_pass' => 'x' ) );

		wp_new_user_notification( $user_id, null, 'admin' );

		require_once ABSPATH . 'wp-admin/includes/user.php';
		wp_delete_user( $user_id );
		$this->assertSame( 'core', $this->log_rows()[0]['source'] );
		$this->assertStringContainsString( 'New User Registration', $this->log_rows()[0]['subject'] );
	}
}
