<?php
/**
 * Mirrors includes/emails/class-wc-email-customer-invoice.php: manual only (`$manual = true`),
 * sent from the order screen or WC_Emails::customer_invoice(); **no is_enabled() check**; a
 * paid order uses `subject_paid`/`heading_paid` and the `…_customer_invoice_paid` filters.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Customer_Invoice', false ) ) :

class WC_Email_Customer_Invoice extends WC_Email {

	public function __construct() {
		$this->id             = 'customer_invoice';
		$this->customer_email = true;
		$this->title          = __( 'Customer invoice / Order details', 'woocommerce' );
		$this->description    = __( 'Customer invoice emails can be sent to customers containing their order information and payment links.', 'woocommerce' );
		$this->template_html  = 'emails/customer-invoice.php';
		$this->template_plain = 'emails/plain/customer-invoice.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Call parent constructor.
		parent::__construct();

		$this->manual = true;
	}

	public function get_default_subject( $paid = false ) {
		if ( $paid ) {
			return __( 'Invoice for order #{order_number} on {site_title}', 'woocommerce' );
		}
		return __( 'Details for order #{order_number} on {site_title}', 'woocommerce' );
	}

	public function get_default_heading( $paid = false ) {
		if ( $paid ) {
			return __( 'Invoice for order #{order_number}', 'woocommerce' );
		}
		return __( 'Details for order #{order_number}', 'woocommerce' );
	}

	public function get_subject() {
		if ( $this->object->has_status( wc_get_is_paid_statuses() ) ) {
			$subject = $this->get_option( 'subject_paid', $this->get_default_subject( true ) );
			return apply_filters( 'woocommerce_email_subject_customer_invoice_paid', $this->format_string( $subject ), $this->object, $this );
		}
		$subject = $this->get_option( 'subject', $this->get_default_subject() );
		return apply_filters( 'woocommerce_email_subject_customer_invoice', $this->format_string( $subject ), $this->object, $this );
	}

	public function get_heading() {
		if ( $this->object->has_status( wc_get_is_paid_statuses() ) ) {
			$heading = $this->get_option( 'heading_paid', $this->get_default_heading( true ) );
			return apply_filters( 'woocommerce_email_heading_customer_invoice_paid', $this->format_string( $heading ), $this->object, $this );
		}
		$heading = $this->get_option( 'heading', $this->get_default_heading() );
		return apply_filters( 'woocommerce_email_heading_customer_invoice', $this->format_string( $heading ), $this->object, $this );
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

		if ( $this->get_recipient() ) {
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
}

endif;

return new WC_Email_Customer_Invoice();
