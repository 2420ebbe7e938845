<?php
/**
 * Mirrors includes/emails/class-wc-email-customer-note.php: triggered by
 * `woocommerce_new_customer_note_notification` with one array argument
 * (`['order_id' => …, 'customer_note' => …]`); the note is `$email->customer_note`.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Customer_Note', false ) ) :

class WC_Email_Customer_Note extends WC_Email {

	public $customer_note;

	public function __construct() {
		$this->id             = 'customer_note';
		$this->customer_email = true;
		$this->title          = __( 'Customer note', 'woocommerce' );
		$this->description    = __( 'Customer note emails are sent when you add a note to an order.', 'woocommerce' );
		$this->template_html  = 'emails/customer-note.php';
		$this->template_plain = 'emails/plain/customer-note.php';
		$this->placeholders   = array(
			'{order_date}'   => '',
			'{order_number}' => '',
		);

		// Triggers.
		add_action( 'woocommerce_new_customer_note_notification', array( $this, 'trigger' ) );

		// Call parent constructor.
		parent::__construct();
	}

	public function get_default_subject() {
		return __( 'Note added to your {site_title} order from {order_date}', 'woocommerce' );
	}

	public function get_default_heading() {
		return __( 'A note has been added to your order', 'woocommerce' );
	}

	public function trigger( $args ) {
		$this->setup_locale();

		if ( ! empty( $args ) ) {
			$defaults = array(
				'order_id'      => '',
				'customer_note' => '',
			);

			$args = wp_parse_args( $args, $defaults );

			$order_id      = $args['order_id'];
			$customer_note = $args['customer_note'];

			if ( $order_id ) {
				$this->object = wc_get_order( $order_id );

				if ( $this->object ) {
					$this->recipient                      = $this->object->get_billing_email();
					$this->placeholders['{order_date}']   = wc_format_datetime( $this->object->get_date_created() );
					$this->placeholders['{order_number}'] = $this->object->get_order_number();
				}
			}

			$this->customer_note = $customer_note;
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
				'customer_note'      => $this->customer_note,
				'sent_to_admin'      => false,
				'plain_text'         => false,
				'email'              => $this,
			)
		);
	}
}

endif;

return new WC_Email_Customer_Note();
