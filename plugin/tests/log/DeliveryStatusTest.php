<?php
/**
 * Delivery_Status: what the relay's events make of a log entry with one or more recipients.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Log;

use RelayPress\Log\Delivery_Status;
use RelayPress\Tests\Webhook_Test_Case;

final class DeliveryStatusTest extends Webhook_Test_Case {

	/**
	 * @dataProvider histories
	 *
	 * @param string[]                          $recipients To addresses of the entry.
	 * @param array<int, array{0: string, 1: string|null}> $events     [type, recipient], oldest first.
	 */
	public function test_the_entry_status_follows_the_rule( array $recipients, array $events, string $expected ): void {
		$row = array(
			'to_addresses'  => implode( ', ', $recipients ),
			'cc_addresses'  => '',
			'bcc_addresses' => '',
		);
		$list = array_map(
			static fn( array $e, int $i ) => array(
				'event_id'    => "evt_{$i}",
				'type'        => $e[0],
				'recipient'   => $e[1],
				'data'        => array(),
				'occurred_at' => '2026-11-29 12:00:0' . $i . '.000',
			),
			$events,
			array_keys( $events )
		);

		$this->assertSame( $expected, Delivery_Status::derive( $row, $list )['status'] );
	}

	/**
	 * @return array<string, array{0: string[], 1: array<int, array{0: string, 1: string|null}>, 2: string}>
	 */
	public function histories(): array {
		$a   = 'a@example.com';
		$b   = 'b@example.com';
		$one = array( $a );
		$two = array( $a, $b );
		return array(
			'no events yet'                         => array( $one, array(), 'sent' ),
			'queued and sent keep sent'             => array( $one, array( array( 'queued', $a ), array( 'sent', $a ) ), 'sent' ),
			'delivered'                             => array( $one, array( array( 'queued', $a ), array( 'sent', $a ), array( 'delivered', $a ) ), 'delivered' ),
			'deferred'                              => array( $one, array( array( 'sent', $a ), array( 'deferred', $a ) ), 'deferred' ),
			'deferred then delivered'               => array( $one, array( array( 'deferred', $a ), array( 'delivered', $a ) ), 'delivered' ),
			'deferred then soft bounced'            => array( $one, array( array( 'deferred', $a ), array( 'soft_bounced', $a ) ), 'bounced' ),
			'hard bounced'                          => array( $one, array( array( 'hard_bounced', $a ) ), 'bounced' ),
			'suppressed counts as bounced'          => array( $one, array( array( 'suppressed', $a ) ), 'bounced' ),
			'relay failed'                          => array( $one, array( array( 'failed', $a ) ), 'failed' ),
			'a late deferral does not undo delivery' => array( $one, array( array( 'delivered', $a ), array( 'deferred', $a ) ), 'delivered' ),
			'a DSN after acceptance bounces it'     => array( $one, array( array( 'delivered', $a ), array( 'hard_bounced', $a ) ), 'bounced' ),
			'engagement changes nothing'            => array( $one, array( array( 'delivered', $a ), array( 'opened', $a ), array( 'clicked', $a ), array( 'spam_complaint', $a ), array( 'unsubscribed', $a ) ), 'delivered' ),
			'complaint alone changes nothing'       => array( $one, array( array( 'spam_complaint', $a ) ), 'sent' ),
			'one of two delivered'                  => array( $two, array( array( 'delivered', $a ) ), 'delivered' ),
			'one delivered, one bounced'            => array( $two, array( array( 'delivered', $a ), array( 'hard_bounced', $b ) ), 'delivered' ),
			'one bounced, one not heard of'         => array( $two, array( array( 'hard_bounced', $a ) ), 'sent' ),
			'one bounced, one deferred'             => array( $two, array( array( 'hard_bounced', $a ), array( 'deferred', $b ) ), 'deferred' ),
			'both bounced or suppressed'            => array( $two, array( array( 'hard_bounced', $a ), array( 'suppressed', $b ) ), 'bounced' ),
			'one bounced, one relay failed'         => array( $two, array( array( 'hard_bounced', $a ), array( 'failed', $b ) ), 'bounced' ),
			'both relay failed'                     => array( $two, array( array( 'failed', $a ), array( 'failed', $b ) ), 'failed' ),
			'addresses compare without case'        => array( array( 'A@Example.com' ), array( array( 'hard_bounced', 'a@example.COM' ) ), 'bounced' ),
			'a message-level failure fails all'     => array( $two, array( array( 'failed', null ) ), 'failed' ),
		);
	}

	public function test_last_error_names_the_recipients_that_were_not_delivered(): void {
		$row    = array( 'to_addresses' => 'a@example.com, b@example.com', 'cc_addresses' => '', 'bcc_addresses' => '' );
		$events = array(
			array( 'event_id' => 'evt_1', 'type' => 'delivered', 'recipient' => 'a@example.com', 'data' => array(), 'occurred_at' => '2026-11-29 12:00:00.000' ),
			array( 'event_id' => 'evt_2', 'type' => 'hard_bounced', 'recipient' => 'b@example.com', 'data' => array( 'category' => 'bad-mailbox', 'response' => '550 5.1.1 <b@example.com>: Recipient address rejected' ), 'occurred_at' => '2026-11-29 12:00:01.000' ),
		);

		$derived = Delivery_Status::derive( $row, $events );

		$this->assertSame( 'delivered', $derived['status'] );
		$this->assertSame( 'b@example.com: hard_bounced [bad-mailbox] 550 5.1.1 <b@example.com>: Recipient address rejected', $derived['last_error'] );
	}

	/**
	 * Through the receiver: webhooks arriving in another order than they happened.
	 */
	public function test_events_arriving_out_of_order_are_ordered_by_created_at(): void {
		$this->register_webhook();
		$row       = $this->sent_mail();
		$deferred  = $this->event( 'deferred', array( 'created_at' => '2026-11-29T12:00:00.100Z' ) );
		$delivered = $this->event( 'delivered', array( 'created_at' => '2026-11-29T12:05:00.000Z' ) );
		$bounced   = $this->event( 'soft_bounced', array( 'created_at' => '2026-11-29T12:00:00.050Z' ) ); // Impossible in practice; shows the rule.

		$this->accepted( $delivered );
		$this->accepted( $deferred );

		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
		$this->accepted( $bounced );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] ); // An older final event does not replace a newer one.
	}

	public function test_several_recipients_through_the_receiver(): void {
		$this->register_webhook();
		$row = $this->sent_mail( array( 'one@example.com', 'two@example.com' ) );

		$this->accepted( $this->event( 'hard_bounced', array( 'recipient' => 'one@example.com', 'data' => array( 'response' => '550 5.1.1 unknown' ) ) ) );
		$this->assertSame( 'sent', $this->log_row( (int) $row['id'] )['status'] );
		$this->assertStringContainsString( 'one@example.com: hard_bounced 550 5.1.1 unknown', (string) $this->log_row( (int) $row['id'] )['last_error'] );

		$this->accepted( $this->event( 'suppressed', array( 'recipient' => 'two@example.com', 'data' => array( 'reason' => 'complaint' ) ) ) );
		$this->assertSame( 'bounced', $this->log_row( (int) $row['id'] )['status'] );
	}
}
