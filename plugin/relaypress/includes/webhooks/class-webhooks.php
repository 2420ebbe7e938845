<?php
/**
 * The webhooks area: the public receiver route and the registration retry.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Webhooks;

defined( 'ABSPATH' ) || exit;

/**
 * The receiver is registered here, not among the Rest area's controllers: those all
 * require the RelayPress capability, and this one route is authenticated by its signature.
 */
class Webhooks {

	private Webhook_Receiver $receiver;
	private Webhook_Registration $registration;

	public function __construct( Webhook_Receiver $receiver, Webhook_Registration $registration ) {
		$this->receiver     = $receiver;
		$this->registration = $registration;
	}

	public function register(): void {
		add_action( 'rest_api_init', array( $this->receiver, 'register_routes' ) );
		add_action( Webhook_Registration::RETRY_HOOK, array( $this->registration, 'retry' ) );
		add_action( 'admin_init', array( $this->registration, 'ensure_for_admin' ) );
	}
}
