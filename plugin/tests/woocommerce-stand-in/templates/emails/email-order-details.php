<?php
/**
 * Mirrors templates/emails/email-order-details.php and email-order-items.php (one table).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;
?>
<h2><?php printf( esc_html__( '[Order #%s]', 'woocommerce' ), esc_html( $order->get_order_number() ) ); // phpcs:ignore WordPress.WP.I18n.MissingTranslatorsComment ?> (<?php echo esc_html( wc_format_datetime( $order->get_date_created() ) ); ?>)</h2>
<table class="td" cellspacing="0" cellpadding="6" border="1">
<thead><tr><th><?php esc_html_e( 'Product', 'woocommerce' ); ?></th><th><?php esc_html_e( 'Quantity', 'woocommerce' ); ?></th><th><?php esc_html_e( 'Price', 'woocommerce' ); ?></th></tr></thead>
<tbody>
<?php foreach ( $order->get_items() as $item ) : ?>
<tr class="order_item"><td><?php echo wp_kses_post( $item->get_name() ); ?></td><td><?php echo esc_html( (string) $item->get_quantity() ); ?></td><td><?php echo wp_kses_post( $order->get_formatted_line_subtotal( $item ) ); ?></td></tr>
<?php endforeach; ?>
</tbody>
<tfoot>
<?php foreach ( $order->get_order_item_totals() as $total ) : ?>
<tr><th scope="row" colspan="2"><?php echo wp_kses_post( $total['label'] ); ?></th><td><?php echo wp_kses_post( $total['value'] ); ?></td></tr>
<?php endforeach; ?>
</tfoot>
</table>
