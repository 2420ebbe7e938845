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
	);

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

	public function relay_url(): string {
		$url = defined( 'RELAYPRESS_RELAY_URL' ) ? (string) constant( 'RELAYPRESS_RELAY_URL' ) : (string) $this->all()['relay_url'];
		return untrailingslashit( $url );
	}

	/**
	 * The plaintext token, for the relay client only.
	 */
	public function api_token(): string {
		if ( defined( 'RELAYPRESS_API_TOKEN' ) ) {
			return (string) constant( 'RELAYPRESS_API_TOKEN' );
		}
		$sealed = (string) $this->all()['api_token'];
		return '' === $sealed ? '' : (string) $this->box->open( $sealed );
	}

	/**
	 * True when a token is stored but cannot be opened with the current key.
	 */
	public function token_unreadable(): bool {
		$sealed = (string) $this->all()['api_token'];
		return ! defined( 'RELAYPRESS_API_TOKEN' ) && '' !== $sealed && null === $this->box->open( $sealed );
	}

	public function is_configured(): bool {
		return '' !== $this->relay_url() && '' !== $this->api_token();
	}

	public function from_email(): string {
		return (string) $this->all()['from_email'];
	}

	public function from_name(): string {
		return (string) $this->all()['from_name'];
	}

	public function force_from(): bool {
		return (bool) $this->all()['force_from'];
	}

	public function log_retention_days(): int {
		return max( 1, (int) $this->all()['log_retention_days'] );
	}

	public function body_retention_days(): int {
		return max( 0, (int) $this->all()['body_retention_days'] );
	}

	public function keep_data(): bool {
		return (bool) $this->all()['keep_data'];
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
		if ( ! empty( $input['api_token_clear'] ) ) {
			$out['api_token'] = '';
		} elseif ( isset( $input['api_token'] ) && '' !== trim( (string) $input['api_token'] ) ) {
			$token            = trim( (string) $input['api_token'] );
			$out['api_token'] = 0 === strpos( $token, 'rp1:' ) && null !== $this->box->open( $token ) ? $token : $this->box->seal( $token );
		}
		if ( array_key_exists( 'from_email', $input ) ) {
			$out['from_email'] = (string) sanitize_email( (string) $input['from_email'] );
		}
		if ( array_key_exists( 'from_name', $input ) ) {
			$out['from_name'] = sanitize_text_field( (string) $input['from_name'] );
		}
		foreach ( array( 'force_from', 'keep_data' ) as $flag ) {
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
		return array_intersect_key( $out, self::DEFAULTS );
	}

	/**
	 * What an admin screen may show: everything but the token, plus where values come from.
	 *
	 * @return array<string, mixed>
	 */
	public function for_display(): array {
		$all = $this->all();
		unset( $all['api_token'] );
		$all['relay_url']          = $this->relay_url();
		$all['relay_url_locked']   = defined( 'RELAYPRESS_RELAY_URL' );
		$all['api_token_set']      = '' !== $this->api_token();
		$all['api_token_locked']   = defined( 'RELAYPRESS_API_TOKEN' );
		$all['api_token_unusable'] = $this->token_unreadable();
		return $all;
	}
}
