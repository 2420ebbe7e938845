<?php
/**
 * Mirrors includes/emails/class-wc-email-customer-failed-order.php (new in WC 9.5, PR #51778): id `customer_failed_order`, to the customer (billing email),
 * triggered by `woocommerce_order_status_failed_notification` with ($order_id, $order), i.e. on any status → failed (WC_Emails lists `woocommerce_order_status_failed` from 9.5).
 *
 * Verified (public woocommerce/woocommerce copies of this file): id, title `Failed order`, `customer_email` true, the trigger hook and its 2 args,
 * the trigger body, templates `emails/customer-failed-order.php` / `emails/plain/customer-failed-order.php`, default subject
 * `Your order at {site_title} was unsuccessful` and heading `Sorry, your order was unsuccessful` (and the HTML template's wording, `@version 9.5.0`).
 * Assumed: that these subject/heading are 9.5.0's. An earlier revision of the same file in that repository had `The payment for your order at {site_title}
 * has failed` for both; the unsuccessful wording matches the 9.5.0 template, so it is taken as the released one. The subject
 * `Your {site_title} order #{order_number} was unsuccessful` was found in neither revision. Not reproduced: the 9.8+ `email_improvements`
 * description/additional content, and the `blogname` template argument the later revision passes (the template here reads the option).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Customer_Failed_Order', false ) ) :

class WC_Email_Customer_Failed_Order extends WC_Email {

	public function __construct() {
		$this->id             = 'customer_failed_order';
		$this->customer_email = true;
		$this->title          = __( 'Failed order', 'woocommerce' );
		$this->description    = __( 'Order failed emails are sent to customers when their orders are marked as failed.', 'woocommerce' );
		$this->template_html  = 'emails/customer-failed-order.php';
		$this->template_plain = 'emails/plain/customer-failed-order.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Triggers for this email.
		add_action( 'woocommerce_order_status_failed_notification', array( $this, 'trigger' ), 10, 2 );

		// Call parent constructor.
		parent::__construct();
	}

	public function get_default_subject() {
		return __( 'Your order at {site_title} was unsuccessful', 'woocommerce' );
	}

	public function get_default_heading() {
		return __( 'Sorry, your order was unsuccessful', 'woocommerce' );
	}

	public function trigger( $order_id, $order = false ) {
		$this->setup_locale();

		if ( $order_id && ! is_a( $order, 'WC_Order' ) ) {
			$order = wc_get_order( $order_id );
		}

		if ( is_a( $order, 'WC_Order' ) ) {
			$this->object                         = $order;
			$this->recipient                      = $this->object->get_billing_email();
			$this->placeholders['{order_date}']   = wc_format_datetime( $this->object->get_date_created() );
			$this->placeholders['{order_number}'] = $this->object->get_order_number();
		}

		if ( $this->is_enabled() && $this->get_recipient() ) {
			$this->send( $this->get_recipient(), $this->get_subject(), $this->get_content(), $this->get_headers(), $this->get_attachments() );
		}

		$this->restore_locale();
	}

	public function get_content_html() {
		return wc_get_template_html(
			$this->template_html,
			array(
				'order'              => $this->object,
				'email_heading'      => $this->get_heading(),
				'additional_content' => $this->get_additional_content(),
				'sent_to_admin'      => false,
				'plain_text'         => false,
				'email'              => $this,
			)
		);
	}

	public function get_content_plain() {
		return wc_get_template_html(
			$this->template_plain,
			array(
				'order'              => $this->object,
				'email_heading'      => $this->get_heading(),
				'additional_content' => $this->get_additional_content(),
				'sent_to_admin'      => false,
				'plain_text'         => true,
				'email'              => $this,
			)
		);
	}
}

endif;

return new WC_Email_Customer_Failed_Order();
