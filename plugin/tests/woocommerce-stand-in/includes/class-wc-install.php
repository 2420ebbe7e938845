<?php
/**
 * Mirrors includes/class-wc-install.php: on a version change, the default options the email
 * path reads (`woocommerce_email_from_name`/`_address`, currency and price format, footer).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

class WC_Install {

	public static function check_version() {
		if ( WC()->version !== get_option( 'woocommerce_version' ) ) {
			self::install();
		}
	}

	public static function install() {
		$defaults = array(
			'woocommerce_email_from_name'    => get_bloginfo( 'name', 'display' ),
			'woocommerce_email_from_address' => get_option( 'admin_email' ),
			'woocommerce_email_footer_text'  => '{site_title} &mdash; Built with {WooCommerce}',
			'woocommerce_email_base_color'   => '#7f54b3',
			'woocommerce_currency'           => 'USD',
			'woocommerce_currency_pos'       => 'left',
			'woocommerce_price_decimal_sep'  => '.',
			'woocommerce_price_thousand_sep' => ',',
			'woocommerce_price_num_decimals' => 2,
			'woocommerce_custom_orders_table_enabled' => 'no',
		);
		foreach ( $defaults as $name => $value ) {
			add_option( $name, $value );
		}
		update_option( 'woocommerce_version', WC()->version );
	}
}
