<?php
/**
 * Stops a server a test started with proc_open under setsid: the server leads its own process
 * group (it and any workers), so the whole group is ended through the server's PID.
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

final class Process_Group {
	/** @param resource|null $process */
	public static function stop( $process ): void {
		if ( ! is_resource( $process ) ) {
			return;
		}
		$status = proc_get_status( $process );
		if ( $status['running'] ) {
			posix_kill( -$status['pid'], SIGTERM );
		}
		proc_close( $process );
	}
}
