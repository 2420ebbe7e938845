<?php
/**
 * Activation creates what the plugin needs; uninstall removes it unless told to keep it.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Lifecycle;

use RelayPress\Cron\Cron;
use RelayPress\Lifecycle\Installer;
use RelayPress\Lifecycle\Schema;
use RelayPress\Lifecycle\Uninstaller;
use RelayPress\Settings\Settings;
use RelayPress\Tests\Test_Case;

final class LifecycleTest extends Test_Case {

	protected function tearDown(): void {
		if ( ! Schema::installed() || ! $this->tables_exist() ) {
			Installer::install_site();
		}
		parent::tearDown();
	}

	public function test_activation_creates_the_tables_schema_version_and_cron_events(): void {
		Schema::drop();
		Cron::unschedule();
		$this->assertFalse( $this->tables_exist() );

		Installer::activate( false );

		$this->assertTrue( $this->tables_exist() );
		$this->assertSame( Schema::VERSION, get_option( Schema::VERSION_OPTION ) );
		$this->assertNotFalse( wp_next_scheduled( Cron::PROCESS_HOOK ) );
		$this->assertSame( Cron::SCHEDULE, wp_get_schedule( Cron::PROCESS_HOOK ) );
		$this->assertSame( 60, wp_get_schedules()[ Cron::SCHEDULE ]['interval'] );
		$this->assertNotFalse( wp_next_scheduled( 'relaypress_purge_log' ) );
	}

	public function test_an_older_schema_version_is_upgraded_on_load(): void {
		update_option( Schema::VERSION_OPTION, '0' );

		( new Installer() )->maybe_upgrade();

		$this->assertSame( Schema::VERSION, get_option( Schema::VERSION_OPTION ) );
	}

	public function test_a_schema_2_site_gets_the_webhook_events_table_on_upgrade_and_keeps_its_log(): void {
		global $wpdb;
		$this->relay();
		wp_mail( 'a@example.com', 'Before the upgrade', 'Body' );
		$events = $wpdb->prefix . 'relaypress_log_events';
		$wpdb->query( "DROP TABLE `{$events}`" );
		update_option( Schema::VERSION_OPTION, '2' );

		( new Installer() )->maybe_upgrade();

		$this->assertSame( Schema::VERSION, get_option( Schema::VERSION_OPTION ) );
		$this->assertTrue( $this->tables_exist() );
		$this->assertSame( 'Before the upgrade', $this->log_rows()[0]['subject'] );
		$this->assertSame( 'datetime(3)', $wpdb->get_row( "SHOW COLUMNS FROM `{$events}` LIKE 'occurred_at'", ARRAY_A )['Type'] );
		$this->assertSame( 'event_id', $wpdb->get_row( "SHOW INDEX FROM `{$events}` WHERE Non_unique = 0 AND Key_name = 'event_id'", ARRAY_A )['Column_name'] );
	}

	public function test_a_schema_4_site_gets_the_outbox_template_columns_on_upgrade(): void {
		global $wpdb;
		$outbox = $wpdb->prefix . 'relaypress_outbox';
		$wpdb->query( "ALTER TABLE `{$outbox}` DROP COLUMN template_request, DROP COLUMN tags" );
		update_option( Schema::VERSION_OPTION, '4' );

		( new Installer() )->maybe_upgrade();

		$this->assertSame( '5', get_option( Schema::VERSION_OPTION ) );
		$this->assertSame( 'longblob', $wpdb->get_row( "SHOW COLUMNS FROM `{$outbox}` LIKE 'template_request'", ARRAY_A )['Type'] );
		$this->assertSame( 'text', $wpdb->get_row( "SHOW COLUMNS FROM `{$outbox}` LIKE 'tags'", ARRAY_A )['Type'] );
	}

	public function test_uninstall_removes_tables_options_and_cron_events(): void {
		Uninstaller::uninstall();

		$this->assertFalse( $this->tables_exist() );
		$this->assertFalse( $this->option_stored( Settings::OPTION ) ); // get_option() would return the registered default.
		$this->assertFalse( get_option( Schema::VERSION_OPTION ) );
		$this->assertFalse( wp_next_scheduled( Cron::PROCESS_HOOK ) );
	}

	public function test_uninstall_keeps_tables_and_settings_when_the_admin_chose_keep_data(): void {
		$this->plugin->settings->update( array( 'keep_data' => true ) );

		Uninstaller::uninstall();

		$this->assertTrue( $this->tables_exist() );
		$this->assertSame( self::TOKEN, $this->plugin->settings->api_token() );
	}

	public function test_uninstall_removes_cached_analytics_even_when_keeping_data(): void {
		$this->plugin->settings->update( array( 'keep_data' => true ) );
		set_transient( \RelayPress\Rest\Reports_Controller::CACHE_PREFIX . 'abc', array( 'at' => time() ), 60 );
		$this->assertTrue( $this->option_stored( '_transient_' . \RelayPress\Rest\Reports_Controller::CACHE_PREFIX . 'abc' ) );

		Uninstaller::uninstall();

		$this->assertFalse( $this->option_stored( '_transient_' . \RelayPress\Rest\Reports_Controller::CACHE_PREFIX . 'abc' ) );
		$this->assertFalse( $this->option_stored( '_transient_timeout_' . \RelayPress\Rest\Reports_Controller::CACHE_PREFIX . 'abc' ) );
	}

	public function test_wordpress_runs_uninstall_php_when_the_plugin_is_deleted(): void {
		$this->run_in_wordpress( "require_once ABSPATH . 'wp-admin/includes/plugin.php'; uninstall_plugin( 'relaypress/relaypress.php' );" );

		$this->assertFalse( $this->tables_exist() );
		$this->assertFalse( $this->option_stored( Settings::OPTION ) ); // get_option() would return the registered default.
	}

	public function test_deleting_a_network_site_drops_its_tables_too(): void {
		$this->assertSame( Schema::tables(), ( new Installer() )->drop_tables_with_site( array() ) );
	}

	private function option_stored( string $name ): bool {
		global $wpdb;
		return null !== $wpdb->get_var( $wpdb->prepare( "SELECT option_id FROM {$wpdb->options} WHERE option_name = %s", $name ) );
	}

	private function tables_exist(): bool {
		global $wpdb;
		foreach ( Schema::tables() as $table ) {
			if ( $table !== $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) ) ) {
				return false;
			}
		}
		return true;
	}
}
