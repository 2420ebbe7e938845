<?php
/**
 * Tells administrators about conflicts and unusable settings.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Admin;

defined( 'ABSPATH' ) || exit;

use RelayPress\Mail\Conflict_Detector;
use RelayPress\Settings\Settings;
use RelayPress\Webhooks\Webhook_Registration;

/**
 * Admin notices only; the settings screen itself comes with the admin app.
 */
class Admin_Notices {

	private Conflict_Detector $conflicts;
	private Settings $settings;
	private ?Webhook_Registration $webhook;

	public function __construct( Conflict_Detector $conflicts, Settings $settings, ?Webhook_Registration $webhook = null ) {
		$this->conflicts = $conflicts;
		$this->settings  = $settings;
		$this->webhook   = $webhook;
	}

	/** Key (and data attribute) of the "not configured yet" notice. */
	public const NOT_CONFIGURED = 'not-configured';

	public function register(): void {
		add_action( 'admin_notices', array( $this, 'render' ) );
		add_action( 'network_admin_notices', array( $this, 'render' ) );
	}

	/**
	 * @return string[] Plain-text messages.
	 */
	public function messages(): array {
		$messages = array_map( static fn( array $c ): string => $c['message'], $this->conflicts->detect() );
		if ( ! $this->settings->is_configured() ) {
			$messages[ self::NOT_CONFIGURED ] = __( 'RelayPress is not configured yet; WordPress sends mail as it did before.', 'relaypress' );
		}
		if ( $this->settings->token_unreadable() ) {
			$messages[] = __( 'The stored relay API token cannot be decrypted (the encryption key or salts changed). Enter it again.', 'relaypress' );
		}
		$webhook_error = null === $this->webhook ? null : $this->webhook->view()['error'];
		if ( null !== $webhook_error && $this->settings->is_configured() ) {
			$messages[] = $webhook_error['message'] . ' ' . __( 'The email log shows only what this site sent until it is; saving the settings tries again.', 'relaypress' );
		}
		return $messages;
	}

	public function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		foreach ( $this->messages() as $key => $message ) {
			// The admin app removes the not-configured notice itself once its wizard saves a
			// relay URL and token, without reloading the page (data-relaypress-notice).
			printf(
				'<div class="notice notice-warning"%s><p><strong>RelayPress:</strong> %s</p></div>',
				self::NOT_CONFIGURED === $key ? ' data-relaypress-notice="' . esc_attr( self::NOT_CONFIGURED ) . '"' : '',
				esc_html( $message )
			);
		}
	}
}
