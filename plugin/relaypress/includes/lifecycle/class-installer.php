<?php
/**
 * Activation, deactivation, schema upgrades and multisite site creation/deletion.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Lifecycle;

defined( 'ABSPATH' ) || exit;

use RelayPress\Cron\Cron;
use RelayPress\Settings\Settings;

/**
 * Everything is per site (`$wpdb->prefix` tables, options, cron): a network activation
 * installs on every site, and a site created later on a network where the plugin is
 * network-active is installed as it is initialised.
 */
class Installer {

	public function register(): void {
		add_action( 'plugins_loaded', array( $this, 'maybe_upgrade' ), 5 );
		add_action( 'wp_initialize_site', array( $this, 'install_new_site' ), 200 );
		add_filter( 'wpmu_drop_tables', array( $this, 'drop_tables_with_site' ) );
	}

	/**
	 * Activation hook.
	 *
	 * @param bool $network_wide Network activation on multisite.
	 */
	public static function activate( $network_wide = false ): void {
		self::for_each_site( (bool) $network_wide, array( self::class, 'install_site' ) );
	}

	/**
	 * Deactivation hook: stops cron; data stays until uninstall.
	 *
	 * @param bool $network_wide Network deactivation on multisite.
	 */
	public static function deactivate( $network_wide = false ): void {
		self::for_each_site( (bool) $network_wide, array( Cron::class, 'unschedule' ) );
	}

	public static function install_site(): void {
		Schema::install();
		add_option( Settings::OPTION, Settings::DEFAULTS, '', false );
		Cron::ensure_scheduled();
	}

	/**
	 * Applies schema changes after an update (activation hooks do not run on updates).
	 */
	public function maybe_upgrade(): void {
		$version = get_option( Schema::VERSION_OPTION );
		if ( false !== $version && Schema::VERSION !== $version ) {
			Schema::install();
		}
	}

	/**
	 * @param \WP_Site $site The new site.
	 */
	public function install_new_site( $site ): void {
		if ( ! function_exists( 'is_plugin_active_for_network' ) ) {
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
		}
		if ( ! is_plugin_active_for_network( plugin_basename( RELAYPRESS_FILE ) ) ) {
			return;
		}
		switch_to_blog( (int) $site->blog_id );
		self::install_site();
		restore_current_blog();
	}

	/**
	 * Adds this site's tables to the list core drops when a site is deleted.
	 *
	 * @param string[] $tables Tables to drop.
	 * @return string[]
	 */
	public function drop_tables_with_site( $tables ): array {
		return array_merge( (array) $tables, Schema::tables() );
	}

	/**
	 * Runs $callback on the current site, or on every site of the network.
	 */
	public static function for_each_site( bool $network_wide, callable $callback ): void {
		if ( ! is_multisite() || ! $network_wide ) {
			$callback();
			return;
		}
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
			switch_to_blog( (int) $blog_id );
			$callback();
			restore_current_blog();
		}
	}
}
