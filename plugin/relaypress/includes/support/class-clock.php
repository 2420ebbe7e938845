<?php
/**
 * The time source, a seam so tests can move time instead of waiting.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Support;

defined( 'ABSPATH' ) || exit;

/**
 * Unix seconds, and the UTC DATETIME form the tables store.
 */
class Clock {

	/**
	 * Seconds added to the real time (tests move time forward with advance()).
	 *
	 * @var int
	 */
	private int $offset = 0;

	public function now(): int {
		return time() + $this->offset;
	}

	/**
	 * The UTC `Y-m-d H:i:s` of now() plus $seconds.
	 */
	public function mysql( int $seconds = 0 ): string {
		return gmdate( 'Y-m-d H:i:s', $this->now() + $seconds );
	}

	public function advance( int $seconds ): void {
		$this->offset += $seconds;
	}

	public function reset(): void {
		$this->offset = 0;
	}
}
