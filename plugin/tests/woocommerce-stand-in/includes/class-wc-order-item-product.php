<?php
/**
 * Mirrors includes/class-wc-order-item.php, class-wc-order-item-product.php,
 * class-wc-order-item-shipping.php and class-wc-order-item-coupon.php: the getters templates
 * and email integrations read. Items are kept inside the order's own record here (real
 * WooCommerce keeps them in `woocommerce_order_items` for both order storages).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

class WC_Order_Item {

	protected $id = 0;
	protected $order_id = 0;
	protected $data = array( 'name' => '' );
	/** @var array<string, mixed> */
	protected $meta = array();

	public function __construct( $props = array() ) {
		foreach ( $props as $key => $value ) {
			if ( 'id' === $key ) {
				$this->id = (int) $value;
			} elseif ( 'order_id' === $key ) {
				$this->order_id = (int) $value;
			} elseif ( 'meta' === $key ) {
				$this->meta = (array) $value;
			} else {
				$this->data[ $key ] = $value;
			}
		}
	}

	public function get_id() {
		return $this->id;
	}

	public function set_id( $id ) {
		$this->id = (int) $id;
	}

	public function set_order_id( $order_id ) {
		$this->order_id = (int) $order_id;
	}

	public function get_order_id() {
		return $this->order_id;
	}

	public function get_order() {
		return wc_get_order( $this->order_id );
	}

	public function get_name( $context = 'view' ) {
		return (string) $this->data['name'];
	}

	public function get_type() {
		return 'line_item';
	}

	public function get_meta( $key, $single = true ) {
		return $this->meta[ $key ] ?? '';
	}

	public function add_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}

	/**
	 * Visible meta as WooCommerce returns it: objects with key, value, display_key,
	 * display_value; keys starting with $hideprefix are left out.
	 */
	public function get_formatted_meta_data( $hideprefix = '_', $include_all = false ) {
		$formatted = array();
		$i         = 0;
		foreach ( $this->meta as $key => $value ) {
			if ( ! $include_all && '' !== $hideprefix && 0 === strpos( (string) $key, $hideprefix ) ) {
				continue;
			}
			$formatted[ ++$i ] = (object) array(
				'key'           => $key,
				'value'         => $value,
				'display_key'   => wc_attribute_label( (string) $key ),
				'display_value' => wpautop( make_clickable( (string) $value ) ),
			);
		}
		return apply_filters( 'woocommerce_order_item_get_formatted_meta_data', $formatted, $this );
	}

	/**
	 * @return array<string, mixed> What the order's record keeps.
	 */
	public function to_record() {
		return array_merge(
			$this->data,
			array(
				'id'   => $this->id,
				'type' => $this->get_type(),
				'meta' => $this->meta,
			)
		);
	}
}

class WC_Order_Item_Product extends WC_Order_Item { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	protected $data = array(
		'name'         => '',
		'product_id'   => 0,
		'variation_id' => 0,
		'quantity'     => 1,
		'subtotal'     => 0,
		'subtotal_tax' => 0,
		'total'        => 0,
		'total_tax'    => 0,
	);

	public function get_type() {
		return 'line_item';
	}

	public function get_product_id() {
		return (int) $this->data['product_id'];
	}

	public function get_variation_id() {
		return (int) $this->data['variation_id'];
	}

	public function get_quantity() {
		return (int) $this->data['quantity'];
	}

	public function get_subtotal() {
		return (string) $this->data['subtotal'];
	}

	public function get_subtotal_tax() {
		return (string) $this->data['subtotal_tax'];
	}

	public function get_total() {
		return (string) $this->data['total'];
	}

	public function get_total_tax() {
		return (string) $this->data['total_tax'];
	}

	public function get_product() {
		$product = wc_get_product( $this->get_variation_id() ? $this->get_variation_id() : $this->get_product_id() );
		return apply_filters( 'woocommerce_order_item_product', $product, $this );
	}

	/**
	 * Download links, only once the order grants downloads (paid statuses).
	 */
	public function get_item_downloads() {
		$files   = array();
		$product = $this->get_product();
		$order   = $this->get_order();
		if ( $product && $order && $product->is_downloadable() && $order->is_download_permitted() ) {
			foreach ( $product->get_downloads() as $download_id => $download ) {
				$files[ $download_id ] = array(
					'id'           => $download_id,
					'name'         => $download['name'],
					'file'         => $download['file'],
					'download_url' => add_query_arg(
						array(
							'download_file' => $product->get_id(),
							'order'         => $order->get_order_key(),
							'email'         => rawurlencode( $order->get_billing_email() ),
							'key'           => $download_id,
						),
						trailingslashit( home_url() )
					),
				);
			}
		}
		return apply_filters( 'woocommerce_get_item_downloads', $files, $this, $order );
	}
}

class WC_Order_Item_Shipping extends WC_Order_Item { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	protected $data = array(
		'name'         => '',
		'method_title' => '',
		'method_id'    => '',
		'total'        => 0,
		'total_tax'    => 0,
	);

	public function get_type() {
		return 'shipping';
	}

	public function get_method_title() {
		return (string) ( $this->data['method_title'] ? $this->data['method_title'] : $this->data['name'] );
	}

	public function get_total() {
		return (string) $this->data['total'];
	}
}

class WC_Order_Item_Coupon extends WC_Order_Item { // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

	protected $data = array(
		'name'         => '',
		'code'         => '',
		'discount'     => 0,
		'discount_tax' => 0,
	);

	public function get_type() {
		return 'coupon';
	}

	public function get_code() {
		return (string) $this->data['code'];
	}

	public function get_discount() {
		return (string) $this->data['discount'];
	}

	public function get_discount_tax() {
		return (string) $this->data['discount_tax'];
	}
}

/**
 * wc-attribute-functions.php: an attribute's label (here the key made readable).
 */
function wc_attribute_label( $name, $product = '' ) {
	return apply_filters( 'woocommerce_attribute_label', ucfirst( str_replace( array( 'pa_', '_', '-' ), array( '', ' ', ' ' ), $name ) ), $name, $product );
}
