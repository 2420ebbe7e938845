<?php
/**
 * Mirrors includes/class-wc-datetime.php.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

class WC_DateTime extends DateTime {

	public function __toString() {
		return $this->format( DATE_ATOM );
	}

	public function getOffsetTimestamp() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName.MethodNameInvalid
		return $this->getTimestamp() + $this->getOffset();
	}

	public function date( $format ) {
		return gmdate( $format, $this->getOffsetTimestamp() );
	}

	public function date_i18n( $format = 'Y-m-d' ) {
		return date_i18n( $format, $this->getOffsetTimestamp() );
	}
}
