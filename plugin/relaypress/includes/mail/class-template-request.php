<?php
/**
 * The template form of a message PHPMailer has built.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

/**
 * Everything but the body comes from what core wp_mail() parsed into the mailer (From after
 * `wp_mail_from*`, To/Cc/Bcc/Reply-To from the headers, the subject, the attachments, the
 * custom headers a filter added), so the template send and the raw message it stands in for
 * agree on every envelope field.
 */
final class Template_Request {

	/**
	 * Header names the relay sets itself and refuses as custom headers (shared-types
	 * RESERVED_HEADER_NAMES; the fields above carry them). Leaving them out here keeps a header
	 * some filter added from turning the whole template send into a refusal.
	 */
	private const RESERVED_HEADERS = array( 'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'return-path', 'received', 'dkim-signature', 'domainkey-signature', 'authentication-results', 'arc-seal', 'arc-message-signature', 'arc-authentication-results', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc', 'resent-date', 'resent-message-id' );

	/**
	 * @param array{template_id: string, data?: array<string, mixed>} $template Template and data.
	 * @param string[]                                                 $tags     Relay tags.
	 * @return array<string, mixed> The `POST /v1/emails` body.
	 */
	public static function from_mailer( Relay_Mailer $mailer, array $template, array $tags ): array {
		$request = array(
			'from'        => self::mailbox( $mailer->From, $mailer->FromName ),
			'to'          => self::mailboxes( $mailer->getToAddresses() ),
			'template_id' => (string) $template['template_id'],
			'subject'     => $mailer->Subject,
			'data'        => (object) ( $template['data'] ?? array() ), // {} rather than [] when empty.
		);
		foreach ( array( 'cc' => $mailer->getCcAddresses(), 'bcc' => $mailer->getBccAddresses() ) as $field => $pairs ) {
			if ( $pairs ) {
				$request[ $field ] = self::mailboxes( $pairs );
			}
		}
		$reply_to = array_values( $mailer->getReplyToAddresses() );
		if ( $reply_to ) {
			$request['reply_to'] = self::mailbox( (string) $reply_to[0][0], (string) ( $reply_to[0][1] ?? '' ) );
		}
		$headers = self::headers( $mailer->getCustomHeaders() );
		if ( $headers ) {
			$request['headers'] = $headers;
		}
		$attachments = self::attachments( $mailer->getAttachments() );
		if ( $attachments ) {
			$request['attachments'] = $attachments;
		}
		if ( $tags ) {
			$request['tags'] = array_values( $tags );
		}
		if ( '' === trim( (string) $request['subject'] ) ) {
			unset( $request['subject'] ); // The template's own subject then.
		}
		return $request;
	}

	/**
	 * @return array{email: string, name?: string}
	 */
	private static function mailbox( string $email, string $name ): array {
		$mailbox = array( 'email' => $email );
		// The relay refuses names with a comma or semicolon (MailerSend's rule); the address stays.
		$name = trim( str_replace( array( ',', ';', "\r", "\n" ), ' ', $name ) );
		if ( '' !== $name ) {
			$mailbox['name'] = $name;
		}
		return $mailbox;
	}

	/**
	 * @param array<int, array{0: string, 1?: string}> $pairs PHPMailer's [address, name] pairs.
	 * @return array<int, array{email: string, name?: string}>
	 */
	private static function mailboxes( array $pairs ): array {
		return array_values( array_map( static fn( array $pair ): array => self::mailbox( (string) $pair[0], (string) ( $pair[1] ?? '' ) ), $pairs ) );
	}

	/**
	 * PHPMailer's custom headers ([name, value] pairs, already unfolded and checked by
	 * addCustomHeader()) as the relay's `headers`.
	 *
	 * @param array<int, array{0: string, 1: string}> $pairs Pairs.
	 * @return array<int, array{name: string, value: string}>
	 */
	private static function headers( array $pairs ): array {
		$headers = array();
		foreach ( $pairs as $pair ) {
			$name = trim( (string) $pair[0] );
			if ( '' === $name || in_array( strtolower( $name ), self::RESERVED_HEADERS, true ) ) {
				continue;
			}
			$headers[] = array(
				'name'  => $name,
				'value' => trim( (string) ( $pair[1] ?? '' ) ),
			);
		}
		return $headers; // Over the relay's limit, the template send is refused and the raw message (with them all) goes.
	}

	/**
	 * PHPMailer's attachment rows: [0] path or content, [2] name, [4] type, [5] is a string,
	 * [6] disposition, [7] content id.
	 *
	 * @param array<int, array<int, mixed>> $rows Rows.
	 * @return array<int, array<string, string>>
	 */
	private static function attachments( array $rows ): array {
		$attachments = array();
		foreach ( $rows as $row ) {
			$content = ! empty( $row[5] ) ? (string) $row[0] : ( is_readable( (string) $row[0] ) ? (string) file_get_contents( (string) $row[0] ) : '' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents
			if ( '' === $content ) {
				continue; // As wp_mail() skips an attachment it cannot add.
			}
			$attachment = array(
				'filename'    => (string) $row[2],
				'content'     => base64_encode( $content ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
				'disposition' => 'inline' === ( $row[6] ?? '' ) ? 'inline' : 'attachment',
			);
			if ( preg_match( '#^[!\#$%&\'*+.^_`|~0-9A-Za-z-]+/[!\#$%&\'*+.^_`|~0-9A-Za-z-]+$#', (string) ( $row[4] ?? '' ) ) ) {
				$attachment['content_type'] = (string) $row[4];
			}
			if ( 'inline' === $attachment['disposition'] ) {
				$attachment['content_id'] = (string) $row[7];
			}
			$attachments[] = $attachment;
		}
		return $attachments;
	}
}
