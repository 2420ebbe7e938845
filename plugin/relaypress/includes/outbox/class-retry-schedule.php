<?php
/**
 * How long a message waits before each retry.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Outbox;

defined( 'ABSPATH' ) || exit;

/**
 * Policy as data. WP-Cron runs at most once a minute and only when the site gets traffic
 * (or a system cron calls wp-cron.php), so the real waits are these or a little longer.
 */
final class Retry_Schedule {

	/**
	 * Delay after attempt n (1-based) → seconds. Cumulative time beside each entry.
	 */
	private const DELAYS = array(
		60,     // 1 m.
		120,    // 3 m.
		300,    // 8 m.
		600,    // 18 m.
		1800,   // 48 m.
		3600,   // 1 h 48 m.
		7200,   // 3 h 48 m.
		14400,  // 7 h 48 m.
		28800,  // 15 h 48 m.
		43200,  // 27 h 48 m.
		43200,  // 39 h 48 m.
		43200,  // 51 h 48 m; the next failure is final (about two days of trying).
	);

	/**
	 * Seconds to wait after $attempts failed attempts, or null when it is time to give up.
	 */
	public function delay_after( int $attempts ): ?int {
		$delays = (array) apply_filters( 'relaypress_retry_delays', self::DELAYS );
		return $delays[ $attempts - 1 ] ?? null;
	}

	public function max_attempts(): int {
		return count( (array) apply_filters( 'relaypress_retry_delays', self::DELAYS ) ) + 1;
	}
}
