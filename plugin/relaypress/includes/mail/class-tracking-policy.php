<?php
/**
 * Decides whether the relay may track opens and clicks of one message.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

use RelayPress\Settings\Settings;

/**
 * The choice is made once, when wp_mail() hands the message over, and stored with the outbox
 * row: the request to the relay must be the same on every retry (same Idempotency-Key, same
 * body), whatever the settings say by then.
 *
 * The checklist, in order:
 * 1. the settings `track_opens` / `track_clicks` (both off unless the site turns them on);
 * 2. a resend is tracked at most as the original was;
 * 3. the `relaypress_tracking` filter may change the choice for this one message;
 * 4. account mail is never tracked, whatever the filter said: core's (see CREDENTIAL_MAIL)
 *    and what a caller marks as such (Built_Message::$account_mail: WooCommerce's password
 *    reset and new-account emails).
 *
 * Both kinds are always sent to the relay, on or off, so the relay account's own defaults
 * never decide for mail from WordPress: what the Settings screen shows is what happens.
 */
final class Tracking_Policy {

	/**
	 * Core functions whose mail carries a password, login or confirmation link, or personal
	 * data: click tracking would route that link through the relay (its click token keeps the
	 * URL) and an open pixel says when someone read it. Keyed by the function (or
	 * `Class::method`, or for a call outside any function the core file) that called
	 * wp_mail(), as Source_Detector::caller_from_backtrace() names it.
	 */
	public const CREDENTIAL_MAIL = array(
		'retrieve_password'                                  => 'password reset',
		'wp_new_user_notification'                           => 'new user (set-password link)',
		'wp_password_change_notification'                    => 'password changed (to the admin)',
		'wp_update_user'                                     => 'password or email changed',
		'send_confirmation_on_profile_email'                 => 'email change confirmation',
		'update_option_new_admin_email'                      => 'admin email change confirmation',
		'update_network_option_new_admin_email'              => 'network admin email change confirmation',
		'wp_site_admin_email_change_notification'            => 'admin email changed',
		'wp_network_admin_email_change_notification'         => 'network admin email changed',
		'wp_send_user_request'                               => 'privacy request confirmation',
		'_wp_privacy_send_request_confirmation_notification' => 'privacy request confirmed',
		'wp_privacy_send_personal_data_export_email'         => 'personal data export link',
		'_wp_privacy_send_erasure_fulfillment_notification'  => 'personal data erased',
		'wpmu_signup_user_notification'                      => 'multisite activation link',
		'wpmu_signup_blog_notification'                      => 'multisite activation link',
		'wpmu_welcome_user_notification'                     => 'multisite welcome (login details)',
		'wpmu_welcome_notification'                          => 'multisite welcome (login details)',
		'wp_new_blog_notification'                           => 'new site (login details)',
		'WP_Recovery_Mode_Email_Service::send_recovery_mode_email' => 'recovery mode login link',
		'wp-admin/user-new.php'                              => 'multisite invitation confirmation',
		'wp-admin/ms-delete-site.php'                        => 'site deletion confirmation',
	);

	private Settings $settings;

	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * @param array{opens: bool, clicks: bool}|null $limit A resend's original choice (null: none).
	 * @return array{opens: bool, clicks: bool}
	 */
	public function choose( Built_Message $message, ?array $limit = null ): array {
		$choice = array(
			'opens'  => $this->settings->track_opens(),
			'clicks' => $this->settings->track_clicks(),
		);
		if ( null !== $limit ) {
			$choice = array(
				'opens'  => $choice['opens'] && ! empty( $limit['opens'] ),
				'clicks' => $choice['clicks'] && ! empty( $limit['clicks'] ),
			);
		}
		/**
		 * Filters open and click tracking for one message.
		 *
		 * @param array{opens: bool, clicks: bool} $choice  From the settings.
		 * @param Built_Message                    $message `source` (plugin slug, `theme:<slug>`,
		 *                                                  `core`), `caller` (the function that
		 *                                                  called wp_mail()), subject, recipients.
		 */
		$filtered = apply_filters( 'relaypress_tracking', $choice, $message );
		$filtered = is_array( $filtered ) ? $filtered : array();
		$choice   = array(
			'opens'  => (bool) ( $filtered['opens'] ?? $choice['opens'] ),
			'clicks' => (bool) ( $filtered['clicks'] ?? $choice['clicks'] ),
		);
		if ( self::is_credential_mail( $message ) ) {
			return array(
				'opens'  => false,
				'clicks' => false,
			);
		}
		return $choice;
	}

	public static function is_credential_mail( Built_Message $message ): bool {
		return $message->account_mail || ( '' !== $message->caller && isset( self::CREDENTIAL_MAIL[ $message->caller ] ) );
	}

	/**
	 * The stored form (outbox and log column): `{"opens":false,"clicks":true}`.
	 *
	 * @param array{opens: bool, clicks: bool} $choice Choice.
	 */
	public static function encode( array $choice ): string {
		return (string) wp_json_encode(
			array(
				'opens'  => (bool) $choice['opens'],
				'clicks' => (bool) $choice['clicks'],
			)
		);
	}

	/**
	 * The stored form back; null for rows stored before tracking was chosen (empty column),
	 * which go to the relay without `tracking`, as their first attempt did.
	 *
	 * @return array{opens: bool, clicks: bool}|null
	 */
	public static function decode( string $stored ): ?array {
		$value = '' === $stored ? null : json_decode( $stored, true );
		if ( ! is_array( $value ) ) {
			return null;
		}
		return array(
			'opens'  => (bool) ( $value['opens'] ?? false ),
			'clicks' => (bool) ( $value['clicks'] ?? false ),
		);
	}
}
