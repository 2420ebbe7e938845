<?php
/**
 * POST /relaypress/v1/webhooks: signed by the relay, idempotent by event id, updates the log.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Webhooks;

use RelayPress\Tests\Relay_Stub;
use RelayPress\Tests\Webhook_Test_Case;
use RelayPress\Webhooks\Signature;
use RelayPress\Webhooks\Webhook_Receiver;

final class WebhookReceiverTest extends Webhook_Test_Case {

	private Relay_Stub $relay;

	protected function setUp(): void {
		parent::setUp();
		$this->relay = $this->register_webhook();
	}

	public function test_a_signed_delivered_event_is_stored_and_marks_the_entry_delivered(): void {
		$row   = $this->sent_mail();
		$event = $this->event( 'delivered', array( 'data' => array( 'response' => '250 2.0.0 Ok: queued as 4F3A', 'mx_host' => 'mx.example.com', 'tls' => true, 'attempt' => 1 ) ) );

		$data = $this->accepted( $event );

		$this->assertSame( array( 'received' => true, 'duplicate' => false, 'matched' => true ), $data );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
		$stored = $this->event_rows();
		$this->assertCount( 1, $stored );
		$this->assertSame( array( $event['id'], (string) $row['id'], 'msg_0stub', 'delivered', 'buyer@example.com' ), array( $stored[0]['event_id'], $stored[0]['log_id'], $stored[0]['relay_message_id'], $stored[0]['type'], $stored[0]['recipient'] ) );
		$this->assertSame( $event['data'], json_decode( $stored[0]['data'], true ) );
		$this->assertSame( str_replace( array( 'T', 'Z' ), array( ' ', '' ), $event['created_at'] ), $stored[0]['occurred_at'] );
	}

	/**
	 * @dataProvider malformed_headers
	 *
	 * @param string|false $header Header value, or false for none.
	 */
	public function test_a_missing_or_malformed_signature_header_is_a_400_and_changes_nothing( $header, string $code ): void {
		$row = $this->sent_mail();

		$response = $this->deliver( $this->event( 'hard_bounced' ), $header );

		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( $code, $response->get_data()['code'] );
		$this->assert_nothing_changed( $row );
	}

	/**
	 * @return array<string, array{0: string|false, 1: string}>
	 */
	public function malformed_headers(): array {
		$hex = str_repeat( 'ab', 32 );
		return array(
			'no header'          => array( false, 'relaypress_webhook_signature_missing' ),
			'empty header'       => array( '', 'relaypress_webhook_signature_missing' ),
			'no timestamp'       => array( "v1={$hex}", 'relaypress_webhook_signature_malformed' ),
			'no v1'              => array( 't=1796119200', 'relaypress_webhook_signature_malformed' ),
			'timestamp not a number' => array( "t=soon,v1={$hex}", 'relaypress_webhook_signature_malformed' ),
			'v1 not hex'         => array( 't=1796119200,v1=' . str_repeat( 'zz', 32 ), 'relaypress_webhook_signature_malformed' ),
			'v1 too short'       => array( 't=1796119200,v1=abcdef', 'relaypress_webhook_signature_malformed' ),
			'two timestamps'     => array( "t=1,t=2,v1={$hex}", 'relaypress_webhook_signature_malformed' ),
			'not key=value'      => array( 'sha256 abcdef', 'relaypress_webhook_signature_malformed' ),
		);
	}

	public function test_a_signature_made_with_another_secret_is_a_401_and_changes_nothing(): void {
		$row   = $this->sent_mail();
		$event = $this->event( 'hard_bounced' );

		$response = $this->deliver( $event, null, 'whsec_someone_else' );

		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'relaypress_webhook_signature_invalid', $response->get_data()['code'] );
		$this->assert_nothing_changed( $row );
	}

	public function test_a_body_changed_after_signing_is_a_401(): void {
		$row       = $this->sent_mail();
		$body      = (string) wp_json_encode( $this->event( 'delivered' ) );
		$signature = Signature::header( self::SECRET, $body, $this->plugin->clock->now() );

		$response = $this->deliver( str_replace( 'delivered', 'hard_bounced', $body ), $signature );

		$this->assertSame( 401, $response->get_status() );
		$this->assert_nothing_changed( $row );
	}

	public function test_the_signature_covers_the_raw_bytes_not_a_re_encoding_of_the_json(): void {
		$row  = $this->sent_mail();
		$body = "{\n  \"id\": \"evt_raw\", \"type\": \"delivered\", \"created_at\": \"" . gmdate( 'Y-m-d\TH:i:s\Z' ) . "\",\n  \"message_id\": \"msg_0stub\", \"recipient\": \"buyer@example.com\", \"data\": {\"response\": \"250 ok \\u00e9\"}\n}";

		$this->assertSame( 200, $this->deliver( $body )->get_status() );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
	}

	/**
	 * @dataProvider clock_skews
	 */
	public function test_a_timestamp_more_than_300_seconds_from_the_clock_is_a_401_even_when_signed( int $skew, int $expected ): void {
		$row   = $this->sent_mail();
		$body  = (string) wp_json_encode( $this->event( 'delivered' ) );
		$t     = $this->plugin->clock->now();
		$this->plugin->clock->advance( $skew ); // The site's clock moves; the relay signed at $t.

		$response = $this->deliver( $body, Signature::header( self::SECRET, $body, $t ) );

		$this->assertSame( $expected, $response->get_status() );
		if ( 401 === $expected ) {
			$this->assertSame( 'relaypress_webhook_timestamp_out_of_tolerance', $response->get_data()['code'] );
			$this->assert_nothing_changed( $row );
		}
	}

	/**
	 * @return array<string, array{0: int, 1: int}>
	 */
	public function clock_skews(): array {
		return array(
			'signed 300 s ago'        => array( 300, 200 ),
			'signed 301 s ago'        => array( 301, 401 ),
			'signed an hour ago'      => array( 3600, 401 ),
			'signed 300 s from now'   => array( -300, 200 ),
			'signed 301 s from now'   => array( -301, 401 ),
		);
	}

	public function test_a_header_with_several_v1_values_is_accepted_when_one_matches(): void {
		$row     = $this->sent_mail();
		$body    = (string) wp_json_encode( $this->event( 'delivered' ) );
		$t       = $this->plugin->clock->now();
		$retired = hash_hmac( 'sha256', "{$t}.{$body}", 'whsec_retired' );
		$current = hash_hmac( 'sha256', "{$t}.{$body}", self::SECRET );

		$this->assertSame( 200, $this->deliver( $body, "t={$t},v1={$retired},v1={$current},v0=legacy" )->get_status() );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
	}

	public function test_a_repeated_event_id_is_answered_200_and_changes_nothing(): void {
		$row     = $this->sent_mail();
		$bounced = $this->event( 'hard_bounced', array( 'data' => array( 'response' => '550 5.1.1 no such user' ) ) );
		$this->accepted( $bounced );
		$updated = $this->log_row( (int) $row['id'] );

		$again  = $this->accepted( $bounced );
		$forged = $this->accepted( array_merge( $bounced, array( 'type' => 'delivered' ) ) ); // Same id, other content: still the same event.

		$this->assertSame( array( 'received' => true, 'duplicate' => true, 'matched' => true ), $again );
		$this->assertTrue( $forged['duplicate'] );
		$this->assertCount( 1, $this->event_rows() );
		$this->assertSame( 'hard_bounced', $this->event_rows()[0]['type'] );
		$this->assertSame( $updated, $this->log_row( (int) $row['id'] ) );
		$this->assertSame( 'bounced', $updated['status'] );
	}

	/**
	 * @dataProvider malformed_bodies
	 *
	 * @param callable|string $body fn( array $event ): string, or a raw body.
	 */
	public function test_a_signed_body_that_is_not_a_valid_event_is_a_400_and_changes_nothing( $body ): void {
		$row  = $this->sent_mail();
		$body = is_callable( $body ) ? $body( $this->event( 'delivered' ) ) : $body;

		$response = $this->deliver( $body );

		$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assert_nothing_changed( $row );
	}

	/**
	 * @return array<string, array{0: callable|string}>
	 */
	public function malformed_bodies(): array {
		$without = static fn( string $field ) => static function ( array $event ) use ( $field ): string {
			unset( $event[ $field ] );
			return (string) wp_json_encode( $event );
		};
		$with    = static fn( string $field, $value ) => static fn( array $event ): string => (string) wp_json_encode( array_merge( $event, array( $field => $value ) ) );
		return array(
			'not JSON'                  => array( '{"id": "evt_1", "type": ' ),
			'empty body'                => array( '' ),
			'a JSON list'               => array( '[1, 2]' ),
			'a JSON string'             => array( '"delivered"' ),
			'no id'                     => array( $without( 'id' ) ),
			'no type'                   => array( $without( 'type' ) ),
			'no created_at'             => array( $without( 'created_at' ) ),
			'no message_id'             => array( $without( 'message_id' ) ),
			'no recipient'              => array( $without( 'recipient' ) ),
			'no data'                   => array( $without( 'data' ) ),
			'id with spaces'            => array( $with( 'id', 'evt 1; DROP TABLE' ) ),
			'type a number'             => array( $with( 'type', 7 ) ),
			'created_at not a time'     => array( $with( 'created_at', 'yesterday' ) ),
			'created_at without a zone' => array( $with( 'created_at', '2026-11-29T12:00:00' ) ),
			'message_id an object'      => array( $with( 'message_id', array( 'id' => 'msg_0stub' ) ) ),
			'recipient a number'        => array( $with( 'recipient', 42 ) ),
			'data a string'             => array( $with( 'data', 'delivered' ) ),
		);
	}

	public function test_an_unknown_event_type_is_answered_200_and_ignored(): void {
		$row = $this->sent_mail();

		$data   = $this->accepted( $this->event( 'delivered_by_carrier_pigeon' ) );
		$future = $this->accepted( array( 'id' => 'evt_future', 'type' => 'inbox_placement_measured_by_seed_accounts', 'created_at' => 'in a moment', 'data' => 'not an object' ) );

		$this->assertSame( array( 'received' => true, 'ignored' => true ), $data );
		$this->assertSame( $data, $future );
		$this->assert_nothing_changed( $row );
	}

	public function test_an_event_for_a_message_this_site_did_not_log_is_stored_unlinked(): void {
		$data = $this->accepted( $this->event( 'delivered', array( 'message_id' => 'msg_sent_over_smtp' ) ) );

		$this->assertSame( array( 'received' => true, 'duplicate' => false, 'matched' => false ), $data );
		$this->assertNull( $this->event_rows()[0]['log_id'] );
		$this->assertSame( 'msg_sent_over_smtp', $this->event_rows()[0]['relay_message_id'] );
	}

	public function test_a_test_event_without_message_or_recipient_is_stored(): void {
		$data = $this->accepted( $this->event( 'test', array( 'message_id' => null, 'recipient' => null, 'data' => array( 'message' => 'hello from the relay' ) ) ) );

		$this->assertFalse( $data['matched'] );
		$this->assertSame( 'test', $this->event_rows()[0]['type'] );
	}

	public function test_a_webhook_that_overtakes_the_relays_answer_is_linked_when_the_answer_arrives(): void {
		// The relay can report `queued`/`suppressed` before PHP has stored the id it answered with.
		$this->accepted( $this->event( 'suppressed', array( 'data' => array( 'reason' => 'hard_bounce' ) ) ) );
		$this->assertNull( $this->event_rows()[0]['log_id'] );

		$row = $this->sent_mail();

		$this->assertSame( (string) $row['id'], $this->event_rows()[0]['log_id'] );
		$this->assertSame( 'bounced', $this->log_row( (int) $row['id'] )['status'] );
	}

	public function test_engagement_events_are_recorded_without_changing_the_delivery_status(): void {
		$row = $this->sent_mail();
		$this->accepted( $this->event( 'delivered' ) );

		foreach ( array( 'opened', 'clicked', 'unsubscribed', 'spam_complaint' ) as $type ) {
			$this->accepted( $this->event( $type ) );
		}

		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
		$this->assertCount( 5, $this->event_rows() );
	}

	public function test_a_body_over_256_kb_is_a_413(): void {
		$row   = $this->sent_mail();
		$event = $this->event( 'delivered', array( 'data' => array( 'padding' => str_repeat( 'x', Webhook_Receiver::MAX_BODY_BYTES ) ) ) );

		$response = $this->deliver( $event );

		$this->assertSame( 413, $response->get_status() );
		$this->assert_nothing_changed( $row );
	}

	public function test_without_a_registered_secret_every_delivery_is_a_401(): void {
		$row = $this->sent_mail();
		delete_option( \RelayPress\Webhooks\Webhook_Registration::OPTION );

		$response = $this->deliver( $this->event( 'delivered' ) );

		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'relaypress_webhook_not_registered', $response->get_data()['code'] );
		$this->assert_nothing_changed( $row );
	}

	public function test_the_receiver_needs_no_login(): void {
		wp_set_current_user( 0 );
		$row = $this->sent_mail();

		$this->accepted( $this->event( 'delivered' ) );

		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );
	}

	/**
	 * @param array<string, mixed> $row The log row before.
	 */
	private function assert_nothing_changed( array $row ): void {
		$this->assertSame( array(), $this->event_rows() );
		$this->assertSame( $row, $this->log_rows()[ count( $this->log_rows() ) - 1 ] );
	}
}
