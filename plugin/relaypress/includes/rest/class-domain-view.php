<?php
/**
 * The relay's domain JSON reduced to known fields, typed and escaped.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * An allow-list, as Relay_View: a field the relay adds later does not reach the browser
 * until it is listed here with its type. Values outside a known set become null.
 * Shapes: docs/admin-app-api.md.
 */
final class Domain_View {

	/** Relay id shapes (relay-service/src/ids.ts: prefix, 10 time and 16 random base32 characters). */
	public const DOMAIN_ID = '^dom_[0-9a-z]{26}$';
	/** A DKIM selector as the relay makes them (`rpr202611`, `rpe202611b`). */
	public const SELECTOR = '^[a-z0-9-]{1,63}$';

	public const DOMAIN_STATUSES = array( 'pending', 'verified', 'failing' );
	public const RECORD_TYPES    = array( 'TXT', 'MX', 'CNAME' );
	public const RECORD_STATUSES = array( 'ok', 'missing', 'mismatched', 'error', 'unknown', 'unchecked' );
	public const ALGORITHMS      = array( 'rsa', 'ed25519' );
	public const KEY_STATES      = array( 'pending', 'ready', 'signing', 'retired' );

	/**
	 * @param array<string, mixed> $d Relay domain.
	 * @return array<string, mixed>
	 */
	public static function domain( array $d ): array {
		return array(
			'id'              => self::matching( self::DOMAIN_ID, $d['id'] ?? null ),
			'name'            => Output::text( $d['name'] ?? '' ),
			'status'          => self::one_of( self::DOMAIN_STATUSES, $d['status'] ?? null ),
			'return_path'     => Output::nullable_text( $d['return_path'] ?? null ),
			'tracking_host'   => Output::nullable_text( $d['tracking_host'] ?? null ),
			'verified_at'     => Relay_View::date( $d['verified_at'] ?? null ),
			'last_checked_at' => Relay_View::date( $d['last_checked_at'] ?? null ),
			'records'         => array_map( array( self::class, 'record' ), Relay_View::list_of( $d['records'] ?? array() ) ),
			'dkim_keys'       => array_map( array( self::class, 'key' ), Relay_View::list_of( $d['dkim_keys'] ?? array() ) ),
		);
	}

	/**
	 * A DNS record to publish, with the last check's verdict.
	 *
	 * @param array<string, mixed> $r Relay record.
	 * @return array<string, mixed>
	 */
	public static function record( array $r ): array {
		$view = array(
			'purpose'  => sanitize_key( (string) ( is_scalar( $r['purpose'] ?? null ) ? $r['purpose'] : '' ) ),
			'name'     => Output::text( $r['name'] ?? '' ),
			'type'     => self::one_of( self::RECORD_TYPES, $r['type'] ?? null ),
			'value'    => Output::text( $r['value'] ?? '' ),
			'required' => true === ( $r['required'] ?? null ),
			'status'   => self::one_of( self::RECORD_STATUSES, $r['status'] ?? null ),
			'found'    => array_map( array( Output::class, 'text' ), array_values( array_filter( is_array( $r['found'] ?? null ) ? $r['found'] : array(), 'is_scalar' ) ) ),
			'message'  => Output::text( $r['message'] ?? '' ),
		);
		if ( isset( $r['priority'] ) && is_numeric( $r['priority'] ) ) {
			$view = array_slice( $view, 0, 4, true ) + array( 'priority' => (int) $r['priority'] ) + $view;
		}
		return $view;
	}

	/**
	 * @param array<string, mixed> $k Relay DKIM key.
	 * @return array<string, mixed>
	 */
	public static function key( array $k ): array {
		return array(
			'selector'            => self::matching( self::SELECTOR, $k['selector'] ?? null ),
			'algorithm'           => self::one_of( self::ALGORITHMS, $k['algorithm'] ?? null ),
			'state'               => self::one_of( self::KEY_STATES, $k['state'] ?? null ),
			'signing'             => true === ( $k['signing'] ?? null ),
			'verified_at'         => Relay_View::date( $k['verified_at'] ?? null ),
			'retired_at'          => Relay_View::date( $k['retired_at'] ?? null ),
			'remove_record_after' => Relay_View::date( $k['remove_record_after'] ?? null ),
		);
	}

	/**
	 * @param string[] $allowed Allowed values.
	 * @param mixed    $value   Value.
	 */
	public static function one_of( array $allowed, $value ): ?string {
		return is_string( $value ) && in_array( $value, $allowed, true ) ? $value : null;
	}

	/**
	 * @param mixed $value Value.
	 */
	public static function matching( string $pattern, $value ): ?string {
		return is_string( $value ) && preg_match( '/' . $pattern . '/', $value ) ? $value : null;
	}
}
