<?php
/**
 * The plugin's settings: one option per site, wp-config.php constants win.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes `relaypress_settings`. The API token is stored sealed by Secret_Box and is
 * never part of what for_display() returns, so no admin screen or REST route can echo it.
 */
class Settings {

	public const OPTION = 'relaypress_settings';

	public const DEFAULTS = array(
		'relay_url'           => '',
		'api_token'           => '', // Sealed.
		'from_email'          => '',
		'from_name'           => '',
		'force_from'          => false,
		'log_retention_days'  => 30,
		'body_retention_days' => 7,
		'keep_data'           => false,
		'backup_smtp_host'       => '',
		'backup_smtp_port'       => 587,
		'backup_smtp_encryption' => 'tls',
		'backup_smtp_username'   => '',
		'backup_smtp_password'   => '', // Sealed.
		'backup_after_minutes'   => 15,
		'alert_email'            => '',
		'alert_webhook_url'      => '',
		'track_opens'            => false, // Open pixel, added by the relay (Tracking_Policy).
		'track_clicks'           => false, // Links rewritten through the relay.
	);

	/** Settings stored sealed by Secret_Box and never displayed. */
	public const SECRETS = array( 'api_token', 'backup_smtp_password' );

	public const ENCRYPTIONS = array( 'none', 'ssl', 'tls' );

	private Secret_Box $box;

	/**
	 * True while update() stores values it already sanitised (update_option() runs the
	 * registered sanitize callback again, which must not re-read a cleared token).
	 *
	 * @var bool
	 */
	private bool $storing = false;

	public function __construct( Secret_Box $box ) {
		$this->box = $box;
	}

	public function register(): void {
		add_action( 'init', array( $this, 'register_setting' ) );
	}

	/**
	 * Registers the option with its sanitizer, so options.php and the REST settings route
	 * (later) both go through sanitize().
	 */
	public function register_setting(): void {
		register_setting(
			'relaypress',
			self::OPTION,
			array(
				'type'              => 'object',
				'sanitize_callback' => array( $this, 'sanitize' ),
				'show_in_rest'      => false,
				'default'           => self::DEFAULTS,
			)
		);
	}

	/**
	 * The stored option merged over the defaults (token still sealed).
	 *
	 * @return array<string, mixed>
	 */
	public function all(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::DEFAULTS, is_array( $stored ) ? $stored : array() );
	}

	/**
	 * The wp-config.php constant that overrides a setting: `relay_url` → RELAYPRESS_RELAY_URL.
	 */
	public static function constant_name( string $key ): string {
		return 'RELAYPRESS_' . strtoupper( $key );
	}

	/**
	 * True when a wp-config.php constant decides this setting (the screen shows it read-only).
	 */
	public function locked( string $key ): bool {
		return defined( self::constant_name( $key ) );
	}

	/**
	 * A setting's effective value: the constant when defined, else the stored value (secrets
	 * come back in plaintext).
	 *
	 * @return mixed
	 */
	public function get( string $key ) {
		if ( $this->locked( $key ) ) {
			return constant( self::constant_name( $key ) );
		}
		$value = $this->all()[ $key ] ?? null;
		if ( in_array( $key, self::SECRETS, true ) ) {
			return '' === (string) $value ? '' : (string) $this->box->open( (string) $value );
		}
		return $value;
	}

	public function relay_url(): string {
		return untrailingslashit( (string) $this->get( 'relay_url' ) );
	}

	/**
	 * The plaintext token, for the relay client only.
	 */
	public function api_token(): string {
		return (string) $this->get( 'api_token' );
	}

	/**
	 * True when a token is stored but cannot be opened with the current key.
	 */
	public function token_unreadable(): bool {
		$sealed = (string) $this->all()['api_token'];
		return ! $this->locked( 'api_token' ) && '' !== $sealed && null === $this->box->open( $sealed );
	}

	/**
	 * Backup SMTP connection, or null when no backup host is set.
	 *
	 * @return array{host: string, port: int, encryption: string, username: string, password: string, after_minutes: int}|null
	 */
	public function backup_smtp(): ?array {
		$host = trim( (string) $this->get( 'backup_smtp_host' ) );
		if ( '' === $host ) {
			return null;
		}
		$encryption = (string) $this->get( 'backup_smtp_encryption' );
		return array(
			'host'          => $host,
			'port'          => (int) $this->get( 'backup_smtp_port' ),
			'encryption'    => in_array( $encryption, self::ENCRYPTIONS, true ) ? $encryption : 'tls',
			'username'      => (string) $this->get( 'backup_smtp_username' ),
			'password'      => (string) $this->get( 'backup_smtp_password' ),
			'after_minutes' => max( 0, (int) $this->get( 'backup_after_minutes' ) ),
		);
	}

	public function backup_after_seconds(): int {
		return max( 0, (int) $this->get( 'backup_after_minutes' ) ) * MINUTE_IN_SECONDS;
	}

	public function alert_email(): string {
		return (string) $this->get( 'alert_email' );
	}

	public function alert_webhook_url(): string {
		return (string) $this->get( 'alert_webhook_url' );
	}

	public function is_configured(): bool {
		return '' !== $this->relay_url() && '' !== $this->api_token();
	}

	public function from_email(): string {
		return (string) $this->get( 'from_email' );
	}

	public function from_name(): string {
		return (string) $this->get( 'from_name' );
	}

	public function force_from(): bool {
		return (bool) $this->get( 'force_from' );
	}

	public function log_retention_days(): int {
		return max( 1, (int) $this->get( 'log_retention_days' ) );
	}

	public function body_retention_days(): int {
		return max( 0, (int) $this->get( 'body_retention_days' ) );
	}

	public function keep_data(): bool {
		return (bool) $this->get( 'keep_data' );
	}

	public function track_opens(): bool {
		return (bool) $this->get( 'track_opens' );
	}

	public function track_clicks(): bool {
		return (bool) $this->get( 'track_clicks' );
	}

	/**
	 * Saves settings given in plaintext (the token is sealed here).
	 *
	 * @param array<string, mixed> $changes Keys of DEFAULTS.
	 */
	public function update( array $changes ): void {
		$value         = $this->sanitize( $changes );
		$this->storing = true;
		try {
			update_option( self::OPTION, $value, false );
		} finally {
			$this->storing = false;
		}
	}

	/**
	 * Turns submitted values into the stored form. An empty or absent token keeps the stored
	 * one, so a form that never shows the token does not erase it; `api_token_clear` erases it.
	 *
	 * @param mixed $input Submitted values.
	 * @return array<string, mixed>
	 */
	public function sanitize( $input ): array {
		if ( $this->storing && is_array( $input ) ) {
			return $input;
		}
		$input   = is_array( $input ) ? $input : array();
		$current = $this->all();
		$out     = $current;

		if ( array_key_exists( 'relay_url', $input ) ) {
			$out['relay_url'] = untrailingslashit( esc_url_raw( trim( (string) $input['relay_url'] ), array( 'http', 'https' ) ) );
		}
		foreach ( self::SECRETS as $secret ) {
			if ( ! empty( $input[ $secret . '_clear' ] ) ) {
				$out[ $secret ] = '';
			} elseif ( isset( $input[ $secret ] ) && '' !== trim( (string) $input[ $secret ] ) ) {
				$plain          = trim( (string) $input[ $secret ] );
				$out[ $secret ] = 0 === strpos( $plain, 'rp1:' ) && null !== $this->box->open( $plain ) ? $plain : $this->box->seal( $plain );
			}
		}
		if ( array_key_exists( 'from_email', $input ) ) {
			$out['from_email'] = (string) sanitize_email( (string) $input['from_email'] );
		}
		if ( array_key_exists( 'from_name', $input ) ) {
			$out['from_name'] = sanitize_text_field( (string) $input['from_name'] );
		}
		foreach ( array( 'force_from', 'keep_data', 'track_opens', 'track_clicks' ) as $flag ) {
			if ( array_key_exists( $flag, $input ) ) {
				$out[ $flag ] = (bool) $input[ $flag ];
			}
		}
		if ( array_key_exists( 'log_retention_days', $input ) ) {
			$out['log_retention_days'] = min( 3650, max( 1, (int) $input['log_retention_days'] ) );
		}
		if ( array_key_exists( 'body_retention_days', $input ) ) {
			$out['body_retention_days'] = min( 3650, max( 0, (int) $input['body_retention_days'] ) );
		}
		foreach ( array( 'backup_smtp_host', 'backup_smtp_username' ) as $text ) {
			if ( array_key_exists( $text, $input ) ) {
				$out[ $text ] = sanitize_text_field( (string) $input[ $text ] );
			}
		}
		if ( array_key_exists( 'backup_smtp_port', $input ) ) {
			$out['backup_smtp_port'] = min( 65535, max( 1, (int) $input['backup_smtp_port'] ) );
		}
		if ( array_key_exists( 'backup_smtp_encryption', $input ) ) {
			$encryption                    = (string) $input['backup_smtp_encryption'];
			$out['backup_smtp_encryption'] = in_array( $encryption, self::ENCRYPTIONS, true ) ? $encryption : 'tls';
		}
		if ( array_key_exists( 'backup_after_minutes', $input ) ) {
			$out['backup_after_minutes'] = min( 10080, max( 0, (int) $input['backup_after_minutes'] ) );
		}
		if ( array_key_exists( 'alert_email', $input ) ) {
			$out['alert_email'] = (string) sanitize_email( (string) $input['alert_email'] );
		}
		if ( array_key_exists( 'alert_webhook_url', $input ) ) {
			$out['alert_webhook_url'] = esc_url_raw( trim( (string) $input['alert_webhook_url'] ), array( 'http', 'https' ) );
		}
		return array_intersect_key( $out, self::DEFAULTS );
	}

	/**
	 * What an admin screen may show: everything but the token, plus where values come from.
	 *
	 * @return array<string, mixed>
	 */
	public function for_display(): array {
		$all = $this->all();
		foreach ( array_keys( self::DEFAULTS ) as $key ) {
			$all[ $key ] = $this->get( $key );
		}
		foreach ( self::SECRETS as $secret ) {
			unset( $all[ $secret ] );
		}
		$all['relay_url']          = $this->relay_url();
		$all['relay_url_locked']   = $this->locked( 'relay_url' );
		$all['api_token_set']      = '' !== $this->api_token();
		$all['api_token_locked']   = $this->locked( 'api_token' );
		$all['api_token_unusable'] = $this->token_unreadable();
		return $all;
	}
}
