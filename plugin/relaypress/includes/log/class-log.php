<?php
/**
 * The email log area: daily retention purge.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Log;

defined( 'ABSPATH' ) || exit;

use RelayPress\Outbox\Outbox_Repository;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;

/**
 * Bodies (raw MIME with attachments) are kept `body_retention_days`, entries
 * `log_retention_days`; finished outbox rows and webhook events go with the entries.
 */
class Log {

	public const PURGE_HOOK = 'relaypress_purge_log';

	private Log_Repository $log;
	private Outbox_Repository $outbox;
	private Settings $settings;
	private Clock $clock;
	private ?Event_Repository $events;

	public function __construct( Log_Repository $log, Outbox_Repository $outbox, Settings $settings, Clock $clock, ?Event_Repository $events = null ) {
		$this->log      = $log;
		$this->outbox   = $outbox;
		$this->settings = $settings;
		$this->clock    = $clock;
		$this->events   = $events;
	}

	public function register(): void {
		add_action( self::PURGE_HOOK, array( $this, 'purge' ) );
	}

	/**
	 * @return array{entries: int, bodies: int, outbox: int, events?: int}
	 */
	public function purge(): array {
		$entries_before = $this->clock->mysql( -DAY_IN_SECONDS * $this->settings->log_retention_days() );
		$bodies_before  = $this->clock->mysql( -DAY_IN_SECONDS * min( $this->settings->body_retention_days(), $this->settings->log_retention_days() ) );
		$purged         = $this->log->purge( $entries_before, $bodies_before );
		$purged['outbox'] = $this->outbox->purge_finished( $entries_before );
		if ( null !== $this->events ) {
			$purged['events'] = $this->events->purge( $entries_before, $this->log->table() );
		}
		return $purged;
	}
}
