<?php
/**
 * Mirrors src/Internal/DataStores/Orders/OrdersTableDataStore.php (HPOS) and
 * src/Utilities/OrderUtil.php: with `woocommerce_custom_orders_table_enabled` = 'yes' orders
 * live in `{prefix}wc_orders` and `{prefix}wc_orders_meta`, and the id is reserved by a
 * `shop_order_placehold` post with no order data (as WooCommerce does while sync is off).
 * Simplified: addresses, items and operational data are one JSON column, `stand_in_data`.
 *
 * @package RelayPress\Tests\WooCommerce
 */

namespace Automattic\WooCommerce\Utilities {

	defined( 'ABSPATH' ) || exit;

	final class OrderUtil {

		public static function custom_orders_table_usage_is_enabled(): bool {
			return 'yes' === get_option( 'woocommerce_custom_orders_table_enabled', 'no' );
		}
	}
}

namespace Automattic\WooCommerce\Internal\DataStores\Orders {

	defined( 'ABSPATH' ) || exit;

	// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared

	class OrdersTableDataStore {

		public static function get_orders_table_name() {
			global $wpdb;
			return $wpdb->prefix . 'wc_orders';
		}

		public static function get_meta_table_name() {
			global $wpdb;
			return $wpdb->prefix . 'wc_orders_meta';
		}

		private static function ensure_tables() {
			global $wpdb;
			static $done = array();
			$orders = self::get_orders_table_name();
			if ( isset( $done[ $orders ] ) ) {
				return;
			}
			$wpdb->query( "CREATE TABLE IF NOT EXISTS {$orders} ( id bigint(20) unsigned NOT NULL, status varchar(20) NULL, currency varchar(10) NULL, type varchar(20) NULL, total_amount decimal(26,8) NULL, customer_id bigint(20) unsigned NULL, billing_email varchar(320) NULL, date_created_gmt datetime NULL, parent_order_id bigint(20) unsigned NULL, customer_note text NULL, stand_in_data longtext NULL, PRIMARY KEY (id), KEY type_status_date (type,status,date_created_gmt) )" );
			$wpdb->query( 'CREATE TABLE IF NOT EXISTS ' . self::get_meta_table_name() . ' ( id bigint(20) unsigned NOT NULL AUTO_INCREMENT, order_id bigint(20) unsigned NULL, meta_key varchar(255) NULL, meta_value text NULL, PRIMARY KEY (id), KEY order_id (order_id) )' );
			$done[ $orders ] = true;
		}

		public function get_order_type( $order_id ) {
			global $wpdb;
			self::ensure_tables();
			$type = $wpdb->get_var( $wpdb->prepare( 'SELECT type FROM ' . self::get_orders_table_name() . ' WHERE id = %d', $order_id ) );
			return $type ? $type : false;
		}

		public function read( \WC_Abstract_Order $order ) {
			global $wpdb;
			self::ensure_tables();
			$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . self::get_orders_table_name() . ' WHERE id = %d AND type = %s', $order->get_id(), $order->get_type() ), ARRAY_A );
			if ( ! $row ) {
				throw new \Exception( 'Invalid order.' );
			}
			$data  = (array) json_decode( (string) $row['stand_in_data'], true );
			$props = array_merge(
				(array) ( $data['props'] ?? array() ),
				array(
					'status'        => 'wc-' === substr( (string) $row['status'], 0, 3 ) ? substr( (string) $row['status'], 3 ) : (string) $row['status'],
					'currency'      => (string) $row['currency'],
					'total'         => (string) $row['total_amount'],
					'customer_id'   => (int) $row['customer_id'],
					'parent_id'     => (int) $row['parent_order_id'],
					'customer_note' => (string) $row['customer_note'],
					'date_created'  => (int) strtotime( $row['date_created_gmt'] . ' UTC' ),
				)
			);
			$meta = array();
			foreach ( (array) $wpdb->get_results( $wpdb->prepare( 'SELECT meta_key, meta_value FROM ' . self::get_meta_table_name() . ' WHERE order_id = %d ORDER BY id', $order->get_id() ), ARRAY_A ) as $m ) {
				$meta[ $m['meta_key'] ] = maybe_unserialize( $m['meta_value'] );
			}
			$order->set_prop_values( $props, (array) ( $data['items'] ?? array() ), $meta );
		}

		public function save( \WC_Abstract_Order $order ) {
			global $wpdb;
			self::ensure_tables();
			$props = $order->get_prop_values();
			if ( ! $props['status'] ) {
				$order->set_status( 'shop_order_refund' === $order->get_type() ? 'completed' : apply_filters( 'woocommerce_default_order_status', 'pending' ) );
			}
			if ( ! $props['date_created'] ) {
				$order->set_date_created( time() );
			}
			$props = $order->get_prop_values();
			$is_new = ! $order->get_id();
			if ( $is_new ) {
				// The id comes from a placeholder post, as WooCommerce reserves it.
				$order->set_id( (int) wp_insert_post( array( 'post_type' => 'shop_order_placehold', 'post_status' => 'draft', 'post_title' => 'placeholder' ) ) );
			}
			$row = array(
				'id'               => $order->get_id(),
				'status'           => 'wc-' . $props['status'],
				'currency'         => (string) $props['currency'],
				'type'             => $order->get_type(),
				'total_amount'     => (float) $props['total'],
				'customer_id'      => (int) ( $props['customer_id'] ?? 0 ),
				'billing_email'    => (string) ( $props['billing']['email'] ?? '' ),
				'date_created_gmt' => gmdate( 'Y-m-d H:i:s', (int) $props['date_created'] ),
				'parent_order_id'  => (int) $props['parent_id'],
				'customer_note'    => (string) ( $props['customer_note'] ?? '' ),
				'stand_in_data'    => (string) wp_json_encode( array( 'props' => $props, 'items' => $order->get_item_records() ) ),
			);
			$wpdb->replace( self::get_orders_table_name(), $row );
			$wpdb->delete( self::get_meta_table_name(), array( 'order_id' => $order->get_id() ) );
			foreach ( $order->get_meta_values() as $key => $value ) {
				$wpdb->insert( self::get_meta_table_name(), array( 'order_id' => $order->get_id(), 'meta_key' => $key, 'meta_value' => maybe_serialize( $value ) ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
			}
		}

		/**
		 * @return int[] Ids, newest first.
		 */
		public function query( array $args ) {
			global $wpdb;
			self::ensure_tables();
			$where = $wpdb->prepare( 'type = %s', $args['type'] );
			if ( null !== $args['parent'] ) {
				$where .= $wpdb->prepare( ' AND parent_order_id = %d', $args['parent'] );
			}
			if ( $args['status'] ) {
				$statuses = array_map( static fn( $s ) => 'wc-' . preg_replace( '/^wc-/', '', $s ), (array) $args['status'] );
				$where   .= ' AND status IN (' . implode( ',', array_map( static fn( $s ) => $wpdb->prepare( '%s', $s ), $statuses ) ) . ')';
			}
			$limit = $args['limit'] > 0 ? ' LIMIT ' . (int) $args['limit'] : '';
			return array_map( 'intval', (array) $wpdb->get_col( 'SELECT id FROM ' . self::get_orders_table_name() . " WHERE {$where} ORDER BY date_created_gmt DESC, id DESC{$limit}" ) );
		}
	}
}
