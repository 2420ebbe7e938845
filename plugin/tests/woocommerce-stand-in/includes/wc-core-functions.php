<?php
/**
 * Mirrors includes/wc-core-functions.php (and the account/page helpers of
 * includes/wc-page-functions.php, includes/wc-account-functions.php): the functions the email
 * path calls.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * wc-core-functions.php: wc_mail() → WC()->mailer()->send().
 */
function wc_mail( $to, $subject, $message, $headers = "Content-Type: text/html\r\n", $attachments = '' ) {
	$mailer = WC()->mailer();
	return $mailer->send( $to, $subject, $message, $headers, $attachments );
}

/**
 * wc-core-functions.php: renders a template to a string.
 */
function wc_get_template_html( $template_name, $args = array(), $template_path = '', $default_path = '' ) {
	ob_start();
	wc_get_template( $template_name, $args, $template_path, $default_path );
	return ob_get_clean();
}

/**
 * wc-core-functions.php: includes a template with its args extracted (a theme override
 * lookup is not reproduced; `wc_get_template` and `woocommerce_before/after_template_part`
 * are).
 */
function wc_get_template( $template_name, $args = array(), $template_path = '', $default_path = '' ) {
	$template = ( $default_path ? trailingslashit( $default_path ) : WC()->plugin_path() . '/templates/' ) . $template_name;
	$filter_template = apply_filters( 'wc_get_template', $template, $template_name, $args, $template_path, $default_path );
	if ( ! file_exists( $filter_template ) ) {
		/* translators: %s template */
		_doing_it_wrong( __FUNCTION__, sprintf( '<code>%s</code> does not exist.', $filter_template ), '2.1' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		return;
	}
	do_action( 'woocommerce_before_template_part', $template_name, $template_path, $filter_template, $args );
	extract( $args ); // phpcs:ignore WordPress.PHP.DontExtract.extract_extract
	include $filter_template;
	do_action( 'woocommerce_after_template_part', $template_name, $template_path, $filter_template, $args );
}

/**
 * wc-core-functions.php (6.8+ with locale filters); no-ops in this single-locale stand-in.
 */
function wc_switch_to_site_locale() {}

function wc_restore_locale() {}

/**
 * A WC_Logger stand-in: records to an array, so tests can read what would have been logged.
 */
final class WC_Logger_Stand_In {
	/** @var array<int, array{level: string, message: string, context: array}> */
	public $entries = array();

	public function log( $level, $message, $context = array() ) {
		$this->entries[] = array(
			'level'   => $level,
			'message' => $message,
			'context' => $context,
		);
	}

	public function __call( $level, $args ) {
		$this->log( $level, (string) ( $args[0] ?? '' ), (array) ( $args[1] ?? array() ) );
	}
}

/**
 * wc-core-functions.php: wc_get_logger().
 */
function wc_get_logger() {
	static $logger = null;
	if ( null === $logger ) {
		$logger = new WC_Logger_Stand_In();
	}
	return $logger;
}

/**
 * wc-core-functions.php: the store currency (option `woocommerce_currency`).
 */
function get_woocommerce_currency() {
	return apply_filters( 'woocommerce_currency', get_option( 'woocommerce_currency', 'USD' ) );
}

/**
 * wc-core-functions.php: the currency symbol as an HTML entity, as WooCommerce returns it.
 */
function get_woocommerce_currency_symbol( $currency = '' ) {
	if ( ! $currency ) {
		$currency = get_woocommerce_currency();
	}
	$symbols = apply_filters(
		'woocommerce_currency_symbols',
		array(
			'EUR' => '&euro;',
			'GBP' => '&pound;',
			'USD' => '&#36;',
			'JPY' => '&yen;',
			'CHF' => 'CHF',
		)
	);
	$symbol  = isset( $symbols[ $currency ] ) ? $symbols[ $currency ] : '';
	return apply_filters( 'woocommerce_currency_symbol', $symbol, $currency );
}

/**
 * wc-order-functions.php: statuses that count as paid.
 */
function wc_get_is_paid_statuses() {
	return apply_filters( 'woocommerce_order_is_paid_statuses', array( 'processing', 'completed' ) );
}

/**
 * wc-page-functions.php: a WooCommerce page's permalink. The stand-in has no pages; the
 * My Account page is `/my-account/` under the home URL.
 */
function wc_get_page_permalink( $page, $fallback = null ) {
	$permalink = 'myaccount' === $page ? home_url( '/my-account/' ) : ( $fallback ? $fallback : get_home_url() );
	return apply_filters( 'woocommerce_get_' . $page . '_page_permalink', $permalink );
}

/**
 * wc-page-functions.php: an endpoint URL under a page (pretty-permalink form).
 */
function wc_get_endpoint_url( $endpoint, $value = '', $permalink = '' ) {
	if ( ! $permalink ) {
		$permalink = get_permalink();
	}
	$url = trailingslashit( $permalink ) . trailingslashit( $endpoint );
	if ( '' !== (string) $value ) {
		$url .= trailingslashit( (string) $value );
	}
	return apply_filters( 'woocommerce_get_endpoint_url', $url, $endpoint, $value, $permalink );
}

/**
 * wc-account-functions.php.
 */
function wc_get_account_endpoint_url( $endpoint ) {
	if ( 'dashboard' === $endpoint ) {
		return wc_get_page_permalink( 'myaccount' );
	}
	return wc_get_endpoint_url( $endpoint, '', wc_get_page_permalink( 'myaccount' ) );
}
