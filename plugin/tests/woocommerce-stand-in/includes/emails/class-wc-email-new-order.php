<?php
/**
 * Mirrors includes/emails/class-wc-email-new-order.php: id `new_order`, to the store (option `recipient`, default admin_email),
 * triggered by `woocommerce_order_status_pending_to_processing_notification`, `woocommerce_order_status_pending_to_completed_notification`, `woocommerce_order_status_pending_to_on-hold_notification`, `woocommerce_order_status_failed_to_processing_notification`, `woocommerce_order_status_failed_to_completed_notification`, `woocommerce_order_status_failed_to_on-hold_notification`, `woocommerce_order_status_cancelled_to_processing_notification`, `woocommerce_order_status_cancelled_to_completed_notification`, `woocommerce_order_status_cancelled_to_on-hold_notification` with ($order_id, $order).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_New_Order', false ) ) :

class WC_Email_New_Order extends WC_Email {

	public function __construct() {
		$this->id             = 'new_order';
		$this->customer_email = false;
		$this->title          = __( 'New order', 'woocommerce' );
		$this->description    = __( 'New order emails.', 'woocommerce' );
		$this->template_html  = 'emails/admin-new-order.php';
		$this->template_plain = 'emails/plain/admin-new-order.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Triggers for this email.
		add_action( 'woocommerce_order_status_pending_to_processing_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_pending_to_completed_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_pending_to_on-hold_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_failed_to_processing_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_failed_to_completed_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_failed_to_on-hold_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_cancelled_to_processing_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_cancelled_to_completed_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_cancelled_to_on-hold_notification', array( $this, 'trigger' ), 10, 2 );

		// Call parent constructor.
		parent::__construct();

		// Other settings.
		$this->recipient = $this->get_option( 'recipient', get_option( 'admin_email' ) );
	}

	public function get_default_subject() {
		return __( '[{site_title}]: New order #{order_number}', 'woocommerce' );
	}

	public function get_default_heading() {
		return __( 'New Order: #{order_number}', 'woocommerce' );
	}

	public function trigger( $order_id, $order = false ) {
		$this->setup_locale();
		$email_already_sent = false;

		if ( $order_id && ! is_a( $order, 'WC_Order' ) ) {
			$order = wc_get_order( $order_id );
		}

		if ( is_a( $order, 'WC_Order' ) ) {
			$this->object                         = $order;
			$this->placeholders['{order_date}']   = wc_format_datetime( $this->object->get_date_created() );
			$this->placeholders['{order_number}'] = $this->object->get_order_number();
			$email_already_sent = $order->get_meta( '_new_order_email_sent' );
		}

		/**
		 * Controls if new order emails can be resend multiple times (WC 5.0).
		 */
		if ( 'true' === $email_already_sent && ! apply_filters( 'woocommerce_new_order_email_allows_resend', false ) ) {
			$this->restore_locale();
			return;
		}

		if ( $this->is_enabled() && $this->get_recipient() ) {
			$this->send( $this->get_recipient(), $this->get_subject(), $this->get_content(), $this->get_headers(), $this->get_attachments() );

			$order->update_meta_data( '_new_order_email_sent', 'true' );
			$order->save();
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
				'sent_to_admin'      => true,
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
				'sent_to_admin'      => true,
				'plain_text'         => true,
				'email'              => $this,
			)
		);
	}

	public function init_form_fields() {
		parent::init_form_fields();
		$this->form_fields = array_merge(
			array(
				'recipient' => array(
					'title'       => __( 'Recipient(s)', 'woocommerce' ),
					'type'        => 'text',
					'placeholder' => esc_attr( get_option( 'admin_email' ) ),
					'default'     => '',
				),
			),
			$this->form_fields
		);
	}
}

endif;

return new WC_Email_New_Order();
