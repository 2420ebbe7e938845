<?php
/**
 * Mirrors includes/abstracts/abstract-wc-product.php and includes/class-wc-product-simple.php:
 * the getters an email reads (name, SKU, price, image, downloads). Stored as a `product` post
 * with WooCommerce's meta keys (`_sku`, `_price`, `_regular_price`, `_thumbnail_id`,
 * `_downloadable_files`).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

class WC_Product {

	protected $id = 0;

	protected $data = array(
		'name'          => '',
		'sku'           => '',
		'price'         => '',
		'regular_price' => '',
		'image_id'      => 0,
		'downloads'     => array(),
		'downloadable'  => false,
	);

	public function __construct( $product = 0 ) {
		if ( is_numeric( $product ) && $product > 0 ) {
			$post = get_post( (int) $product );
			if ( $post && 'product' === $post->post_type ) {
				$this->id                   = (int) $post->ID;
				$this->data['name']         = $post->post_title;
				$this->data['sku']          = (string) get_post_meta( $this->id, '_sku', true );
				$this->data['price']        = (string) get_post_meta( $this->id, '_price', true );
				$this->data['regular_price'] = (string) get_post_meta( $this->id, '_regular_price', true );
				$this->data['image_id']     = (int) get_post_meta( $this->id, '_thumbnail_id', true );
				$this->data['downloads']    = (array) get_post_meta( $this->id, '_downloadable_files', true );
				$this->data['downloadable'] = 'yes' === get_post_meta( $this->id, '_downloadable', true );
			}
		}
	}

	public function get_id() {
		return $this->id;
	}

	public function get_type() {
		return 'simple';
	}

	public function get_name( $context = 'view' ) {
		return $this->data['name'];
	}

	public function get_sku( $context = 'view' ) {
		return apply_filters( 'woocommerce_product_get_sku', $this->data['sku'], $this );
	}

	public function get_price( $context = 'view' ) {
		return $this->data['price'];
	}

	public function get_image_id( $context = 'view' ) {
		return $this->data['image_id'];
	}

	public function get_downloads( $context = 'view' ) {
		return $this->data['downloads'];
	}

	public function is_downloadable() {
		return (bool) $this->data['downloadable'];
	}

	public function set_name( $name ) {
		$this->data['name'] = (string) $name;
	}

	public function set_sku( $sku ) {
		$this->data['sku'] = (string) $sku;
	}

	public function set_regular_price( $price ) {
		$this->data['regular_price'] = (string) $price;
		$this->data['price']         = (string) $price;
	}

	public function set_image_id( $id ) {
		$this->data['image_id'] = (int) $id;
	}

	public function set_downloadable( $downloadable ) {
		$this->data['downloadable'] = (bool) $downloadable;
	}

	/**
	 * @param array $downloads id => [name, file].
	 */
	public function set_downloads( $downloads ) {
		$this->data['downloads'] = (array) $downloads;
	}

	public function save() {
		$args = array(
			'post_type'   => 'product',
			'post_status' => 'publish',
			'post_title'  => $this->data['name'],
		);
		if ( $this->id ) {
			$args['ID'] = $this->id;
			wp_update_post( $args );
		} else {
			$this->id = (int) wp_insert_post( $args );
		}
		update_post_meta( $this->id, '_sku', $this->data['sku'] );
		update_post_meta( $this->id, '_price', $this->data['price'] );
		update_post_meta( $this->id, '_regular_price', $this->data['regular_price'] );
		update_post_meta( $this->id, '_thumbnail_id', $this->data['image_id'] );
		update_post_meta( $this->id, '_downloadable_files', $this->data['downloads'] );
		update_post_meta( $this->id, '_downloadable', $this->data['downloadable'] ? 'yes' : 'no' );
		return $this->id;
	}
}

class WC_Product_Simple extends WC_Product {} // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound

/**
 * wc-product-functions.php.
 *
 * @return WC_Product|false|null
 */
function wc_get_product( $the_product = false ) {
	$id = $the_product instanceof WC_Product ? $the_product->get_id() : (int) $the_product;
	if ( ! $id || 'product' !== get_post_type( $id ) ) {
		return false;
	}
	return new WC_Product_Simple( $id );
}
