<?php
/**
 * Mirrors includes/abstracts/abstract-wc-order.php, includes/class-wc-order.php and
 * includes/class-wc-order-refund.php: the getters of reference §3.5, set_status() with the
 * status transition hooks, meta, and save() through the data store that
 * OrderUtil::custom_orders_table_usage_is_enabled() selects (HPOS or posts).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

abstract class WC_Abstract_Order {

	protected $id = 0;

	protected $data = array(
		'parent_id'          => 0,
		'status'             => '',
		'currency'           => '',
		'prices_include_tax' => false,
		'date_created'       => null,
		'discount_total'     => 0,
		'discount_tax'       => 0,
		'shipping_total'     => 0,
		'shipping_tax'       => 0,
		'cart_tax'           => 0,
		'total'              => 0,
		'total_tax'          => 0,
	);

	/** @var array<int, WC_Order_Item> Items by id (line items, shipping, coupons). */
	protected $items = array();

	/** @var array<string, mixed> */
	protected $meta = array();

	protected $object_read = false;

	public function __construct( $order = 0 ) {
		if ( is_numeric( $order ) && $order > 0 ) {
			$this->id = (int) $order;
			WC_Data_Store::load( 'order' )->read( $this );
		}
		$this->object_read = true;
	}

	abstract public function get_type();

	public function get_id() {
		return $this->id;
	}

	public function set_id( $id ) {
		$this->id = (int) $id;
	}

	public function get_data_keys() {
		return array_keys( $this->data );
	}

	/** @internal The data store's way in. */
	public function get_prop_values() {
		$props = $this->data;
		if ( $props['date_created'] instanceof WC_DateTime ) {
			$props['date_created'] = $props['date_created']->getTimestamp();
		}
		return $props;
	}

	/** @internal The data store's way in. */
	public function set_prop_values( array $props, array $items, array $meta ) {
		foreach ( $props as $key => $value ) {
			if ( array_key_exists( $key, $this->data ) ) {
				$this->data[ $key ] = $value;
			}
		}
		if ( is_numeric( $this->data['date_created'] ) ) {
			$this->data['date_created'] = self::datetime( (int) $this->data['date_created'] );
		}
		$this->items = array();
		foreach ( $items as $record ) {
			$class = array(
				'line_item' => 'WC_Order_Item_Product',
				'shipping'  => 'WC_Order_Item_Shipping',
				'coupon'    => 'WC_Order_Item_Coupon',
			)[ $record['type'] ] ?? 'WC_Order_Item_Product';
			unset( $record['type'] );
			$record['order_id']              = $this->id;
			$this->items[ (int) $record['id'] ] = new $class( $record );
		}
		$this->meta = $meta;
	}

	/** @internal */
	public function get_item_records() {
		return array_values( array_map( static fn( $item ) => $item->to_record(), $this->items ) );
	}

	/** @internal */
	public function get_meta_values() {
		return $this->meta;
	}

	protected static function datetime( $timestamp ) {
		$date = new WC_DateTime( '@' . $timestamp, new DateTimeZone( 'UTC' ) );
		$date->setTimezone( wp_timezone() );
		return $date;
	}

	protected function get_prop( $key ) {
		return $this->data[ $key ];
	}

	protected function set_prop( $key, $value ) {
		$this->data[ $key ] = $value;
	}

	public function get_parent_id() {
		return (int) $this->data['parent_id'];
	}

	public function get_status( $context = 'view' ) {
		return $this->data['status'];
	}

	public function get_currency( $context = 'view' ) {
		return $this->data['currency'];
	}

	public function get_prices_include_tax() {
		return (bool) $this->data['prices_include_tax'];
	}

	public function get_date_created( $context = 'view' ) {
		return $this->data['date_created'];
	}

	public function get_discount_total( $context = 'view' ) {
		return (string) $this->data['discount_total'];
	}

	public function get_discount_tax( $context = 'view' ) {
		return (string) $this->data['discount_tax'];
	}

	public function get_shipping_total( $context = 'view' ) {
		return (string) $this->data['shipping_total'];
	}

	public function get_shipping_tax( $context = 'view' ) {
		return (string) $this->data['shipping_tax'];
	}

	public function get_cart_tax( $context = 'view' ) {
		return (string) $this->data['cart_tax'];
	}

	public function get_total( $context = 'view' ) {
		return (string) $this->data['total'];
	}

	public function get_total_tax( $context = 'view' ) {
		return (string) $this->data['total_tax'];
	}

	public function set_currency( $value ) {
		$this->set_prop( 'currency', strtoupper( (string) $value ) );
	}

	public function set_date_created( $timestamp ) {
		$this->set_prop( 'date_created', self::datetime( is_numeric( $timestamp ) ? (int) $timestamp : (int) strtotime( (string) $timestamp ) ) );
	}

	public function set_discount_total( $value ) {
		$this->set_prop( 'discount_total', wc_format_decimal( $value ) );
	}

	public function set_discount_tax( $value ) {
		$this->set_prop( 'discount_tax', wc_format_decimal( $value ) );
	}

	public function set_shipping_total( $value ) {
		$this->set_prop( 'shipping_total', wc_format_decimal( $value ) );
	}

	public function set_shipping_tax( $value ) {
		$this->set_prop( 'shipping_tax', wc_format_decimal( $value ) );
	}

	public function set_cart_tax( $value ) {
		$this->set_prop( 'cart_tax', wc_format_decimal( $value ) );
	}

	public function set_total( $value ) {
		$this->set_prop( 'total', wc_format_decimal( $value ) );
	}

	public function set_parent_id( $value ) {
		$this->set_prop( 'parent_id', absint( $value ) );
	}

	/**
	 * @return array{from: string, to: string}
	 */
	public function set_status( $new_status ) {
		$old_status = $this->get_status();
		$new_status = 'wc-' === substr( $new_status, 0, 3 ) ? substr( $new_status, 3 ) : $new_status;
		$this->set_prop( 'status', $new_status );
		return array(
			'from' => $old_status,
			'to'   => $new_status,
		);
	}

	public function get_meta( $key = '', $single = true, $context = 'view' ) {
		return $this->meta[ $key ] ?? '';
	}

	public function update_meta_data( $key, $value, $meta_id = 0 ) {
		$this->meta[ $key ] = $value;
	}

	public function add_meta_data( $key, $value, $unique = false ) {
		$this->meta[ $key ] = $value;
	}

	/**
	 * Items of a type: 'line_item' (default), 'shipping', 'coupon', or a list of them.
	 *
	 * @return WC_Order_Item[]
	 */
	public function get_items( $types = 'line_item' ) {
		$types = (array) $types;
		$items = array_filter( $this->items, static fn( $item ) => in_array( $item->get_type(), $types, true ) );
		return apply_filters( 'woocommerce_order_get_items', $items, $this, $types );
	}

	public function add_item( WC_Order_Item $item ) {
		if ( ! $item->get_id() ) {
			$next = (int) get_option( 'woocommerce_stand_in_next_item_id', 1 );
			update_option( 'woocommerce_stand_in_next_item_id', $next + 1, false );
			$item->set_id( $next );
		}
		$item->set_order_id( $this->id );
		$this->items[ $item->get_id() ] = $item;
	}

	/**
	 * abstract-wc-order.php add_product(): a line item for $qty of $product; totals default to
	 * price × qty.
	 *
	 * @return int Item id.
	 */
	public function add_product( $product, $qty = 1, $args = array() ) {
		$default = wc_format_decimal( (float) $product->get_price() * $qty );
		$args    = wp_parse_args(
			$args,
			array(
				'name'         => $product->get_name(),
				'product_id'   => $product->get_id(),
				'variation_id' => 0,
				'quantity'     => $qty,
				'subtotal'     => $default,
				'total'        => $default,
				'subtotal_tax' => 0,
				'total_tax'    => 0,
			)
		);
		$meta    = $args['meta'] ?? array();
		unset( $args['meta'] );
		$item = new WC_Order_Item_Product( $args );
		foreach ( $meta as $key => $value ) {
			$item->add_meta_data( $key, $value );
		}
		$this->add_item( $item );
		return $item->get_id();
	}

	/**
	 * Sum of line subtotals (before discounts).
	 */
	public function get_subtotal() {
		$subtotal = 0;
		foreach ( $this->get_items() as $item ) {
			$subtotal += (float) $item->get_subtotal();
		}
		return apply_filters( 'woocommerce_order_get_subtotal', (float) $subtotal, $this );
	}

	public function save() {
		WC_Data_Store::load( 'order' )->save( $this );
		return $this->get_id();
	}
}

class WC_Order extends WC_Abstract_Order { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	protected $status_transition = false;

	protected $data = array(
		'parent_id'            => 0,
		'status'               => '',
		'currency'             => '',
		'prices_include_tax'   => false,
		'date_created'         => null,
		'discount_total'       => 0,
		'discount_tax'         => 0,
		'shipping_total'       => 0,
		'shipping_tax'         => 0,
		'cart_tax'             => 0,
		'total'                => 0,
		'total_tax'            => 0,
		'customer_id'          => 0,
		'order_key'            => '',
		'billing'              => array(),
		'shipping'             => array(),
		'payment_method'       => '',
		'payment_method_title' => '',
		'transaction_id'       => '',
		'customer_note'        => '',
		'date_paid'            => null,
	);

	private const ADDRESS_FIELDS = array( 'first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country', 'email', 'phone' );

	public function get_type() {
		return 'shop_order';
	}

	public function __call( $name, $args ) {
		if ( preg_match( '/^(get|set)_(billing|shipping)_(' . implode( '|', self::ADDRESS_FIELDS ) . ')$/', $name, $m ) ) {
			if ( 'get' === $m[1] ) {
				return (string) ( $this->data[ $m[2] ][ $m[3] ] ?? '' );
			}
			$this->data[ $m[2] ][ $m[3] ] = (string) $args[0];
			return null;
		}
		throw new BadMethodCallException( "WC_Order::{$name}() is not in the stand-in" );
	}

	/**
	 * class-wc-order.php set_status(): a transition is remembered once the object was read,
	 * and fired by save().
	 */
	public function set_status( $new_status, $note = '', $manual_update = false ) {
		$result = parent::set_status( $new_status );
		if ( true === $this->object_read && ! empty( $result['from'] ) && $result['from'] !== $result['to'] ) {
			$this->status_transition = array(
				'from'   => ! empty( $this->status_transition['from'] ) ? $this->status_transition['from'] : $result['from'],
				'to'     => $result['to'],
				'note'   => $note,
				'manual' => (bool) $manual_update,
			);
			if ( in_array( $result['to'], wc_get_is_paid_statuses(), true ) && ! $this->data['date_paid'] ) {
				$this->data['date_paid'] = time();
			}
		}
		return $result;
	}

	public function update_status( $new_status, $note = '', $manual = false ) {
		$this->set_status( $new_status, $note, $manual );
		$this->save();
		return true;
	}

	/**
	 * class-wc-order.php payment_complete(): processing (or completed for downloads-only
	 * orders, not reproduced), fires woocommerce_payment_complete after saving.
	 */
	public function payment_complete( $transaction_id = '' ) {
		if ( $this->has_status( apply_filters( 'woocommerce_valid_order_statuses_for_payment_complete', array( 'on-hold', 'pending', 'failed', 'cancelled' ), $this ) ) ) {
			if ( ! empty( $transaction_id ) ) {
				$this->data['transaction_id'] = (string) $transaction_id;
			}
			$this->set_status( apply_filters( 'woocommerce_payment_complete_order_status', 'processing', $this->get_id(), $this ) );
			$this->save();
			do_action( 'woocommerce_payment_complete', $this->get_id(), $transaction_id );
		}
		return true;
	}

	public function save() {
		parent::save();
		$this->status_transition();
		return $this->get_id();
	}

	/**
	 * class-wc-order.php status_transition(): `woocommerce_order_status_{to}` then, with a
	 * previous status, `woocommerce_order_status_{from}_to_{to}` and `…_changed`.
	 */
	protected function status_transition() {
		$status_transition       = $this->status_transition;
		$this->status_transition = false;
		if ( $status_transition ) {
			do_action( 'woocommerce_order_status_' . $status_transition['to'], $this->get_id(), $this );
			if ( ! empty( $status_transition['from'] ) ) {
				do_action( 'woocommerce_order_status_' . $status_transition['from'] . '_to_' . $status_transition['to'], $this->get_id(), $this );
				do_action( 'woocommerce_order_status_changed', $this->get_id(), $status_transition['from'], $status_transition['to'], $this );
			}
		}
	}

	public function has_status( $status ) {
		return apply_filters( 'woocommerce_order_has_status', ( is_array( $status ) && in_array( $this->get_status(), $status, true ) ) || $this->get_status() === $status, $this, $status );
	}

	public function get_order_number() {
		return (string) apply_filters( 'woocommerce_order_number', $this->get_id(), $this );
	}

	public function get_order_key() {
		return (string) $this->data['order_key'];
	}

	public function set_order_key( $value ) {
		$this->data['order_key'] = (string) $value;
	}

	public function get_customer_id() {
		return (int) $this->data['customer_id'];
	}

	public function get_user_id() {
		return $this->get_customer_id();
	}

	public function set_customer_id( $value ) {
		$this->data['customer_id'] = absint( $value );
	}

	/**
	 * @return WP_User|false
	 */
	public function get_user() {
		return $this->get_user_id() ? get_user_by( 'id', $this->get_user_id() ) : false;
	}

	public function get_payment_method() {
		return (string) $this->data['payment_method'];
	}

	public function get_payment_method_title() {
		return (string) $this->data['payment_method_title'];
	}

	public function set_payment_method( $value ) {
		$this->data['payment_method'] = (string) $value;
	}

	public function set_payment_method_title( $value ) {
		$this->data['payment_method_title'] = (string) $value;
	}

	public function get_transaction_id() {
		return (string) $this->data['transaction_id'];
	}

	public function get_customer_note() {
		return (string) $this->data['customer_note'];
	}

	public function set_customer_note( $value ) {
		$this->data['customer_note'] = (string) $value;
	}

	public function get_date_paid() {
		return $this->data['date_paid'] ? self::datetime( (int) $this->data['date_paid'] ) : null;
	}

	/**
	 * @param array $address Field => value.
	 */
	public function set_address( $address, $type = 'billing' ) {
		foreach ( $address as $key => $value ) {
			$this->data[ $type ][ $key ] = (string) $value;
		}
	}

	public function get_address( $type = 'billing' ) {
		return apply_filters( 'woocommerce_get_order_address', array_merge( array_fill_keys( self::ADDRESS_FIELDS, '' ), $this->data[ $type ] ), $type, $this );
	}

	public function get_formatted_billing_full_name() {
		/* translators: 1: first name 2: last name */
		return sprintf( _x( '%1$s %2$s', 'full name', 'woocommerce' ), $this->get_billing_first_name(), $this->get_billing_last_name() );
	}

	public function get_formatted_shipping_full_name() {
		/* translators: 1: first name 2: last name */
		return sprintf( _x( '%1$s %2$s', 'full name', 'woocommerce' ), $this->get_shipping_first_name(), $this->get_shipping_last_name() );
	}

	/**
	 * WC_Countries::get_formatted_address() in short: escaped lines joined with `<br/>`.
	 */
	protected function format_address( $type ) {
		$a     = $this->get_address( $type );
		$lines = array(
			trim( $a['first_name'] . ' ' . $a['last_name'] ),
			$a['company'],
			$a['address_1'],
			$a['address_2'],
			trim( $a['postcode'] . ' ' . $a['city'] ),
			$a['state'],
			$a['country'],
		);
		$lines = array_filter( array_map( 'trim', $lines ), 'strlen' );
		return implode( '<br/>', array_map( 'esc_html', $lines ) );
	}

	public function get_formatted_billing_address( $empty_content = '' ) {
		$address = apply_filters( 'woocommerce_order_get_formatted_billing_address', $this->format_address( 'billing' ), $this->get_address( 'billing' ), $this );
		return $address ? $address : $empty_content;
	}

	public function has_shipping_address() {
		return '' !== $this->get_shipping_address_1() || '' !== $this->get_shipping_address_2();
	}

	public function get_formatted_shipping_address( $empty_content = '' ) {
		$address = $this->has_shipping_address() ? $this->format_address( 'shipping' ) : '';
		$address = apply_filters( 'woocommerce_order_get_formatted_shipping_address', $address, $this->get_address( 'shipping' ), $this );
		return $address ? $address : $empty_content;
	}

	/**
	 * @return WC_Order_Item_Shipping[]
	 */
	public function get_shipping_methods() {
		return $this->get_items( 'shipping' );
	}

	public function get_shipping_method() {
		$names = array();
		foreach ( $this->get_shipping_methods() as $shipping_method ) {
			$names[] = $shipping_method->get_name();
		}
		return apply_filters( 'woocommerce_order_shipping_method', implode( ', ', $names ), $this );
	}

	/**
	 * @return WC_Order_Item_Coupon[]
	 */
	public function get_coupons() {
		return $this->get_items( 'coupon' );
	}

	public function get_coupon_codes() {
		return array_values( array_map( static fn( $coupon ) => $coupon->get_code(), $this->get_coupons() ) );
	}

	public function get_total_discount( $ex_tax = true ) {
		$total_discount = $ex_tax ? (float) $this->get_discount_total() : (float) $this->get_discount_total() + (float) $this->get_discount_tax();
		return apply_filters( 'woocommerce_order_get_total_discount', round( $total_discount, 2 ), $this );
	}

	public function get_item_subtotal( $item, $inc_tax = false, $round = true ) {
		$qty      = max( 1, $item->get_quantity() );
		$subtotal = ( (float) $item->get_subtotal() + ( $inc_tax ? (float) $item->get_subtotal_tax() : 0 ) ) / $qty;
		return $round ? round( $subtotal, 2 ) : $subtotal;
	}

	public function get_item_total( $item, $inc_tax = false, $round = true ) {
		$qty   = max( 1, $item->get_quantity() );
		$total = ( (float) $item->get_total() + ( $inc_tax ? (float) $item->get_total_tax() : 0 ) ) / $qty;
		return $round ? round( $total, 2 ) : $total;
	}

	public function get_formatted_line_subtotal( $item, $tax_display = '' ) {
		$subtotal = wc_price( (float) $item->get_subtotal(), array( 'currency' => $this->get_currency() ) );
		return apply_filters( 'woocommerce_order_formatted_line_subtotal', $subtotal, $item, $this );
	}

	public function get_subtotal_to_display( $compound = false, $tax_display = '' ) {
		return apply_filters( 'woocommerce_order_subtotal_to_display', wc_price( $this->get_subtotal(), array( 'currency' => $this->get_currency() ) ), $compound, $this );
	}

	public function get_formatted_order_total( $tax_display = '', $display_refunded = true ) {
		$formatted_total = wc_price( $this->get_total(), array( 'currency' => $this->get_currency() ) );
		$total_refunded  = $this->get_total_refunded();
		if ( $total_refunded && $display_refunded ) {
			$formatted_total = '<del aria-hidden="true">' . wp_strip_all_tags( $formatted_total ) . '</del> <ins>' . wc_price( $this->get_total() - $total_refunded, array( 'currency' => $this->get_currency() ) ) . '</ins>';
		}
		return apply_filters( 'woocommerce_get_formatted_order_total', $formatted_total, $this, $tax_display, $display_refunded );
	}

	/**
	 * The label/value rows order emails print under the items.
	 */
	public function get_order_item_totals( $tax_display = '' ) {
		$currency = array( 'currency' => $this->get_currency() );
		$rows     = array(
			'cart_subtotal' => array(
				'label' => __( 'Subtotal:', 'woocommerce' ),
				'value' => $this->get_subtotal_to_display(),
			),
		);
		if ( $this->get_total_discount() > 0 ) {
			$rows['discount'] = array(
				'label' => __( 'Discount:', 'woocommerce' ),
				'value' => '-' . wc_price( $this->get_total_discount(), $currency ),
			);
		}
		if ( $this->get_shipping_method() ) {
			$rows['shipping'] = array(
				'label' => __( 'Shipping:', 'woocommerce' ),
				'value' => wc_price( $this->get_shipping_total(), $currency ) . '&nbsp;<small class="shipped_via">' . sprintf( __( 'via %s', 'woocommerce' ), esc_html( $this->get_shipping_method() ) ) . '</small>', // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment
			);
		}
		if ( (float) $this->get_total_tax() > 0 ) {
			$rows['tax'] = array(
				'label' => __( 'Tax:', 'woocommerce' ),
				'value' => wc_price( $this->get_total_tax(), $currency ),
			);
		}
		if ( $this->get_total() > 0 && $this->get_payment_method_title() ) {
			$rows['payment_method'] = array(
				'label' => __( 'Payment method:', 'woocommerce' ),
				'value' => $this->get_payment_method_title(),
			);
		}
		$rows['order_total'] = array(
			'label' => __( 'Total:', 'woocommerce' ),
			'value' => $this->get_formatted_order_total( $tax_display ),
		);
		return apply_filters( 'woocommerce_get_order_item_totals', $rows, $this, $tax_display );
	}

	public function is_paid() {
		return apply_filters( 'woocommerce_order_is_paid', $this->has_status( wc_get_is_paid_statuses() ), $this );
	}

	public function needs_payment() {
		$valid_order_statuses = apply_filters( 'woocommerce_valid_order_statuses_for_payment', array( 'pending', 'failed' ), $this );
		return apply_filters( 'woocommerce_order_needs_payment', ( $this->has_status( $valid_order_statuses ) && $this->get_total() > 0 ), $this, $valid_order_statuses );
	}

	public function is_download_permitted() {
		return apply_filters( 'woocommerce_order_is_download_permitted', $this->has_status( 'completed' ) || ( 'yes' === get_option( 'woocommerce_downloads_grant_access_after_payment', 'yes' ) && $this->has_status( 'processing' ) ), $this );
	}

	public function get_checkout_payment_url( $on_checkout = false ) {
		$pay_url = wc_get_endpoint_url( 'order-pay', $this->get_id(), home_url( '/checkout/' ) );
		$pay_url = add_query_arg(
			array(
				'pay_for_order' => 'true',
				'key'           => $this->get_order_key(),
			),
			$pay_url
		);
		return apply_filters( 'woocommerce_get_checkout_payment_url', $pay_url, $this );
	}

	public function get_checkout_order_received_url() {
		$url = add_query_arg( 'key', $this->get_order_key(), wc_get_endpoint_url( 'order-received', $this->get_id(), home_url( '/checkout/' ) ) );
		return apply_filters( 'woocommerce_get_checkout_order_received_url', $url, $this );
	}

	public function get_view_order_url() {
		return apply_filters( 'woocommerce_get_view_order_url', wc_get_endpoint_url( 'view-order', $this->get_id(), wc_get_page_permalink( 'myaccount' ) ), $this );
	}

	public function get_edit_order_url() {
		return apply_filters( 'woocommerce_get_edit_order_url', admin_url( 'post.php?post=' . $this->get_id() ) . '&action=edit', $this );
	}

	/**
	 * @return WC_Order_Refund[]
	 */
	public function get_refunds() {
		return wc_get_orders(
			array(
				'type'   => 'shop_order_refund',
				'parent' => $this->get_id(),
				'limit'  => -1,
			)
		);
	}

	public function get_total_refunded() {
		$total = 0;
		foreach ( $this->get_refunds() as $refund ) {
			$total += (float) $refund->get_amount();
		}
		return $total;
	}

	/**
	 * Negative, as WooCommerce returns it (refund line items carry negative quantities).
	 */
	public function get_qty_refunded_for_item( $item_id, $item_type = 'line_item' ) {
		$qty = 0;
		foreach ( $this->get_refunds() as $refund ) {
			$qty -= (int) ( $refund->get_line_items()[ $item_id ] ?? 0 );
		}
		return $qty;
	}

	/**
	 * abstract-wc-order.php add_order_note(): a customer note fires
	 * `woocommerce_new_customer_note` with one array argument.
	 */
	public function add_order_note( $note, $is_customer_note = 0, $added_by_user = false ) {
		$notes   = (array) $this->get_meta( '_stand_in_notes' );
		$notes[] = array(
			'note'             => $note,
			'is_customer_note' => (bool) $is_customer_note,
		);
		$this->update_meta_data( '_stand_in_notes', $notes );
		$this->save();
		if ( $is_customer_note ) {
			do_action(
				'woocommerce_new_customer_note',
				array(
					'order_id'      => $this->get_id(),
					'customer_note' => $note,
				)
			);
		}
		return count( $notes );
	}
}

class WC_Order_Refund extends WC_Abstract_Order { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	protected $data = array(
		'parent_id'          => 0,
		'status'             => '',
		'currency'           => '',
		'prices_include_tax' => false,
		'date_created'       => null,
		'discount_total'     => 0,
		'discount_tax'       => 0,
		'shipping_total'     => 0,
		'shipping_tax'       => 0,
		'cart_tax'           => 0,
		'total'              => 0,
		'total_tax'          => 0,
		'amount'             => '',
		'reason'             => '',
		'refunded_by'        => 0,
		'line_items'         => array(),
	);

	public function get_type() {
		return 'shop_order_refund';
	}

	public function get_amount() {
		return (string) $this->data['amount'];
	}

	public function get_reason() {
		return (string) $this->data['reason'];
	}

	public function set_amount( $value ) {
		$this->data['amount'] = wc_format_decimal( $value );
		$this->data['total']  = wc_format_decimal( -1 * (float) $value );
	}

	public function set_reason( $value ) {
		$this->data['reason'] = (string) $value;
	}

	/**
	 * @return array<int, int> Refunded quantity per order item id.
	 */
	public function get_line_items() {
		return array_map( 'intval', (array) $this->data['line_items'] );
	}

	public function set_line_items( $line_items ) {
		$this->data['line_items'] = $line_items;
	}
}
