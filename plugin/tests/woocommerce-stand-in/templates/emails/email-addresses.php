<?php
/**
 * Mirrors templates/emails/email-addresses.php.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;
?>
<table id="addresses"><tr><td><h2><?php esc_html_e( 'Billing address', 'woocommerce' ); ?></h2><address class="address"><?php echo wp_kses_post( $order->get_formatted_billing_address( esc_html__( 'N/A', 'woocommerce' ) ) ); ?></address></td>
<?php if ( $order->get_formatted_shipping_address() ) : ?><td><h2><?php esc_html_e( 'Shipping address', 'woocommerce' ); ?></h2><address class="address"><?php echo wp_kses_post( $order->get_formatted_shipping_address() ); ?></address></td><?php endif; ?></tr></table>
