<?php
/**
 * Tells the site's admins that mail delivery is in trouble: email and/or webhook.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Alert;

defined( 'ABSPATH' ) || exit;

use PHPMailer\PHPMailer\PHPMailer;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;

if ( ! class_exists( PHPMailer::class ) ) {
	require_once ABSPATH . WPINC . '/PHPMailer/PHPMailer.php';
	require_once ABSPATH . WPINC . '/PHPMailer/SMTP.php';
	require_once ABSPATH . WPINC . '/PHPMailer/Exception.php';
}

/**
 * At most one alert per kind per RATE_LIMIT seconds. The email never goes through wp_mail()
 * (that would queue it behind the relay that is down): a plain PHPMailer sends it through the
 * backup SMTP host when one is set, else PHP's mail().
 */
class Alerts {

	public const RATE_LIMIT = HOUR_IN_SECONDS;
	public const LAST_SENT  = 'relaypress_alert_last_';
	public const KINDS      = array( 'relay_unreachable', 'backup_failed' );

	private Settings $settings;
	private Clock $clock;

	public function __construct( Settings $settings, Clock $clock ) {
		$this->settings = $settings;
		$this->clock    = $clock;
	}

	/**
	 * @param string $kind    Stable name: relay_unreachable, backup_failed.
	 * @param string $message Plain text for the admin.
	 * @return bool True when an alert went out (false when rate-limited or nowhere to send).
	 */
	public function notify( string $kind, string $message ): bool {
		$email   = $this->settings->alert_email();
		$webhook = $this->settings->alert_webhook_url();
		if ( ( '' === $email && '' === $webhook ) || ! $this->claim( $kind ) ) {
			return false;
		}
		if ( '' !== $email ) {
			$this->send_email( $email, $kind, $message );
		}
		if ( '' !== $webhook ) {
			wp_safe_remote_post(
				$webhook,
				array(
					'timeout'     => 5,
					'redirection' => 0,
					'headers'     => array( 'Content-Type' => 'application/json' ),
					'body'        => (string) wp_json_encode(
						array(
							'event'   => 'relaypress.alert',
							'kind'    => $kind,
							'message' => $message,
							'site'    => home_url( '/' ),
							'at'      => gmdate( 'c', $this->clock->now() ),
						)
					),
				)
			);
		}
		do_action( 'relaypress_alert_sent', $kind, $message );
		return true;
	}

	/**
	 * Takes this hour's slot for $kind (an option, so it holds without an object cache).
	 */
	private function claim( string $kind ): bool {
		$option = self::LAST_SENT . sanitize_key( $kind );
		$last   = (int) get_option( $option, 0 );
		if ( $last > 0 && $this->clock->now() - $last < self::RATE_LIMIT ) {
			return false;
		}
		update_option( $option, $this->clock->now(), false );
		return true;
	}

	private function send_email( string $to, string $kind, string $message ): void {
		$mailer = new PHPMailer( true );
		try {
			$backup = $this->settings->backup_smtp();
			if ( null === $backup ) {
				$mailer->isMail();
			} else {
				$mailer->isSMTP();
				$mailer->Host       = $backup['host'];
				$mailer->Port       = $backup['port'];
				$mailer->SMTPSecure = 'none' === $backup['encryption'] ? '' : $backup['encryption'];
				$mailer->SMTPAutoTLS = 'tls' === $backup['encryption'];
				$mailer->SMTPAuth   = '' !== $backup['username'];
				$mailer->Username   = $backup['username'];
				$mailer->Password   = $backup['password'];
				$mailer->Timeout    = 10;
			}
			$from = $this->settings->from_email();
			$mailer->setFrom( '' !== $from ? $from : \RelayPress\Mail\Mail::core_default_from(), 'RelayPress' );
			$mailer->addAddress( $to );
			$mailer->CharSet = 'UTF-8';
			/* translators: 1: site name, 2: alert kind */
			$mailer->Subject = sprintf( __( '[%1$s] RelayPress alert: %2$s', 'relaypress' ), wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES ), $kind );
			$mailer->Body    = $message . "\n\n" . home_url( '/' ) . "\n";
			$mailer->send();
		} catch ( \Exception $e ) {
			// An alert that cannot be sent must not stop the delivery it is about.
			do_action( 'relaypress_alert_failed', $kind, $e->getMessage() );
		}
	}
}
