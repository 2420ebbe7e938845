<?php
/**
 * Loads translations.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Support;

defined( 'ABSPATH' ) || exit;

/**
 * `relaypress` text domain from languages/ (WordPress.org language packs take precedence).
 */
class Text_Domain {

	public function register(): void {
		add_action( 'init', array( $this, 'load' ) );
	}

	public function load(): void {
		load_plugin_textdomain( 'relaypress', false, dirname( plugin_basename( RELAYPRESS_FILE ) ) . '/languages' );
	}
}
