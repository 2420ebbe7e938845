<?php
/**
 * Mirrors includes/emails/class-wc-email-customer-refunded-order.php: one class, two ids.
 * trigger() rewrites `$this->id` to `customer_partially_refunded_order` for a partial refund,
 * so the enabled/recipient/headers/attachments filters use that id, while the settings stay in
 * `woocommerce_customer_refunded_order_settings` and the subject/heading filters stay
 * `…_customer_refunded_order`. Triggered by `woocommerce_order_fully_refunded_notification` /
 * `…partially_refunded_notification` with ($order_id, $refund_id).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Customer_Refunded_Order', false ) ) :

class WC_Email_Customer_Refunded_Order extends WC_Email {

	/** @var WC_Order_Refund|false */
	public $refund;

	public $partial_refund;

	public function __construct() {
		$this->customer_email = true;
		$this->id             = 'customer_refunded_order';
		$this->title          = __( 'Refunded order', 'woocommerce' );
		$this->description    = __( 'Order refunded emails are sent to customers when their orders are refunded.', 'woocommerce' );
		$this->template_html  = 'emails/customer-refunded-order.php';
		$this->template_plain = 'emails/plain/customer-refunded-order.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Triggers for this email.
		add_action( 'woocommerce_order_fully_refunded_notification', array( $this, 'trigger_full' ), 10, 2 );
		add_action( 'woocommerce_order_partially_refunded_notification', array( $this, 'trigger_partial' ), 10, 2 );

		// Call parent constuctor.
		parent::__construct();
	}

	public function get_default_subject( $partial = false ) {
		if ( $partial ) {
			return __( 'Your {site_title} order #{order_number} has been partially refunded', 'woocommerce' );
		}
		return __( 'Your {site_title} order #{order_number} has been refunded', 'woocommerce' );
	}

	public function get_default_heading( $partial = false ) {
		if ( $partial ) {
			return __( 'Partial Refund: Order {order_number}', 'woocommerce' );
		}
		return __( 'Order Refunded: {order_number}', 'woocommerce' );
	}

	public function get_subject() {
		if ( $this->partial_refund ) {
			$subject = $this->get_option( 'subject_partial', $this->get_default_subject( true ) );
		} else {
			$subject = $this->get_option( 'subject_full', $this->get_default_subject() );
		}
		return apply_filters( 'woocommerce_email_subject_customer_refunded_order', $this->format_string( $subject ), $this->object, $this );
	}

	public function get_heading() {
		if ( $this->partial_refund ) {
			$heading = $this->get_option( 'heading_partial', $this->get_default_heading( true ) );
		} else {
			$heading = $this->get_option( 'heading_full', $this->get_default_heading() );
		}
		return apply_filters( 'woocommerce_email_heading_customer_refunded_order', $this->format_string( $heading ), $this->object, $this );
	}

	public function set_email_strings( $partial_refund = false ) {}

	public function trigger_full( $order_id, $refund_id = null ) {
		$this->trigger( $order_id, false, $refund_id );
	}

	public function trigger_partial( $order_id, $refund_id = null ) {
		$this->trigger( $order_id, true, $refund_id );
	}

	public function trigger( $order_id, $partial_refund = false, $refund_id = null ) {
		$this->setup_locale();
		$this->partial_refund = $partial_refund;
		$this->id             = $this->partial_refund ? 'customer_partially_refunded_order' : 'customer_refunded_order';

		if ( $order_id ) {
			$this->object                         = wc_get_order( $order_id );
			$this->recipient                      = $this->object->get_billing_email();
			$this->placeholders['{order_date}']   = wc_format_datetime( $this->object->get_date_created() );
			$this->placeholders['{order_number}'] = $this->object->get_order_number();
		}

		if ( ! empty( $refund_id ) ) {
			$this->refund = wc_get_order( $refund_id );
		} else {
			$this->refund = false;
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
				'refund'             => $this->refund,
				'partial_refund'     => $this->partial_refund,
				'email_heading'      => $this->get_heading(),
				'additional_content' => $this->get_additional_content(),
				'sent_to_admin'      => false,
				'plain_text'         => false,
				'email'              => $this,
			)
		);
	}

	public function init_form_fields() {
		parent::init_form_fields();
		unset( $this->form_fields['subject'], $this->form_fields['heading'] );
		$this->form_fields = array_merge(
			array( 'enabled' => $this->form_fields['enabled'] ),
			array(
				'subject_full'    => array( 'type' => 'text', 'default' => '' ),
				'subject_partial' => array( 'type' => 'text', 'default' => '' ),
				'heading_full'    => array( 'type' => 'text', 'default' => '' ),
				'heading_partial' => array( 'type' => 'text', 'default' => '' ),
			),
			$this->form_fields
		);
	}
}

endif;

return new WC_Email_Customer_Refunded_Order();
