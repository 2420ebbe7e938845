<?php
/**
 * Mirrors includes/emails/class-wc-email-customer-reset-password.php: triggered by
 * `woocommerce_reset_password_notification` ($user_login, $reset_key), which WooCommerce's
 * lost-password form fires itself (WC_Shortcode_My_Account::retrieve_password()); `$object`
 * is the WP_User; props user_id, user_login, reset_key, user_email.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WC_Email_Customer_Reset_Password', false ) ) :

class WC_Email_Customer_Reset_Password extends WC_Email {

	public $user_id;
	public $user_login;
	public $user_email;
	public $reset_key;

	public function __construct() {
		$this->id             = 'customer_reset_password';
		$this->customer_email = true;
		$this->title          = __( 'Reset password', 'woocommerce' );
		$this->description    = __( 'Customer "reset password" emails are sent when customers reset their passwords.', 'woocommerce' );
		$this->template_html  = 'emails/customer-reset-password.php';
		$this->template_plain = 'emails/plain/customer-reset-password.php';

		// Trigger.
		add_action( 'woocommerce_reset_password_notification', array( $this, 'trigger' ), 10, 2 );

		// Call parent constructor.
		parent::__construct();
	}

	public function get_default_subject() {
		return __( 'Password Reset Request for {site_title}', 'woocommerce' );
	}

	public function get_default_heading() {
		return __( 'Password Reset Request', 'woocommerce' );
	}

	public function trigger( $user_login = '', $reset_key = '' ) {
		$this->setup_locale();

		if ( $user_login && $reset_key ) {
			$this->object     = get_user_by( 'login', $user_login );
			$this->user_id    = $this->object->ID;
			$this->user_login = $user_login;
			$this->reset_key  = $reset_key;
			$this->user_email = stripslashes( $this->object->user_email );
			$this->recipient  = $this->user_email;
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
				'email_heading'      => $this->get_heading(),
				'user_id'            => $this->user_id,
				'user_login'         => $this->user_login,
				'reset_key'          => $this->reset_key,
				'blogname'           => $this->get_blogname(),
				'additional_content' => $this->get_additional_content(),
				'sent_to_admin'      => false,
				'plain_text'         => false,
				'email'              => $this,
			)
		);
	}
}

endif;

return new WC_Email_Customer_Reset_Password();
