<?php
/**
 * The store's cancelled/failed order emails and the customer's failed-order email (WC 9.5+),
 * through the WooCommerce stand-in: discovered, mapped, sent as templates or as WooCommerce's
 * HTML, the customer's Reply-to on the store's copies; and a multipart email's text part.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

final class AdminOrderEmailsTest extends WooCommerce_Test_Case {

	private function map( string $email_id, string $template_id ): void {
		$this->plugin->woocommerce->mappings->set( $email_id, $template_id );
	}

	/**
	 * The relay requests made since $before requests had been made.
	 *
	 * @return array<int, array<string, mixed>>
	 */
	private function sends_after( Relay_Stub $relay, int $before ): array {
		return array_slice( $relay->sends(), $before );
	}

	private function admin_email(): string {
		$admin = (string) get_option( 'admin_email' );
		$this->assertTrue( (bool) is_email( $admin ), 'the test site has an admin email' );
		return $admin;
	}

	public function test_an_order_cancelled_while_processing_sends_cancelled_order_to_the_store_as_its_template_with_the_customers_reply_to(): void {
		$relay = $this->relay();
		$this->map( 'cancelled_order', 'tpl_x' );
		$order = $this->create_order();
		$order->payment_complete( 'ch_123' );
		$before = count( $relay->sends() );
		$this->assertSame( 2, $before, 'new order + processing' );

		$order->update_status( 'cancelled' );

		$this->assertSame( 'cancelled', wc_get_order( $order->get_id() )->get_status() );
		$sends = $this->sends_after( $relay, $before );
		$this->assertCount( 1, $sends, 'only the store is told (no customer cancelled email before WC 10)' );
		$body   = $sends[0]['body'];
		$number = $order->get_order_number();
		$this->assertSame( 'tpl_x', $body['template_id'] );
		$this->assertSame( array( 'woocommerce', 'cancelled_order' ), $body['tags'] );
		$this->assertSame( array( array( 'email' => $this->admin_email() ) ), $body['to'] );
		$this->assertSame( '[Nordlicht Supply]: Order #' . $number . ' has been cancelled', $body['subject'] );
		$this->assertSame( array( 'email' => 'shop@example.test', 'name' => 'Nordlicht Supply' ), $body['from'] );
		$this->assertSame( array( 'email' => 'chloe@example.org', 'name' => 'Chloé Dvořák' ), $body['reply_to'], "the store answers the customer (WooCommerce's Reply-to for admin order emails)" );
		$this->assertArrayNotHasKey( 'raw', $body );

		$data = $body['data'];
		$this->assertSame( array( 'id' => 'cancelled_order', 'heading' => 'Order Cancelled: #' . $number ), $data['email'] );
		$this->assertSame( $order->get_id(), $data['order']['id'] );
		$this->assertSame( $number, $data['order']['order_number'] );
		$this->assertSame( 'cancelled', $data['order']['status'] );
		$this->assertSame( 'Credit card (Stripe)', $data['order']['payment_method'] );
		$this->assertSame( array( 'first_name' => 'Chloé', 'last_name' => 'Dvořák', 'name' => 'Chloé Dvořák', 'email' => 'chloe@example.org', 'phone' => '+33 6 12 34 56 78', 'username' => '' ), $data['customer'] );
		$this->assertSame( array( 'Merino Wool Beanie', 'Field Guide to Nordic Birds' ), array_column( $data['items'], 'product' ) );
		$this->assertSame( '€71.22', $data['invoice']['total'] );
		$this->assertSame( '€6.05', $data['order_coupons'][0]['discount'] );
	}

	public function test_cancelled_order_follows_woocommerce_9_transitions_and_its_recipient_setting(): void {
		$relay = $this->relay();
		update_option( 'woocommerce_cancelled_order_settings', array( 'recipient' => 'orders@nordlicht.test, not-an-address, boss@nordlicht.test' ) );
		$this->reset_mailer();
		$cancelled = $this->record( 'woocommerce_order_status_on-hold_to_cancelled', 2 );

		$on_hold = $this->create_order();
		$on_hold->update_status( 'on-hold' );
		$before = count( $relay->sends() );
		$on_hold->update_status( 'cancelled' );

		$this->assertCount( 1, $cancelled, 'the transition hook fired once' );
		$this->assertSame( $on_hold->get_id(), $cancelled[0][0] );
		$this->assertInstanceOf( \WC_Order::class, $cancelled[0][1] );
		$sends = $this->sends_after( $relay, $before );
		$this->assertCount( 1, $sends );
		$this->assertSame( array( 'woocommerce', 'cancelled_order' ), $sends[0]['body']['tags'] );
		$this->assertSame( array( 'orders@nordlicht.test', 'boss@nordlicht.test' ), $sends[0]['body']['envelope']['rcpt_to'], 'the recipient option, invalid entries dropped' );

		// pending → cancelled sends nothing in WooCommerce 8.x/9.x (10.x added that trigger).
		$pending = $this->create_order();
		$before  = count( $relay->sends() );
		$pending->update_status( 'cancelled' );
		$this->assertSame( 'cancelled', wc_get_order( $pending->get_id() )->get_status() );
		$this->assertSame( array(), $this->sends_after( $relay, $before ) );
	}

	public function test_the_new_emails_are_discovered_by_the_catalog_with_woocommerces_flags(): void {
		$described = $this->plugin->woocommerce->catalog->describe();
		$admin     = $this->admin_email();

		$this->assertSame(
			array( 'new_order', 'cancelled_order', 'failed_order', 'customer_failed_order', 'customer_on_hold_order', 'customer_processing_order' ),
			array_slice( array_keys( $described ), 0, 6 ),
			"WooCommerce 9.x's order"
		);
		$this->assertSame(
			array( 'id' => 'cancelled_order', 'class' => 'WC_Email_Cancelled_Order', 'title' => 'Cancelled order', 'customer_email' => false, 'manual' => false, 'enabled' => true, 'recipient' => $admin ),
			array_diff_key( $described['cancelled_order'], array( 'description' => true ) )
		);
		$this->assertSame(
			array( 'id' => 'failed_order', 'class' => 'WC_Email_Failed_Order', 'title' => 'Failed order', 'customer_email' => false, 'manual' => false, 'enabled' => true, 'recipient' => $admin ),
			array_diff_key( $described['failed_order'], array( 'description' => true ) )
		);
		$this->assertSame(
			array( 'id' => 'customer_failed_order', 'class' => 'WC_Email_Customer_Failed_Order', 'title' => 'Failed order', 'customer_email' => true, 'manual' => false, 'enabled' => true, 'recipient' => '' ),
			array_diff_key( $described['customer_failed_order'], array( 'description' => true ) )
		);
	}

	public function test_a_failed_payment_sends_failed_order_to_the_store_and_customer_failed_order_to_the_customer_each_as_its_template(): void {
		$relay = $this->relay();
		$this->map( 'failed_order', 'tpl_failed_store' );
		$this->map( 'customer_failed_order', 'tpl_failed_customer' );
		$order  = $this->create_order();
		$number = $order->get_order_number();

		$order->update_status( 'failed' );

		$sends = $this->template_sends( $relay );
		$this->assertCount( 2, $sends );
		$this->assertSame( $sends, $relay->sends(), 'nothing went as HTML' );

		// `woocommerce_order_status_failed` fires before `…_pending_to_failed`: the customer's first.
		$customer = $sends[0]['body'];
		$this->assertSame( 'tpl_failed_customer', $customer['template_id'] );
		$this->assertSame( array( 'woocommerce', 'customer_failed_order' ), $customer['tags'] );
		$this->assertSame( array( array( 'email' => 'chloe@example.org' ) ), $customer['to'] );
		$this->assertSame( 'Your order at Nordlicht Supply was unsuccessful', $customer['subject'] );
		$this->assertSame( array( 'email' => 'shop@example.test', 'name' => 'Nordlicht Supply' ), $customer['reply_to'], 'a customer email: Reply-to is the store' );
		$this->assertSame( array( 'id' => 'customer_failed_order', 'heading' => 'Sorry, your order was unsuccessful' ), $customer['data']['email'] );
		$this->assertSame( 'failed', $customer['data']['order']['status'] );
		$this->assertSame( $order->get_checkout_payment_url(), $customer['data']['invoice']['pay_url'], 'a failed order can be paid again' );

		$store = $sends[1]['body'];
		$this->assertSame( 'tpl_failed_store', $store['template_id'] );
		$this->assertSame( array( 'woocommerce', 'failed_order' ), $store['tags'] );
		$this->assertSame( array( array( 'email' => $this->admin_email() ) ), $store['to'] );
		$this->assertSame( '[Nordlicht Supply]: Order #' . $number . ' has failed', $store['subject'] );
		$this->assertSame( array( 'email' => 'chloe@example.org', 'name' => 'Chloé Dvořák' ), $store['reply_to'] );
		$this->assertSame( array( 'id' => 'failed_order', 'heading' => 'Order Failed: #' . $number ), $store['data']['email'] );
		$this->assertSame( $number, $store['data']['order']['order_number'] );
		$this->assertSame( '€71.22', $store['data']['invoice']['total'] );
	}

	public function test_unmapped_failed_order_emails_go_as_woocommerce_html(): void {
		$relay  = $this->relay();
		$order  = $this->create_order();
		$number = $order->get_order_number();

		$order->update_status( 'failed' );

		$this->assertSame( array(), $this->template_sends( $relay ) );
		$raw = $this->raw_sends( $relay );
		$this->assertCount( 2, $raw );
		$this->assertSame( array( 'woocommerce', 'customer_failed_order' ), $raw[0]['body']['tags'] );
		$this->assertSame( array( 'woocommerce', 'failed_order' ), $raw[1]['body']['tags'] );

		$customer = $this->sent_message( $raw[0] );
		$this->assertSame( array( 'chloe@example.org' ), $raw[0]['body']['envelope']['rcpt_to'] );
		$this->assertSame( 'Your order at Nordlicht Supply was unsuccessful', $customer->decoded_header( 'Subject' ) );
		$this->assertSame( 'text/html', $customer->content_type() );
		$this->assertSame( 'Nordlicht Supply <shop@example.test>', $customer->decoded_header( 'Reply-To' ) );
		$html = $customer->decoded_body();
		$this->assertStringContainsString( '<h1>Sorry, your order was unsuccessful</h1>', $html );
		$this->assertStringContainsString( 'Unfortunately, we couldn&#039;t complete your order due to an issue with your payment method.', $html );
		$this->assertStringContainsString( 'Merino Wool Beanie', $html );

		$store = $this->sent_message( $raw[1] );
		$this->assertSame( array( $this->admin_email() ), $raw[1]['body']['envelope']['rcpt_to'] );
		$this->assertSame( '[Nordlicht Supply]: Order #' . $number . ' has failed', $store->decoded_header( 'Subject' ) );
		$this->assertSame( 'text/html', $store->content_type() );
		$this->assertSame( 'Chloé Dvořák <chloe@example.org>', $store->decoded_header( 'Reply-To' ) );
		$html = $store->decoded_body();
		$this->assertStringContainsString( '<h1>Order Failed: #' . $number . '</h1>', $html );
		$this->assertStringContainsString( 'Payment for order #' . $number . ' from Chloé Dvořák has failed. The order was as follows:', $html );
	}

	public function test_a_disabled_failed_order_email_sends_nothing_for_the_store_while_the_customer_is_still_told(): void {
		$relay = $this->relay();
		$this->map( 'failed_order', 'tpl_failed_store' );
		update_option( 'woocommerce_failed_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();

		$this->create_order()->update_status( 'failed' );

		$sends = $relay->sends();
		$this->assertCount( 1, $sends );
		$this->assertSame( array( 'woocommerce', 'customer_failed_order' ), $sends[0]['body']['tags'] );
		$this->assertArrayHasKey( 'raw', $sends[0]['body'], 'unmapped: WooCommerce HTML' );
		$this->assertSame( array( 'chloe@example.org' ), $sends[0]['body']['envelope']['rcpt_to'] );
		$this->assertCount( 1, $this->outbox_rows() );
		$this->assertFalse( $this->plugin->woocommerce->catalog->describe()['failed_order']['enabled'] );
	}

	public function test_failed_from_on_hold_tells_both_and_from_processing_only_the_customer(): void {
		$relay    = $this->relay();
		$on_hold  = $this->create_order();
		$on_hold->update_status( 'on-hold' );
		$before = count( $relay->sends() );
		$on_hold->update_status( 'failed' );
		$this->assertSame( array( 'customer_failed_order', 'failed_order' ), array_map( static fn( $s ) => $s['body']['tags'][1], $this->sends_after( $relay, $before ) ) );

		$processing = $this->create_order();
		$processing->payment_complete();
		$before = count( $relay->sends() );
		$processing->update_status( 'failed' );
		$this->assertSame( array( 'customer_failed_order' ), array_map( static fn( $s ) => $s['body']['tags'][1], $this->sends_after( $relay, $before ) ), 'no processing_to_failed trigger for the store' );
	}

	public function test_a_multipart_email_reaches_the_relay_with_the_plain_template_as_its_text_part(): void {
		$relay = $this->relay();
		update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'yes', 'email_type' => 'multipart' ) );
		update_option( 'woocommerce_new_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();
		$order = $this->create_order();

		$order->payment_complete();

		$raw = $this->raw_sends( $relay );
		$this->assertCount( 1, $raw );
		$this->assertSame( $raw, $relay->sends() );
		$this->assertSame( array( 'woocommerce', 'customer_processing_order' ), $raw[0]['body']['tags'] );
		$mime = $this->sent_message( $raw[0] );
		$this->assertSame( 'multipart/alternative', $mime->content_type() );
		$this->assertNotNull( $mime->param( 'Content-Type', 'boundary' ) );
		$parts = $mime->parts();
		$this->assertSame( array( 'text/plain', 'text/html' ), array_map( static fn( $p ) => $p->content_type(), $parts ), 'text first, then HTML (RFC 2046: the preferred part last)' );

		// The text part is WooCommerce's handle_multipart() output: the plain template, tags
		// stripped, entities replaced, wrapped.
		$email    = WC()->mailer()->get_emails()['WC_Email_Customer_Processing_Order'];
		$expected = wordwrap( preg_replace( $email->plain_search, $email->plain_replace, wp_strip_all_tags( $email->get_content_plain() ) ) );
		$text     = str_replace( "\r\n", "\n", $parts[0]->decoded_body() );
		$this->assertSame( rtrim( $expected ), rtrim( $text ) );
		$this->assertStringStartsWith( "= Thank you for your order =\n\nHi Chloé,\n\nJust to let you know -- we", $text, 'from plain/customer-processing-order.php' );
		$this->assertStringContainsString( "\nMerino Wool Beanie × 2 = ", $text );
		$this->assertStringContainsString( "\nField Guide to Nordic Birds × 1 = ", $text );
		$this->assertStringNotContainsString( '<', $text );
		$this->assertStringNotContainsString( 'Billing address', $text, 'not the HTML template converted' );

		$html = $parts[1]->decoded_body();
		$this->assertStringContainsString( '<h1>Thank you for your order</h1>', $html );
		$this->assertStringContainsString( '<h2>Billing address</h2>', $html );
		$this->assertStringContainsString( '<td>Merino Wool Beanie</td>', $html );

		$rows = $this->outbox_rows();
		$this->assertCount( 1, $rows );
		$this->assertSame( \RelayPress\Outbox\Outbox_Repository::SENT, $rows[0]['status'] );
	}

	public function test_the_text_part_stays_with_the_multipart_email_and_does_not_reach_the_html_ones_around_it(): void {
		$relay = $this->relay();
		update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'yes', 'email_type' => 'multipart' ) );
		$this->reset_mailer();

		$order = $this->create_order();
		$order->payment_complete();
		$order->add_order_note( 'Shipped today.', 1 );

		$raw = $this->raw_sends( $relay );
		$this->assertSame( array( 'new_order', 'customer_processing_order', 'customer_note' ), array_map( static fn( $s ) => $s['body']['tags'][1], $raw ) );
		$this->assertSame( array( 'text/html', 'multipart/alternative', 'text/html' ), array_map( fn( $s ) => $this->sent_message( $s )->content_type(), $raw ) );
		$this->assertCount( 2, $this->sent_message( $raw[1] )->parts(), 'text and HTML' );
		$this->assertStringContainsString( 'Shipped today.', $this->sent_message( $raw[2] )->decoded_body() );

		global $phpmailer;
		$this->assertSame( '', $phpmailer->AltBody, 'WC_Email::send() cleared it afterwards' );
	}
}
