<?php
/**
 * Template data for a WooCommerce email: MailerSend's WooCommerce shape plus raw amounts.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * The schema is docs/woocommerce-variables.md, version SCHEMA_VERSION (sent as
 * `schema_version`). Everything is read through WooCommerce's order API (WC_Order getters,
 * wc_get_order()), never post meta, so HPOS and the posts storage give the same data. Money
 * comes twice: formatted as WooCommerce prints it (wc_price(), tags stripped, entities
 * decoded: "€24.00") and as a number in `<name>_raw`, with the order's `currency` code.
 * Absent text is "" (as MailerSend sends it), so templates test `!= blank`.
 */
final class Variable_Builder {

	public const SCHEMA_VERSION = 1;

	/**
	 * The data for an email WooCommerce is sending: its object (order, user) and the extras
	 * the email class holds (note, reset key, set-password URL, refund).
	 *
	 * @return array<string, mixed>
	 */
	public function for_email( \WC_Email $email ): array {
		$extras = array(
			'heading'          => self::call( $email, 'get_heading' ),
			'from_address'     => self::call( $email, 'get_from_address' ), // With `woocommerce_email_from_address`, as the send's From.
			'note'             => isset( $email->customer_note ) ? (string) $email->customer_note : null,
			'reset_key'        => isset( $email->reset_key ) ? (string) $email->reset_key : null,
			'user_login'       => isset( $email->user_login ) ? (string) $email->user_login : null,
			'set_password_url' => isset( $email->set_password_url ) ? (string) $email->set_password_url : null,
			'refund'           => isset( $email->refund ) && $email->refund instanceof \WC_Order_Refund ? $email->refund : null,
			'partial_refund'   => ! empty( $email->partial_refund ),
		);
		return $this->build( (string) $email->id, $email->object, $extras );
	}

	/**
	 * @param mixed                $object WC_Order, WP_User, or anything else (store data only).
	 * @param array<string, mixed> $extras See for_email().
	 * @return array<string, mixed>
	 */
	public function build( string $email_id, $object, array $extras = array() ): array {
		$data = array(
			'schema_version' => self::SCHEMA_VERSION,
			'email'          => array(
				'id'      => $email_id,
				'heading' => (string) ( $extras['heading'] ?? '' ),
			),
			'store'          => $this->store( (string) ( $extras['from_address'] ?? '' ) ),
		);
		if ( $object instanceof \WC_Order ) {
			$data = array_merge( $data, $this->order_data( $object, $extras ) );
		}
		$user = $object instanceof \WP_User ? $object : ( $object instanceof \WC_Order && $object->get_user() instanceof \WP_User ? $object->get_user() : null );
		if ( null !== $user || isset( $extras['reset_key'] ) ) {
			$data['user'] = $this->user( $user, $extras );
		}
		if ( null !== ( $extras['note'] ?? null ) ) {
			$data['note_to_customer'] = (string) $extras['note'];
		}
		return (array) apply_filters( 'relaypress_woocommerce_variables', $data, $email_id, $object, $extras );
	}

	/**
	 * @param string $from_address The email's From address ('' when not sending an email).
	 * @return array{name: string, url: string, email: string}
	 */
	private function store( string $from_address ): array {
		return array(
			'name'  => wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES ),
			'url'   => home_url(),
			'email' => '' !== $from_address ? $from_address : (string) get_option( 'woocommerce_email_from_address', get_option( 'admin_email' ) ),
		);
	}

	/**
	 * @param array<string, mixed> $extras Refund etc.
	 * @return array<string, mixed>
	 */
	private function order_data( \WC_Order $order, array $extras ): array {
		$currency = (string) $order->get_currency();
		$money    = fn( $amount ): string => $this->money( $amount, $currency );
		$refund   = $extras['refund'] ?? null;

		$total_refunded = (float) $order->get_total_refunded();
		$items          = array();
		foreach ( $order->get_items() as $item_id => $item ) {
			if ( ! $item instanceof \WC_Order_Item_Product ) {
				continue;
			}
			$items[] = $this->item( $order, (int) $item_id, $item, $money );
		}

		$coupons = array();
		foreach ( $order->get_items( 'coupon' ) as $coupon ) {
			$coupons[] = array(
				'code'         => (string) $coupon->get_code(),
				'discount'     => $money( $coupon->get_discount() ),
				'discount_raw' => (float) $coupon->get_discount(),
			);
		}

		$customer_name = trim( $order->get_formatted_billing_full_name() );
		$user          = $order->get_user();
		$data          = array(
			'currency'      => $currency,
			'order'         => array(
				'id'                    => (int) $order->get_id(),
				'order_number'          => (string) $order->get_order_number(),
				'status'                => (string) $order->get_status(),
				'date'                  => function_exists( 'wc_format_datetime' ) ? (string) wc_format_datetime( $order->get_date_created() ) : '',
				'date_iso'              => $order->get_date_created() ? $order->get_date_created()->format( DATE_ATOM ) : '',
				'billing_address'       => (string) $order->get_formatted_billing_address(),
				'shipping_address'      => (string) $order->get_formatted_shipping_address(),
				'billing_company_name'  => (string) $order->get_billing_company(),
				'shipping_company_name' => (string) $order->get_shipping_company(),
				'shipping_method'       => (string) $order->get_shipping_method(),
				'payment_method'        => (string) $order->get_payment_method_title(),
				'view_url'              => (string) $order->get_view_order_url(),
				'customer_message'      => (string) $order->get_customer_note(),
				'refund_reason'         => $refund instanceof \WC_Order_Refund ? (string) $refund->get_reason() : '',
			),
			'items'         => $items,
			'order_coupons' => $coupons,
			'customer'      => array(
				'first_name' => (string) $order->get_billing_first_name(),
				'last_name'  => (string) $order->get_billing_last_name(),
				'name'       => $customer_name,
				'email'      => (string) $order->get_billing_email(),
				'phone'      => (string) $order->get_billing_phone(),
				'username'   => $user instanceof \WP_User ? (string) $user->user_login : '',
			),
			'invoice'       => array(
				'subtotal'           => $money( $order->get_subtotal() ),
				'subtotal_raw'       => (float) $order->get_subtotal(),
				'discount_total'     => $money( $order->get_total_discount() ),
				'discount_total_raw' => (float) $order->get_total_discount(),
				'tax'                => $money( $order->get_total_tax() ),
				'tax_raw'            => (float) $order->get_total_tax(),
				'shipping_total'     => $money( $order->get_shipping_total() ),
				'shipping_total_raw' => (float) $order->get_shipping_total(),
				'pay_method'         => (string) $order->get_payment_method_title(),
				'pay_url'            => $order->needs_payment() ? (string) $order->get_checkout_payment_url() : '',
				'total'              => $money( $order->get_total() ),
				'total_raw'          => (float) $order->get_total(),
				'total_refunded'     => $total_refunded > 0 ? $money( $total_refunded ) : '',
				'total_refunded_raw' => $total_refunded,
				'new_total'          => $total_refunded > 0 ? $money( (float) $order->get_total() - $total_refunded ) : '',
				'new_total_raw'      => (float) $order->get_total() - $total_refunded,
			),
		);
		if ( $refund instanceof \WC_Order_Refund ) {
			$data['refund'] = array(
				'id'         => (int) $refund->get_id(),
				'amount'     => $money( $refund->get_amount() ),
				'amount_raw' => (float) $refund->get_amount(),
				'reason'     => (string) $refund->get_reason(),
				'partial'    => (bool) ( $extras['partial_refund'] ?? false ),
			);
		}
		return $data;
	}

	/**
	 * @return array<string, mixed>
	 */
	private function item( \WC_Order $order, int $item_id, \WC_Order_Item_Product $item, callable $money ): array {
		$product   = $item->get_product();
		$image_id  = $product ? (int) $product->get_image_id() : 0;
		$image     = $image_id ? wp_get_attachment_image_url( $image_id, 'thumbnail' ) : false;
		$downloads = array();
		foreach ( (array) $item->get_item_downloads() as $download ) {
			$downloads[] = array(
				'name' => (string) ( $download['name'] ?? '' ),
				'url'  => (string) ( $download['download_url'] ?? '' ),
			);
		}
		$meta = array();
		foreach ( (array) $item->get_formatted_meta_data() as $entry ) {
			$meta[] = wp_strip_all_tags( (string) $entry->display_key ) . ': ' . trim( wp_strip_all_tags( (string) $entry->display_value ) );
		}
		$quantity = (int) $item->get_quantity();
		$refunded = abs( (int) $order->get_qty_refunded_for_item( $item_id ) );
		return array(
			'product'           => (string) $item->get_name(),
			'quantity'          => $quantity,
			'sku'               => $product ? (string) $product->get_sku() : '',
			'image'             => $image ? (string) $image : null,
			'price'             => $money( $item->get_subtotal() ),
			'price_raw'         => (float) $item->get_subtotal(),
			'total'             => $money( $item->get_total() ),
			'total_raw'         => (float) $item->get_total(),
			'downloads'         => $downloads,
			'meta_data'         => implode( '; ', $meta ),
			'refunded_quantity' => $refunded,
			'new_quantity'      => $quantity - $refunded,
		);
	}

	/**
	 * @param array<string, mixed> $extras Reset key, login, set-password URL.
	 * @return array<string, string>
	 */
	private function user( ?\WP_User $user, array $extras ): array {
		$login     = null !== $user ? (string) $user->user_login : (string) ( $extras['user_login'] ?? '' );
		$reset_key = (string) ( $extras['reset_key'] ?? '' );
		$data      = array(
			'username'          => $login,
			'name'              => null !== $user ? (string) $user->display_name : '',
			'email'             => null !== $user ? (string) $user->user_email : '',
			'reset_key'         => $reset_key,
			'reset_link'        => '',
			'set_password_link' => (string) ( $extras['set_password_url'] ?? '' ),
		);
		if ( '' !== $reset_key && null !== $user ) {
			// The link WooCommerce's own reset email prints (templates/emails/customer-reset-password.php).
			$data['reset_link'] = add_query_arg(
				array(
					'key' => $reset_key,
					'id'  => $user->ID,
				),
				wc_get_endpoint_url( 'lost-password', '', wc_get_page_permalink( 'myaccount' ) )
			);
		}
		return $data;
	}

	/**
	 * wc_price() as text: "€24.00".
	 *
	 * @param mixed $amount Number.
	 */
	private function money( $amount, string $currency ): string {
		return html_entity_decode( wp_strip_all_tags( (string) wc_price( (float) $amount, array( 'currency' => $currency ) ) ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	}

	/**
	 * @return string
	 */
	private static function call( object $email, string $method ): string {
		try {
			return method_exists( $email, $method ) ? (string) $email->$method() : '';
		} catch ( \Throwable $e ) {
			return '';
		}
	}
}
