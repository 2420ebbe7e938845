<?php
/**
 * Mirrors includes/emails/class-wc-email-failed-order.php (WC 8.x/9.x): id `failed_order`, to the store (option `recipient`, default admin_email),
 * triggered by `woocommerce_order_status_pending_to_failed_notification`, `woocommerce_order_status_on-hold_to_failed_notification` with ($order_id, $order).
 * WC_Email::get_headers() gives it the customer's Reply-to (billing name and email), as new_order and cancelled_order.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Failed_Order', false ) ) :

class WC_Email_Failed_Order extends WC_Email {

	public function __construct() {
		$this->id             = 'failed_order';
		$this->customer_email = false;
		$this->title          = __( 'Failed order', 'woocommerce' );
		$this->description    = __( 'Failed order emails are sent to chosen recipient(s) when orders have been marked failed (if they were previously pending or on-hold).', 'woocommerce' );
		$this->template_html  = 'emails/admin-failed-order.php';
		$this->template_plain = 'emails/plain/admin-failed-order.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Triggers for this email.
		add_action( 'woocommerce_order_status_pending_to_failed_notification', array( $this, 'trigger' ), 10, 2 );
		add_action( 'woocommerce_order_status_on-hold_to_failed_notification', array( $this, 'trigger' ), 10, 2 );

		// Call parent constructor.
		parent::__construct();

		// Other settings.
		$this->recipient = $this->get_option( 'recipient', get_option( 'admin_email' ) );
	}

	public function get_default_subject() {
		return __( '[{site_title}]: Order #{order_number} has failed', 'woocommerce' );
	}

	public function get_default_heading() {
		return __( 'Order Failed: #{order_number}', 'woocommerce' );
	}

	public function trigger( $order_id, $order = false ) {
		$this->setup_locale();

		if ( $order_id && ! is_a( $order, 'WC_Order' ) ) {
			$order = wc_get_order( $order_id );
		}

		if ( is_a( $order, 'WC_Order' ) ) {
			$this->object                         = $order;
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

return new WC_Email_Failed_Order();
