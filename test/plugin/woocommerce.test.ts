import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { waitUntil } from '../support/wait.ts';
import type { ReceivedMessage } from '../../relay-service/test/helpers/smtp-sink.ts';
import { createRelayedSite, startMailWorld, type MailWorld, type RelayedSite } from './harness.ts';

const STAND_IN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../plugin/tests/woocommerce-stand-in/woocommerce.php');
const THIRD_PARTY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../plugin/tests/woocommerce/fixtures/class-wcs-email-customer-renewal-invoice.php');

/**
 * WooCommerce (the test-only stand-in, plugin/tests/woocommerce-stand-in, as a mu-plugin) on a
 * real WordPress with RelayPress → the relay process with its starter templates → the sink MX.
 */
describe('WooCommerce emails as relay templates', { timeout: 120_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;

  before(async () => {
    world = await startMailWorld();
    rs = await createRelayedSite(world.relay.baseUrl, world.account.token);
    rs.site.muPlugin('woocommerce-stand-in', `<?php require ${JSON.stringify(STAND_IN)};`);
    await rs.site.php(`update_option( 'woocommerce_currency', 'EUR' ); update_option( 'blogname', 'Nordlicht Supply' );`);
  });
  after(async () => {
    await rs?.destroy();
    await world?.close();
  });

  /** A paid order for a customer at $email; returns its id. */
  async function checkout(email: string): Promise<number> {
    const { id } = await rs.site.phpJson<{ id: number }>(String.raw`
      $product = new WC_Product_Simple();
      $product->set_name( 'Merino Wool Beanie' );
      $product->set_sku( 'NL-BEANIE-CH' );
      $product->set_regular_price( '24.00' );
      $product->save();
      $order = wc_create_order();
      $order->set_address( array( 'first_name' => 'Chloé', 'last_name' => 'Dvořák', 'email' => ${JSON.stringify(email)}, 'address_1' => '12 Rue de l\'Église', 'city' => 'Paris', 'postcode' => '75004', 'country' => 'FR' ), 'billing' );
      $order->add_product( $product, 2 );
      $order->set_total( '48.00' );
      $order->set_payment_method_title( 'Credit card' );
      $order->save();
      $order = wc_get_order( $order->get_id() );
      $order->payment_complete( 'ch_1' );
      echo wp_json_encode( array( 'id' => $order->get_id() ) );
    `);
    return id;
  }

  async function arrivedFor(rcpt: string, count: number): Promise<ReceivedMessage[]> {
    await waitUntil(`${count} message(s) for ${rcpt}`, () => (world.sink.messages.filter((m) => m.rcptTo.includes(rcpt)).length >= count ? true : undefined), 20_000);
    return world.sink.messages.filter((m) => m.rcptTo.includes(rcpt));
  }

  test('an unmapped processing email arrives as WooCommerce HTML', async () => {
    const id = await checkout('guest@example.org');
    const [copy] = await arrivedFor('guest@example.org', 1);
    const mail = await simpleParser(copy!.raw);
    assert.equal(mail.subject, 'Your Nordlicht Supply order has been received!');
    assert.match(String(mail.html), /id="template_header"/, "WooCommerce's own template");
    assert.match(String(mail.html), new RegExp(`\\[Order #${id}\\]`));
  });

  test('install starters and map them, then a processing email arrives rendered with the order data', async () => {
    const result = await rs.site.phpJson<Record<string, any>>(String.raw`
      wp_set_current_user( 1 );
      $response = rest_do_request( new WP_REST_Request( 'POST', '/relaypress/v1/woocommerce/starters' ) );
      echo wp_json_encode( array( 'status' => $response->get_status(), 'data' => $response->get_data() ) );
    `);
    assert.equal(result.status, 200, JSON.stringify(result.data));
    const mapped = Object.fromEntries((result.data.mapped as { id: string; template_id: string }[]).map((m) => [m.id, m.template_id]));
    // Every email of the store with a starter of the same id, and nothing else (the
    // Subscriptions-shaped email of a later test is not registered yet).
    assert.deepEqual(Object.keys(mapped).sort(), [
      'cancelled_order', 'customer_completed_order', 'customer_failed_order', 'customer_invoice', 'customer_new_account',
      'customer_note', 'customer_on_hold_order', 'customer_partially_refunded_order', 'customer_processing_order',
      'customer_refunded_order', 'customer_reset_password', 'failed_order', 'new_order',
    ]);
    assert.equal(result.data.installed, 15);

    const id = await checkout('chloe@example.org');
    const [copy] = await arrivedFor('chloe@example.org', 1);
    const mail = await simpleParser(copy!.raw);
    assert.equal(mail.subject, 'Your Nordlicht Supply order has been received!', "WooCommerce's subject, not the template's");
    const html = String(mail.html);
    assert.doesNotMatch(html, /id="template_header"/, 'not the WooCommerce HTML');
    assert.match(html, /Merino Wool Beanie/);
    assert.match(html, /€48\.00/);
    assert.match(html, new RegExp(`#${id}\\b`));
    assert.match(html, /Chloé/);

    const log = await rs.log();
    const row = log.find((r) => r.to_addresses === 'chloe@example.org');
    assert.equal(row?.status, 'sent', JSON.stringify(row));
    assert.equal(row?.last_error, null, 'the relay took the template');
  });

  test('a failed payment: the store gets failed_order, the customer customer_failed_order with a link to pay again, both from their starters', async () => {
    const { id, admin } = await rs.site.phpJson<{ id: number; admin: string }>(String.raw`
      $order = wc_create_order();
      $order->set_address( array( 'first_name' => 'Ann', 'last_name' => 'Lee', 'email' => 'declined@example.org', 'country' => 'FR' ), 'billing' );
      $product = new WC_Product_Simple();
      $product->set_name( 'Linen Apron' );
      $product->set_regular_price( '30.00' );
      $product->save();
      $order->add_product( $product, 1 );
      $order->set_total( '30.00' );
      $order->save();
      $order = wc_get_order( $order->get_id() );
      $order->update_status( 'failed', 'Card declined.' );
      echo wp_json_encode( array( 'id' => $order->get_id(), 'admin' => get_option( 'admin_email' ) ) );
    `);
    const [customer] = await arrivedFor('declined@example.org', 1);
    const toCustomer = await simpleParser(customer!.raw);
    assert.doesNotMatch(String(toCustomer.html), /id="template_header"/, 'the starter, not the WooCommerce HTML');
    assert.match(String(toCustomer.html), /Linen Apron/);
    assert.match(String(toCustomer.html), /Try to pay again/, 'the order still needs payment: the link to pay');
    assert.match(String(toCustomer.html), /order-pay/);
    const toStore = await waitUntil('the failed-order email to the store', () => world.sink.messages.find((m) => m.rcptTo.includes(admin) && m.raw.toString('utf8').includes(`Order #${id} has failed`)), 20_000);
    const store = await simpleParser(toStore.raw);
    assert.match(String(store.html), /Linen Apron/);
    assert.equal(store.replyTo?.value[0]?.address, 'declined@example.org', "WooCommerce's Reply-to: the store answers the customer");
  });

  test('a disabled email is not sent at all', async () => {
    await rs.site.php(`update_option( 'woocommerce_customer_processing_order_settings', array( 'enabled' => 'no' ) );`);
    try {
      const id = await checkout('disabled@example.org');
      // The admin's new-order email of the same checkout still goes: once it has reached the
      // sink, the checkout's mail is done, and the customer's (disabled) email is not among it.
      await waitUntil('the new-order email of this checkout', () => (world.sink.messages.some((m) => m.raw.toString('latin1').includes(`New order #${id}`)) ? true : undefined), 20_000);
      assert.equal(world.sink.messages.filter((m) => m.rcptTo.includes('disabled@example.org')).length, 0);
      assert.equal((await rs.log()).some((r) => r.to_addresses === 'disabled@example.org'), false, 'nothing logged for it either');
    } finally {
      await rs.site.php(`delete_option( 'woocommerce_customer_processing_order_settings' );`);
    }
  });

  test('a third-party email class (Subscriptions-shaped) is discovered, mapped and arrives as its template', async () => {
    rs.site.muPlugin('woocommerce-third-party-email', `<?php
add_filter( 'woocommerce_email_classes', static function ( $emails ) {
	require_once ${JSON.stringify(THIRD_PARTY)};
	$emails['WCS_Email_Customer_Renewal_Invoice'] = new RelayPress\\Tests\\WCS_Email_Customer_Renewal_Invoice_Stand_In();
	return $emails;
} );`);
    const rest = async (method: string, route: string, body?: Record<string, unknown>) => rs.site.phpJson<Record<string, any>>(String.raw`
      wp_set_current_user( 1 );
      $request = new WP_REST_Request( ${JSON.stringify(method)}, ${JSON.stringify(route)} );
      ${body ? `$request->set_header( 'content-type', 'application/json' ); $request->set_body( ${JSON.stringify(JSON.stringify(body))} );` : ''}
      $response = rest_do_request( $request );
      echo wp_json_encode( array( 'status' => $response->get_status(), 'data' => $response->get_data() ) );
    `);
    const emails = (await rest('GET', '/relaypress/v1/woocommerce/emails')).data.emails as { id: string; title: string; template_id: string | null }[];
    const renewal = emails.find((e) => e.id === 'customer_renewal_invoice');
    assert.equal(renewal?.title, 'Customer renewal invoice', 'discovered through woocommerce_email_classes');
    assert.equal(renewal?.template_id, null, 'not mapped by the starters (no starter for it)');
    // Mapped by hand to the invoice starter installed earlier.
    const invoiceTemplate = emails.find((e) => e.id === 'customer_invoice')?.template_id;
    assert.match(String(invoiceTemplate), /^tpl_/, 'the invoice starter is mapped');
    const mapped = await rest('PUT', '/relaypress/v1/woocommerce/emails/customer_renewal_invoice', { template_id: invoiceTemplate, enabled: true });
    assert.equal(mapped.status, 200, JSON.stringify(mapped.data));

    const id = await checkout('renewal@example.org');
    await rs.site.php(`WC()->mailer(); do_action( 'woocommerce_generated_manual_renewal_order_renewal_notification', ${id} );`);
    const copies = await arrivedFor('renewal@example.org', 2);
    const htmls = await Promise.all(copies.map(async (c) => ({ subject: (await simpleParser(c.raw)).subject, html: String((await simpleParser(c.raw)).html) })));
    const renewalMail = htmls.find((m) => /^Invoice for renewal order/.test(String(m.subject)));
    assert.ok(renewalMail, JSON.stringify(htmls.map((m) => m.subject)));
    assert.doesNotMatch(renewalMail!.html, /Renewal order \d+<\/p>$/, 'not the class\'s own HTML');
    assert.match(renewalMail!.html, /Merino Wool Beanie/, 'rendered from the template with the order data');
  });

  test('relay down during checkout costs no order email: the template goes once the relay is back', async () => {
    await world.stopRelay();
    const id = await checkout('outage@example.org');
    const queued = (await rs.log()).find((r) => r.to_addresses === 'outage@example.org');
    assert.equal(queued?.status, 'queued', JSON.stringify(queued));
    await world.startRelayAgain();
    await rs.runCron();
    const [copy] = await arrivedFor('outage@example.org', 1);
    const mail = await simpleParser(copy!.raw);
    assert.match(String(mail.html), new RegExp(`#${id}\\b`));
    assert.doesNotMatch(String(mail.html), /id="template_header"/, 'rendered from the template');
    assert.equal(world.sink.messages.filter((m) => m.rcptTo.includes('outage@example.org')).length, 1);
  });
});
