<?php
/**
 * One message as PHPMailer built it, with its SMTP envelope.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

use PHPMailer\PHPMailer\PHPMailer;

/**
 * What the outbox stores: raw RFC 5322 bytes (CRLF), envelope sender and every recipient
 * (To, Cc and Bcc), plus the fields the email log shows.
 */
final class Built_Message {

	public string $raw;
	public string $mail_from;
	/** @var string[] */
	public array $rcpt_to;
	/** @var string[] */
	public array $to;
	/** @var string[] */
	public array $cc;
	/** @var string[] */
	public array $bcc;
	public string $subject;
	public string $message_id;
	public string $source;
	/** The function that called wp_mail() (Source_Detector::caller_from_backtrace()), '' when unknown. */
	public string $caller = '';
	/**
	 * Said by the caller's Send_Context (`account_mail`): the message carries an account link
	 * or login (a WooCommerce password reset or new account), so it is never tracked.
	 */
	public bool $account_mail = false;
	/**
	 * For a resend: the original's tracking choice, which the resend may not exceed (null:
	 * not a resend, or the original was stored before tracking was chosen).
	 *
	 * @var array{opens: bool, clicks: bool}|null
	 */
	public ?array $tracking_limit = null;
	public bool $has_attachments;

	/**
	 * The template form of the same message (`POST /v1/emails` with `template_id`), tried
	 * before the raw form; null for a plain message.
	 *
	 * @var array<string, mixed>|null
	 */
	public ?array $template_request = null;

	/**
	 * Relay tags; null: derived from the source.
	 *
	 * @var string[]|null
	 */
	public ?array $tags = null;

	/**
	 * Reads a mailer after a successful preSend().
	 *
	 * @param string                    $caller  The function that called wp_mail() (tracking policy).
	 * @param array<string, mixed>|null $context From Send_Context::take().
	 */
	public static function from_mailer( Relay_Mailer $mailer, string $source, string $caller = '', ?array $context = null ): self {
		$message            = new self();
		$message->raw       = self::crlf( $mailer->built_mime() );
		$message->mail_from = '' !== trim( $mailer->Sender ) ? trim( $mailer->Sender ) : trim( $mailer->From );
		$message->to        = self::addresses( $mailer->getToAddresses() );
		$message->cc        = self::addresses( $mailer->getCcAddresses() );
		$message->bcc       = self::addresses( $mailer->getBccAddresses() );
		$message->rcpt_to   = self::unique( array_merge( $message->to, $message->cc, $message->bcc ) );
		$message->subject   = $mailer->Subject;
		$message->message_id      = $mailer->getLastMessageID();
		$message->source          = $source;
		$message->caller          = $caller;
		$message->has_attachments = count( $mailer->getAttachments() ) > 0;
		if ( null !== $context ) {
			$message->source       = isset( $context['source'] ) ? (string) $context['source'] : $source;
			$message->tags         = isset( $context['tags'] ) ? array_values( array_map( 'strval', (array) $context['tags'] ) ) : null;
			$message->account_mail = ! empty( $context['account_mail'] );
			if ( isset( $context['template'] ) ) {
				$message->template_request = Template_Request::from_mailer( $mailer, (array) $context['template'], (array) $message->tags );
			}
		}
		return $message;
	}

	/**
	 * Rebuilds a message from what the log kept (for resend).
	 *
	 * @param array<string, mixed> $log_row  Row of the log table.
	 * @param string               $raw      Raw MIME.
	 * @param array<string, mixed> $envelope `mail_from` and `rcpt_to`.
	 */
	public static function from_log( array $log_row, string $raw, array $envelope ): self {
		$message                  = new self();
		$message->raw             = $raw;
		$message->mail_from       = (string) $envelope['mail_from'];
		$message->rcpt_to         = array_values( (array) $envelope['rcpt_to'] );
		$message->to              = self::split( (string) $log_row['to_addresses'] );
		$message->cc              = self::split( (string) $log_row['cc_addresses'] );
		$message->bcc             = self::split( (string) $log_row['bcc_addresses'] );
		$message->subject         = (string) $log_row['subject'];
		$message->message_id      = (string) $log_row['message_id_header'];
		$message->source          = (string) $log_row['source'];
		$message->tracking_limit  = Tracking_Policy::decode( (string) ( $log_row['tracking'] ?? '' ) );
		$message->has_attachments = (bool) $log_row['has_attachments'];
		return $message;
	}

	/**
	 * The relay normalises to CRLF too; doing it here makes the stored bytes the sent bytes.
	 */
	private static function crlf( string $raw ): string {
		return (string) preg_replace( '/\r\n|\r|\n/', "\r\n", $raw );
	}

	/**
	 * @param array<int, array{0: string, 1?: string}> $pairs PHPMailer's [address, name] pairs.
	 * @return string[]
	 */
	private static function addresses( array $pairs ): array {
		return array_values( array_map( static fn( array $pair ): string => (string) $pair[0], $pairs ) );
	}

	/**
	 * @param string[] $addresses Addresses.
	 * @return string[]
	 */
	private static function unique( array $addresses ): array {
		$seen = array();
		foreach ( $addresses as $address ) {
			$seen[ strtolower( $address ) ] ??= $address;
		}
		return array_values( $seen );
	}

	/**
	 * @return string[]
	 */
	private static function split( string $list ): array {
		return array_values( array_filter( array_map( 'trim', explode( ',', $list ) ) ) );
	}
}
