<?php
/**
 * How free text leaves the REST API.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Free text (subjects, addresses with names, relay replies, errors, raw MIME) is returned
 * HTML-escaped, as core returns `title.rendered`: whatever a relay or a sender put there can
 * never become markup. The admin app shows it with decodeEntities() as text.
 */
final class Output {

	/**
	 * @param mixed $value Any scalar.
	 */
	public static function text( $value ): string {
		return esc_html( wp_check_invalid_utf8( is_scalar( $value ) ? (string) $value : '' ) );
	}

	/**
	 * @param mixed $value Any scalar.
	 */
	public static function nullable_text( $value ): ?string {
		return null === $value ? null : self::text( $value );
	}

	/**
	 * A UTC MySQL datetime as RFC 3339 (`2024-01-02T03:04:05Z`).
	 *
	 * @param mixed $mysql `Y-m-d H:i:s` in UTC.
	 */
	public static function utc_date( $mysql ): ?string {
		if ( ! is_string( $mysql ) || '' === $mysql || '0000-00-00 00:00:00' === $mysql ) {
			return null;
		}
		return str_replace( ' ', 'T', $mysql ) . 'Z';
	}

	/**
	 * A comma-separated address list as an array.
	 *
	 * @param mixed $list Addresses.
	 * @return string[]
	 */
	public static function addresses( $list ): array {
		return array_map( array( self::class, 'text' ), array_values( array_filter( array_map( 'trim', explode( ',', (string) $list ) ) ) ) );
	}
}
