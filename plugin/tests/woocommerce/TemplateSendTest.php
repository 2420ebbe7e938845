<?php
/**
 * WooCommerce emails mapped to relay templates, through the WooCommerce stand-in.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use RelayPress\Outbox\Outbox_Repository;
use RelayPress\WooCommerce\Variable_Builder;

require_once ABSPATH . 'wp-admin/includes/user.php';

final class TemplateSendTest extends WooCommerce_Test_Case {

	private function map( string $email_id, string $template_id, bool $enabled = true ): void {
		$this->plugin->woocommerce->mappings->set( $email_id, $template_id, $enabled );
	}

	public function test_a_mapped_processing_email_is_sent_as_its_template_with_the_order_data(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'yes', 'subject' => 'Order {order_number} is on its way to {site_title}', 'heading' => 'Merci, {order_number}!', 'email_type' => 'html' ) );
		$attachment = tempnam( sys_get_temp_dir(), 'terms' );
		file_put_contents( $attachment, '%PDF-1.4 terms' );
		add_filter( 'woocommerce_email_attachments', static fn( $files, $id ) => 'customer_processing_order' === $id ? array( $attachment ) : $files, 10, 2 );
		// A header another plugin adds goes with the template too; one the relay sets itself does not.
		add_filter( 'woocommerce_email_headers', static fn( $headers ) => $headers . "X-Shop-Campaign: spring\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n" );

		$order = $this->create_order();
		$order->payment_complete( 'ch_123' );

		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends, 'only the mapped email goes as a template' );
		$body = $sends[0]['body'];
		$this->assertSame( 'tpl_processing', $body['template_id'] );
		$this->assertSame( 'Order ' . $order->get_order_number() . ' is on its way to Nordlicht Supply', $body['subject'], "the merchant's subject, placeholders filled" );
		$this->assertSame( array( 'woocommerce', 'customer_processing_order' ), $body['tags'] );
		// The same tracking choice a raw send would carry (off by default).
		$this->assertSame( array( 'opens' => false, 'clicks' => false ), $body['tracking'] );
		$this->assertSame( array( array( 'email' => 'chloe@example.org' ) ), $body['to'] );
		$this->assertSame( array( 'email' => 'shop@example.test', 'name' => 'Nordlicht Supply' ), $body['from'], "WooCommerce's From filters applied" );
		$this->assertSame( array( 'email' => 'shop@example.test', 'name' => 'Nordlicht Supply' ), $body['reply_to'], "WooCommerce's Reply-to header" );
		$this->assertSame( 'terms', substr( $body['attachments'][0]['filename'], 0, 5 ) );
		$this->assertSame( '%PDF-1.4 terms', base64_decode( $body['attachments'][0]['content'] ) );
		$this->assertSame( array( array( 'name' => 'X-Shop-Campaign', 'value' => 'spring' ) ), $body['headers'] );

		$data = $body['data'];
		$this->assertSame( Variable_Builder::SCHEMA_VERSION, $data['schema_version'] );
		$this->assertSame( 'Merci, ' . $order->get_order_number() . '!', $data['email']['heading'], "the merchant's heading" );
		$this->assertSame( 'EUR', $data['currency'] );
		$this->assertSame( (string) $order->get_id(), $data['order']['order_number'] );
		$this->assertSame( "Please leave at door.\nThank you!", $data['order']['customer_message'] );
		$this->assertSame( 'Chloé Dvořák<br/>Dvořák &amp; Filles<br/>12 Rue de l&#039;Église<br/>75004 Paris<br/>FR', $data['order']['billing_address'] );
		$this->assertSame( 'Flat rate', $data['order']['shipping_method'] );
		$this->assertEquals( array( 'product' => 'Merino Wool Beanie', 'quantity' => 2, 'sku' => 'NL-BEANIE-CH', 'price' => '€48.00', 'price_raw' => 48 ), array_intersect_key( $data['items'][0], array_flip( array( 'product', 'quantity', 'sku', 'price', 'price_raw' ) ) ) );
		$this->assertSame( 'Colour: Charcoal', $data['items'][0]['meta_data'] );
		$this->assertSame( array( array( 'code' => 'welcome10', 'discount' => '€6.05', 'discount_raw' => 6.05 ) ), $data['order_coupons'] );
		$this->assertSame( '€71.22', $data['invoice']['total'] );
		$this->assertSame( 71.22, $data['invoice']['total_raw'] );
		$this->assertSame( '€60.50', $data['invoice']['subtotal'] );
		$this->assertSame( 'Credit card (Stripe)', $data['invoice']['pay_method'] );
		$this->assertSame( '', $data['invoice']['pay_url'], 'a paid order has nothing to pay' );
		$this->assertSame( array( 'first_name' => 'Chloé', 'last_name' => 'Dvořák', 'name' => 'Chloé Dvořák', 'email' => 'chloe@example.org', 'phone' => '+33 6 12 34 56 78', 'username' => '' ), $data['customer'] );
		$this->assertSame( array( 'name' => 'Nordlicht Supply', 'url' => home_url(), 'email' => 'shop@example.test' ), $data['store'] );

		$rows = $this->outbox_rows();
		$this->assertCount( 2, $rows, 'the new-order email to the store and the customer email' );
		$this->assertSame( Outbox_Repository::SENT, $rows[1]['status'] );
		$this->assertNull( $rows[1]['template_request'], 'dropped once sent' );
		$this->assertSame( 'woocommerce', $this->log_rows()[1]['source'] );
		unlink( $attachment );
	}

	public function test_an_unmapped_email_goes_as_woocommerce_html_with_its_email_id_tag(): void {
		$relay = $this->relay();
		$order = $this->create_order();
		$order->payment_complete();

		$this->assertSame( array(), $this->template_sends( $relay ) );
		$raw = $this->raw_sends( $relay );
		$this->assertCount( 2, $raw );
		$this->assertSame( array( 'woocommerce', 'new_order' ), $raw[0]['body']['tags'] );
		$this->assertSame( array( 'woocommerce', 'customer_processing_order' ), $raw[1]['body']['tags'] );
		$mime = $this->sent_message( $raw[1] );
		$this->assertSame( 'Your Nordlicht Supply order has been received!', $mime->decoded_header( 'Subject' ) );
		$this->assertStringContainsString( 'text/html', (string) $mime->header( 'Content-Type' ) );
		$this->assertStringContainsString( 'Merino Wool Beanie', $mime->decoded_body() );
		$this->assertSame( array( 'chloe@example.org' ), $raw[1]['body']['envelope']['rcpt_to'] );
	}

	public function test_a_disabled_email_is_not_sent_even_when_mapped(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();

		$this->create_order()->payment_complete();

		$this->assertSame( array(), $this->template_sends( $relay ) );
		$this->assertCount( 1, $relay->sends(), 'only the new-order email to the store' );
		$this->assertSame( array( 'woocommerce', 'new_order' ), $relay->sends()[0]['body']['tags'] );
	}

	public function test_another_plugin_disabling_an_email_through_woocommerce_filters_is_respected(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		add_filter( 'woocommerce_email_enabled_customer_processing_order', '__return_false' );
		add_filter( 'woocommerce_email_recipient_new_order', '__return_empty_string' );

		$this->create_order()->payment_complete();

		$this->assertSame( array(), $relay->sends() );
		$this->assertSame( array(), $this->outbox_rows() );
	}

	public function test_a_mail_callback_another_plugin_chose_is_left_alone(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		$subjects = array();
		add_filter(
			'woocommerce_mail_callback',
			static function () use ( &$subjects ) {
				return static function ( $to, $subject ) use ( &$subjects ): bool {
					$subjects[] = $subject;
					return true;
				};
			}
		);

		$order = $this->create_order();
		$order->payment_complete();

		$this->assertSame( array(), $relay->sends(), 'its transport sent them, not RelayPress' );
		$this->assertSame( array( '[Nordlicht Supply]: New order #' . $order->get_order_number(), 'Your Nordlicht Supply order has been received!' ), $subjects );
	}

	public function test_stock_emails_reach_wp_mail_without_woocommerce_context_and_go_as_plain_mail(): void {
		$relay = $this->relay();
		$this->map( 'low_stock', 'tpl_stock' ); // A mapping under that name changes nothing: no WC_Email sends it.
		$product = new \WC_Product_Simple();
		$product->set_name( 'Merino Wool Beanie' );
		$product->save();
		WC()->mailer(); // WC_Emails hooks its stock handlers when it is built.

		do_action( 'woocommerce_low_stock_notification', $product );

		$this->assertSame( array(), $this->template_sends( $relay ) );
		$raw = $this->raw_sends( $relay );
		$this->assertCount( 1, $raw );
		$mime = (string) base64_decode( $raw[0]['body']['raw'] );
		$this->assertStringContainsString( "Subject: [Nordlicht Supply] Product low in stock\r\n", $mime );
		$this->assertStringContainsString( 'Merino Wool Beanie is low in stock.', $mime );
		$this->assertNotContains( 'woocommerce', (array) ( $raw[0]['body']['tags'] ?? array() ), 'no WooCommerce email context' );
		$this->assertArrayNotHasKey( 'low_stock', $this->plugin->woocommerce->catalog->emails(), 'not a WC_Email in WooCommerce 8.x/9.x' );
	}

	public function test_a_mapping_switched_off_sends_woocommerce_html(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing', false );
		$this->create_order()->payment_complete();
		$this->assertSame( array(), $this->template_sends( $relay ) );
		$this->assertCount( 2, $this->raw_sends( $relay ) );
	}

	public function test_a_template_the_relay_refuses_goes_as_woocommerce_html_at_once_and_only_once(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		update_option( 'woocommerce_new_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();
		$relay->answer( 422, array( 'error' => array( 'code' => 'missing_variable', 'message' => 'customer.nickname is missing', 'field' => 'customer.nickname' ) ) );

		$sent = null;
		add_action( 'woocommerce_email_sent', static function ( $return ) use ( &$sent ) {
			$sent = $return;
		} );
		$this->create_order()->payment_complete();

		$this->assertTrue( $sent, 'WooCommerce hears the email went' );
		$sends = $relay->sends();
		$this->assertCount( 2, $sends, 'the refused template, then the HTML' );
		$this->assertArrayHasKey( 'template_id', $sends[0]['body'] );
		$this->assertArrayHasKey( 'raw', $sends[1]['body'] );
		$this->assertNotSame( $sends[0]['headers']['Idempotency-Key'], $sends[1]['headers']['Idempotency-Key'], 'the HTML is a new request' );
		$this->assertSame( array( 'woocommerce', 'customer_processing_order' ), $sends[1]['body']['tags'] );
		$this->assertCount( 1, $this->outbox_rows() );
		$this->assertSame( Outbox_Repository::SENT, $this->outbox_rows()[0]['status'] );
		$log = $this->log_rows()[0];
		$this->assertSame( 'sent', $log['status'] );
		$this->assertStringContainsString( 'missing_variable', (string) $log['last_error'] );

		$this->make_due();
		$this->run_cron();
		$this->assertCount( 2, $relay->sends(), 'nothing is sent again' );
	}

	public function test_a_refused_template_whose_row_was_taken_over_meanwhile_is_not_sent_as_html_by_this_run(): void {
		global $wpdb;
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		update_option( 'woocommerce_new_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();
		$table = $this->plugin->outbox_repository->table();
		$relay->answer( 422, array( 'error' => array( 'code' => 'template_error', 'message' => 'Unknown tag' ) ) );
		$relay->answer( 422, array( 'error' => array( 'code' => 'template_error', 'message' => 'Unknown tag' ) ) );
		$relay->on_request = static function ( $request ) use ( $wpdb, $table ) {
			if ( isset( $request['body']['template_id'] ) ) {
				// While the relay answers, another run takes the row over (its lease ran out).
				$wpdb->query( "UPDATE {$table} SET lock_token = 'other-run'" ); // phpcs:ignore WordPress.DB
			}
		};

		$this->create_order()->payment_complete();

		$this->assertCount( 1, $relay->sends(), 'the refused template only: no HTML under a key the row does not hold' );
		$row = $this->outbox_rows()[0];
		$this->assertSame( Outbox_Repository::PENDING, $row['status'] );
		$this->assertNotNull( $row['template_request'], 'the row still holds its template request' );
		$this->assertSame( $relay->sends()[0]['headers']['Idempotency-Key'], $row['idempotency_key'] );

		// The other run lets go of it; the next run goes on from the template request.
		$relay->on_request = null;
		$wpdb->query( "UPDATE {$table} SET lock_token = NULL, locked_until = NULL" ); // phpcs:ignore WordPress.DB
		$this->make_due();
		$this->run_cron();
		$sends = $relay->sends();
		$this->assertCount( 3, $sends, 'template (refused again), then the HTML once' );
		$this->assertCount( 1, $this->raw_sends( $relay ) );
		$this->assertSame( Outbox_Repository::SENT, $this->outbox_rows()[0]['status'] );
	}

	public function test_relay_down_during_checkout_keeps_the_email_and_cron_sends_the_template_once(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		update_option( 'woocommerce_new_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();
		$relay->answer( new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' ) );

		$sent = null;
		add_action( 'woocommerce_email_sent', static function ( $return ) use ( &$sent ) {
			$sent = $return;
		} );
		$order = $this->create_order();
		$order->payment_complete();

		$this->assertTrue( $sent, 'queued counts as sent: the checkout goes on' );
		$this->assertSame( 'processing', wc_get_order( $order->get_id() )->get_status() );
		$rows = $this->outbox_rows();
		$this->assertCount( 1, $rows );
		$this->assertSame( Outbox_Repository::PENDING, $rows[0]['status'] );
		$this->assertNotNull( $rows[0]['template_request'] );
		$this->assertNotNull( $rows[0]['raw_mime'], 'the HTML is kept too' );

		$this->make_due();
		$this->run_cron();
		$sends = $relay->sends();
		$this->assertCount( 2, $sends );
		$this->assertSame( $sends[0]['body'], $sends[1]['body'], 'the retry is the same request' );
		$this->assertSame( $sends[0]['headers']['Idempotency-Key'], $sends[1]['headers']['Idempotency-Key'] );
		$this->assertSame( Outbox_Repository::SENT, $this->outbox_rows()[0]['status'] );
		$this->make_due();
		$this->run_cron();
		$this->assertCount( 2, $relay->sends(), 'and once only' );
	}

	public function test_the_data_is_the_same_with_hpos_and_with_posts_storage(): void {
		$data = array();
		foreach ( array( false, true ) as $hpos ) {
			$this->use_hpos( $hpos );
			$order = $this->create_order();
			if ( $hpos ) {
				$this->assertSame( 'shop_order_placehold', get_post_type( $order->get_id() ), 'HPOS: the post is only a placeholder' );
				$this->assertSame( '', get_post_meta( $order->get_id(), '_billing_email', true ) );
			} else {
				$this->assertSame( 'shop_order', get_post_type( $order->get_id() ) );
			}
			$built = $this->plugin->woocommerce->variables->build( 'customer_processing_order', wc_get_order( $order->get_id() ) );
			unset( $built['order']['id'], $built['order']['order_number'], $built['order']['view_url'], $built['order']['date_iso'], $built['order']['date'], $built['invoice']['pay_url'] );
			$data[] = $built;
		}
		$this->assertSame( $data[0], $data[1] );
		$this->assertSame( '€71.22', $data[1]['invoice']['total'] );
	}

	public function test_a_mapped_email_under_hpos_arrives_with_the_order_data(): void {
		$this->use_hpos( true );
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		$order = $this->create_order();
		$order->payment_complete();
		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$this->assertSame( (string) $order->get_id(), $sends[0]['body']['data']['order']['order_number'] );
		$this->assertSame( 'Merino Wool Beanie', $sends[0]['body']['data']['items'][0]['product'] );
	}

	public function test_a_partial_refund_is_sent_under_its_own_id_with_the_refunded_amounts(): void {
		$relay = $this->relay();
		$this->map( 'customer_partially_refunded_order', 'tpl_partial' );
		$order = $this->create_order();
		$order->payment_complete();
		$items   = array_keys( $order->get_items() );
		$refund  = wc_create_refund( array( 'order_id' => $order->get_id(), 'amount' => '28.80', 'reason' => 'Torn seam', 'line_items' => array( $items[0] => array( 'qty' => 1 ) ) ) );
		$this->assertInstanceOf( \WC_Order_Refund::class, $refund );

		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$body = $sends[0]['body'];
		$this->assertSame( 'tpl_partial', $body['template_id'] );
		$this->assertSame( array( 'woocommerce', 'customer_partially_refunded_order' ), $body['tags'] );
		$this->assertSame( 'Your Nordlicht Supply order #' . $order->get_order_number() . ' has been partially refunded', $body['subject'] );
		$this->assertSame( 'Torn seam', $body['data']['order']['refund_reason'] );
		$this->assertSame( array( 'id' => $refund->get_id(), 'amount' => '€28.80', 'amount_raw' => 28.8, 'reason' => 'Torn seam', 'partial' => true ), $body['data']['refund'] );
		$this->assertSame( '€28.80', $body['data']['invoice']['total_refunded'] );
		$this->assertSame( '€42.42', $body['data']['invoice']['new_total'] );
		$this->assertSame( 1, $body['data']['items'][0]['refunded_quantity'] );
		$this->assertSame( 1, $body['data']['items'][0]['new_quantity'] );

		// The refund email now calls itself customer_partially_refunded_order; the catalog
		// still has both of its ids, each once, for the rest of the request.
		$catalog = $this->plugin->woocommerce->catalog->describe();
		$this->assertSame( 'Refunded order', $catalog['customer_refunded_order']['title'] );
		$this->assertSame( 'Refunded order (partial)', $catalog['customer_partially_refunded_order']['title'] );
		$this->assertNotNull( $this->plugin->woocommerce->catalog->find( 'customer_refunded_order' ) );
	}

	public function test_store_email_is_the_from_address_after_woocommerces_filter(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		add_filter( 'woocommerce_email_from_address', static fn() => 'orders@example.test' );
		$this->create_order()->payment_complete();
		$body = $this->template_sends( $relay )[0]['body'];
		$this->assertSame( 'orders@example.test', $body['from']['email'] );
		$this->assertSame( 'orders@example.test', $body['data']['store']['email'], 'the address the email comes from' );
	}

	public function test_a_customer_note_carries_the_note(): void {
		$relay = $this->relay();
		$this->map( 'customer_note', 'tpl_note' );
		$order = $this->create_order();
		$order->add_order_note( "Back in stock.\nShips tomorrow.", 1 );
		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$this->assertSame( "Back in stock.\nShips tomorrow.", $sends[0]['body']['data']['note_to_customer'] );
		$this->assertSame( wc_format_datetime( $order->get_date_created() ), $sends[0]['body']['data']['order']['date'] );
	}

	public function test_a_password_reset_carries_the_reset_link_woocommerce_prints(): void {
		$relay   = $this->relay();
		$this->map( 'customer_reset_password', 'tpl_reset' );
		$user_id = wp_insert_user( array( 'user_login' => 'chloe.d', 'user_email' => 'chloe.d@example.org', 'user_pass' => 'x', 'display_name' => 'Chloé D' ) );
		WC()->mailer();
		do_action( 'woocommerce_reset_password_notification', 'chloe.d', 'Jx8QmR2vTz4LwPq9' );
		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$user = $sends[0]['body']['data']['user'];
		$this->assertSame( 'Jx8QmR2vTz4LwPq9', $user['reset_key'] );
		$this->assertSame( home_url( '/my-account/lost-password/' ) . '?key=Jx8QmR2vTz4LwPq9&id=' . $user_id, $user['reset_link'] );
		$this->assertSame( array( array( 'email' => 'chloe.d@example.org' ) ), $sends[0]['body']['to'] );
		wp_delete_user( $user_id );
	}

	public function test_a_new_account_carries_the_set_password_link(): void {
		$relay = $this->relay();
		$this->map( 'customer_new_account', 'tpl_account' );
		$user_id = wc_create_new_customer( 'newbie@example.org', 'newbie' );
		$sends   = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$user = $sends[0]['body']['data']['user'];
		$this->assertSame( 'newbie', $user['username'] );
		$this->assertStringStartsWith( home_url( '/my-account/lost-password/' ) . '?action=newaccount&key=', $user['set_password_link'] );
		$this->assertStringEndsWith( '&login=newbie', $user['set_password_link'] );
		wp_delete_user( $user_id );
	}

	public function test_woocommerce_account_emails_are_never_tracked_even_with_tracking_on_and_a_filter_asking(): void {
		$relay = $this->relay();
		$this->plugin->settings->update(
			array(
				'track_opens'  => true,
				'track_clicks' => true,
			)
		);
		add_filter( 'relaypress_tracking', static fn() => array( 'opens' => true, 'clicks' => true ) );
		$this->map( 'customer_reset_password', 'tpl_reset' ); // The template form…
		$user_id = wp_insert_user( array( 'user_login' => 'chloe.d', 'user_email' => 'chloe.d@example.org', 'user_pass' => 'x' ) );
		WC()->mailer();
		do_action( 'woocommerce_reset_password_notification', 'chloe.d', 'Jx8QmR2vTz4LwPq9' );
		$new_customer = wc_create_new_customer( 'newbie@example.org', 'newbie' ); // …and the raw one (unmapped).
		$order        = $this->create_order();
		$order->payment_complete();

		$by_tag = array();
		foreach ( $relay->sends() as $send ) {
			$by_tag[ $send['body']['tags'][1] ] = $send['body']['tracking'];
		}
		$off = array( 'opens' => false, 'clicks' => false );
		$on  = array( 'opens' => true, 'clicks' => true );
		$this->assertSame( array( 'customer_reset_password' => $off, 'customer_new_account' => $off, 'new_order' => $on, 'customer_processing_order' => $on ), $by_tag );
		$this->assertArrayHasKey( 'template_id', $relay->sends()[0]['body'], 'the reset email went as its template' );
		wp_delete_user( $user_id );
		wp_delete_user( $new_customer );
	}

	public function test_an_exception_while_building_the_data_sends_the_html(): void {
		$relay = $this->relay();
		$this->map( 'customer_processing_order', 'tpl_processing' );
		add_filter( 'relaypress_woocommerce_variables', static function () {
			throw new \RuntimeException( 'broken extension' );
		} );
		$this->create_order()->payment_complete();
		$this->assertSame( array(), $this->template_sends( $relay ) );
		$this->assertCount( 2, $this->raw_sends( $relay ) );
	}
}
