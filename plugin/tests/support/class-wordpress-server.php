<?php
/**
 * The test WordPress served over real HTTP by `php -S` (no pretty permalinks: REST is at
 * `/?rest_route=/…`).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * Started in its own process group (setsid) and stopped by its PID.
 */
final class WordPress_Server {

	public string $url;
	private string $log;
	/** @var resource */
	private $process;

	public static function start( string $docroot ): self {
		$server      = new self();
		$port        = Stub_Server::free_port();
		$server->url = "http://127.0.0.1:{$port}";
		$server->log = (string) tempnam( sys_get_temp_dir(), 'relaypress-wp-server-' );
		$server->process = proc_open(
			array( 'setsid', PHP_BINARY, '-d', 'sendmail_path=/bin/true', '-d', 'display_errors=stderr', '-S', "127.0.0.1:{$port}", '-t', $docroot ),
			array( 0 => array( 'file', '/dev/null', 'r' ), 1 => array( 'file', $server->log, 'a' ), 2 => array( 'file', $server->log, 'a' ) ),
			$pipes,
			$docroot,
			getenv()
		);
		for ( $i = 0; $i < 100; $i++ ) {
			$socket = @fsockopen( '127.0.0.1', $port, $errno, $errstr, 0.1 );
			if ( $socket ) {
				fclose( $socket );
				return $server;
			}
			usleep( 50000 );
		}
		throw new \RuntimeException( 'WordPress server did not start: ' . file_get_contents( $server->log ) );
	}

	public function stop(): void {
		Process_Group::stop( $this->process );
		@unlink( $this->log );
	}
}
