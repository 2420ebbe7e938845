<?php
/**
 * Every WooCommerce email the store has, as WooCommerce lists them.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * Reads `WC()->mailer()->get_emails()`: the list after `woocommerce_email_classes`, so
 * third-party classes (Subscriptions, Bookings, …) are here like core ones. The refund class
 * sends under two ids (it rewrites its id for partial refunds), so it is listed twice.
 */
final class Email_Catalog {

	/**
	 * Classes that send under more than one id: class => every id. Their `$id` property says
	 * only which one they sent last (after a partial refund the refund email's id is
	 * `customer_partially_refunded_order` for the rest of the request), so it is not read.
	 */
	private const IDS = array(
		'WC_Email_Customer_Refunded_Order' => array( 'customer_refunded_order', 'customer_partially_refunded_order' ),
	);

	public static function available(): bool {
		return function_exists( 'WC' ) && class_exists( 'WC_Emails' ); // WC_Email itself loads with the mailer.
	}

	/**
	 * @return array<string, array{id: string, class: string, title: string, description: string, customer_email: bool, manual: bool, enabled: bool, recipient: string}>
	 */
	public function describe(): array {
		$rows = array();
		foreach ( $this->emails() as $id => $email ) {
			$rows[ $id ] = array(
				'id'             => $id,
				'class'          => get_class( $email ),
				'title'          => (string) $email->get_title() . ( 'customer_partially_refunded_order' === $id ? ' (' . __( 'partial', 'relaypress' ) . ')' : '' ),
				'description'    => (string) $email->get_description(),
				'customer_email' => (bool) $email->is_customer_email(),
				'manual'         => (bool) $email->is_manual(),
				'enabled'        => $email->is_manual() || 'yes' === $email->enabled, // WooCommerce's own setting.
				'recipient'      => $email->is_customer_email() ? '' : (string) $email->recipient,
			);
		}
		return $rows;
	}

	/**
	 * @return array<string, \WC_Email> By email id.
	 */
	public function emails(): array {
		if ( ! self::available() ) {
			return array();
		}
		$emails = array();
		foreach ( (array) WC()->mailer()->get_emails() as $email ) {
			if ( ! $email instanceof \WC_Email || '' === (string) $email->id ) {
				continue;
			}
			foreach ( self::ids( $email ) as $id ) {
				$emails[ $id ] = $email;
			}
		}
		return $emails;
	}

	/**
	 * @return string[]
	 */
	private static function ids( \WC_Email $email ): array {
		foreach ( self::IDS as $class => $ids ) {
			if ( $email instanceof $class ) { // A subclass rewrites its id the same way.
				return $ids;
			}
		}
		return array( (string) $email->id );
	}

	public function find( string $id ): ?\WC_Email {
		return $this->emails()[ $id ] ?? null;
	}
}
