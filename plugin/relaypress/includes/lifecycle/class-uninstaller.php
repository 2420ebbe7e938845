<?php
/**
 * Removes what the plugin stored, unless the admin chose to keep it.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Lifecycle;

defined( 'ABSPATH' ) || exit;

use RelayPress\Cron\Cron;
use RelayPress\Mail\Conflict_Detector;
use RelayPress\Relay\Relay_Client;
use RelayPress\Settings\Secret_Box;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;
use RelayPress\Webhooks\Webhook_Registration;

/**
 * Called from uninstall.php, on every site of a network.
 */
final class Uninstaller {

	public static function uninstall(): void {
		Installer::for_each_site( is_multisite(), array( self::class, 'uninstall_site' ) );
	}

	public static function uninstall_site(): void {
		Cron::unschedule();
		self::deregister_webhook();
		self::forget_cached_reports();
		$settings = get_option( Settings::OPTION, array() );
		if ( is_array( $settings ) && ! empty( $settings['keep_data'] ) ) {
			return;
		}
		Schema::drop();
		delete_option( Settings::OPTION );
		delete_option( Conflict_Detector::FOREIGN_MAILER_OPTION );
		foreach ( \RelayPress\Alert\Alerts::KINDS as $kind ) {
			delete_option( \RelayPress\Alert\Alerts::LAST_SENT . $kind );
		}
	}

	/**
	 * The receiver route goes with the plugin, so the relay's endpoint goes too (best effort,
	 * kept data or not: a reinstalled plugin registers anew when its settings are saved).
	 */
	private static function deregister_webhook(): void {
		if ( false === get_option( Webhook_Registration::OPTION ) ) {
			return;
		}
		$settings = new Settings( new Secret_Box() );
		( new Webhook_Registration( $settings, new Relay_Client( $settings ), new Secret_Box(), new Clock() ) )->deregister();
	}

	/**
	 * Cached analytics answers, kept data or not: they are a cache. (With a persistent object
	 * cache they are not in the options table, and expire within a minute by themselves.)
	 */
	private static function forget_cached_reports(): void {
		global $wpdb;
		$prefix = $wpdb->esc_like( \RelayPress\Rest\Reports_Controller::CACHE_PREFIX );
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", '_transient_' . $prefix . '%', '_transient_timeout_' . $prefix . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	}
}
