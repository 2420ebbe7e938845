<?php
/**
 * The relay receives the message exactly as WordPress built it.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Mail;

use RelayPress\Tests\Test_Case;

final class MessageFidelityTest extends Test_Case {

	/** @var string[] */
	private array $files = array();

	protected function tearDown(): void {
		foreach ( $this->files as $file ) {
			unlink( $file );
			rmdir( dirname( $file ) );
		}
		parent::tearDown();
	}

	public function test_cc_is_a_header_and_bcc_is_only_in_the_envelope(): void {
		$relay = $this->relay();

		wp_mail( 'To Person <to@example.com>', 'Subject', 'Body', array( 'Cc: cc@example.com', 'Bcc: hidden@example.com, hidden2@example.com' ) );

		$send    = $relay->sends()[0];
		$message = $this->sent_message( $send );
		$this->assertSame( 'To Person <to@example.com>', $message->header( 'To' ) );
		$this->assertSame( 'cc@example.com', $message->header( 'Cc' ) );
		$this->assertNull( $message->header( 'Bcc' ) );
		$this->assertStringNotContainsString( 'hidden', base64_decode( $send['body']['raw'] ) );
		$this->assertSame( array( 'to@example.com', 'cc@example.com', 'hidden@example.com', 'hidden2@example.com' ), $send['body']['envelope']['rcpt_to'] );
		$this->assertSame( 'hidden@example.com, hidden2@example.com', $this->log_rows()[0]['bcc_addresses'] );
	}

	public function test_reply_to_from_and_custom_headers_arrive_as_given(): void {
		$relay = $this->relay();

		wp_mail(
			'a@example.com',
			'Subject',
			'Body',
			"From: \"Support Team\" <support@example.org>\r\nReply-To: Help Desk <help@example.org>\r\nX-Order-Id: 1042\r\nList-Unsubscribe: <mailto:unsub@example.org>"
		);

		$send    = $relay->sends()[0];
		$message = $this->sent_message( $send );
		$this->assertSame( 'Support Team <support@example.org>', $message->header( 'From' ) );
		$this->assertSame( 'Help Desk <help@example.org>', $message->header( 'Reply-To' ) );
		$this->assertSame( '1042', $message->header( 'X-Order-Id' ) );
		$this->assertSame( '<mailto:unsub@example.org>', $message->header( 'List-Unsubscribe' ) );
		$this->assertSame( 'support@example.org', $send['body']['envelope']['mail_from'] );
	}

	public function test_attachments_keep_their_content_and_the_names_this_wordpress_gives_them(): void {
		global $wp_version;
		$relay  = $this->relay();
		$text   = $this->file( 'invoice-1042.txt', "Invoice 1042\nTotal: 12.00 €\n" );
		$binary = $this->file( 'logo.bin', random_bytes( 3000 ) );

		wp_mail( 'a@example.com', 'Your invoice', 'See attached.', '', array( 'Rechnung.txt' => $text, $binary ) );

		$message     = $this->sent_message( $relay->sends()[0] );
		$attachments = array_values( array_filter( $message->leaves(), static fn( $p ) => 0 === strpos( (string) $p->header( 'Content-Disposition' ), 'attachment' ) ) );
		$this->assertSame( 'multipart/mixed', $message->content_type() );
		$this->assertCount( 2, $attachments );
		// WordPress 6.2 uses a string key as the file name; 6.1 ignores keys (basename).
		$expected_name = version_compare( $wp_version, '6.2', '>=' ) ? 'Rechnung.txt' : 'invoice-1042.txt';
		$this->assertSame( $expected_name, $attachments[0]->param( 'Content-Disposition', 'filename' ) );
		$this->assertSame( file_get_contents( $text ), $attachments[0]->decoded_body() );
		$this->assertSame( 'logo.bin', $attachments[1]->param( 'Content-Disposition', 'filename' ) );
		$this->assertSame( file_get_contents( $binary ), $attachments[1]->decoded_body() );
		$this->assertSame( 'See attached.', trim( $message->first_leaf( 'text/plain' )->decoded_body() ) );
		$this->assertSame( '1', $this->log_rows()[0]['has_attachments'] );
	}

	public function test_a_utf8_subject_and_body_survive_encoding(): void {
		$relay   = $this->relay();
		$subject = 'Grüße aus Köln – Bestellung ✓ 注文';
		$body    = "Schöne Grüße,\nЁлки-палки ✓\n";

		wp_mail( 'a@example.com', $subject, $body );

		$message = $this->sent_message( $relay->sends()[0] );
		$this->assertSame( $subject, $message->decoded_header( 'Subject' ) );
		$this->assertSame( 'UTF-8', $message->param( 'Content-Type', 'charset' ) );
		$this->assertSame( $body, str_replace( "\r\n", "\n", $message->decoded_body() ) );
		$this->assertSame( $subject, $this->log_rows()[0]['subject'] );
	}

	public function test_the_raw_message_has_crlf_line_endings_only(): void {
		$relay = $this->relay();

		wp_mail( 'a@example.com', 'Subject', "line one\nline two\rline three", array( 'Content-Type: text/html' ) );

		$raw = base64_decode( $relay->sends()[0]['body']['raw'] );
		$this->assertSame( 0, preg_match( "/(?<!\r)\n|\r(?!\n)/", $raw ) );
	}

	private function file( string $name, string $content ): string {
		$dir = sys_get_temp_dir() . '/relaypress-att-' . bin2hex( random_bytes( 4 ) );
		mkdir( $dir );
		$path = $dir . '/' . $name;
		file_put_contents( $path, $content );
		$this->files[] = $path;
		return $path;
	}
}
