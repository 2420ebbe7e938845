<?php
/**
 * Mirrors templates/emails/customer-failed-order.php (WC 9.5).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

do_action( 'woocommerce_email_header', $email_heading, $email ); ?>
<p><?php printf( esc_html__( 'Hi %s,', 'woocommerce' ), esc_html( $order->get_billing_first_name() ) ); // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment ?></p>
<p><?php esc_html_e( 'Unfortunately, we couldn\'t complete your order due to an issue with your payment method.', 'woocommerce' ); ?></p>
<p><?php printf( esc_html__( 'If you\'d like to continue with your purchase, please return to %s and try a different method of payment.', 'woocommerce' ), esc_html( wp_specialchars_decode( get_option( 'blogname' ), ENT_QUOTES ) ) ); // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment ?></p>
<p><?php esc_html_e( 'Your order details are as follows:', 'woocommerce' ); ?></p>
<?php
do_action( 'woocommerce_email_order_details', $order, $sent_to_admin, $plain_text, $email );
do_action( 'woocommerce_email_order_meta', $order, $sent_to_admin, $plain_text, $email );
do_action( 'woocommerce_email_customer_details', $order, $sent_to_admin, $plain_text, $email );
if ( $additional_content ) {
	echo wp_kses_post( wpautop( wptexturize( $additional_content ) ) );
}
do_action( 'woocommerce_email_footer', $email );
