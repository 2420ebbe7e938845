<?php
/**
 * Base class: a clean plugin state for every test.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use PHPUnit\Framework\TestCase;
use RelayPress\Lifecycle\Schema;
use RelayPress\Mail\Conflict_Detector;
use RelayPress\Mail\Relay_Mailer;
use RelayPress\Plugin;
use RelayPress\Settings\Settings;

/**
 * Empties the plugin's tables, sets the test settings (relay http://relay.test with a token),
 * and restores every hook a test added, as WordPress's own test framework does.
 */
abstract class Test_Case extends TestCase {

	public const RELAY_URL = 'http://relay.test';
	public const TOKEN     = 'rpk_test_0123456789abcdef';

	/** @var array<string, \WP_Hook> */
	private array $hooks_backup = array();
	/** @var array<string, int> */
	private array $actions_backup = array();

	protected Plugin $plugin;

	protected function setUp(): void {
		parent::setUp();
		global $wp_filter, $wp_actions, $phpmailer;
		foreach ( $wp_filter as $name => $hook ) {
			$this->hooks_backup[ $name ] = clone $hook;
		}
		$this->actions_backup = $wp_actions;

		$this->plugin = Plugin::instance();
		$this->plugin->clock->reset();
		if ( ! Schema::installed() ) {
			\RelayPress\Lifecycle\Installer::install_site();
		}
		foreach ( Schema::tables() as $table ) {
			$GLOBALS['wpdb']->query( "TRUNCATE TABLE `{$table}`" );
		}
		delete_option( Settings::OPTION );
		delete_option( Conflict_Detector::FOREIGN_MAILER_OPTION );
		delete_option( \RelayPress\Webhooks\Webhook_Registration::OPTION );
		wp_clear_scheduled_hook( \RelayPress\Webhooks\Webhook_Registration::RETRY_HOOK );
		$this->plugin->settings->update(
			array(
				'relay_url' => self::RELAY_URL,
				'api_token' => self::TOKEN,
			)
		);
		$phpmailer = new Relay_Mailer( true ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
	}

	protected function tearDown(): void {
		global $wp_filter, $wp_actions;
		$wp_filter  = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		foreach ( $this->hooks_backup as $name => $hook ) {
			$wp_filter[ $name ] = $hook; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		}
		$wp_actions = $this->actions_backup; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		parent::tearDown();
	}

	protected function relay(): Relay_Stub {
		return ( new Relay_Stub() )->install();
	}

	/**
	 * @return array<int, array<string, mixed>>
	 */
	protected function outbox_rows(): array {
		global $wpdb;
		return (array) $wpdb->get_results( "SELECT * FROM {$this->plugin->outbox_repository->table()} ORDER BY id", ARRAY_A );
	}

	/**
	 * @return array<int, array<string, mixed>>
	 */
	protected function log_rows(): array {
		global $wpdb;
		return (array) $wpdb->get_results( "SELECT * FROM {$this->plugin->log_repository->table()} ORDER BY id", ARRAY_A );
	}

	/**
	 * The raw MIME of the last message the relay received, parsed.
	 *
	 * @param array<string, mixed> $request A Relay_Stub request.
	 */
	protected function sent_message( array $request ): Mime_Message {
		return new Mime_Message( (string) base64_decode( (string) $request['body']['raw'] ) );
	}

	/**
	 * Makes every pending row due now.
	 */
	protected function make_due(): void {
		global $wpdb;
		$wpdb->query( "UPDATE {$this->plugin->outbox_repository->table()} SET next_attempt_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE status = 'pending'" );
	}

	protected function run_cron(): array {
		return $this->plugin->processor->run();
	}

	/**
	 * Records every call of an action/filter; returns the list by reference.
	 *
	 * @return \ArrayObject<int, array<int, mixed>>
	 */
	protected function record( string $hook, int $args = 1 ): \ArrayObject {
		$calls = new \ArrayObject();
		add_action(
			$hook,
			static function ( ...$given ) use ( $calls ) {
				$calls[] = $given;
				return $given[0] ?? null;
			},
			10,
			$args
		);
		return $calls;
	}

	/**
	 * Starts PHP code in a separate WordPress process (see bin/wp-run.php).
	 *
	 * @param array<string, mixed> $defines Constants to define before WordPress loads.
	 * @return array{0: resource, 1: resource, 2: string} Process, its stdout pipe, stderr file.
	 */
	protected function start_in_wordpress( string $code, array $defines = array() ): array {
		$stderr  = (string) tempnam( sys_get_temp_dir(), 'relaypress-stderr-' );
		$env     = array_merge( getenv(), array( 'RELAYPRESS_DEFINES' => (string) json_encode( $defines ) ) );
		$process = proc_open(
			array( PHP_BINARY, '-d', 'sendmail_path=/bin/true', __DIR__ . '/../bin/wp-run.php', $code ),
			array( 0 => array( 'file', '/dev/null', 'r' ), 1 => array( 'pipe', 'w' ), 2 => array( 'file', $stderr, 'w' ) ),
			$pipes,
			null,
			$env
		);
		return array( $process, $pipes[1], $stderr );
	}

	/**
	 * Waits for a process from start_in_wordpress(); returns its output (fails on exit ≠ 0).
	 *
	 * @param array{0: resource, 1: resource, 2: string} $started From start_in_wordpress().
	 */
	protected function finish_in_wordpress( array $started ): string {
		$output = (string) stream_get_contents( $started[1] );
		fclose( $started[1] );
		$code   = proc_close( $started[0] );
		$errors = (string) file_get_contents( $started[2] );
		unlink( $started[2] );
		$this->assertSame( 0, $code, "subprocess failed: {$output}\n{$errors}" );
		wp_cache_flush(); // The other process changed options behind this one's cache.
		return $output;
	}

	/**
	 * @param array<string, mixed> $defines Constants to define before WordPress loads.
	 */
	protected function run_in_wordpress( string $code, array $defines = array() ): string {
		return $this->finish_in_wordpress( $this->start_in_wordpress( $code, $defines ) );
	}
}
