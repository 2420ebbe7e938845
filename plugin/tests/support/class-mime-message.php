<?php
/**
 * A small MIME reader for assertions on the queued raw messages.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * Header block, body and (for multipart) parts; enough to read what PHPMailer builds.
 */
final class Mime_Message {

	/** @var array<int, array{0: string, 1: string}> */
	public array $headers = array();
	public string $body;

	public function __construct( string $raw ) {
		$split = strpos( $raw, "\r\n\r\n" );
		$head  = false === $split ? $raw : substr( $raw, 0, $split );
		$this->body = false === $split ? '' : substr( $raw, $split + 4 );
		$unfolded   = preg_replace( "/\r\n[ \t]+/", ' ', $head );
		foreach ( explode( "\r\n", (string) $unfolded ) as $line ) {
			if ( false !== strpos( $line, ':' ) ) {
				list( $name, $value ) = explode( ':', $line, 2 );
				$this->headers[]      = array( $name, trim( $value ) );
			}
		}
	}

	/**
	 * First value of a header, or null.
	 */
	public function header( string $name ): ?string {
		foreach ( $this->headers as $header ) {
			if ( 0 === strcasecmp( $header[0], $name ) ) {
				return $header[1];
			}
		}
		return null;
	}

	/**
	 * A header with RFC 2047 encoded words decoded (UTF-8).
	 */
	public function decoded_header( string $name ): ?string {
		$value = $this->header( $name );
		return null === $value ? null : mb_decode_mimeheader( $value );
	}

	public function content_type(): string {
		return strtolower( trim( explode( ';', (string) $this->header( 'Content-Type' ) )[0] ) );
	}

	public function param( string $header, string $param ): ?string {
		if ( preg_match( '/;\s*' . preg_quote( $param, '/' ) . '="?([^";]+)"?/i', (string) $this->header( $header ), $m ) ) {
			return $m[1];
		}
		return null;
	}

	/**
	 * @return Mime_Message[]
	 */
	public function parts(): array {
		$boundary = $this->param( 'Content-Type', 'boundary' );
		if ( null === $boundary ) {
			return array();
		}
		$chunks = explode( '--' . $boundary, $this->body );
		array_shift( $chunks ); // Preamble.
		$parts = array();
		foreach ( $chunks as $chunk ) {
			if ( 0 === strpos( $chunk, '--' ) ) {
				break;
			}
			$parts[] = new self( substr( $chunk, 2, -2 ) ); // Between the CRLFs around the delimiters.
		}
		return $parts;
	}

	/**
	 * Every leaf part, depth first (the message itself when not multipart).
	 *
	 * @return Mime_Message[]
	 */
	public function leaves(): array {
		$parts = $this->parts();
		if ( ! $parts ) {
			return array( $this );
		}
		$leaves = array();
		foreach ( $parts as $part ) {
			$leaves = array_merge( $leaves, $part->leaves() );
		}
		return $leaves;
	}

	public function first_leaf( string $content_type ): ?Mime_Message {
		foreach ( $this->leaves() as $leaf ) {
			if ( $leaf->content_type() === $content_type ) {
				return $leaf;
			}
		}
		return null;
	}

	public function decoded_body(): string {
		switch ( strtolower( (string) $this->header( 'Content-Transfer-Encoding' ) ) ) {
			case 'base64':
				return (string) base64_decode( $this->body );
			case 'quoted-printable':
				return quoted_printable_decode( $this->body );
			default:
				return $this->body;
		}
	}
}
