<?php
/**
 * WP-Cron: the outbox every minute, the log purge daily.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Cron;

defined( 'ABSPATH' ) || exit;

use RelayPress\Lifecycle\Schema;
use RelayPress\Log\Log;
use RelayPress\Outbox\Outbox_Processor;

/**
 * Events are scheduled on activation and re-scheduled on `init` if something removed them.
 */
class Cron {

	public const SCHEDULE     = 'relaypress_every_minute';
	public const PROCESS_HOOK = 'relaypress_process_outbox';

	private Outbox_Processor $processor;

	public function __construct( Outbox_Processor $processor ) {
		$this->processor = $processor;
	}

	public function register(): void {
		add_filter( 'cron_schedules', array( $this, 'add_schedule' ) ); // phpcs:ignore WordPress.WP.CronInterval.ChangeDetected
		add_action( self::PROCESS_HOOK, array( $this, 'process_outbox' ) );
		add_action( 'init', array( self::class, 'ensure_scheduled' ) );
	}

	/**
	 * @param array<string, array{interval: int, display: string}> $schedules Known schedules.
	 * @return array<string, array{interval: int, display: string}>
	 */
	public function add_schedule( $schedules ): array {
		$schedules                   = (array) $schedules;
		$schedules[ self::SCHEDULE ] = array(
			'interval' => MINUTE_IN_SECONDS,
			'display'  => __( 'Every minute (RelayPress outbox)', 'relaypress' ),
		);
		return $schedules;
	}

	/**
	 * @return array{claimed: int, sent: int, retry: int, failed: int}
	 */
	public function process_outbox(): array {
		return $this->processor->run();
	}

	public static function ensure_scheduled(): void {
		if ( ! Schema::installed() ) {
			return;
		}
		if ( ! wp_next_scheduled( self::PROCESS_HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, self::SCHEDULE, self::PROCESS_HOOK );
		}
		if ( ! wp_next_scheduled( Log::PURGE_HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', Log::PURGE_HOOK );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::PROCESS_HOOK );
		wp_clear_scheduled_hook( Log::PURGE_HOOK );
		wp_clear_scheduled_hook( \RelayPress\Webhooks\Webhook_Registration::RETRY_HOOK );
	}
}
