<?php
/**
 * On a multisite network each site has its own tables and settings; network activation
 * installs on every site, and a site created later is installed as it is created.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Multisite;

use PHPUnit\Framework\TestCase;
use RelayPress\Tests\Scratch_WordPress;

final class MultisiteTest extends TestCase {

	private Scratch_WordPress $network;

	protected function setUp(): void {
		$this->network = Scratch_WordPress::create( 'rpms' . bin2hex( random_bytes( 2 ) ) . '_', array( 'WP_ALLOW_MULTISITE' => true ) );
		symlink( dirname( __DIR__, 2 ) . '/relaypress', $this->network->dir . '/wp-content/plugins/relaypress' );
		$this->network->install();
		$this->assertTrue(
			$this->network->run(
				"require_once ABSPATH . 'wp-admin/includes/upgrade.php';
				require_once ABSPATH . 'wp-admin/includes/network.php';
				global \$wpdb;
				foreach ( \$wpdb->tables( 'ms_global' ) as \$table => \$prefixed ) {
					\$wpdb->\$table = \$prefixed; // As wp-admin/network.php does before installing.
				}
				install_network();
				\$r = populate_network( 1, 'example.test', 'admin@example.test', 'Network', '/', false );
				echo wp_json_encode( ! is_wp_error( \$r ) );"
			)
		);
		$this->network->write_config(
			array(
				'WP_ALLOW_MULTISITE'   => true,
				'MULTISITE'            => true,
				'SUBDOMAIN_INSTALL'    => false,
				'DOMAIN_CURRENT_SITE'  => 'example.test',
				'PATH_CURRENT_SITE'    => '/',
				'SITE_ID_CURRENT_SITE' => 1,
				'BLOG_ID_CURRENT_SITE' => 1,
			)
		);
	}

	protected function tearDown(): void {
		$this->network->destroy();
	}

	public function test_network_activation_gives_every_site_its_own_tables_settings_and_log(): void {
		$state = $this->network->run(
			<<<'PHP'
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			$two   = wpmu_create_blog( 'example.test', '/two/', 'Two', 1 );
			$three = wpmu_create_blog( 'example.test', '/three/', 'Three', 1 );
			$before = array();
			foreach ( array( 1, $two, $three ) as $id ) {
				switch_to_blog( $id );
				$before[ $id ] = false !== get_option( 'relaypress_db_version' ); // The plugin is not loaded yet.
				restore_current_blog();
			}
			$activated = activate_plugin( 'relaypress/relaypress.php', '', true );
			$four      = wpmu_create_blog( 'example.test', '/four/', 'Four', 1 ); // After activation.

			// Different settings per site; one message sent from site two.
			add_filter( 'pre_http_request', static fn() => array( 'headers' => array(), 'body' => '{"id":"msg_ms"}', 'response' => array( 'code' => 202, 'message' => 'Accepted' ), 'cookies' => array(), 'filename' => null ) );
			$plugin = \RelayPress\Plugin::instance();
			$sites  = array();
			foreach ( array( 1, $two, $three, $four ) as $id ) {
				switch_to_blog( $id );
				$plugin->settings->update( array( 'relay_url' => 'http://relay.test', 'api_token' => 'rpk_site_' . $id, 'from_name' => 'Site ' . $id ) );
				if ( $id === $two ) {
					wp_mail( 'a@example.com', 'From two', 'Body' );
				}
				restore_current_blog();
			}
			global $wpdb;
			foreach ( array( 1, $two, $three, $four ) as $id ) {
				switch_to_blog( $id );
				$tables = array();
				foreach ( \RelayPress\Lifecycle\Schema::tables() as $table ) {
					$tables[] = $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) );
				}
				$sites[ $id ] = array(
					'installed_before' => $before[ $id ] ?? null,
					'installed'        => \RelayPress\Lifecycle\Schema::installed(),
					'tables'           => $tables,
					'cron'             => (bool) wp_next_scheduled( 'relaypress_process_outbox' ),
					'from_name'        => $plugin->settings->from_name(),
					'token'            => $plugin->settings->api_token(),
					'log_rows'         => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$plugin->log_repository->table()}" ),
				);
				restore_current_blog();
			}
			echo wp_json_encode( array( 'active' => null === $activated && is_plugin_active_for_network( 'relaypress/relaypress.php' ), 'prefix' => $wpdb->base_prefix, 'ids' => array( 1, $two, $three, $four ), 'sites' => $sites ) );
PHP
		);

		$this->assertTrue( $state['active'] );
		list( $one, $two, $three, $four ) = $state['ids'];
		$prefix                           = $state['prefix'];
		$this->assertSame( array( false, false, false ), array( $state['sites'][ $one ]['installed_before'], $state['sites'][ $two ]['installed_before'], $state['sites'][ $three ]['installed_before'] ) );
		foreach ( $state['ids'] as $id ) {
			$site       = $state['sites'][ $id ];
			$own_prefix = 1 === $id ? $prefix : $prefix . $id . '_';
			$this->assertTrue( $site['installed'], "site {$id}" );
			$this->assertSame( array( $own_prefix . 'relaypress_outbox', $own_prefix . 'relaypress_log', $own_prefix . 'relaypress_log_bodies', $own_prefix . 'relaypress_log_events' ), $site['tables'], "site {$id}" );
			$this->assertTrue( $site['cron'], "site {$id}" );
			$this->assertSame( 'Site ' . $id, $site['from_name'] );
			$this->assertSame( 'rpk_site_' . $id, $site['token'] );
			$this->assertSame( $id === $two ? 1 : 0, $site['log_rows'], "site {$id}" );
		}
	}
}
