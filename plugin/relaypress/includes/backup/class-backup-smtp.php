<?php
/**
 * One SMTP transaction with the backup host, through PHPMailer's own SMTP client.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Backup;

defined( 'ABSPATH' ) || exit;

use PHPMailer\PHPMailer\SMTP;
use RelayPress\Relay\Send_Result;

// The same file wp_mail() loads; PHPMailer's SMTP class is not autoloaded by core.
if ( ! class_exists( SMTP::class ) ) {
	require_once ABSPATH . WPINC . '/PHPMailer/SMTP.php';
}

/**
 * Hands the stored bytes over unchanged (DATA only dot-stuffs), with the row's envelope.
 * Every outcome is a Send_Result: accepted, or temporary with the stage and the server's
 * reply, so the row stays in the outbox for the relay or the next backup attempt.
 */
class Backup_Smtp {

	public const TIMEOUT = 10;

	/**
	 * @param array{host: string, port: int, encryption: string, username: string, password: string} $config Backup connection.
	 * @param string[]                                                                               $rcpt_to Envelope recipients.
	 */
	public function send( array $config, string $mail_from, array $rcpt_to, string $raw ): Send_Result {
		$smtp          = new SMTP();
		$smtp->Timeout = self::TIMEOUT;
		$host          = 'ssl' === $config['encryption'] ? 'ssl://' . $config['host'] : $config['host'];
		$helo          = (string) wp_parse_url( home_url(), PHP_URL_HOST );
		$helo          = '' === $helo ? 'localhost' : $helo;
		try {
			if ( ! $smtp->connect( $host, $config['port'], self::TIMEOUT ) ) {
				return $this->failure( $smtp, 'connect' );
			}
			if ( ! $smtp->hello( $helo ) ) {
				return $this->failure( $smtp, 'EHLO' );
			}
			if ( 'tls' === $config['encryption'] ) {
				if ( ! $smtp->startTLS() ) {
					return $this->failure( $smtp, 'STARTTLS' );
				}
				if ( ! $smtp->hello( $helo ) ) {
					return $this->failure( $smtp, 'EHLO' );
				}
			}
			if ( '' !== $config['username'] && ! $smtp->authenticate( $config['username'], $config['password'] ) ) {
				return $this->failure( $smtp, 'AUTH' );
			}
			if ( ! $smtp->mail( $mail_from ) ) {
				return $this->failure( $smtp, 'MAIL FROM' );
			}
			foreach ( $rcpt_to as $recipient ) {
				if ( ! $smtp->recipient( (string) $recipient ) ) {
					return $this->failure( $smtp, 'RCPT TO' );
				}
			}
			if ( ! $smtp->data( $raw ) ) {
				return $this->failure( $smtp, 'DATA' );
			}
			$reply = trim( $smtp->getLastReply() );
			$smtp->quit();
			/* translators: 1: host, 2: port, 3: server reply */
			return new Send_Result( Send_Result::ACCEPTED, null, 'backup_smtp', sprintf( __( 'sent via backup SMTP %1$s:%2$d (%3$s)', 'relaypress' ), $config['host'], $config['port'], $reply ) );
		} finally {
			$smtp->close();
		}
	}

	private function failure( SMTP $smtp, string $stage ): Send_Result {
		$error  = $smtp->getError();
		$detail = trim( (string) ( $error['error'] ?? '' ) . ' ' . (string) ( $error['detail'] ?? '' ) );
		/* translators: 1: SMTP stage, 2: error */
		return new Send_Result( Send_Result::TEMPORARY, null, 'backup_smtp_failed', sprintf( __( 'backup SMTP %1$s failed: %2$s', 'relaypress' ), $stage, '' === $detail ? 'no answer' : $detail ) );
	}
}
