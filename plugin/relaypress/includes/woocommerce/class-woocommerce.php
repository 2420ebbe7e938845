<?php
/**
 * The WooCommerce area: WooCommerce emails as relay templates with order data.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

use RelayPress\Mail\Send_Context;
use RelayPress\Relay\Relay_Client;
use RelayPress\Settings\Settings;

/**
 * Inert without WooCommerce: the one filter it adds is WooCommerce's own. The REST routes are
 * the Rest area's (WooCommerce_Controller).
 */
final class WooCommerce {

	public Email_Catalog $catalog;
	public Mapping_Store $mappings;
	public Variable_Builder $variables;
	public Email_Interceptor $interceptor;
	public Relay_Client $relay;
	public Settings $settings;

	public function __construct( Settings $settings, Send_Context $context, Relay_Client $relay ) {
		$this->settings    = $settings;
		$this->relay       = $relay;
		$this->catalog     = new Email_Catalog();
		$this->mappings    = new Mapping_Store();
		$this->variables   = new Variable_Builder();
		$this->interceptor = new Email_Interceptor( $this->mappings, $this->variables, $context );
	}

	public function register(): void {
		add_filter( 'woocommerce_mail_callback', array( $this->interceptor, 'callback' ), 1000, 2 );
	}
}
