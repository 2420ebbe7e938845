<?php
/**
 * Tells which plugin, theme or core feature called wp_mail().
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

/**
 * Looks at the file that called wp_mail() (outermost call, so a plugin's own wrapper around
 * wp_mail() still counts as that plugin): a plugin folder gives its slug, a theme
 * `theme:<slug>`, wp-includes/wp-admin give `core`, anything else `unknown`. The
 * `relaypress_mail_source` filter may refine it.
 */
final class Source_Detector {

	/**
	 * @param array<int, array<string, mixed>> $trace debug_backtrace() frames, innermost first.
	 */
	public static function from_backtrace( array $trace ): string {
		$file = '';
		foreach ( $trace as $frame ) {
			if ( 'wp_mail' === ( $frame['function'] ?? '' ) && ! isset( $frame['class'] ) && isset( $frame['file'] ) ) {
				$file = (string) $frame['file'];
			}
		}
		$source = '' === $file ? 'unknown' : self::from_file( $file );
		return (string) apply_filters( 'relaypress_mail_source', $source, $file );
	}

	/**
	 * What called the outermost wp_mail(): a function name, `Class::method`, or for a call
	 * outside any function (core's wp-admin/user-new.php) that file relative to ABSPATH;
	 * '' when there is no wp_mail() in the trace. Tracking_Policy tells account mail by it.
	 *
	 * @param array<int, array<string, mixed>> $trace debug_backtrace() frames, innermost first.
	 */
	public static function caller_from_backtrace( array $trace ): string {
		$outermost = null;
		foreach ( $trace as $i => $frame ) {
			if ( 'wp_mail' === ( $frame['function'] ?? '' ) && ! isset( $frame['class'] ) ) {
				$outermost = $i;
			}
		}
		if ( null === $outermost ) {
			return '';
		}
		$caller   = $trace[ $outermost + 1 ] ?? array();
		$function = (string) ( $caller['function'] ?? '' );
		if ( '' !== $function && ! in_array( $function, array( 'include', 'include_once', 'require', 'require_once' ), true ) ) {
			return isset( $caller['class'] ) ? $caller['class'] . '::' . $function : $function;
		}
		$file = wp_normalize_path( (string) ( $trace[ $outermost ]['file'] ?? '' ) );
		$root = trailingslashit( wp_normalize_path( ABSPATH ) );
		return '' !== $file && 0 === strpos( $file, $root ) ? substr( $file, strlen( $root ) ) : '';
	}

	public static function from_file( string $file ): string {
		$file  = wp_normalize_path( $file );
		$roots = array(
			''        => array( WP_PLUGIN_DIR ),
			'mu:'     => array( WPMU_PLUGIN_DIR ),
			'theme:'  => array( get_theme_root() ),
		);
		foreach ( $roots as $prefix => $dirs ) {
			foreach ( $dirs as $dir ) {
				foreach ( array_unique( array( $dir, (string) realpath( $dir ) ) ) as $candidate ) {
					$candidate = trailingslashit( wp_normalize_path( $candidate ) );
					if ( '/' !== $candidate && 0 === strpos( $file, $candidate ) ) {
						$first = explode( '/', substr( $file, strlen( $candidate ) ) )[0];
						return $prefix . sanitize_key( preg_replace( '/\.php$/', '', $first ) );
					}
				}
			}
		}
		if ( wp_normalize_path( dirname( $file ) ) === wp_normalize_path( untrailingslashit( (string) realpath( RELAYPRESS_DIR ) ) ) || 0 === strpos( $file, wp_normalize_path( (string) realpath( RELAYPRESS_DIR ) ) . '/' ) ) {
			return 'relaypress'; // Symlinked into plugins/: the trace shows the real path.
		}
		foreach ( array( ABSPATH . WPINC, ABSPATH . 'wp-admin', ABSPATH ) as $core ) {
			$core = trailingslashit( wp_normalize_path( $core ) );
			if ( 0 === strpos( $file, $core ) && ( ABSPATH !== $core || false === strpos( substr( $file, strlen( $core ) ), '/' ) ) ) {
				return 'core';
			}
		}
		return 'unknown';
	}
}
