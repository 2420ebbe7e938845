<?php
/**
 * Encrypts secrets at rest with libsodium's secretbox (XSalsa20-Poly1305).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * The key comes from the RELAYPRESS_ENCRYPTION_KEY constant when defined, else it is derived
 * from the site's salts; a database dump alone therefore does not reveal the token. Changing
 * either makes stored secrets unreadable (open() returns null and the admin re-enters them).
 */
class Secret_Box {

	private const PREFIX = 'rp1:';

	public function seal( string $plaintext ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plaintext, $nonce, $this->key() );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
	}

	/**
	 * The plaintext, or null when the value was not sealed with the current key.
	 */
	public function open( string $sealed ): ?string {
		if ( 0 !== strpos( $sealed, self::PREFIX ) ) {
			return null;
		}
		$raw = base64_decode( substr( $sealed, strlen( self::PREFIX ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
		if ( false === $raw || strlen( $raw ) < SODIUM_CRYPTO_SECRETBOX_NONCEBYTES + SODIUM_CRYPTO_SECRETBOX_MACBYTES ) {
			return null;
		}
		$plain = sodium_crypto_secretbox_open(
			substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			$this->key()
		);
		return false === $plain ? null : $plain;
	}

	private function key(): string {
		if ( defined( 'RELAYPRESS_ENCRYPTION_KEY' ) && '' !== (string) constant( 'RELAYPRESS_ENCRYPTION_KEY' ) ) {
			$material = (string) constant( 'RELAYPRESS_ENCRYPTION_KEY' );
		} else {
			$material = '';
			foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT' ) as $name ) {
				$material .= defined( $name ) ? (string) constant( $name ) : '';
			}
			if ( '' === $material ) {
				$material = wp_salt( 'auth' ); // Salts kept in the database when wp-config.php has none.
			}
		}
		return sodium_crypto_generichash( 'relaypress-secret-box|' . $material, '', SODIUM_CRYPTO_SECRETBOX_KEYBYTES );
	}
}
