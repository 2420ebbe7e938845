<?php
/**
 * A real HTTP relay stand-in: `php -S` running stubs/relay-router.php.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * Requests go over a real socket through WordPress's HTTP API (Requests + cURL). The router
 * records each request and pops answers from a queue file.
 */
final class Stub_Server {

	public string $url;
	private string $dir;
	/** @var resource */
	private $process;

	public static function start( int $workers = 1 ): self {
		$server      = new self();
		$server->dir = sys_get_temp_dir() . '/relaypress-stub-' . bin2hex( random_bytes( 6 ) );
		mkdir( $server->dir );
		$port        = self::free_port();
		$server->url = "http://127.0.0.1:{$port}";
		$env         = array_merge( getenv(), array( 'STUB_DIR' => $server->dir, 'PHP_CLI_SERVER_WORKERS' => (string) $workers ) );
		$server->process = proc_open(
			array( 'setsid', PHP_BINARY, '-S', "127.0.0.1:{$port}", __DIR__ . '/../stubs/relay-router.php' ),
			array( 0 => array( 'file', '/dev/null', 'r' ), 1 => array( 'file', $server->dir . '/server.log', 'a' ), 2 => array( 'file', $server->dir . '/server.log', 'a' ) ),
			$pipes,
			null,
			$env
		);
		for ( $i = 0; $i < 100; $i++ ) {
			$socket = @fsockopen( '127.0.0.1', $port, $errno, $errstr, 0.1 );
			if ( $socket ) {
				fclose( $socket );
				return $server;
			}
			usleep( 50000 );
		}
		throw new \RuntimeException( 'stub server did not start: ' . file_get_contents( $server->dir . '/server.log' ) );
	}

	/**
	 * A port nothing listens on (bound by the OS, then released).
	 */
	public static function free_port(): int {
		$socket = stream_socket_server( 'tcp://127.0.0.1:0' );
		$name   = stream_socket_get_name( $socket, false );
		fclose( $socket );
		return (int) substr( (string) $name, strrpos( (string) $name, ':' ) + 1 );
	}

	/**
	 * Queues answers: each `array( 'status' => int, 'body' => mixed, 'delay_ms' => int )`.
	 *
	 * @param array<int, array<string, mixed>> $answers Answers in order.
	 */
	public function answer( array $answers ): void {
		file_put_contents( $this->dir . '/answers.json', json_encode( $answers ) );
	}

	/**
	 * Every request default-answered after a delay (to make runs overlap).
	 */
	public function delay_all( int $delay_ms ): void {
		file_put_contents( $this->dir . '/delay_ms', (string) $delay_ms );
	}

	/**
	 * @return array<int, array<string, mixed>> Requests received, in order.
	 */
	public function requests(): array {
		$file = $this->dir . '/requests.jsonl';
		if ( ! is_file( $file ) ) {
			return array();
		}
		return array_map( static fn( $line ) => json_decode( $line, true ), array_filter( explode( "\n", (string) file_get_contents( $file ) ) ) );
	}

	public function stop(): void {
		Process_Group::stop( $this->process );
		array_map( 'unlink', glob( $this->dir . '/*' ) ?: array() );
		@rmdir( $this->dir );
	}
}
