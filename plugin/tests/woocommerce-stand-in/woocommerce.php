<?php
/**
 * Plugin Name: WooCommerce (RelayPress test stand-in)
 * Description: TEST ONLY, never shipped. The slice of WooCommerce's email path that RelayPress hooks into, reproduced from /work/shared/reference/wordpress-woocommerce-mail.md §5 (class and function names, signatures, hook names and arguments, the order of calls in WC_Email::send()).
 * Version: 8.9.3-stand-in
 *
 * Loadable as a regular plugin (wp-content/plugins/woocommerce/woocommerce.php, so it loads
 * after relaypress/ as the real one does) or required from a mu-plugin.
 *
 * Mirrors: woocommerce/woocommerce.php and includes/class-woocommerce.php.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

if ( defined( 'WC_PLUGIN_FILE' ) ) { // Loaded already (a plugin and a mu-plugin both asking).
	return;
}

define( 'WC_PLUGIN_FILE', __FILE__ );
define( 'WC_ABSPATH', __DIR__ . '/' );
define( 'WC_VERSION', '8.9.3' );

require_once __DIR__ . '/includes/wc-core-functions.php';
require_once __DIR__ . '/includes/wc-formatting-functions.php';
require_once __DIR__ . '/includes/wc-order-functions.php';
require_once __DIR__ . '/includes/wc-user-functions.php';
require_once __DIR__ . '/includes/class-wc-datetime.php';
require_once __DIR__ . '/includes/class-wc-product.php';
require_once __DIR__ . '/includes/class-wc-order-item-product.php';
require_once __DIR__ . '/includes/class-wc-order.php';
require_once __DIR__ . '/includes/data-stores/class-wc-order-data-store-cpt.php';
require_once __DIR__ . '/includes/data-stores/class-orders-table-data-store.php';
require_once __DIR__ . '/includes/abstracts/abstract-wc-settings-api.php';
require_once __DIR__ . '/includes/class-wc-emails.php';
require_once __DIR__ . '/includes/class-wc-install.php';

/**
 * Mirrors includes/class-woocommerce.php: the main class; only what the email path touches.
 */
final class WooCommerce {

	/** @var WooCommerce|null */
	protected static $_instance = null; // phpcs:ignore PSR2.Classes.PropertyDeclaration.Underscore

	public $version = WC_VERSION;

	public static function instance() {
		if ( is_null( self::$_instance ) ) {
			self::$_instance = new self();
		}
		return self::$_instance;
	}

	public function __construct() {
		$this->init_hooks();
		do_action( 'woocommerce_loaded' );
	}

	/**
	 * Mirrors WooCommerce::init_hooks(): emails are set up on `init`.
	 */
	private function init_hooks() {
		add_action( 'init', array( 'WC_Install', 'check_version' ), 5 );
		add_action( 'init', array( 'WC_Emails', 'init_transactional_emails' ) );
	}

	public function plugin_path() {
		return untrailingslashit( WC_ABSPATH );
	}

	public function plugin_url() {
		return untrailingslashit( plugins_url( '/', WC_PLUGIN_FILE ) );
	}

	/**
	 * WooCommerce::mailer(): the WC_Emails singleton.
	 *
	 * @return WC_Emails
	 */
	public function mailer() {
		return WC_Emails::instance();
	}

	/** No-ops here: the email path does not need gateways or shipping zones. */
	public function payment_gateways() {
		return null;
	}

	public function shipping() {
		return null;
	}
}

/**
 * Mirrors woocommerce.php's WC().
 *
 * @return WooCommerce
 */
function WC() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName.FunctionNameInvalid
	return WooCommerce::instance();
}

$GLOBALS['woocommerce'] = WC();

// When required late (after `init`, e.g. from a test), set up as `init` would have.
if ( did_action( 'init' ) ) {
	WC_Install::check_version();
	WC_Emails::init_transactional_emails();
}
