<?php
/**
 * Finds other code that would take mail away from RelayPress.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

/**
 * Each conflict is `array{code: string, message: string}`; Admin_Notices shows them.
 */
class Conflict_Detector {

	public const FOREIGN_MAILER_OPTION = 'relaypress_foreign_mailer';

	/**
	 * Plugins known to send mail by themselves (folder prefix => name).
	 */
	private const KNOWN_MAIL_PLUGINS = array(
		'wp-mail-smtp/'                                    => 'WP Mail SMTP',
		'fluent-smtp/'                                     => 'FluentSMTP',
		'post-smtp/'                                       => 'Post SMTP',
		'easy-wp-smtp/'                                    => 'Easy WP SMTP',
		'mailersend-official-smtp-integration/'            => 'MailerSend – Official SMTP Integration',
		'mailersend-transactional-emails-for-woocommerce/' => 'MailerSend for WooCommerce (sends WooCommerce emails without wp_mail)',
	);

	/**
	 * Remembers a PHPMailer subclass found in `$phpmailer` before RelayPress replaced it.
	 */
	public function note_foreign_mailer( string $class_name ): void {
		if ( get_option( self::FOREIGN_MAILER_OPTION ) !== $class_name ) {
			update_option( self::FOREIGN_MAILER_OPTION, $class_name, false );
		}
	}

	/**
	 * @param string|null $wp_mail_file File defining wp_mail(); null reads it by reflection.
	 * @return array<int, array{code: string, message: string}>
	 */
	public function detect( ?string $wp_mail_file = null ): array {
		$conflicts = array();

		if ( null === $wp_mail_file && function_exists( 'wp_mail' ) ) {
			$wp_mail_file = (string) ( new \ReflectionFunction( 'wp_mail' ) )->getFileName();
		}
		if ( null !== $wp_mail_file && ! self::ends_with( wp_normalize_path( $wp_mail_file ), 'wp-includes/pluggable.php' ) ) {
			$conflicts[] = array(
				'code'    => 'wp_mail_redefined',
				/* translators: %s: file path */
				'message' => sprintf( __( 'wp_mail() is defined in %s instead of WordPress core; mail sent through that function may not reach RelayPress.', 'relaypress' ), $wp_mail_file ),
			);
		}

		foreach ( $this->pre_wp_mail_callbacks() as $callback ) {
			$conflicts[] = array(
				'code'    => 'pre_wp_mail_callback',
				/* translators: %s: callback name */
				'message' => sprintf( __( '%s filters pre_wp_mail and can stop messages before RelayPress sees them.', 'relaypress' ), $callback ),
			);
		}

		global $phpmailer;
		$foreign = (string) get_option( self::FOREIGN_MAILER_OPTION, '' );
		if ( is_object( $phpmailer ) && ! $phpmailer instanceof Relay_Mailer && ! Mail::is_core_mailer( $phpmailer ) ) {
			$foreign = get_class( $phpmailer );
		}
		if ( '' !== $foreign ) {
			$conflicts[] = array(
				'code'    => 'phpmailer_replaced',
				/* translators: %s: class name */
				'message' => sprintf( __( 'Another plugin installs its own mailer class (%s); RelayPress replaces it before each message, so that plugin will not send.', 'relaypress' ), $foreign ),
			);
		}

		$active = (array) get_option( 'active_plugins', array() );
		if ( is_multisite() ) {
			$active = array_merge( $active, array_keys( (array) get_site_option( 'active_sitewide_plugins', array() ) ) );
		}
		foreach ( self::KNOWN_MAIL_PLUGINS as $prefix => $name ) {
			foreach ( $active as $plugin_file ) {
				if ( 0 === strpos( (string) $plugin_file, $prefix ) ) {
					$conflicts[] = array(
						'code'    => 'mail_plugin_active',
						/* translators: %s: plugin name */
						'message' => sprintf( __( '%s is active; use one mail plugin at a time.', 'relaypress' ), $name ),
					);
					break;
				}
			}
		}
		return $conflicts;
	}

	/**
	 * @return string[] Readable names of the callbacks on `pre_wp_mail`.
	 */
	private function pre_wp_mail_callbacks(): array {
		global $wp_filter;
		$names = array();
		if ( ! isset( $wp_filter['pre_wp_mail'] ) ) {
			return $names;
		}
		foreach ( $wp_filter['pre_wp_mail']->callbacks as $priority => $callbacks ) {
			foreach ( $callbacks as $callback ) {
				$names[] = self::describe( $callback['function'] ) . ' (priority ' . $priority . ')';
			}
		}
		return $names;
	}

	/**
	 * @param mixed $fn A callable.
	 */
	private static function describe( $fn ): string {
		if ( is_string( $fn ) ) {
			return $fn;
		}
		if ( is_array( $fn ) ) {
			return ( is_object( $fn[0] ) ? get_class( $fn[0] ) : (string) $fn[0] ) . '::' . $fn[1];
		}
		if ( $fn instanceof \Closure ) {
			$ref = new \ReflectionFunction( $fn );
			return 'closure in ' . $ref->getFileName() . ':' . $ref->getStartLine();
		}
		return is_object( $fn ) ? get_class( $fn ) : 'callback';
	}

	private static function ends_with( string $haystack, string $needle ): bool {
		return substr( $haystack, -strlen( $needle ) ) === $needle;
	}
}
