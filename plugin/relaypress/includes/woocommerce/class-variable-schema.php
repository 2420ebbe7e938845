<?php
/**
 * The variables WooCommerce emails send to their templates, as data.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * What the admin app shows template authors, and what docs/woocommerce-variables.md
 * describes (version Variable_Builder::SCHEMA_VERSION). `emails`: `order` (every email with an
 * order), `refund`, `note`, `account` (password reset, new account), `all`. A change that
 * renames or removes a variable bumps SCHEMA_VERSION; adding one does not.
 */
final class Variable_Schema {

	/** path => [type, emails, description] */
	public const VARIABLES = array(
		'schema_version'                 => array( 'number', 'all', 'Version of this schema (1).' ),
		'email.id'                       => array( 'string', 'all', 'WooCommerce email id, e.g. customer_processing_order.' ),
		'email.heading'                  => array( 'string', 'all', "The email's heading, with the merchant's override and placeholders filled." ),
		'store.name'                     => array( 'string', 'all', 'Site title.' ),
		'store.url'                      => array( 'string', 'all', 'Home URL.' ),
		'store.email'                    => array( 'string', 'all', "WooCommerce's From address." ),
		'currency'                       => array( 'string', 'order', 'ISO 4217 code of the order, e.g. EUR (for the money filter with the *_raw amounts).' ),
		'order.id'                       => array( 'number', 'order', 'Order id.' ),
		'order.order_number'             => array( 'string', 'order', 'Order number as WooCommerce shows it.' ),
		'order.status'                   => array( 'string', 'order', 'Order status without wc- (processing, completed, …).' ),
		'order.date'                     => array( 'string', 'order', 'Date created, in the site date format.' ),
		'order.date_iso'                 => array( 'string', 'order', 'Date created, ISO 8601.' ),
		'order.billing_address'          => array( 'html', 'order', 'Formatted billing address: escaped lines joined with <br/> (print with | raw).' ),
		'order.shipping_address'         => array( 'html', 'order', 'Formatted shipping address, or "".' ),
		'order.billing_company_name'     => array( 'string', 'order', 'Billing company.' ),
		'order.shipping_company_name'    => array( 'string', 'order', 'Shipping company.' ),
		'order.shipping_method'          => array( 'string', 'order', 'Shipping method names, comma separated.' ),
		'order.payment_method'           => array( 'string', 'order', 'Payment method title.' ),
		'order.view_url'                 => array( 'string', 'order', 'My Account → view order URL.' ),
		'order.customer_message'         => array( 'string', 'order', "The customer's note at checkout (text the customer typed)." ),
		'order.refund_reason'            => array( 'string', 'refund', 'Reason of the refund this email is about, else "".' ),
		'items[].product'                => array( 'string', 'order', 'Line item name.' ),
		'items[].quantity'               => array( 'number', 'order', 'Quantity.' ),
		'items[].sku'                    => array( 'string', 'order', 'Product SKU.' ),
		'items[].image'                  => array( 'string|null', 'order', 'Product thumbnail URL, or null.' ),
		'items[].price'                  => array( 'string', 'order', 'Line subtotal, formatted ("€48.00").' ),
		'items[].price_raw'              => array( 'number', 'order', 'Line subtotal.' ),
		'items[].total'                  => array( 'string', 'order', 'Line total after discounts, formatted.' ),
		'items[].total_raw'              => array( 'number', 'order', 'Line total after discounts.' ),
		'items[].downloads[].name'       => array( 'string', 'order', 'Download name (once the order grants downloads).' ),
		'items[].downloads[].url'        => array( 'string', 'order', 'Download URL.' ),
		'items[].meta_data'              => array( 'string', 'order', 'Visible item meta, "Key: value; Key: value".' ),
		'items[].refunded_quantity'      => array( 'number', 'order', 'Quantity refunded so far.' ),
		'items[].new_quantity'           => array( 'number', 'order', 'Quantity minus refunded.' ),
		'order_coupons[].code'           => array( 'string', 'order', 'Coupon code.' ),
		'order_coupons[].discount'       => array( 'string', 'order', 'Discount, formatted.' ),
		'order_coupons[].discount_raw'   => array( 'number', 'order', 'Discount.' ),
		'customer.first_name'            => array( 'string', 'order', 'Billing first name.' ),
		'customer.last_name'             => array( 'string', 'order', 'Billing last name.' ),
		'customer.name'                  => array( 'string', 'order', 'Billing full name.' ),
		'customer.email'                 => array( 'string', 'order', 'Billing email.' ),
		'customer.phone'                 => array( 'string', 'order', 'Billing phone.' ),
		'customer.username'              => array( 'string', 'order', 'Login of the customer account, "" for guests.' ),
		'invoice.subtotal'               => array( 'string', 'order', 'Items subtotal, formatted (each amount also as *_raw).' ),
		'invoice.discount_total'         => array( 'string', 'order', 'Discount total, formatted.' ),
		'invoice.tax'                    => array( 'string', 'order', 'Total tax, formatted.' ),
		'invoice.shipping_total'         => array( 'string', 'order', 'Shipping, formatted.' ),
		'invoice.pay_method'             => array( 'string', 'order', 'Payment method title.' ),
		'invoice.pay_url'                => array( 'string', 'order', 'Checkout payment URL while the order needs payment, else "".' ),
		'invoice.total'                  => array( 'string', 'order', 'Order total, formatted.' ),
		'invoice.total_refunded'         => array( 'string', 'order', 'Refunded so far, formatted, "" when nothing was refunded.' ),
		'invoice.new_total'              => array( 'string', 'order', 'Total minus refunds, formatted, "" when nothing was refunded.' ),
		'refund.id'                      => array( 'number', 'refund', 'Refund id.' ),
		'refund.amount'                  => array( 'string', 'refund', 'This refund, formatted (also amount_raw).' ),
		'refund.reason'                  => array( 'string', 'refund', 'This refund\'s reason.' ),
		'refund.partial'                 => array( 'boolean', 'refund', 'True for customer_partially_refunded_order.' ),
		'note_to_customer'               => array( 'string', 'note', 'The note added for the customer (customer_note).' ),
		'user.username'                  => array( 'string', 'account', 'Login (also on order emails of registered customers).' ),
		'user.name'                      => array( 'string', 'account', 'Display name.' ),
		'user.email'                     => array( 'string', 'account', 'Account email.' ),
		'user.reset_key'                 => array( 'string', 'account', 'Password reset key (customer_reset_password).' ),
		'user.reset_link'                => array( 'string', 'account', 'The reset link WooCommerce prints (customer_reset_password).' ),
		'user.set_password_link'         => array( 'string', 'account', 'Set-password link for a generated password (customer_new_account).' ),
	);

	/**
	 * @return array<int, array{path: string, type: string, emails: string, description: string}>
	 */
	public static function rows(): array {
		$rows = array();
		foreach ( self::VARIABLES as $path => $spec ) {
			$rows[] = array(
				'path'        => $path,
				'type'        => $spec[0],
				'emails'      => $spec[1],
				'description' => $spec[2],
			);
		}
		return $rows;
	}
}
