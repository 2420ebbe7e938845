<?php
/**
 * Takes over wp_mail() by swapping the global PHPMailer (the WP Mail SMTP approach).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

use RelayPress\Settings\Settings;

/**
 * Core wp_mail() keeps running, so every core hook keeps its meaning: `wp_mail`,
 * `pre_wp_mail`, `wp_mail_from(_name)`, `wp_mail_content_type`, `wp_mail_charset`,
 * `phpmailer_init`, `wp_mail_succeeded`, `wp_mail_failed`. wp_mail() reuses `$phpmailer`
 * whenever it is an instanceof PHPMailer, so a Relay_Mailer placed there is the one it fills.
 */
class Mail {

	private Settings $settings;
	private Conflict_Detector $conflicts;

	public function __construct( Settings $settings, Conflict_Detector $conflicts ) {
		$this->settings  = $settings;
		$this->conflicts = $conflicts;
	}

	public function register(): void {
		add_action( 'plugins_loaded', array( $this, 'install_mailer' ), 1000 );
		// Last on `wp_mail` (before pre_wp_mail and the instanceof check): whoever replaced
		// $phpmailer after plugins_loaded is noticed and replaced again.
		add_filter( 'wp_mail', array( $this, 'ensure_mailer' ), PHP_INT_MAX );
		add_filter( 'wp_mail_from', array( $this, 'filter_from_email' ), PHP_INT_MAX );
		add_filter( 'wp_mail_from_name', array( $this, 'filter_from_name' ), PHP_INT_MAX );
	}

	/**
	 * Puts a Relay_Mailer into `$GLOBALS['phpmailer']`.
	 */
	public function install_mailer(): void {
		global $phpmailer;
		if ( $phpmailer instanceof Relay_Mailer ) {
			return;
		}
		if ( is_object( $phpmailer ) && ! self::is_core_mailer( $phpmailer ) ) {
			$this->conflicts->note_foreign_mailer( get_class( $phpmailer ) );
		}
		$phpmailer = new Relay_Mailer( true ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the takeover itself.
	}

	/**
	 * @param array<string, mixed> $atts wp_mail() arguments, returned unchanged.
	 * @return array<string, mixed>
	 */
	public function ensure_mailer( $atts ) {
		$this->install_mailer();
		return $atts;
	}

	/**
	 * The configured From address replaces core's `wordpress@host` default, or every From
	 * when "force" is on. Runs last so a From chosen by another plugin (WooCommerce) stays.
	 *
	 * @param string $email From address so far.
	 */
	public function filter_from_email( $email ): string {
		$configured = $this->settings->from_email();
		if ( '' !== $configured && ( $this->settings->force_from() || self::core_default_from() === $email ) ) {
			return $configured;
		}
		return (string) $email;
	}

	/**
	 * @param string $name From name so far.
	 */
	public function filter_from_name( $name ): string {
		$configured = $this->settings->from_name();
		if ( '' !== $configured && ( $this->settings->force_from() || 'WordPress' === $name ) ) {
			return $configured;
		}
		return (string) $name;
	}

	/**
	 * Core's default From, computed as wp_mail() does (leading `www.` dropped).
	 */
	public static function core_default_from(): string {
		$host = (string) wp_parse_url( network_home_url(), PHP_URL_HOST );
		if ( 'www.' === substr( $host, 0, 4 ) ) {
			$host = substr( $host, 4 );
		}
		return 'wordpress@' . $host;
	}

	public static function is_core_mailer( object $mailer ): bool {
		return in_array( get_class( $mailer ), array( 'PHPMailer\PHPMailer\PHPMailer', 'WP_PHPMailer' ), true );
	}
}
