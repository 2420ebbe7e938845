<?php
/**
 * GET /log/{id} shows what the relay reported, oldest first, escaped; the list filters by the new statuses.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Webhooks;

use RelayPress\Tests\Webhook_Test_Case;

final class LogTimelineTest extends Webhook_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		$this->register_webhook();
	}

	public function test_one_entry_comes_with_its_events_in_the_order_they_happened(): void {
		$row = $this->sent_mail( array( 'buyer@example.com', 'other@example.com' ) );
		$this->accepted( $this->event( 'delivered', array( 'created_at' => '2026-11-29T12:00:05.000Z', 'data' => array( 'response' => '250 2.0.0 Ok <script>x</script>', 'mx_host' => 'mx.example.com', 'tls' => true, 'attempt' => 2 ) ) ) );
		$this->accepted( $this->event( 'queued', array( 'created_at' => '2026-11-29T12:00:00.000Z', 'data' => array( 'source' => 'http' ) ) ) );
		$this->accepted( $this->event( 'deferred', array( 'created_at' => '2026-11-29T12:00:01.250+00:00', 'data' => array( 'response' => '451 4.7.1 Greylisted', 'category' => 'greylist', 'next_attempt_at' => '2026-11-29T12:00:04.000Z', 'attempt' => 1 ) ) ) );
		$this->accepted( $this->event( 'hard_bounced', array( 'recipient' => 'other@example.com', 'created_at' => '2026-11-29T13:00:02+01:00', 'data' => array( 'source' => 'delivery', 'kind' => 'hard', 'category' => 'bad-mailbox', 'status' => '5.1.1', 'response' => '550 5.1.1 No such user' ) ) ) );
		$this->accepted( $this->event( 'unsubscribed', array( 'message_id' => 'msg_someone_elses' ) ) );

		$this->as_admin();
		$entry = $this->ok( 'GET', '/log/' . $row['id'] );

		$this->assertSame( 'delivered', $entry['status'] );
		$this->assertSame(
			array(
				array( 'queued', 'buyer@example.com', '2026-11-29T12:00:00.000Z', 'http' ),
				array( 'deferred', 'buyer@example.com', '2026-11-29T12:00:01.250Z', '451 4.7.1 Greylisted (next attempt 2026-11-29T12:00:04.000Z)' ),
				array( 'hard_bounced', 'other@example.com', '2026-11-29T12:00:02.000Z', '[bad-mailbox] 550 5.1.1 No such user' ),
				array( 'delivered', 'buyer@example.com', '2026-11-29T12:00:05.000Z', 'mx.example.com: 250 2.0.0 Ok &lt;script&gt;x&lt;/script&gt; (TLS)' ),
			),
			array_map( static fn( array $e ) => array( $e['type'], $e['recipient'], $e['occurred_at'], $e['description'] ), $entry['events'] )
		);
		$this->assertMatchesRegularExpression( '/^evt_/', $entry['events'][0]['id'] );
	}

	public function test_an_entry_without_events_has_an_empty_timeline(): void {
		$row = $this->sent_mail();
		$this->as_admin();

		$this->assertSame( array(), $this->ok( 'GET', '/log/' . $row['id'] )['events'] );
	}

	public function test_a_very_long_reply_is_cut_short_in_the_description(): void {
		$row = $this->sent_mail();
		$this->accepted( $this->event( 'hard_bounced', array( 'data' => array( 'response' => '550 ' . str_repeat( 'a', 5000 ) ) ) ) );
		$this->as_admin();

		$description = $this->ok( 'GET', '/log/' . $row['id'] )['events'][0]['description'];

		$this->assertSame( 300, mb_strlen( $description ) );
	}

	public function test_the_list_filters_by_the_statuses_webhooks_set(): void {
		$this->sent_mail( 'one@example.com' );
		$this->sent_mail( 'two@example.com' );
		$this->accepted( $this->event( 'delivered', array( 'message_id' => 'msg_0stub', 'recipient' => 'one@example.com' ) ) );
		$this->accepted( $this->event( 'hard_bounced', array( 'message_id' => 'msg_1stub', 'recipient' => 'two@example.com' ) ) );
		$this->as_admin();

		$this->assertSame( array( 'one@example.com' ), $this->ok( 'GET', '/log', array( 'status' => 'delivered' ) )[0]['to'] );
		$this->assertSame( array( 'two@example.com' ), $this->ok( 'GET', '/log', array( 'status' => 'bounced' ) )[0]['to'] );
		$this->assertSame( array(), $this->ok( 'GET', '/log', array( 'status' => 'deferred' ) ) );
	}

	public function test_deleting_an_entry_deletes_its_events_and_the_purge_removes_old_ones(): void {
		$row = $this->sent_mail();
		$this->accepted( $this->event( 'delivered' ) );
		$this->accepted( $this->event( 'delivered', array( 'message_id' => 'msg_not_ours' ) ) );
		$this->as_admin();

		$this->ok( 'DELETE', '/log/' . $row['id'] );
		$this->assertSame( array( 'msg_not_ours' ), array_column( $this->event_rows(), 'relay_message_id' ) );

		$this->plugin->clock->advance( 31 * DAY_IN_SECONDS );
		$purged = $this->plugin->log->purge();
		$this->assertSame( 1, $purged['events'] );
		$this->assertSame( array(), $this->event_rows() );
	}
}
