<?php
/**
 * `POST /relaypress/v1/test-email`.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Sends through wp_mail(), so the test takes the path every other message takes.
 */
class Test_Email_Controller extends Controller {

	public function register_routes(): void {
		$this->register_route(
			'/test-email',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'send' ),
					'args'     => array(
						'to' => self::arg(
							array(
								'type'        => 'string',
								'required'    => true,
								'description' => __( 'Recipient of the test email.', 'relaypress' ),
							),
							static fn( $value ) => is_email( trim( (string) $value ) ) ? true : __( 'must be an email address', 'relaypress' ),
							static fn( $value ) => (string) sanitize_email( (string) $value )
						),
					),
				),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function send( \WP_REST_Request $request ) {
		$error    = null;
		$on_error = static function ( \WP_Error $failure ) use ( &$error ): void {
			$error = $failure;
		};
		add_action( 'wp_mail_failed', $on_error );
		$this->plugin->outbox->last_log_id = null;
		$site                              = wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES );
		try {
			$sent = wp_mail(
				(string) $request->get_param( 'to' ),
				/* translators: %s: site name */
				sprintf( __( 'RelayPress test email from %s', 'relaypress' ), $site ),
				/* translators: %s: site URL */
				sprintf( __( "This is a test email sent by RelayPress from %s.\n\nIf you can read it, mail from WordPress reaches the relay.", 'relaypress' ), home_url( '/' ) )
			);
		} finally {
			remove_action( 'wp_mail_failed', $on_error );
		}

		$log_id = $this->plugin->outbox->last_log_id;
		$entry  = null === $log_id ? null : $this->plugin->log_repository->find( $log_id );
		$row    = null === $log_id ? null : $this->plugin->outbox_repository->find_by_log( $log_id );
		$data   = array(
			'sent'          => (bool) $sent,
			'log_id'        => $log_id,
			'log_status'    => null === $entry ? null : (string) $entry['status'],
			'outbox_status' => null === $row ? null : (string) $row['status'],
			'via'           => $this->plugin->settings->is_configured() ? 'relay' : 'wordpress',
		);
		if ( ! $sent ) {
			$data['status'] = 502;
			return new \WP_Error( 'relaypress_test_email_failed', Output::text( null === $error ? __( 'wp_mail() failed.', 'relaypress' ) : $error->get_error_message() ), $data );
		}
		return new \WP_REST_Response( $data );
	}
}
