<?php
/**
 * `GET/POST /relaypress/v1/settings`.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Settings\Settings;

/**
 * Secrets are write-only: GET says whether one is set (and its last four characters for
 * the token), never the value. A field fixed by a wp-config.php constant is reported
 * `locked` and ignored on POST. `webhook` says whether the relay reports back to this site
 * (never the webhook secret).
 */
class Settings_Controller extends Controller {

	/** Hints shorter tokens would give away too much of. */
	private const HINT_MIN_LENGTH = 12;

	public function register_routes(): void {
		$this->register_route(
			'/settings',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'show' ),
				),
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'save' ),
					'args'     => $this->fields(),
				),
			)
		);
	}

	public function show(): \WP_REST_Response {
		return new \WP_REST_Response( $this->view() );
	}

	public function save( \WP_REST_Request $request ): \WP_REST_Response {
		$changes = array();
		foreach ( array_keys( $this->fields() ) as $key ) {
			$setting = preg_replace( '/_clear$/', '', $key );
			if ( null !== $request->get_param( $key ) && ! $this->plugin->settings->locked( $setting ) ) {
				$changes[ $key ] = $request->get_param( $key );
			}
		}
		$this->plugin->settings->update( $changes );
		// Connecting (or reconnecting) registers the webhook; a failure is reported in the
		// answer's `webhook.error`, never a failure to save.
		$this->plugin->webhook_registration->ensure();
		return new \WP_REST_Response( $this->view() );
	}

	/**
	 * @return array<string, mixed>
	 */
	public function view(): array {
		$settings = $this->plugin->settings;
		$view     = array();
		$locked   = array();
		foreach ( Settings::DEFAULTS as $key => $default ) {
			$locked[ $key ] = $settings->locked( $key );
			if ( in_array( $key, Settings::SECRETS, true ) ) {
				continue;
			}
			$value        = $settings->get( $key );
			$view[ $key ] = is_bool( $default ) ? (bool) $value : ( is_int( $default ) ? (int) $value : (string) $value );
		}
		$view['relay_url']                = $settings->relay_url();
		$token                            = $settings->api_token();
		$view['token_set']                = '' !== $token;
		$view['token_hint']               = strlen( $token ) >= self::HINT_MIN_LENGTH ? '••••' . substr( $token, -4 ) : null;
		$view['token_unusable']           = $settings->token_unreadable();
		$view['backup_smtp_password_set'] = '' !== (string) $settings->get( 'backup_smtp_password' );
		$view['locked']                   = $locked;
		$view['webhook']                  = self::webhook_view( $this->plugin->webhook_registration->view() );
		return $view;
	}

	/**
	 * Webhook_Registration::view() as answered (never the secret): text escaped, dates RFC 3339.
	 *
	 * @param array<string, mixed> $webhook Webhook_Registration::view().
	 * @return array<string, mixed>
	 */
	public static function webhook_view( array $webhook ): array {
		return array(
			'registered'    => (bool) $webhook['registered'],
			'url'           => esc_url_raw( (string) $webhook['url'] ),
			'registered_at' => Output::utc_date( $webhook['registered_at'] ),
			'error'         => null === $webhook['error'] ? null : array(
				'code'        => sanitize_key( (string) $webhook['error']['code'] ),
				'message'     => Output::text( $webhook['error']['message'] ),
				'http_status' => null === $webhook['error']['http_status'] ? null : (int) $webhook['error']['http_status'],
				'at'          => Output::utc_date( $webhook['error']['at'] ),
				'retry_at'    => Output::utc_date( $webhook['error']['retry_at'] ),
			),
		);
	}

	/**
	 * POST arguments: every setting, plus `<secret>_clear` flags.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private function fields(): array {
		$text   = static fn( string $description ): array => self::arg( array( 'type' => 'string', 'description' => $description ), null, 'sanitize_text_field' );
		$flag   = static fn( string $description ): array => self::arg( array( 'type' => 'boolean', 'description' => $description ) );
		$days   = static fn( int $min, string $description ): array => self::arg( array( 'type' => 'integer', 'minimum' => $min, 'maximum' => 3650, 'description' => $description ) );
		$url    = static fn( string $description ): array => self::arg( array( 'type' => 'string', 'description' => $description ), array( self::class, 'check_url_or_empty' ), 'trim' );
		$email  = static fn( string $description ): array => self::arg( array( 'type' => 'string', 'description' => $description ), array( self::class, 'check_email_or_empty' ), 'trim' );
		$secret = static fn( string $description ): array => self::arg(
			array( 'type' => 'string', 'maxLength' => 1000, 'description' => $description ),
			static fn( $value ) => preg_match( '/[\x00-\x1f\x7f]/', (string) $value ) ? __( 'must not contain control characters', 'relaypress' ) : true
		);

		return array(
			'relay_url'                  => $url( __( 'Relay base URL.', 'relaypress' ) ),
			'api_token'                  => $secret( __( 'Relay API token (write-only).', 'relaypress' ) ),
			'api_token_clear'            => $flag( __( 'Remove the stored token.', 'relaypress' ) ),
			'from_email'                 => $email( __( 'Default From address.', 'relaypress' ) ),
			'from_name'                  => $text( __( 'Default From name.', 'relaypress' ) ),
			'force_from'                 => $flag( __( 'Use the From address and name on every message.', 'relaypress' ) ),
			'log_retention_days'         => $days( 1, __( 'Days to keep log entries.', 'relaypress' ) ),
			'body_retention_days'        => $days( 0, __( 'Days to keep message bodies.', 'relaypress' ) ),
			'keep_data'                  => $flag( __( 'Keep tables and settings when the plugin is deleted.', 'relaypress' ) ),
			'backup_smtp_host'           => self::arg(
				array( 'type' => 'string', 'description' => __( 'Backup SMTP host.', 'relaypress' ) ),
				static fn( $value ) => '' === trim( (string) $value ) || preg_match( '/^[A-Za-z0-9.-]{1,253}$|^\[?[0-9A-Fa-f:.]+\]?$/', trim( (string) $value ) ) ? true : __( 'must be a host name or IP address', 'relaypress' ),
				'trim'
			),
			'backup_smtp_port'           => self::arg( array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 65535, 'description' => __( 'Backup SMTP port.', 'relaypress' ) ) ),
			'backup_smtp_encryption'     => self::arg( array( 'type' => 'string', 'enum' => Settings::ENCRYPTIONS, 'description' => __( 'none, ssl (implicit TLS) or tls (STARTTLS).', 'relaypress' ) ) ),
			'backup_smtp_username'       => $text( __( 'Backup SMTP user name.', 'relaypress' ) ),
			'backup_smtp_password'       => $secret( __( 'Backup SMTP password (write-only).', 'relaypress' ) ),
			'backup_smtp_password_clear' => $flag( __( 'Remove the stored backup SMTP password.', 'relaypress' ) ),
			'backup_after_minutes'       => self::arg( array( 'type' => 'integer', 'minimum' => 0, 'maximum' => 10080, 'description' => __( 'Minutes a message waits for the relay before the backup sends it.', 'relaypress' ) ) ),
			'alert_email'                => $email( __( 'Where alerts are emailed.', 'relaypress' ) ),
			'alert_webhook_url'          => $url( __( 'Where alerts are posted as JSON.', 'relaypress' ) ),
			'track_opens'                => $flag( __( 'Ask the relay to track opens (an image added to HTML mail). Account mail is never tracked.', 'relaypress' ) ),
			'track_clicks'               => $flag( __( 'Ask the relay to track clicks (links in HTML mail pass through the relay). Account mail is never tracked.', 'relaypress' ) ),
		);
	}
}
