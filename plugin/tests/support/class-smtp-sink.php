<?php
/**
 * A real SMTP server on loopback: Postfix's smtp-sink, dumping each message to a file.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * Each dump is the envelope as X-Mail-Args / X-Rcpt-Args lines, then a Received header
 * smtp-sink adds, then the DATA exactly as received (dot-unstuffed, LF line ends).
 */
final class Smtp_Sink {

	public const BINARY = '/usr/sbin/smtp-sink';

	public int $port;
	private string $dir;
	/** @var resource */
	private $process;

	public static function available(): bool {
		return is_executable( self::BINARY );
	}

	public static function start(): self {
		$sink       = new self();
		$sink->port = Stub_Server::free_port();
		$sink->dir  = sys_get_temp_dir() . '/relaypress-sink-' . bin2hex( random_bytes( 6 ) );
		mkdir( $sink->dir );
		$user          = (string) ( posix_getpwuid( posix_geteuid() )['name'] ?? 'root' );
		$sink->process = proc_open(
			array( 'setsid', self::BINARY, '-u', $user, '-d', $sink->dir . '/%M.', "127.0.0.1:{$sink->port}", '10' ),
			array( 0 => array( 'file', '/dev/null', 'r' ), 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', $sink->dir . '.log', 'a' ) ),
			$pipes
		);
		for ( $i = 0; $i < 100; $i++ ) {
			$socket = @fsockopen( '127.0.0.1', $sink->port, $errno, $errstr, 0.1 );
			if ( $socket ) {
				fclose( $socket );
				return $sink;
			}
			usleep( 50000 );
		}
		throw new \RuntimeException( 'smtp-sink did not start: ' . file_get_contents( $sink->dir . '.log' ) );
	}

	/**
	 * The messages received so far (waits up to 2 s for $expected of them).
	 *
	 * @return array<int, array{mail_from: string, rcpt_to: string[], data: string}>
	 */
	public function messages( int $expected = 0 ): array {
		for ( $i = 0; $i < 40 && count( (array) glob( $this->dir . '/*' ) ) < $expected; $i++ ) {
			usleep( 50000 );
		}
		$files = (array) glob( $this->dir . '/*' );
		usort( $files, static fn( $a, $b ) => filemtime( $a ) <=> filemtime( $b ) ?: strcmp( $a, $b ) );
		return array_map( array( self::class, 'parse' ), array_map( 'file_get_contents', $files ) );
	}

	/**
	 * @return array{mail_from: string, rcpt_to: string[], data: string}
	 */
	private static function parse( string $dump ): array {
		$lines   = explode( "\n", $dump );
		$from    = '';
		$rcpt_to = array();
		while ( $lines && 0 === strpos( $lines[0], 'X-' ) ) {
			$line = array_shift( $lines );
			if ( preg_match( '/^X-Mail-Args: <([^>]*)>/', $line, $m ) ) {
				$from = $m[1];
			} elseif ( preg_match( '/^X-Rcpt-Args: <([^>]*)>/', $line, $m ) ) {
				$rcpt_to[] = $m[1];
			}
		}
		// smtp-sink's own Received header: its first line and the folded lines after it.
		array_shift( $lines );
		while ( $lines && preg_match( '/^[ \t]/', $lines[0] ) ) {
			array_shift( $lines );
		}
		$data = implode( "\n", $lines );
		return array(
			'mail_from' => $from,
			'rcpt_to'   => $rcpt_to,
			'data'      => "\n\n" === substr( $data, -2 ) ? substr( $data, 0, -2 ) : $data, // smtp-sink ends each dump with a blank line.
		);
	}

	public function stop(): void {
		Process_Group::stop( $this->process );
		array_map( 'unlink', glob( $this->dir . '/*' ) ?: array() );
		@rmdir( $this->dir );
		@unlink( $this->dir . '.log' );
	}
}
