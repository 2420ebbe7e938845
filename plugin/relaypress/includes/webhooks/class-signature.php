<?php
/**
 * The `RelayPress-Signature` header of a webhook delivery (docs/webhooks.md).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Webhooks;

defined( 'ABSPATH' ) || exit;

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`. Several
 * `v1=` values are accepted (a sender signing with an old and a new secret during rotation);
 * other schemes are skipped, so a future `v2=` next to `v1=` does not break this receiver.
 */
final class Signature {

	public const HEADER = 'RelayPress-Signature';

	/** Seconds `t` may be away from this site's clock (replay protection). */
	public const TOLERANCE = 300;

	/**
	 * The header a sender would send (the tests sign with it).
	 */
	public static function header( string $secret, string $body, int $timestamp ): string {
		return 't=' . $timestamp . ',v1=' . hash_hmac( 'sha256', $timestamp . '.' . $body, $secret );
	}

	/**
	 * True when one `v1` matches one of $secrets and `t` is within TOLERANCE of $now; else the
	 * reason: 400 for a missing or malformed header, 401 for a signature that does not match
	 * or a timestamp too far away.
	 *
	 * @param string[] $secrets Secrets the site accepts (empty: none registered).
	 * @return true|\WP_Error
	 */
	public static function verify( ?string $header, string $body, array $secrets, int $now ) {
		if ( null === $header || '' === trim( $header ) ) {
			return self::error( 'relaypress_webhook_signature_missing', __( 'The RelayPress-Signature header is missing.', 'relaypress' ), 400 );
		}
		$parsed = self::parse( $header );
		if ( null === $parsed ) {
			return self::error( 'relaypress_webhook_signature_malformed', __( 'The RelayPress-Signature header is not t=<unix time>,v1=<hex>.', 'relaypress' ), 400 );
		}
		$secrets = array_values( array_filter( $secrets, static fn( $s ) => is_string( $s ) && '' !== $s ) );
		if ( ! $secrets ) {
			return self::error( 'relaypress_webhook_not_registered', __( 'This site has no webhook secret; save the relay settings to register the webhook.', 'relaypress' ), 401 );
		}
		$matched = false;
		foreach ( $secrets as $secret ) {
			$expected = hash_hmac( 'sha256', $parsed['t'] . '.' . $body, $secret );
			foreach ( $parsed['v1'] as $candidate ) {
				$matched = hash_equals( $expected, $candidate ) || $matched; // Every pair compared: the time taken does not depend on which matched.
			}
		}
		if ( ! $matched ) {
			return self::error( 'relaypress_webhook_signature_invalid', __( 'The webhook signature does not match.', 'relaypress' ), 401 );
		}
		if ( abs( $now - (int) $parsed['t'] ) > self::TOLERANCE ) {
			return self::error( 'relaypress_webhook_timestamp_out_of_tolerance', __( 'The webhook timestamp is too far from this site\'s clock.', 'relaypress' ), 401 );
		}
		return true;
	}

	/**
	 * @return array{t: string, v1: string[]}|null
	 */
	private static function parse( string $header ): ?array {
		$t  = null;
		$v1 = array();
		foreach ( explode( ',', $header ) as $part ) {
			$pair = explode( '=', trim( $part ), 2 );
			if ( 2 !== count( $pair ) ) {
				return null;
			}
			list( $key, $value ) = array_map( 'trim', $pair );
			if ( 't' === $key ) {
				if ( null !== $t || ! preg_match( '/^\d{1,12}$/', $value ) ) {
					return null;
				}
				$t = $value;
			} elseif ( 'v1' === $key ) {
				if ( ! preg_match( '/^[0-9a-fA-F]{64}$/', $value ) ) {
					return null;
				}
				$v1[] = strtolower( $value );
			}
		}
		if ( null === $t || ! $v1 || count( $v1 ) > 8 ) {
			return null;
		}
		return array(
			't'  => $t,
			'v1' => $v1,
		);
	}

	private static function error( string $code, string $message, int $status ): \WP_Error {
		return new \WP_Error( $code, $message, array( 'status' => $status ) );
	}
}
