<?php
/**
 * Over real HTTP, as the relay posts: the raw body and the RelayPress-Signature header survive
 * PHP's request parsing, and no login is needed.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Webhooks;

use RelayPress\Tests\Webhook_Test_Case;
use RelayPress\Tests\WordPress_Server;
use RelayPress\Webhooks\Signature;

final class WebhookHttpTest extends Webhook_Test_Case {

	private WordPress_Server $server;

	protected function setUp(): void {
		parent::setUp();
		$this->server = WordPress_Server::start( (string) getenv( 'RELAYPRESS_WP_DIR' ) );
	}

	protected function tearDown(): void {
		$this->server->stop();
		parent::tearDown();
	}

	public function test_a_signed_post_over_http_updates_the_log_and_a_forged_one_is_refused(): void {
		$this->register_webhook();
		$row  = $this->sent_mail();
		$body = "{\"id\":\"evt_http_1\",\"type\":\"delivered\",\"created_at\":\"" . gmdate( 'Y-m-d\TH:i:s.000\Z' ) . "\",\n \"message_id\":\"msg_0stub\",\"recipient\":\"buyer@example.com\",\"data\":{\"response\":\"250 2.0.0 Ok\",\"mx_host\":\"mx.example.com\",\"tls\":true,\"attempt\":1}}";

		$forged = $this->post( $body, Signature::header( 'whsec_guessed', $body, time() ) );
		$this->assertSame( 401, $forged['status'], $forged['body'] );
		$this->assertSame( 'sent', $this->log_row( (int) $row['id'] )['status'] );

		$signed = $this->post( $body, Signature::header( self::SECRET, $body, time() ) );
		$this->assertSame( 200, $signed['status'], $signed['body'] );
		$this->assertSame( array( 'received' => true, 'duplicate' => false, 'matched' => true ), json_decode( $signed['body'], true ) );
		$this->assertSame( 'delivered', $this->log_row( (int) $row['id'] )['status'] );

		$again = $this->post( $body, Signature::header( self::SECRET, $body, time() ) ); // A retry, signed afresh.
		$this->assertTrue( json_decode( $again['body'], true )['duplicate'] );
	}

	/**
	 * @return array{status: int, body: string}
	 */
	private function post( string $body, string $signature ): array {
		$curl = curl_init( $this->server->url . '/?rest_route=/relaypress/v1/webhooks' );
		curl_setopt_array(
			$curl,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => $body,
				CURLOPT_HTTPHEADER     => array( 'Content-Type: application/json', 'User-Agent: RelayPress-Webhooks/1', 'RelayPress-Event-Id: evt_http_1', 'RelayPress-Signature: ' . $signature ),
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 20,
			)
		);
		$response = (string) curl_exec( $curl );
		$status   = (int) curl_getinfo( $curl, CURLINFO_RESPONSE_CODE );
		curl_close( $curl );
		return array(
			'status' => $status,
			'body'   => $response,
		);
	}
}
