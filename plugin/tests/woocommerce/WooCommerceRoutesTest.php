<?php
/**
 * The WooCommerce tab's routes: discovery (incl. a third-party email), mapping, preview, test
 * send, "install starter templates and map them".
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

use RelayPress\WooCommerce\Variable_Builder;

final class WooCommerceRoutesTest extends Rest_Test_Case {
	use WooCommerce_Fixtures;

	protected function setUp(): void {
		parent::setUp();
		$this->set_up_woocommerce();
	}

	private function add_third_party_email(): void {
		add_filter(
			'woocommerce_email_classes',
			static function ( $emails ) {
				// As Subscriptions does: its class file is loaded here, once WC_Email exists.
				require_once __DIR__ . '/fixtures/class-wcs-email-customer-renewal-invoice.php';
				$emails['WCS_Email_Customer_Renewal_Invoice'] = new WCS_Email_Customer_Renewal_Invoice_Stand_In();
				return $emails;
			}
		);
		$this->reset_mailer();
	}

	public function test_every_registered_email_is_listed_including_a_third_party_one_and_the_partial_refund_id(): void {
		$this->as_admin();
		$this->add_third_party_email();
		update_option( 'woocommerce_customer_completed_order_settings', array( 'enabled' => 'no' ) );
		$this->reset_mailer();
		$this->plugin->woocommerce->mappings->set( 'customer_note', 'tpl_note', false );

		$data = $this->ok( 'GET', '/woocommerce/emails' );

		$this->assertSame( Variable_Builder::SCHEMA_VERSION, $data['schema_version'] );
		$by_id = array_column( $data['emails'], null, 'id' );
		$this->assertSame(
			array( 'new_order', 'cancelled_order', 'failed_order', 'customer_failed_order', 'customer_on_hold_order', 'customer_processing_order', 'customer_completed_order', 'customer_refunded_order', 'customer_partially_refunded_order', 'customer_invoice', 'customer_note', 'customer_reset_password', 'customer_new_account', 'customer_renewal_invoice' ),
			array_keys( $by_id )
		);
		$this->assertSame( 'RelayPress\Tests\WCS_Email_Customer_Renewal_Invoice_Stand_In', $by_id['customer_renewal_invoice']['class'] );
		$this->assertFalse( $by_id['customer_completed_order']['woocommerce_enabled'] );
		$this->assertTrue( $by_id['customer_invoice']['manual'] );
		$this->assertFalse( $by_id['new_order']['customer_email'] );
		$this->assertSame( array( 'tpl_note', false ), array( $by_id['customer_note']['template_id'], $by_id['customer_note']['mapping_enabled'] ) );
		$this->assertNull( $by_id['new_order']['template_id'] );
	}

	public function test_a_third_party_email_can_be_mapped_and_is_sent_as_its_template(): void {
		$this->as_admin();
		$this->add_third_party_email();
		$relay = $this->relay();
		$relay->answer( 200, array( 'id' => 'tpl_renewal', 'name' => 'Renewal invoice' ) );

		$mapped = $this->ok( 'PUT', '/woocommerce/emails/customer_renewal_invoice', array( 'template_id' => 'tpl_renewal' ) );
		$this->assertSame( 'GET http://relay.test/v1/templates/tpl_renewal', $relay->requests[0]['method'] . ' ' . $relay->requests[0]['url'], 'the template is checked on the relay' );
		$this->assertSame( array( 'id' => 'customer_renewal_invoice', 'template_id' => 'tpl_renewal', 'mapping_enabled' => true ), $mapped );

		$order = $this->create_order();
		WC()->mailer();
		do_action( 'woocommerce_generated_manual_renewal_order_renewal_notification', $order->get_id() );

		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$this->assertSame( 'tpl_renewal', $sends[0]['body']['template_id'] );
		$this->assertSame( array( 'woocommerce', 'customer_renewal_invoice' ), $sends[0]['body']['tags'] );
		$this->assertSame( '€71.22', $sends[0]['body']['data']['invoice']['total'] );
	}

	public function test_mapping_an_unknown_email_is_404_and_a_null_template_unmaps(): void {
		$this->as_admin();
		$relay = $this->relay();
		$this->assertSame( 404, $this->request( 'PUT', '/woocommerce/emails/nope', array( 'template_id' => 'x' ) )->get_status() );
		$relay->answer( 200, array( 'id' => 'tpl' ) );
		$this->ok( 'PUT', '/woocommerce/emails/new_order', array( 'template_id' => 'tpl' ) );
		$relay->answer( new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' ) ); // Not asked for: nothing changes the template.
		$this->ok( 'PUT', '/woocommerce/emails/new_order', array( 'enabled' => false ) );
		$this->ok( 'PUT', '/woocommerce/emails/new_order', array( 'template_id' => 'tpl', 'enabled' => false ) );
		$this->assertCount( 1, $relay->requests, 'only a new template is checked on the relay' );
		$this->assertSame( array( 'template_id' => 'tpl', 'enabled' => false ), $this->plugin->woocommerce->mappings->get( 'new_order' ), 'enabled alone keeps the template' );
		$this->ok( 'PUT', '/woocommerce/emails/new_order', array( 'template_id' => null ) );
		$this->assertNull( $this->plugin->woocommerce->mappings->get( 'new_order' ) );
	}

	public function test_the_routes_are_for_admins_only(): void {
		wp_set_current_user( $this->user( 'shop_manager' === get_role( 'shop_manager' ) ? 'shop_manager' : 'editor' ) );
		foreach ( array( array( 'GET', '/woocommerce/emails' ), array( 'PUT', '/woocommerce/emails/new_order' ), array( 'POST', '/woocommerce/emails/new_order/preview' ), array( 'POST', '/woocommerce/emails/new_order/test' ), array( 'GET', '/woocommerce/orders' ), array( 'GET', '/woocommerce/templates' ), array( 'POST', '/woocommerce/starters' ), array( 'GET', '/woocommerce/schema' ) ) as $route ) {
			$this->assertSame( 403, $this->request( $route[0], $route[1], array( 'template_id' => 'x' ) )->get_status(), implode( ' ', $route ) );
		}
	}

	public function test_preview_renders_the_mapped_template_with_the_chosen_order(): void {
		$this->as_admin();
		$relay = $this->relay();
		$relay->answer( 200, array( 'subject' => 'Rendered', 'html' => '<p>hi</p>', 'text' => 'hi' ) );
		$this->plugin->woocommerce->mappings->set( 'customer_processing_order', 'tpl_processing' );
		$order = $this->create_order();
		$this->create_order( array( 'first_name' => 'Newer' ) );

		$data = $this->ok( 'POST', '/woocommerce/emails/customer_processing_order/preview', array( 'order_id' => $order->get_id() ) );

		$this->assertSame( 'http://relay.test/v1/templates/tpl_processing/render', $relay->requests[0]['url'] );
		$this->assertSame( (string) $order->get_id(), $relay->requests[0]['body']['data']['order']['order_number'] );
		$this->assertSame( 'Chloé', $relay->requests[0]['body']['data']['customer']['first_name'] );
		$this->assertSame( array( 'subject' => 'Rendered', 'html' => '<p>hi</p>', 'text' => 'hi' ), $data['rendered'] );
		$this->assertSame( 'Your Nordlicht Supply order has been received!', $data['subject'] );
	}

	public function test_preview_of_a_reset_email_uses_the_current_user(): void {
		$admin = $this->as_admin();
		$relay = $this->relay();
		$relay->answer( 200, array( 'subject' => 's', 'html' => 'h', 'text' => 't' ) );
		$this->plugin->woocommerce->mappings->set( 'customer_reset_password', 'tpl_reset' );
		$this->ok( 'POST', '/woocommerce/emails/customer_reset_password/preview' );
		$user = $relay->requests[0]['body']['data']['user'];
		$this->assertSame( get_userdata( $admin )->user_login, $user['username'] );
		$this->assertStringContainsString( 'key=preview-reset-key&id=' . $admin, $user['reset_link'] );
	}

	public function test_a_test_send_goes_to_the_current_admin_through_woocommerce_and_the_mapping(): void {
		$admin = $this->as_admin();
		$relay = $this->relay();
		$this->plugin->woocommerce->mappings->set( 'customer_completed_order', 'tpl_completed' );
		$order = $this->create_order();

		$data = $this->ok( 'POST', '/woocommerce/emails/customer_completed_order/test', array( 'order_id' => $order->get_id() ) );

		$this->assertTrue( $data['sent'] );
		$sends = $this->template_sends( $relay );
		$this->assertCount( 1, $sends );
		$this->assertSame( array( array( 'email' => get_userdata( $admin )->user_email ) ), $sends[0]['body']['to'] );
		$this->assertSame( '[Test] Your Nordlicht Supply order is now complete', $sends[0]['body']['subject'] );
		$this->assertSame( (string) $order->get_id(), $sends[0]['body']['data']['order']['order_number'] );
		$this->assertSame( 'processing' === $order->get_status() ? 'processing' : 'pending', wc_get_order( $order->get_id() )->get_status(), 'the order is untouched' );
	}

	public function test_a_test_send_of_an_unmapped_multipart_email_keeps_its_text_part(): void {
		$this->as_admin();
		$relay = $this->relay();
		update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'yes', 'email_type' => 'multipart' ) );
		$this->reset_mailer();
		$order = $this->create_order();
		$before = count( $relay->sends() );

		$this->ok( 'POST', '/woocommerce/emails/customer_processing_order/test', array( 'order_id' => $order->get_id() ) );

		$sends = array_slice( $relay->sends(), $before );
		$this->assertCount( 1, $sends );
		$raw = (string) base64_decode( $sends[0]['body']['raw'] );
		$this->assertMatchesRegularExpression( '#^Content-Type: multipart/alternative;#mi', $raw );
		$this->assertMatchesRegularExpression( '#Content-Type: text/plain; charset=UTF-8#i', $raw, 'the text part WooCommerce makes from its plain template' );
		$this->assertMatchesRegularExpression( '#Content-Type: text/html; charset=UTF-8#i', $raw );
	}

	public function test_install_starters_installs_then_maps_each_email_to_its_starter_keeping_existing_mappings(): void {
		$this->as_admin();
		$relay = $this->relay();
		$this->plugin->woocommerce->mappings->set( 'new_order', 'tpl_mine' );
		$relay->answer( 201, array( 'installed' => array( array( 'key' => 'new_order', 'id' => 'tpl_s1' ) ), 'skipped' => array() ) );
		$relay->answer(
			200,
			array(
				'data' => array(
					array( 'id' => 'tpl_s1', 'name' => 'New order', 'starter' => 'new_order' ),
					array( 'id' => 'tpl_s2', 'name' => 'Processing order', 'starter' => 'customer_processing_order' ),
					array( 'id' => 'tpl_s3', 'name' => 'Partially refunded order', 'starter' => 'customer_partially_refunded_order' ),
					array( 'id' => 'tpl_s4', 'name' => 'Generic message', 'starter' => 'generic' ),
					array( 'id' => 'tpl_own', 'name' => 'Mine', 'starter' => null ),
				),
			)
		);

		$data = $this->ok( 'POST', '/woocommerce/starters' );

		$this->assertSame( array( 'POST http://relay.test/v1/templates/starters', 'GET http://relay.test/v1/templates' ), array_map( static fn( $r ) => $r['method'] . ' ' . $r['url'], $relay->requests ) );
		$this->assertSame( array( array( 'id' => 'customer_processing_order', 'template_id' => 'tpl_s2' ), array( 'id' => 'customer_partially_refunded_order', 'template_id' => 'tpl_s3' ) ), $data['mapped'] );
		$this->assertSame( array( 'new_order' ), $data['kept'] );
		$this->assertSame( 'tpl_mine', $this->plugin->woocommerce->mappings->get( 'new_order' )['template_id'] );
		$this->assertSame( 'tpl_s2', $this->plugin->woocommerce->mappings->active_template( 'customer_processing_order' ) );
	}

	public function test_recent_orders_and_schema(): void {
		$this->as_admin();
		$first  = $this->create_order();
		$second = $this->create_order();
		$orders = $this->ok( 'GET', '/woocommerce/orders' )['orders'];
		$this->assertSame( array( $second->get_id(), $first->get_id() ), array_slice( array_column( $orders, 'id' ), 0, 2 ) );
		$this->assertSame( '€71.22', $orders[0]['total'] );
		$schema = $this->ok( 'GET', '/woocommerce/schema' );
		$this->assertContains( 'invoice.total', array_column( $schema['variables'], 'path' ) );
	}

	public function test_the_relays_templates_are_listed_by_name_with_the_relays_text_escaped(): void {
		$this->as_admin();
		$relay = $this->relay();
		$relay->answer(
			200,
			array(
				'data' => array(
					array( 'id' => 'tpl_b', 'name' => 'processing order', 'starter' => 'customer_processing_order', 'active_version' => 3, 'updated_at' => '2026-11-28T10:00:00.000Z' ),
					array( 'id' => 'tpl_x', 'name' => '<img src=x onerror=alert(1)>', 'starter' => null, 'active_version' => 1, 'updated_at' => '2026-11-29T10:00:00.000Z' ),
					array( 'id' => 'tpl_a', 'name' => 'New order', 'starter' => 'new_order', 'active_version' => 1, 'updated_at' => '2026-11-27T10:00:00.000Z' ),
					array( 'name' => 'no id: skipped' ),
				),
			)
		);

		$data = $this->ok( 'GET', '/woocommerce/templates' );

		$this->assertSame( 'GET http://relay.test/v1/templates', $relay->requests[0]['method'] . ' ' . $relay->requests[0]['url'] );
		$this->assertSame( array( 'tpl_x', 'tpl_a', 'tpl_b' ), array_column( $data['templates'], 'id' ), 'sorted by name, case-insensitively' );
		$this->assertSame( '&lt;img src=x onerror=alert(1)&gt;', $data['templates'][0]['name'] );
		$this->assertSame(
			array(
				'id'             => 'tpl_b',
				'name'           => 'processing order',
				'starter'        => 'customer_processing_order',
				'active_version' => 3,
				'updated_at'     => '2026-11-28T10:00:00.000Z',
			),
			$data['templates'][2]
		);
	}

	public function test_listing_templates_while_the_relay_is_down_says_so(): void {
		$this->as_admin();
		$this->relay()->answer( new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to relay.test port 80' ) );
		$response = $this->request( 'GET', '/woocommerce/templates' );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'relaypress_relay_unreachable', $response->get_data()['code'] );
	}

	public function test_mapping_to_a_template_the_relay_does_not_have_is_refused_and_the_mapping_is_unchanged(): void {
		$this->as_admin();
		$relay = $this->relay();
		$this->plugin->woocommerce->mappings->set( 'customer_processing_order', 'tpl_good' );
		$relay->answer(
			404,
			array(
				'error' => array(
					'code'    => 'not_found',
					'message' => 'No such template',
				),
			)
		);

		$response = $this->request( 'PUT', '/woocommerce/emails/customer_processing_order', array( 'template_id' => 'tpl_typo' ) );

		$this->assertSame( 422, $response->get_status() );
		$this->assertSame( 'relaypress_unknown_template', $response->get_data()['code'] );
		$this->assertSame( 'The relay has no template tpl_typo.', $response->get_data()['message'] );
		$this->assertSame( 'template_id', $response->get_data()['data']['field'] );
		$this->assertSame( array( 'template_id' => 'tpl_good', 'enabled' => true ), $this->plugin->woocommerce->mappings->get( 'customer_processing_order' ) );

		$relay->answer( new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' ) );
		$down = $this->request( 'PUT', '/woocommerce/emails/customer_processing_order', array( 'template_id' => 'tpl_other' ) );
		$this->assertSame( 502, $down->get_status(), 'an unchecked template is not saved while the relay is down' );
		$this->assertSame( 'tpl_good', $this->plugin->woocommerce->mappings->active_template( 'customer_processing_order' ) );
	}

	public function test_preview_can_use_a_template_that_is_not_saved_yet(): void {
		$this->as_admin();
		$relay = $this->relay();
		$relay->answer( 200, array( 'subject' => 'S', 'html' => '<p>h</p>', 'text' => 'h' ) );
		$this->plugin->woocommerce->mappings->set( 'customer_processing_order', 'tpl_saved' );
		$this->create_order();

		$data = $this->ok( 'POST', '/woocommerce/emails/customer_processing_order/preview', array( 'template_id' => 'tpl_draft' ) );

		$this->assertSame( 'http://relay.test/v1/templates/tpl_draft/render', $relay->requests[0]['url'] );
		$this->assertSame( 'tpl_draft', $data['template_id'] );
		$this->assertSame( 400, $this->request( 'POST', '/woocommerce/emails/customer_processing_order/preview', array( 'template_id' => str_repeat( 'x', 65 ) ) )->get_status() );
	}
}
