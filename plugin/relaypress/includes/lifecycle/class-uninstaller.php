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
use RelayPress\Settings\Settings;

/**
 * Called from uninstall.php, on every site of a network.
 */
final class Uninstaller {

	public static function uninstall(): void {
		Installer::for_each_site( is_multisite(), array( self::class, 'uninstall_site' ) );
	}

	public static function uninstall_site(): void {
		Cron::unschedule();
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
}
