<?php
/**
 * Base class for tests through the WooCommerce stand-in (tests/woocommerce-stand-in).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use RelayPress\WooCommerce\Mapping_Store;

/**
 * Every test gets fresh WooCommerce email objects (Test_Case drops the hooks a test added,
 * so the WC_Emails singleton is rebuilt), WooCommerce's default email settings, posts
 * storage unless it asks for HPOS, and no mappings.
 */
abstract class WooCommerce_Test_Case extends Test_Case {
	use WooCommerce_Fixtures;

	protected function setUp(): void {
		parent::setUp();
		$this->set_up_woocommerce();
	}
}

/**
 * The WooCommerce state and helpers, for REST tests too.
 */
trait WooCommerce_Fixtures {

	protected function set_up_woocommerce(): void {
		$this->reset_mailer();
		global $wpdb;
		foreach ( (array) $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'woocommerce\\_%\\_settings'" ) as $name ) {
			delete_option( $name );
		}
		delete_option( Mapping_Store::OPTION );
		update_option( 'woocommerce_custom_orders_table_enabled', 'no' );
		update_option( 'woocommerce_currency', 'EUR' );
		update_option( 'woocommerce_email_from_name', 'Nordlicht Supply' );
		update_option( 'woocommerce_email_from_address', 'shop@example.test' );
		update_option( 'blogname', 'Nordlicht Supply' );
	}

	/**
	 * Drops the WC_Emails singleton, so the next WC()->mailer() builds (and hooks) every email
	 * again, including classes a test adds on `woocommerce_email_classes`.
	 */
	protected function reset_mailer(): void {
		$property = new \ReflectionProperty( \WC_Emails::class, '_instance' );
		$property->setAccessible( true );
		$property->setValue( null, null );
	}

	protected function use_hpos( bool $on ): void {
		update_option( 'woocommerce_custom_orders_table_enabled', $on ? 'yes' : 'no' );
	}

	/**
	 * A pending order as checkout leaves it: two products, a coupon, shipping, tax.
	 */
	protected function create_order( array $billing = array() ): \WC_Order {
		$beanie = new \WC_Product_Simple();
		$beanie->set_name( 'Merino Wool Beanie' );
		$beanie->set_sku( 'NL-BEANIE-CH' );
		$beanie->set_regular_price( '24.00' );
		$beanie->save();
		$guide = new \WC_Product_Simple();
		$guide->set_name( 'Field Guide to Nordic Birds' );
		$guide->set_sku( 'NL-EBOOK-BIRDS' );
		$guide->set_regular_price( '12.50' );
		$guide->save();

		$order = wc_create_order( array( 'customer_note' => "Please leave at door.\nThank you!" ) );
		$order->set_address(
			array_merge(
				array(
					'first_name' => 'Chloé',
					'last_name'  => 'Dvořák',
					'company'    => 'Dvořák & Filles',
					'address_1'  => "12 Rue de l'Église",
					'city'       => 'Paris',
					'postcode'   => '75004',
					'country'    => 'FR',
					'email'      => 'chloe@example.org',
					'phone'      => '+33 6 12 34 56 78',
				),
				$billing
			),
			'billing'
		);
		$order->set_address( array( 'first_name' => 'Chloé', 'last_name' => 'Dvořák', 'address_1' => "4 Quai d'Orléans", 'city' => 'Paris', 'postcode' => '75004', 'country' => 'FR' ), 'shipping' );
		$order->add_product( $beanie, 2, array( 'meta' => array( 'Colour' => 'Charcoal' ) ) );
		$order->add_product( $guide, 1 );
		$order->add_item( new \WC_Order_Item_Shipping( array( 'name' => 'Flat rate', 'method_title' => 'Flat rate', 'total' => '4.90' ) ) );
		$order->add_item( new \WC_Order_Item_Coupon( array( 'name' => 'welcome10', 'code' => 'welcome10', 'discount' => '6.05' ) ) );
		$order->set_discount_total( '6.05' );
		$order->set_shipping_total( '4.90' );
		$order->set_cart_tax( '11.87' );
		$order->set_total( '71.22' );
		$order->set_payment_method( 'stripe' );
		$order->set_payment_method_title( 'Credit card (Stripe)' );
		$order->save();
		return wc_get_order( $order->get_id() );
	}

	/**
	 * @return array<int, array<string, mixed>> The relay requests in the template form.
	 */
	protected function template_sends( Relay_Stub $relay ): array {
		return array_values( array_filter( $relay->sends(), static fn( $r ) => isset( $r['body']['template_id'] ) ) );
	}

	/**
	 * @return array<int, array<string, mixed>> The relay requests in the raw form.
	 */
	protected function raw_sends( Relay_Stub $relay ): array {
		return array_values( array_filter( $relay->sends(), static fn( $r ) => isset( $r['body']['raw'] ) ) );
	}
}
