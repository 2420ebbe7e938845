<?php
/**
 * Mirrors templates/emails/plain/customer-processing-order.php (shortened).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

echo "= " . esc_html( wp_strip_all_tags( $email_heading ) ) . " =\n\n";
printf( esc_html__( 'Hi %s,', 'woocommerce' ), esc_html( $order->get_billing_first_name() ) ) . "\n\n"; // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment
echo "\n\n";
printf( esc_html__( 'Just to let you know &mdash; we\'ve received your order #%s, and it is now being processed:', 'woocommerce' ), esc_html( $order->get_order_number() ) ); // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment
echo "\n\n";
foreach ( $order->get_items() as $item ) {
	echo esc_html( $item->get_name() ) . ' × ' . esc_html( (string) $item->get_quantity() ) . ' = ' . esc_html( wp_strip_all_tags( $order->get_formatted_line_subtotal( $item ) ) ) . "\n";
}
