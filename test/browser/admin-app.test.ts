import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { api } from '../../relay-service/test/helpers/relay.ts';
import { waitUntil } from '../support/wait.ts';
import { SITE_HOST } from '../support/wordpress-site.ts';
import { createUnconnectedSite, MAIL_DOMAINS, php, startMailWorld, type MailWorld, type RelayedSite } from '../plugin/harness.ts';

/**
 * The admin app in a real browser (Debian's Chromium driven by playwright-core) on a real
 * WordPress 6.1 talking to a real relay, the way a site owner meets it: log in, let the setup
 * wizard connect the site, add the sending domain and publish its DNS records, send a test
 * email and watch it arrive, then look around every screen. A full-page screenshot of each
 * screen is saved under test-output/browser/ (git-ignored) for a person to look at.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** WooCommerce, the test-only stand-in (plugin/tests/woocommerce-stand-in), for the WooCommerce tab. */
const WOOCOMMERCE_STAND_IN = path.join(ROOT, 'plugin/tests/woocommerce-stand-in/woocommerce.php');
const SCREENSHOTS = path.join(ROOT, 'test-output/browser');
const CHROMIUM = process.env.RELAYPRESS_CHROMIUM ?? '/usr/bin/chromium';
/** What toolchain.md says Chromium needs on these machines (a closed network, root). */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ADMIN = { user: 'admin', password: 'password' };
const SITE = `http://${SITE_HOST}`;

/**
 * Text an attacker controls. The subject can be any markup. A recipient
 * cannot hold `<` or `>` (wp_mail() checks addresses with is_email()), so its local part carries
 * what is allowed and means something to HTML or templates (a quote, an entity without `;`,
 * braces), and its display name, which the log drops, a script.
 */
const XSS_SUBJECT = '<img src=x onerror=alert(1)>';
const XSS_RECIPIENT = "o'hara&lt{{7*7}}@example.org";
const XSS_TO = `"<script>alert(2)</script>" <${XSS_RECIPIENT}>`;

describe('the admin app in Chromium, against a real WordPress and a real relay', { timeout: 150_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;
  let server: BrowserServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** The app's root: notices are also spoken through core's live regions outside it. */
  const app = () => page.locator('#relaypress-admin-app');
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    const file = path.join(SCREENSHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
    // From the top: a full-page shot of a scrolled page draws wp-admin's fixed bars mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
  }

  async function openScreen(hash: string, heading: string): Promise<void> {
    await page.getByRole('navigation', { name: 'RelayPress screens' }).getByRole('link', { name: heading, exact: true }).click();
    await page.waitForURL((url) => url.hash === hash);
    await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
  }

  const relay = (method: string, pathname: string) => api(world.relay.baseUrl, method, pathname, { token: world.account.token });

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: bash scripts/ensure-system-packages.sh installs Debian's chromium`);
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    world = await startMailWorld({ siteDomain: 'none' });
    rs = await createUnconnectedSite();
    // No avatars from gravatar.com: the machine has no way out, and the page would log the failures.
    await rs.site.php(`update_option( 'show_avatars', 0 );`);
    rs.site.muPlugin('woocommerce-stand-in', `<?php require ${php(WOOCOMMERCE_STAND_IN)};`);
    // The relay reaches the webhook receiver on the php -S port (example.test resolves only in the browser).
    rs.site.muPlugin('relaypress-e2e-webhook-url', `<?php
add_filter( 'relaypress_webhook_url', function () {
	return ${php(`${rs.site.baseUrl}/?rest_route=/relaypress/v1/webhooks`)};
} );
`);
    const port = new URL(rs.site.baseUrl).port;
    server = await chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      // The site's canonical name goes to its php -S port, so its own links and cookies work.
      args: [...CHROMIUM_FLAGS, `--host-resolver-rules=MAP ${SITE_HOST} 127.0.0.1:${port}`],
      timeout: 30_000,
    });
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      // php -S has no rewrite to WordPress's favicon handler, as Apache or nginx would.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    // The REST answers behind such errors, to say why.
    page.on('response', (response) => {
      if (response.status() >= 400 && response.url().includes('rest_route=')) {
        void response.text().then((body) => failedRequests.push(`${response.status()} ${response.url()}: ${body.slice(0, 500)}`), () => undefined);
      }
    });
    console.log(`# screenshots: ${SCREENSHOTS}`);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    const pid = server?.process().pid;
    await server?.close().catch(() => undefined);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL'); // Only if close() left it behind.
      } catch { /* already gone */ }
    }
    await rs?.destroy();
    await world?.close();
  });

  test('logging in through wp-login.php and opening RelayPress shows the app, on WordPress 6.1, at the setup wizard', async () => {
    assert.match((await rs.site.php('echo get_bloginfo( "version" );')).stdout, /^6\.1\./);
    await page.goto(`${SITE}/wp-login.php`);
    await screenshot('login');
    await page.getByLabel('Username or Email Address').fill(ADMIN.user);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log In' }).click();
    await page.waitForURL(`${SITE}/wp-admin/`);

    await page.goto(`${SITE}/wp-admin/admin.php?page=relaypress`);
    await app().getByRole('heading', { level: 1, name: 'RelayPress' }).waitFor();
    await app().getByRole('navigation', { name: 'RelayPress screens' }).waitFor();
    // Not connected yet: the first visit lands on the wizard.
    await page.waitForURL((url) => url.hash === '#/setup');
    await page.getByRole('heading', { level: 3, name: 'Connect to the relay' }).waitFor();
    assert.equal(await page.getByText('RelayPress is not configured yet; WordPress sends mail as it did before.').count(), 1, "WordPress's notice");
    await screenshot('wizard-1-connect');
  });

  test('the wizard connects the site: relay URL and token saved, the connection test passes, the webhook receiver is registered', async () => {
    await page.getByLabel('Relay URL').fill(world.relay.baseUrl);
    await page.getByLabel('API token').fill(world.account.token);
    await page.getByRole('button', { name: 'Save and test the connection' }).click();
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    assert.equal(await page.getByText('RelayPress is not configured yet; WordPress sends mail as it did before.').count(), 0, 'no longer true, so gone without a reload');
    await screenshot('wizard-1-connected');
    // The token is stored on the server and never shown again.
    assert.equal(await page.getByLabel('API token').inputValue(), '');
    assert.equal(await page.content().then((html) => html.includes(world.account.token)), false, 'the token is nowhere in the page');
    const endpoints = await relay('GET', '/v1/webhooks');
    assert.deepEqual(endpoints.body.data.map((e: { url: string }) => e.url), [`${rs.site.baseUrl}/?rest_route=/relaypress/v1/webhooks`]);
    await page.getByRole('button', { name: 'Continue' }).click();
  });

  test('the wizard adds the sending domain and lists its DNS records with their values; once published, Verify now verifies it', async () => {
    await page.getByRole('heading', { level: 3, name: 'Sending domain' }).waitFor();
    await screenshot('wizard-2-domain');
    await page.getByLabel('Domain to send from').fill(SITE_HOST);
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('heading', { level: 3, name: 'DNS records' }).waitFor();

    const table = page.getByRole('table', { name: 'DNS records to publish' });
    await table.waitFor();
    const [domain] = (await relay('GET', '/v1/domains')).body.data as { id: string; name: string; records: { name: string; type: string; value: string; priority?: number; required: boolean }[] }[];
    assert.equal(domain?.name, SITE_HOST);
    // Every record the relay wants is on screen, name and value, as the user copies them.
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.querySelector('code') ?? td).textContent!.trim())));
    assert.equal(rows.length, domain.records.length, JSON.stringify(rows));
    for (const record of domain.records) {
      const value = record.priority !== undefined ? `${record.priority} ${record.value}` : record.value;
      assert.ok(rows.some(([, type, name, shown]) => type === record.type && name === record.name && shown === value), `${record.type} ${record.name} ${value} is shown: ${JSON.stringify(rows)}`);
    }
    assert.equal(await page.getByText('Domain status:').locator('..').getByText('Pending').count(), 1);
    assert.equal(await table.getByRole('cell', { name: 'Bounces (return path MX)' }).count(), 1, 'purposes in words');
    // The site is served over plain HTTP, where the Clipboard API does not exist: Copy still copies.
    const spf = table.getByRole('row').filter({ hasText: 'Return path SPF' });
    await spf.getByRole('button', { name: 'Copy the record value' }).click();
    await spf.getByRole('status').getByText('Copied').waitFor();
    await screenshot('wizard-3-dns-records');

    // Publish what the screen says, at the test's DNS server, as the owner would at their DNS host.
    const zone = new Map<string, { MX?: { exchange: string; priority: number }[]; TXT?: string[][] }>();
    if (MAIL_DOMAINS.includes(SITE_HOST)) zone.set(SITE_HOST, { MX: [{ exchange: 'mx.sink.test', priority: 10 }] });
    for (const [, type, name, value] of rows) {
      const entry = zone.get(name!) ?? {};
      if (type === 'MX') {
        const [priority, exchange] = value!.split(' ');
        entry.MX = [...(entry.MX ?? []), { exchange: exchange!, priority: Number(priority) }];
      } else if (type === 'TXT') {
        entry.TXT = [...(entry.TXT ?? []), value!.match(/.{1,255}/g)!]; // Long DKIM keys: several strings in one record.
      } else {
        assert.fail(`unexpected record type ${type}`);
      }
      zone.set(name!, entry);
    }
    for (const [name, entry] of zone) world.dns.setName(name, entry);

    await page.getByRole('button', { name: 'Verify now' }).click();
    await app().getByText('The domain is verified.').waitFor();
    assert.equal(await page.getByText('Domain status:').locator('..').getByText('Verified').count(), 1);
    assert.equal(await table.getByText('Missing').count(), 0);
    assert.equal((await relay('GET', `/v1/domains/${domain.id}`)).body.status, 'verified');
    await screenshot('wizard-3-dns-verified');
    await page.getByRole('button', { name: 'Continue' }).click();
  });

  test('the wizard sends a test email; it is delivered to the MX and the wizard says so', async () => {
    await page.getByRole('heading', { level: 3, name: 'Test email' }).waitFor();
    assert.equal(await page.getByLabel('Send a test email to').inputValue(), 'admin@example.test');
    await screenshot('wizard-4-test-email');
    await page.getByRole('button', { name: 'Send test email' }).click();
    // The relay delivers, then reports back by webhook; the wizard polls the log entry.
    await app().getByText('Delivered: the receiving server accepted the test email. RelayPress is ready.').waitFor({ timeout: 30_000 });
    assert.ok(world.sink.messages.some((m) => m.rcptTo.includes('admin@example.test')), 'the sink received it');
    await screenshot('wizard-4-delivered');
  });

  test('Activity shows the test email delivered, and its detail shows the timeline and the MX attempt', async () => {
    await page.getByRole('button', { name: 'Open in Activity' }).click();
    await page.waitForURL((url) => /^#\/activity\/\d+$/.test(url.hash));
    const facts = page.locator('dl.relaypress-facts');
    await facts.waitFor();
    assert.equal(await facts.getByText('Delivered', { exact: true }).count(), 1);
    const timeline = page.getByRole('heading', { level: 3, name: 'Timeline' }).locator('xpath=following-sibling::ol[1]');
    await timeline.getByText('Delivered', { exact: true }).waitFor();
    const types = await timeline.locator('li .relaypress-badge').allTextContents();
    assert.ok(types.includes('Queued') && types.includes('Delivered'), types.join(', '));
    const attempts = page.getByRole('table', { name: 'Delivery attempts per recipient' });
    await attempts.getByRole('cell', { name: 'admin@example.test' }).waitFor();
    await screenshot('activity-detail-test-email');

    await openScreen('#/activity', 'Activity');
    const log = page.getByRole('table', { name: /^Emails \(\d+\)$/ });
    const row = log.getByRole('row').filter({ hasText: 'admin@example.test' });
    await row.waitFor();
    assert.equal(await row.getByText('Delivered', { exact: true }).count(), 1);
    await screenshot('activity-list');
  });

  test('the other screens render with the connected relay: overview, domains, settings', async () => {
    await openScreen('#/overview', 'Overview');
    await page.getByText('Connected', { exact: true }).waitFor();
    await screenshot('overview');

    await openScreen('#/domains', 'Domains');
    const domains = page.getByRole('table', { name: 'Sending domains' });
    await domains.getByRole('link', { name: SITE_HOST }).waitFor();
    assert.equal(await domains.getByText('Verified', { exact: true }).count(), 1);
    await screenshot('domains');
    await domains.getByRole('link', { name: SITE_HOST }).click();
    await page.getByRole('table', { name: 'DNS records to publish' }).waitFor();
    await screenshot('domain-detail');

    await openScreen('#/settings', 'Settings');
    await page.getByText(/The relay reports deliveries, bounces and complaints to this site/).waitFor();
    await screenshot('settings');
  });

  test('Suppressions: an address added by hand is on the relay\'s list; removing it takes it off again', async () => {
    const address = 'unsubscribed@example.org';
    await openScreen('#/suppressions', 'Suppressions');
    await page.getByText('The suppression list is empty.').waitFor();
    const form = page.getByRole('form', { name: 'Add a suppression' });
    await form.getByLabel('Email address').fill(address);
    await form.getByLabel('Note (optional)').fill('asked by phone');
    await form.getByRole('button', { name: 'Suppress' }).click();
    await app().getByText(`${address} is suppressed: no mail will be sent to it.`).waitFor();
    const list = page.getByRole('table', { name: 'Suppressed addresses' });
    const row = list.getByRole('row').filter({ hasText: address });
    await row.getByText('asked by phone').waitFor();
    assert.equal(await row.getByText('Added by hand').count(), 1);
    const onRelay = (await relay('GET', '/v1/suppressions')).body.data as { pattern: string; reason: string; note: string }[];
    assert.deepEqual(onRelay.map((s) => [s.pattern, s.reason, s.note]), [[address, 'manual', 'asked by phone']]);
    await screenshot('suppressions-added');

    await row.getByRole('button', { name: `Remove ${address}` }).click();
    await app().getByText(`${address} was removed from the suppression list.`).waitFor();
    await page.getByText('The suppression list is empty.').waitFor();
    assert.deepEqual((await relay('GET', '/v1/suppressions')).body.data, []);
    await screenshot('suppressions-removed');
  });

  test('an email whose subject and recipient are markup is shown as text in Activity: no element, no script, no dialog', async () => {
    const sent = await rs.site.phpJson(`
      $ok = wp_mail( ${php(XSS_TO)}, ${php(XSS_SUBJECT)}, 'Hello.' );
      echo wp_json_encode( array( 'ok' => $ok, 'log_id' => \\RelayPress\\Plugin::instance()->outbox->last_log_id ) );
    `);
    assert.equal(sent.ok, true, JSON.stringify(rs.events().filter((e) => e.type === 'wp_mail_failed')));
    await waitUntil('the payload email delivered', async () => ((await rs.log()).find((r) => Number(r.id) === sent.log_id)?.status === 'delivered' ? true : undefined), 30_000);

    await openScreen('#/activity', 'Activity');
    const log = page.getByRole('table', { name: /^Emails \(\d+\)$/ });
    const link = log.getByRole('link', { name: XSS_SUBJECT, exact: true });
    await link.waitFor();
    assert.equal(await log.getByRole('row').filter({ hasText: XSS_SUBJECT }).getByRole('cell', { name: XSS_RECIPIENT, exact: true }).count(), 1, 'the recipient is shown as it is');
    await screenshot('activity-list-payload');
    await link.click();
    await page.waitForURL((url) => url.hash === `#/activity/${sent.log_id}`);
    await page.getByRole('heading', { level: 2, name: XSS_SUBJECT, exact: true }).waitFor();
    await page.getByRole('table', { name: 'Delivery attempts per recipient' }).waitFor();
    await screenshot('activity-detail-payload');

    const facts = app().locator('dl.relaypress-facts');
    assert.equal(await facts.getByText(XSS_RECIPIENT, { exact: true }).count(), 1, 'the recipient is shown as it is');
    assert.equal(await app().getByRole('cell', { name: XSS_RECIPIENT, exact: true }).count(), 1, 'the relay\'s attempt names the recipient as text');
    assert.equal(await app().locator('img, script, iframe, object, embed, [onload], [onerror]').count(), 0, 'no element from the payload');
    assert.deepEqual(dialogs, []);
  });

  test('WooCommerce: the starters installed and mapped show by name; a preview with a chosen order stays in a sandboxed frame; a test arrives rendered', async () => {
    // An order to preview with (pending: no email goes out for it).
    const order = await rs.site.phpJson<{ id: number; number: string }>(String.raw`
      $product = new WC_Product_Simple();
      $product->set_name( 'Merino Wool Beanie' );
      $product->set_regular_price( '24.00' );
      $product->save();
      $order = wc_create_order();
      $order->set_address( array( 'first_name' => 'Chloé', 'last_name' => 'Dvořák', 'email' => 'chloe@example.org', 'city' => 'Paris', 'country' => 'FR' ), 'billing' );
      $order->add_product( $product, 2 );
      $order->set_total( '48.00' );
      $order->save();
      echo wp_json_encode( array( 'id' => $order->get_id(), 'number' => (string) $order->get_order_number() ) );
    `);
    await openScreen('#/woocommerce', 'WooCommerce');
    const emails = page.getByRole('table', { name: 'WooCommerce emails' });
    await emails.getByText('customer_processing_order', { exact: true }).waitFor();
    const processing = page.getByLabel('Template for Processing order');
    assert.equal(await processing.inputValue(), '', 'nothing mapped yet');
    // The figures come from the relay's analytics by tag (no WooCommerce email has gone yet).
    const processingRow = emails.getByRole('row').filter({ hasText: 'customer_processing_order' });
    await processingRow.getByText('None sent').waitFor();
    await page.getByText('The relay has no templates yet', { exact: false }).waitFor();
    await screenshot('woocommerce-unmapped');

    await page.getByRole('button', { name: 'Install starter templates and map them' }).click();
    await app().getByText(/^Starter templates: 15 installed, 0 already there\. \d+ emails mapped to them; 0 kept their template\.$/).waitFor();
    const starters = (await relay('GET', '/v1/templates')).body.data as { id: string; name: string; starter: string }[];
    const processingStarter = starters.find((t) => t.starter === 'customer_processing_order')!;
    await waitUntil('the processing email shows its starter', async () => ((await processing.inputValue()) === processingStarter.id ? true : undefined), 10_000);
    assert.equal(await processing.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text), 'Processing order', 'the template by name');
    const choices = await processing.evaluate((select: HTMLSelectElement) => Array.from(select.options).map((o) => o.text));
    assert.deepEqual(choices, ['None (WooCommerce HTML)', ...starters.map((t) => t.name).sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))]);
    await screenshot('woocommerce-mapped');

    // Unmapping one through the dropdown.
    await page.getByLabel('Template for Completed order').selectOption('');
    await page.getByRole('button', { name: 'Save mapping of Completed order' }).click();
    await app().getByText('Completed order is sent as WooCommerce’s own HTML.').waitFor();
    assert.equal((await rs.site.php(`echo wp_json_encode( get_option( 'relaypress_woocommerce_templates' )['customer_completed_order'] ?? null );`)).stdout, 'null');

    await page.getByRole('button', { name: 'Preview Processing order' }).click();
    const panel = page.getByRole('region', { name: 'Preview of Processing order' });
    await panel.getByLabel('Order').selectOption(String(order.id));
    await panel.getByRole('button', { name: 'Show preview' }).click();
    const frame = panel.locator('iframe[title="HTML part of the preview"]');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), '', 'no scripts, no same origin');
    const html = (await frame.getAttribute('srcdoc')) ?? '';
    assert.match(html, /Merino Wool Beanie/);
    assert.match(html, /Chloé/);
    assert.match(await panel.locator('pre').textContent() ?? '', new RegExp(`order #${order.number}\\b`, 'i'));
    await screenshot('woocommerce-preview');

    const before = world.sink.messages.length;
    await panel.getByRole('button', { name: 'Send a test to admin@example.test' }).click();
    await app().getByText('The test email was sent to admin@example.test.').waitFor();
    const test = await waitUntil('the test email at the sink', () => world.sink.messages.slice(before).find((m) => m.rcptTo.includes('admin@example.test')), 30_000);
    const parsed = await simpleParser(test.raw);
    assert.match(parsed.subject ?? '', /^\[Test\] Your .+ order has been received!$/);
    assert.match(String(parsed.html), /Merino Wool Beanie/, 'rendered from the starter with the order');
    assert.match(parsed.text ?? '', new RegExp(`order #${order.number}\\b`, 'i'));
  });

  test('no console errors and no dialogs on any screen visited', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(consoleErrors, [], failedRequests.join('\n'));
  });
});
