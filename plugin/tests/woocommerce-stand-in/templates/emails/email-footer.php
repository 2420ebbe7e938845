<?php
/**
 * Mirrors templates/emails/email-footer.php.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;
?>
</td></tr><tr><td id="template_footer"><?php echo wp_kses_post( wpautop( wptexturize( apply_filters( 'woocommerce_email_footer_text', get_option( 'woocommerce_email_footer_text' ) ) ) ) ); ?></td></tr></table></div></body></html>
