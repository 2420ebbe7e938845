<?php
/**
 * Mirrors includes/wc-order-functions.php and wc-formatting-functions.php's
 * wc_format_decimal(): getting, querying, creating and refunding orders through the data
 * store in use (HPOS or posts).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * @return WC_Order|WC_Order_Refund|false
 */
function wc_get_order( $the_order = false ) {
	if ( $the_order instanceof WC_Abstract_Order ) {
		$the_order = $the_order->get_id();
	}
	$order_id = absint( $the_order );
	if ( ! $order_id ) {
		return false;
	}
	$type = WC_Data_Store::load( 'order' )->get_order_type( $order_id );
	if ( ! $type ) {
		return false;
	}
	$class = apply_filters( 'woocommerce_order_class', 'shop_order_refund' === $type ? 'WC_Order_Refund' : 'WC_Order', $type, $order_id );
	try {
		return new $class( $order_id );
	} catch ( Exception $e ) {
		wc_get_logger()->error( $e->getMessage(), array( 'source' => 'wc_get_order' ) );
		return false;
	}
}

/**
 * The few WC_Order_Query args the email path needs: type, parent, status, limit, return.
 *
 * @return array<int, WC_Abstract_Order|int>
 */
function wc_get_orders( $args ) {
	$args = wp_parse_args(
		$args,
		array(
			'type'   => 'shop_order',
			'parent' => null,
			'status' => array(),
			'limit'  => (int) get_option( 'posts_per_page' ),
			'return' => 'objects',
		)
	);
	$ids  = WC_Data_Store::load( 'order' )->query( $args );
	return 'ids' === $args['return'] ? $ids : array_values( array_filter( array_map( 'wc_get_order', $ids ) ) );
}

function wc_generate_order_key( $key = '' ) {
	if ( '' === $key ) {
		$key = wp_generate_password( 13, false );
	}
	return 'wc_' . apply_filters( 'woocommerce_generate_order_key', 'order_' . $key );
}

/**
 * @return WC_Order|WP_Error
 */
function wc_create_order( $args = array() ) {
	$order = new WC_Order();
	$order->set_order_key( wc_generate_order_key() );
	$order->set_currency( $args['currency'] ?? get_woocommerce_currency() );
	if ( ! empty( $args['customer_id'] ) ) {
		$order->set_customer_id( $args['customer_id'] );
	}
	if ( ! empty( $args['customer_note'] ) ) {
		$order->set_customer_note( $args['customer_note'] );
	}
	if ( ! empty( $args['status'] ) ) {
		$order->set_status( $args['status'] );
	}
	$order->save();
	return $order;
}

/**
 * wc_create_refund(): the refund, then `woocommerce_order_fully_refunded` (and status
 * refunded) or `woocommerce_order_partially_refunded` with ($order_id, $refund_id).
 *
 * @return WC_Order_Refund|WP_Error
 */
function wc_create_refund( $args = array() ) {
	$args  = wp_parse_args(
		$args,
		array(
			'amount'     => 0,
			'reason'     => null,
			'order_id'   => 0,
			'line_items' => array(),
		)
	);
	$order = wc_get_order( $args['order_id'] );
	if ( ! $order ) {
		return new WP_Error( 'error', 'Invalid order ID.' );
	}
	$remaining = (float) $order->get_total() - $order->get_total_refunded();
	if ( 0 > $args['amount'] || $args['amount'] > $remaining ) {
		return new WP_Error( 'error', 'Invalid refund amount.' );
	}
	$refund = new WC_Order_Refund();
	$refund->set_currency( $order->get_currency() );
	$refund->set_amount( $args['amount'] );
	$refund->set_parent_id( $order->get_id() );
	$refund->set_reason( (string) $args['reason'] );
	$line_items = array();
	foreach ( (array) $args['line_items'] as $item_id => $line ) {
		$line_items[ (int) $item_id ] = (int) ( $line['qty'] ?? 0 );
	}
	$refund->set_line_items( $line_items );
	$refund->save();
	do_action( 'woocommerce_refund_created', $refund->get_id(), $args );
	$order = wc_get_order( $order->get_id() );
	if ( abs( (float) $order->get_total() - $order->get_total_refunded() ) < 0.005 ) {
		do_action( 'woocommerce_order_fully_refunded', $order->get_id(), $refund->get_id() );
		$order->update_status( apply_filters( 'woocommerce_order_fully_refunded_status', 'refunded', $order->get_id(), $refund->get_id() ) );
	} else {
		do_action( 'woocommerce_order_partially_refunded', $order->get_id(), $refund->get_id() );
	}
	do_action( 'woocommerce_order_refunded', $order->get_id(), $refund->get_id() );
	return $refund;
}

/**
 * wc-formatting-functions.php wc_format_decimal(), for numeric input.
 */
function wc_format_decimal( $number, $dp = false, $trim_zeros = false ) {
	$number = is_numeric( $number ) ? (string) $number : '0';
	if ( false !== $dp ) {
		$number = number_format( (float) $number, '' === $dp ? wc_get_price_decimals() : (int) $dp, '.', '' );
	}
	return $number;
}
