<?php
/**
 * The PHPMailer that core wp_mail() runs on while RelayPress is configured.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

use PHPMailer\PHPMailer\Exception as PHPMailer_Exception;
use RelayPress\Plugin;

/**
 * Core wp_mail() does all the parsing, runs every filter and `phpmailer_init` on this object,
 * then calls send(). Here send() lets PHPMailer's own preSend() build the MIME exactly as it
 * would for SMTP (To/Cc/Subject in the header, Bcc only in the envelope, CRLF line ends) and
 * hands message and envelope to the outbox instead of calling mail().
 *
 * Returning true means "durably queued"; a permanent relay rejection is thrown as PHPMailer's
 * exception so core fires `wp_mail_failed` with the relay's message and returns false.
 */
class Relay_Mailer extends Mailer_Base {

	/**
	 * Builds the message and queues it; falls back to core delivery while the relay is not
	 * configured, so a fresh install never swallows mail.
	 *
	 * @throws PHPMailer_Exception When the message can not be built, queued, or is refused.
	 * @return bool
	 */
	public function send() {
		$plugin  = Plugin::instance();
		$context = $plugin->send_context->take();
		if ( ! $plugin->settings->is_configured() ) {
			return parent::send();
		}

		$transport = $this->Mailer;
		try {
			$this->Mailer = 'smtp'; // Build as for a transport that takes the envelope separately.
			if ( ! $this->preSend() ) {
				return false;
			}
			$trace   = debug_backtrace( DEBUG_BACKTRACE_IGNORE_ARGS ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_debug_backtrace
			$message = Built_Message::from_mailer( $this, Source_Detector::from_backtrace( $trace ), Source_Detector::caller_from_backtrace( $trace ), $context );
			$result  = $plugin->outbox->accept( $message );
			if ( $result->permanent() ) {
				throw new PHPMailer_Exception( $result->describe() );
			}
			return true;
		} catch ( PHPMailer_Exception $exc ) {
			$this->mailHeader = '';
			$this->setError( $exc->getMessage() );
			if ( $this->exceptions ) {
				throw $exc;
			}
			return false;
		} finally {
			$this->Mailer = $transport;
		}
	}

	/**
	 * The MIME header block and body built by preSend() (the parts getSentMIMEMessage() joins).
	 */
	public function built_mime(): string {
		return $this->getSentMIMEMessage();
	}
}
