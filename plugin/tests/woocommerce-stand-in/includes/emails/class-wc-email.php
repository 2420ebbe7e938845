<?php
/**
 * Mirrors includes/emails/class-wc-email.php (WC 7.x–10.x; send()'s sequence is the same in
 * all of them): properties, constructor order, every getter with its filter name and
 * arguments, get_recipient()'s normalisation, get_headers()'s Reply-to rule, and send()'s
 * eight steps verbatim. Not reproduced: CSS inlining (style_inline() returns the HTML as is),
 * the settings screen, block-editor emails.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

class WC_Email extends WC_Settings_API {

	public $id;
	public $title;
	public $description;
	public $enabled;
	public $heading = '';
	public $subject = '';
	public $template_html;
	public $template_plain;
	public $template_base;
	public $recipient;
	/** @var WC_Order|WP_User|WC_Product|false */
	public $object;
	public $mime_types = array();
	public $sending;
	public $placeholders = array();
	public $email_type;

	/** Strings stripped from plain text (class-wc-email.php $plain_search/$plain_replace, short form). */
	public $plain_search  = array( "/\r/", '/&nbsp;/i', '/&(amp|#38);/i', '/&(mdash|#8212);/i', '/&(copy|#169);/i' );
	public $plain_replace = array( '', ' ', '&', '--', '(c)' );

	protected $manual = false;
	protected $customer_email = false;

	public function __construct() {
		// Base placeholders; a subclass's own, set before parent::__construct(), are kept.
		$this->placeholders = array_merge(
			array(
				'{site_title}'   => $this->get_blogname(),
				'{site_address}' => wp_parse_url( home_url(), PHP_URL_HOST ),
				'{site_url}'     => wp_parse_url( home_url(), PHP_URL_HOST ),
			),
			$this->placeholders
		);

		$this->init_form_fields();
		$this->init_settings();

		if ( is_null( $this->template_base ) ) {
			$this->template_base = WC()->plugin_path() . '/templates/';
		}

		$this->email_type = $this->get_option( 'email_type' );
		$this->enabled    = $this->get_option( 'enabled' );

		add_action( 'phpmailer_init', array( $this, 'handle_multipart' ) );
		add_action( 'woocommerce_update_options_email_' . $this->id, array( $this, 'process_admin_options' ) );
	}

	/**
	 * Every email object is hooked on `phpmailer_init`, so only the one that is sending may
	 * touch AltBody: WC 7.x–9.x return at once when `$sending` is false (an else-branch that
	 * cleared AltBody for every other object would wipe the text part of any multipart email
	 * registered before the last one). wordwrap() with its default width (75), as WooCommerce.
	 */
	public function handle_multipart( $mailer ) {
		if ( ! $this->sending ) {
			return $mailer;
		}

		if ( 'multipart' === $this->get_email_type() ) {
			$mailer->AltBody = wordwrap( // phpcs:ignore WordPress.NamingConventions.ValidVariableName.UsedPropertyNotSnakeCase
				preg_replace( $this->plain_search, $this->plain_replace, wp_strip_all_tags( $this->get_content_plain() ) )
			);
		} else {
			$mailer->AltBody = ''; // phpcs:ignore WordPress.NamingConventions.ValidVariableName.UsedPropertyNotSnakeCase
		}

		$this->sending = false;
		return $mailer;
	}

	public function format_string( $string ) {
		$find    = array_keys( $this->placeholders );
		$replace = array_values( $this->placeholders );
		// Legacy placeholder.
		$find[]    = '{blogname}';
		$replace[] = $this->get_blogname();
		return apply_filters( 'woocommerce_email_format_string', str_replace( $find, $replace, $string ), $this );
	}

	public function setup_locale() {
		if ( $this->is_customer_email() && apply_filters( 'woocommerce_email_setup_locale', true ) ) {
			wc_switch_to_site_locale();
		}
	}

	public function restore_locale() {
		if ( $this->is_customer_email() && apply_filters( 'woocommerce_email_restore_locale', true ) ) {
			wc_restore_locale();
		}
	}

	public function get_default_subject() {
		return $this->subject;
	}

	public function get_default_heading() {
		return $this->heading;
	}

	public function get_default_additional_content() {
		return '';
	}

	public function get_additional_content() {
		$content = $this->get_option( 'additional_content', '' );
		return apply_filters( 'woocommerce_email_additional_content_' . $this->id, $this->format_string( $content ), $this->object, $this );
	}

	public function get_subject() {
		return apply_filters( 'woocommerce_email_subject_' . $this->id, $this->format_string( $this->get_option( 'subject', $this->get_default_subject() ) ), $this->object, $this );
	}

	public function get_heading() {
		return apply_filters( 'woocommerce_email_heading_' . $this->id, $this->format_string( $this->get_option( 'heading', $this->get_default_heading() ) ), $this->object, $this );
	}

	public function get_recipient() {
		$recipient  = apply_filters( 'woocommerce_email_recipient_' . $this->id, $this->recipient, $this->object, $this );
		$recipients = array_map( 'trim', explode( ',', (string) $recipient ) );
		$recipients = array_filter( $recipients, 'is_email' );
		return implode( ', ', $recipients );
	}

	public function get_headers() {
		$header = 'Content-Type: ' . $this->get_content_type() . "\r\n";

		if ( in_array( $this->id, array( 'new_order', 'cancelled_order', 'failed_order' ), true ) ) {
			if ( $this->object && $this->object->get_billing_email() && ( $this->object->get_billing_first_name() || $this->object->get_billing_last_name() ) ) {
				$header .= 'Reply-to: ' . $this->object->get_billing_first_name() . ' ' . $this->object->get_billing_last_name() . ' <' . $this->object->get_billing_email() . ">\r\n";
			}
		} elseif ( $this->get_from_address() && $this->get_from_name() ) {
			$header .= 'Reply-to: ' . $this->get_from_name() . ' <' . $this->get_from_address() . ">\r\n";
		}

		return apply_filters( 'woocommerce_email_headers', $header, $this->id, $this->object, $this );
	}

	public function get_attachments() {
		return apply_filters( 'woocommerce_email_attachments', array(), $this->id, $this->object, $this );
	}

	public function get_email_type() {
		return $this->email_type && class_exists( 'DOMDocument' ) ? $this->email_type : 'plain';
	}

	public function get_content_type( $default_content_type = '' ) {
		switch ( $this->get_email_type() ) {
			case 'html':
				$content_type = 'text/html';
				break;
			case 'multipart':
				$content_type = 'multipart/alternative';
				break;
			default:
				$content_type = 'text/plain';
				break;
		}
		return apply_filters( 'woocommerce_email_content_type', $content_type, $this, $default_content_type );
	}

	public function get_title() {
		return apply_filters( 'woocommerce_email_title', $this->title, $this );
	}

	public function get_description() {
		return apply_filters( 'woocommerce_email_description', $this->description, $this );
	}

	public function is_enabled() {
		return apply_filters( 'woocommerce_email_enabled_' . $this->id, 'yes' === $this->enabled, $this->object, $this );
	}

	public function is_manual() {
		return $this->manual;
	}

	public function is_customer_email() {
		return $this->customer_email;
	}

	public function get_blogname() {
		return wp_specialchars_decode( get_option( 'blogname' ), ENT_QUOTES );
	}

	public function get_content() {
		$this->sending = true;

		if ( 'plain' === $this->get_email_type() ) {
			$email_content = wordwrap( preg_replace( $this->plain_search, $this->plain_replace, wp_strip_all_tags( $this->get_content_plain() ) ), 70 );
		} else {
			$email_content = $this->get_content_html();
		}

		return $email_content;
	}

	/**
	 * WooCommerce inlines `emails/email-styles.php` with Emogrifier here; the stand-in keeps
	 * the HTML as is (the filter order around it is what matters to mail plugins).
	 */
	public function style_inline( $content ) {
		return $content;
	}

	public function get_content_html() {
		return '';
	}

	public function get_content_plain() {
		return '';
	}

	public function get_option( $key, $empty_value = null ) {
		$value = parent::get_option( $key, $empty_value );
		return apply_filters( 'woocommerce_email_get_option', $value, $this, $value, $key, $empty_value );
	}

	public function get_from_name( $from_name = '' ) {
		$from_name = apply_filters( 'woocommerce_email_from_name', get_option( 'woocommerce_email_from_name' ), $this, $from_name );
		return wp_specialchars_decode( esc_html( $from_name ), ENT_QUOTES );
	}

	public function get_from_address( $from_email = '' ) {
		$from_email = apply_filters( 'woocommerce_email_from_address', get_option( 'woocommerce_email_from_address' ), $this, $from_email );
		return sanitize_email( $from_email );
	}

	/**
	 * The eight steps of reference §3.2, in this order.
	 */
	public function send( $to, $subject, $message, $headers, $attachments ) {
		// 1. WooCommerce's From and content type, only for this send.
		add_filter( 'wp_mail_from', array( $this, 'get_from_address' ) );
		add_filter( 'wp_mail_from_name', array( $this, 'get_from_name' ) );
		add_filter( 'wp_mail_content_type', array( $this, 'get_content_type' ) );

		// 2.
		$message = apply_filters( 'woocommerce_mail_content', $this->style_inline( $message ) );
		// 3. (WC 3.6)
		$mail_callback = apply_filters( 'woocommerce_mail_callback', 'wp_mail', $this );
		// 4.
		$mail_callback_params = apply_filters( 'woocommerce_mail_callback_params', array( $to, wp_specialchars_decode( $subject ), $message, $headers, $attachments ), $this );
		// 5.
		$return = $mail_callback( ...$mail_callback_params );

		// 6.
		remove_filter( 'wp_mail_from', array( $this, 'get_from_address' ) );
		remove_filter( 'wp_mail_from_name', array( $this, 'get_from_name' ) );
		remove_filter( 'wp_mail_content_type', array( $this, 'get_content_type' ) );
		$this->clear_alt_body_field();

		// 7. (WC 5.6)
		do_action( 'woocommerce_email_sent', $return, $this->id, $this );

		// 8.
		return $return;
	}

	private function clear_alt_body_field() {
		global $phpmailer;
		if ( $phpmailer instanceof PHPMailer\PHPMailer\PHPMailer ) {
			$phpmailer->AltBody = ''; // phpcs:ignore WordPress.NamingConventions.ValidVariableName.UsedPropertyNotSnakeCase
		}
	}

	public function init_form_fields() {
		$this->form_fields = array(
			'enabled'            => array(
				'title'   => __( 'Enable/Disable', 'woocommerce' ),
				'type'    => 'checkbox',
				'default' => 'yes',
			),
			'subject'            => array(
				'title'       => __( 'Subject', 'woocommerce' ),
				'type'        => 'text',
				'placeholder' => $this->get_default_subject(),
				'default'     => '',
			),
			'heading'            => array(
				'title'       => __( 'Email heading', 'woocommerce' ),
				'type'        => 'text',
				'placeholder' => $this->get_default_heading(),
				'default'     => '',
			),
			'additional_content' => array(
				'title'   => __( 'Additional content', 'woocommerce' ),
				'type'    => 'textarea',
				'default' => $this->get_default_additional_content(),
			),
			'email_type'         => array(
				'title'   => __( 'Email type', 'woocommerce' ),
				'type'    => 'select',
				'default' => 'html',
			),
		);
	}
}
