<?php
/**
 * Mirrors includes/class-wc-data-store.php (WC_Data_Store::load) and
 * includes/data-stores/class-wc-order-data-store-cpt.php: the legacy storage, an order is a
 * `shop_order` post (refund: `shop_order_refund`, parent = order) with status `wc-<status>`
 * and WooCommerce's meta keys (`_billing_email`, `_order_total`, `_order_currency`, …).
 * Simplified: items are kept in the meta `_stand_in_items` (real WooCommerce: the
 * `woocommerce_order_items` tables, shared by both storages).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

use Automattic\WooCommerce\Utilities\OrderUtil;

class WC_Data_Store {

	/**
	 * @return WC_Order_Data_Store_CPT|Automattic\WooCommerce\Internal\DataStores\Orders\OrdersTableDataStore
	 */
	public static function load( $object_type ) {
		return OrderUtil::custom_orders_table_usage_is_enabled()
			? new Automattic\WooCommerce\Internal\DataStores\Orders\OrdersTableDataStore()
			: new WC_Order_Data_Store_CPT();
	}
}

class WC_Order_Data_Store_CPT { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	/** Props kept under WooCommerce's own meta keys. */
	private const META_KEYS = array(
		'currency'             => '_order_currency',
		'customer_id'          => '_customer_user',
		'order_key'            => '_order_key',
		'payment_method'       => '_payment_method',
		'payment_method_title' => '_payment_method_title',
		'transaction_id'       => '_transaction_id',
		'total'                => '_order_total',
		'cart_tax'             => '_order_tax',
		'shipping_total'       => '_order_shipping',
		'shipping_tax'         => '_order_shipping_tax',
		'discount_total'       => '_cart_discount',
		'discount_tax'         => '_cart_discount_tax',
		'prices_include_tax'   => '_prices_include_tax',
		'date_paid'            => '_date_paid',
		'total_tax'            => '_stand_in_total_tax',
		'amount'               => '_refund_amount',
		'reason'               => '_refund_reason',
		'refunded_by'          => '_refunded_by',
		'line_items'           => '_stand_in_refund_line_items',
	);

	public function get_order_type( $order_id ) {
		$type = get_post_type( $order_id );
		return in_array( $type, array( 'shop_order', 'shop_order_refund' ), true ) ? $type : false;
	}

	public function read( WC_Abstract_Order $order ) {
		$post = get_post( $order->get_id() );
		if ( ! $post || $order->get_type() !== $post->post_type ) {
			throw new Exception( 'Invalid order.' );
		}
		$props = array(
			'status'        => 'wc-' === substr( $post->post_status, 0, 3 ) ? substr( $post->post_status, 3 ) : $post->post_status,
			'parent_id'     => (int) $post->post_parent,
			'date_created'  => (int) strtotime( $post->post_date_gmt . ' UTC' ),
			'customer_note' => $post->post_excerpt,
		);
		foreach ( self::META_KEYS as $prop => $key ) {
			if ( metadata_exists( 'post', $post->ID, $key ) ) {
				$props[ $prop ] = get_post_meta( $post->ID, $key, true );
			}
		}
		foreach ( array( 'billing', 'shipping' ) as $type ) {
			$props[ $type ] = array();
			foreach ( array( 'first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country', 'email', 'phone' ) as $field ) {
				$props[ $type ][ $field ] = (string) get_post_meta( $post->ID, "_{$type}_{$field}", true );
			}
		}
		$meta = array();
		foreach ( (array) get_post_meta( $post->ID, '_stand_in_meta_keys', true ) as $key ) {
			$meta[ $key ] = get_post_meta( $post->ID, $key, true );
		}
		$order->set_prop_values( $props, (array) get_post_meta( $post->ID, '_stand_in_items', true ), $meta );
	}

	public function save( WC_Abstract_Order $order ) {
		$props = $order->get_prop_values();
		if ( ! $props['status'] ) {
			$props['status'] = 'shop_order_refund' === $order->get_type() ? 'completed' : apply_filters( 'woocommerce_default_order_status', 'pending' );
			$order->set_status( $props['status'] );
		}
		if ( ! $props['date_created'] ) {
			$order->set_date_created( time() );
			$props = $order->get_prop_values();
		}
		$args = array(
			'post_type'     => $order->get_type(),
			'post_status'   => 'wc-' . $props['status'],
			'post_parent'   => (int) $props['parent_id'],
			'post_excerpt'  => (string) ( $props['customer_note'] ?? '' ),
			'post_title'    => 'Order',
			'post_date_gmt' => gmdate( 'Y-m-d H:i:s', (int) $props['date_created'] ),
			'post_date'     => get_date_from_gmt( gmdate( 'Y-m-d H:i:s', (int) $props['date_created'] ) ),
		);
		if ( $order->get_id() ) {
			$args['ID'] = $order->get_id();
			wp_update_post( $args );
		} else {
			$order->set_id( (int) wp_insert_post( $args ) );
		}
		$id = $order->get_id();
		foreach ( self::META_KEYS as $prop => $key ) {
			if ( array_key_exists( $prop, $props ) ) {
				update_post_meta( $id, $key, $props[ $prop ] );
			}
		}
		foreach ( array( 'billing', 'shipping' ) as $type ) {
			foreach ( (array) ( $props[ $type ] ?? array() ) as $field => $value ) {
				update_post_meta( $id, "_{$type}_{$field}", $value );
			}
		}
		$items = $order->get_item_records();
		update_post_meta( $id, '_stand_in_items', $items );
		$meta = $order->get_meta_values();
		foreach ( $meta as $key => $value ) {
			update_post_meta( $id, $key, $value );
		}
		update_post_meta( $id, '_stand_in_meta_keys', array_keys( $meta ) );
	}

	/**
	 * @return int[] Ids, newest first.
	 */
	public function query( array $args ) {
		$query = array(
			'post_type'      => $args['type'],
			'post_status'    => 'any',
			'posts_per_page' => $args['limit'],
			'orderby'        => 'date ID',
			'order'          => 'DESC',
			'fields'         => 'ids',
		);
		if ( null !== $args['parent'] ) {
			$query['post_parent'] = (int) $args['parent'];
		}
		if ( $args['status'] ) {
			$query['post_status'] = array_map( static fn( $s ) => 'wc-' . preg_replace( '/^wc-/', '', $s ), (array) $args['status'] );
		}
		return array_map( 'intval', get_posts( $query ) );
	}
}
