<?php
/**
 * CSV that spreadsheets open as data, never as formulas.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Support;

defined( 'ABSPATH' ) || exit;

/**
 * RFC 4180 quoting (fputcsv), and a `'` before any cell starting with = + - @ (or tab / CR,
 * which some spreadsheets skip before reading a formula): CSV injection, OWASP's advice.
 */
final class Csv {

	private const FORMULA_START = array( '=', '+', '-', '@', "\t", "\r" );

	public static function cell( string $value ): string {
		return '' !== $value && in_array( $value[0], self::FORMULA_START, true ) ? "'" . $value : $value;
	}

	/**
	 * @param array<int, array<int, string>> $rows Rows of cells.
	 */
	public static function document( array $rows ): string {
		$stream = fopen( 'php://temp', 'w+' );
		foreach ( $rows as $row ) {
			fputcsv( $stream, array_map( array( self::class, 'cell' ), $row ), ',', '"', '' );
		}
		rewind( $stream );
		$csv = (string) stream_get_contents( $stream );
		fclose( $stream );
		return $csv;
	}
}
