<?php
/**
 * Sends a mapped WooCommerce email as a relay template, after WooCommerce decided to send it.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

use RelayPress\Mail\Send_Context;

/**
 * Hooks `woocommerce_mail_callback` (WC 3.6+), step 3 of WC_Email::send(). By then WooCommerce
 * has done everything it does for that email: the enabled setting and the recipient filters
 * (trigger() only calls send() when is_enabled() && get_recipient()), the merchant's subject
 * and heading, headers, attachments, its From filters (added in step 1). The callback returned
 * here still calls wp_mail() with the same arguments (after `woocommerce_mail_callback_params`),
 * only with a Send_Context saying which template and data to send instead of the HTML body;
 * Relay_Mailer stores both forms in one outbox row (see Outbox_Processor::deliver()).
 */
final class Email_Interceptor {

	/**
	 * WooCommerce's account emails: their links are keys (password reset, set password), so
	 * they are never tracked. Any other email about a user rather than an order (a third-party
	 * one whose object is a WP_User) counts too.
	 */
	private const ACCOUNT_EMAILS = array( 'customer_reset_password', 'customer_new_account' );

	private Mapping_Store $mappings;
	private Variable_Builder $variables;
	private Send_Context $context;

	public function __construct( Mapping_Store $mappings, Variable_Builder $variables, Send_Context $context ) {
		$this->mappings  = $mappings;
		$this->variables = $variables;
		$this->context   = $context;
	}

	/**
	 * A callback someone else already chose (not 'wp_mail') is left alone.
	 *
	 * @param mixed $callback Mail callback so far ('wp_mail').
	 * @param mixed $email    The WC_Email sending.
	 * @return mixed
	 */
	public function callback( $callback, $email ) {
		if ( 'wp_mail' !== $callback || ! $email instanceof \WC_Email ) {
			return $callback;
		}
		return function ( $to, $subject, $message, $headers = '', $attachments = array() ) use ( $email ): bool {
			return $this->send( $email, $to, $subject, $message, $headers, $attachments );
		};
	}

	/**
	 * wp_mail() with the email's context: tags `woocommerce` and the email id always, whether
	 * it is account mail (never tracked), the template and its data when the email is mapped. Returns a real bool (WC 10.9's
	 * send_notification() requires one).
	 *
	 * @param string|string[] $to          Recipients.
	 * @param string          $subject     Subject (WooCommerce's, with the merchant's override).
	 * @param string          $message     WooCommerce's HTML: the raw form, and the fallback.
	 * @param string|string[] $headers     Headers.
	 * @param string|string[] $attachments Paths.
	 */
	public function send( \WC_Email $email, $to, $subject, $message, $headers = '', $attachments = array() ): bool {
		$id      = (string) $email->id;
		$context = array(
			'source'       => 'woocommerce',
			'tags'         => array( 'woocommerce', substr( $id, 0, 64 ) ),
			'account_mail' => in_array( $id, self::ACCOUNT_EMAILS, true ) || $email->object instanceof \WP_User,
		);
		$template_id = $this->mappings->active_template( $id );
		if ( null !== $template_id ) {
			try {
				$context['template'] = array(
					'template_id' => $template_id,
					'data'        => $this->variables->for_email( $email ),
				);
			} catch ( \Throwable $e ) {
				// No data, no template: WooCommerce's HTML goes, and the reason is kept.
				do_action( 'relaypress_woocommerce_variables_failed', $e, $email );
			}
		}
		return (bool) $this->context->during(
			$context,
			static fn() => wp_mail( $to, $subject, $message, $headers, $attachments )
		);
	}
}
