import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type DefaultTreeAdapterTypes, type ParserError } from 'parse5';
import { createTemplateEngine, TemplateError, type RenderedTemplate } from '../../src/templates/engine.ts';
import { STARTER_TEMPLATES, starterTemplate, type StarterTemplate } from '../../src/templates/starters/index.ts';

type Element = DefaultTreeAdapterTypes.Element;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

const engine = createTemplateEngine();

function render(template: StarterTemplate, data: unknown): Promise<RenderedTemplate> {
  return engine.render({ subject: template.subject, html: template.html }, data);
}

function elements(node: ParentNode, found: Element[] = []): Element[] {
  for (const child of node.childNodes) {
    if ('tagName' in child) {
      found.push(child);
      elements(child.tagName === 'template' ? (child as DefaultTreeAdapterTypes.Template).content : child, found);
    }
  }
  return found;
}

const attribute = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Tags the output leaves unclosed or closes out of order (parse5 closes many silently). */
function unbalancedTags(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const source = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>]*>/i, '');
  for (const [, slash, name] of source.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const tag = name!.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!slash) open.push(tag);
    else if (open.at(-1) === tag) open.pop();
    else problems.push(`</${tag}> while <${open.at(-1)}> is open`);
  }
  return [...problems, ...open.map((tag) => `<${tag}> is never closed`)];
}

/** Data holding only the given variables; `items[].product` makes one item with a product. */
function dataWith(paths: readonly string[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const set = (target: Record<string, unknown>, path: string, value: unknown) => {
    const keys = path.split('.');
    let node = target;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  };
  for (const path of paths) {
    const [list, field] = path.split('[].');
    if (field !== undefined) {
      const items = (data[list!] ??= [{}]) as Array<Record<string, unknown>>;
      set(items[0]!, field, `${path} value`);
    } else {
      set(data, path, `${path} value`);
    }
  }
  return data;
}

/** The name a missing-variable error gives a required path: list fields are read through the loop variable. */
const variableName = (path: string) => path.replace(/^items\[\]\./, 'item.');

const CUSTOMER_MESSAGE = '<b>leave at door</b>';

/** Text with every run of white space (line wraps, no-break spaces) as one space. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('starter templates', () => {
  test('there is one for every WooCommerce email MailerSend replaces, and a generic one', () => {
    assert.deepEqual(STARTER_TEMPLATES.map((t) => t.key).sort(), [
      'cancelled_order',
      'customer_cancelled_order',
      'customer_completed_order',
      'customer_failed_order',
      'customer_invoice',
      'customer_new_account',
      'customer_note',
      'customer_on_hold_order',
      'customer_partially_refunded_order',
      'customer_processing_order',
      'customer_refunded_order',
      'customer_reset_password',
      'failed_order',
      'generic',
      'new_order',
    ]);
    assert.equal(starterTemplate('new_order')?.name, 'New order');
    assert.equal(starterTemplate('low_stock'), undefined);
  });

  test('the order sample data carries what the templates must cope with', () => {
    const sample = starterTemplate('new_order')!.sample_data as {
      customer: { name: string };
      items: Array<{ downloads?: unknown[] }>;
      order_coupons: unknown[];
      order: { customer_message: string };
    };
    assert.match(sample.customer.name, /[^\x00-\x7f]/);
    assert.equal(sample.items.length, 2);
    assert.ok(sample.items.some((item) => (item.downloads?.length ?? 0) > 0));
    assert.equal(sample.order_coupons.length, 1);
    assert.ok(sample.order.customer_message.includes(CUSTOMER_MESSAGE));
  });

  test('subjects mirror WooCommerce’s default subjects', async () => {
    const subjects: Record<string, string> = {};
    for (const template of STARTER_TEMPLATES) subjects[template.key] = (await render(template, template.sample_data)).subject;
    assert.deepEqual(subjects, {
      new_order: '[Nordlicht Supply]: New order #1234',
      customer_processing_order: 'Your Nordlicht Supply order has been received!',
      customer_completed_order: 'Your Nordlicht Supply order is now complete',
      customer_on_hold_order: 'Your Nordlicht Supply order has been received!',
      cancelled_order: '[Nordlicht Supply]: Order #1234 has been cancelled',
      failed_order: '[Nordlicht Supply]: Order #1234 has failed',
      customer_failed_order: 'Your Nordlicht Supply order #1234 was unsuccessful',
      customer_cancelled_order: 'Your Nordlicht Supply order #1234 has been cancelled',
      customer_refunded_order: 'Your Nordlicht Supply order #1234 has been refunded',
      customer_partially_refunded_order: 'Your Nordlicht Supply order #1234 has been partially refunded',
      customer_invoice: 'Details for order #1234 on Nordlicht Supply',
      customer_note: 'Note added to your Nordlicht Supply order from March 14, 2026',
      customer_reset_password: 'Password Reset Request for Nordlicht Supply',
      customer_new_account: 'Your Nordlicht Supply account has been created!',
      generic: 'Our summer shipping days',
    });
  });

  for (const template of STARTER_TEMPLATES) {
    describe(template.key, () => {
      const sample = template.sample_data as { items?: Array<{ product: string }>; order?: { order_number: string; customer_message?: string } };

      test('is stored complete: the shared layout and blocks are filled in', () => {
        assert.doesNotMatch(template.html, /starter:/);
        assert.match(template.html, /^<!DOCTYPE html>/);
        engine.check({ subject: template.subject, html: template.html });
      });

      test('renders its sample data into valid, accessible HTML', async () => {
        const { html, subject } = await render(template, template.sample_data);
        assert.doesNotMatch(subject, /\{\{|\{%|\}\}/);
        assert.ok(subject.length > 0);

        const errors: ParserError[] = [];
        const document = parse(html, { onParseError: (error) => errors.push(error) });
        assert.deepEqual(errors.map((e) => `${e.code} at ${e.startLine}:${e.startCol}`), []);
        assert.deepEqual(unbalancedTags(html), []);

        const all = elements(document);
        const htmlElement = all.find((e) => e.tagName === 'html')!;
        assert.equal(attribute(htmlElement, 'lang'), 'en');
        assert.match(html, /<html lang="/);
        assert.ok(all.some((e) => e.tagName === 'meta' && attribute(e, 'name') === 'viewport'), 'a viewport meta');
        assert.equal(all.filter((e) => e.tagName === 'h1').length, 1, 'one h1');
        assert.ok(all.some((e) => e.tagName === 'title'), 'a title');
        for (const img of all.filter((e) => e.tagName === 'img')) assert.notEqual(attribute(img, 'alt'), undefined, `img ${attribute(img, 'src')} has alt`);
        for (const table of all.filter((e) => e.tagName === 'table')) {
          const isDataTable = elements(table).some((e) => e.tagName === 'th');
          assert.ok(isDataTable || attribute(table, 'role') === 'presentation', 'layout tables have role="presentation"');
        }
        const preheader = all.find((e) => attribute(e, 'class') === 'preheader');
        assert.ok(preheader && /display:\s*none/.test(attribute(preheader, 'style') ?? ''), 'a hidden preheader');

        // Fluid on small screens (juice keeps the media query), nothing loaded from elsewhere.
        assert.match(html, /@media only screen and \(max-width: 620px\)/);
        assert.equal(all.filter((e) => ['script', 'link', 'iframe', 'object'].includes(e.tagName)).length, 0);
        assert.doesNotMatch(html, /@import|@font-face|fonts\.googleapis/);
        assert.doesNotMatch(html, /\{\{|\{%/);
      });

      test('renders a readable text part', async () => {
        const { text } = await render(template, template.sample_data);
        const withoutCustomerText = text.split(CUSTOMER_MESSAGE).join('leave at door');
        assert.doesNotMatch(withoutCustomerText, /<\/?[a-z][^>]*>/i, 'no HTML tags');
        assert.doesNotMatch(text, /&(?:[a-z]+|#\d+);/i, 'no HTML entities');
        assert.doesNotMatch(text, /\{\{|\{%/);
        for (const line of text.split('\n')) {
          assert.ok(line.length <= 78 || /https?:\/\/|mailto:|tel:/.test(line), `line too long: ${line}`);
        }
        if (sample.order) assert.ok(text.includes(`#${sample.order.order_number}`), 'the order number');
        for (const item of sample.items ?? []) assert.ok(text.includes(item.product), `the item ${item.product}`);
      });

      if (sample.order?.customer_message) {
        test("escapes the customer's message in the HTML and keeps it as typed in the text", async () => {
          const { html, text } = await render(template, template.sample_data);
          assert.ok(html.includes('&lt;b&gt;leave at door&lt;/b&gt;'));
          assert.ok(!html.includes(CUSTOMER_MESSAGE));
          assert.ok(text.includes(`Please ${CUSTOMER_MESSAGE} if nobody answers.\nThank you!`));
        });
      }

      test(`renders with only its required variables (${template.required.join(', ')})`, async () => {
        const { html, text } = await render(template, dataWith(template.required));
        assert.doesNotMatch(html, /<img/);
        assert.ok(text.includes('store.name value'));
      });

      for (const path of template.required) {
        test(`without ${path}, fails naming it`, async () => {
          const data = dataWith(template.required);
          const [list, field] = path.split('[].');
          const keys = (field ?? path).split('.');
          let parent = (field !== undefined ? (data[list!] as unknown[])[0] : data) as Record<string, unknown>;
          for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
          delete parent[keys.at(-1)!];
          await assert.rejects(render(template, data), (err: unknown) => {
            assert.ok(err instanceof TemplateError);
            assert.equal(err.kind, 'missing_variable');
            assert.equal(err.variable, variableName(path));
            return true;
          });
        });
      }
    });
  }
});

describe('starter template sections', () => {
  const processing = starterTemplate('customer_processing_order')!;
  const sample = processing.sample_data as Record<string, Record<string, unknown> & unknown[]>;

  test('empty strings and empty lists leave their sections out, as MailerSend sends them', async () => {
    const data = {
      ...sample,
      items: [{ product: 'Gift card', quantity: 1, sku: '', image: null, price: '€25.00', meta_data: '' }],
      order: { ...sample.order, shipping_address: '', customer_message: '', shipping_method: '', view_url: '' },
      order_coupons: [],
      invoice: { ...sample.invoice, tax: '€0.00', pay_method: '' },
    };
    const { html, text } = await render(processing, data);
    for (const absent of ['Shipping address', 'Order note', 'Coupon', 'Tax:', 'Payment method', 'SKU', 'View your order', 'Shipping (']) {
      assert.ok(!text.includes(absent), `no "${absent}"`);
    }
    assert.ok(text.includes('Billing address'.toUpperCase()));
    assert.ok(flat(text).includes('Gift card × 1 €25.00'));
    assert.doesNotMatch(html, /<img/);
  });

  test('addresses are escaped, keep their line breaks and their entities show once', async () => {
    const data = { ...sample, order: { ...sample.order, billing_address: 'Ann O&#039;Neil<br/>Smith &amp; Co<br/><img src=x onerror=alert(1)><br />1 "High" St' } };
    const { html, text } = await render(processing, data);
    assert.ok(html.includes('Ann O&#39;Neil<br>Smith &amp; Co<br>&lt;img src=x onerror=alert(1)&gt;<br>1 &#34;High&#34; St'));
    assert.ok(!html.includes('onerror=alert(1)>'));
    assert.ok(text.includes(`Ann O'Neil\nSmith & Co\n<img src=x onerror=alert(1)>\n1 "High" St`));
  });

  test('addresses joined with commas (MailerSend’s plugin) print on one line', async () => {
    const data = { ...sample, order: { ...sample.order, billing_address: 'Ann Smith, 1 High St, Leeds, LS1 1AA, United Kingdom (UK)' } };
    const { text } = await render(processing, data);
    assert.ok(text.includes('Ann Smith, 1 High St, Leeds, LS1 1AA, United Kingdom (UK)'));
  });

  test('the invoice asks for payment only when it has a payment link', async () => {
    const invoice = starterTemplate('customer_invoice')!;
    const data = invoice.sample_data as Record<string, Record<string, unknown>>;
    const withLink = await render(invoice, data);
    assert.ok(flat(withLink.text).includes('Pay for this order [https://nordlicht.example/checkout/order-pay/1234/'));
    const paid = await render(invoice, { ...data, invoice: { ...data.invoice, pay_url: '' } });
    assert.ok(!paid.text.includes('Pay for this order'));
  });

  test('refund emails show the refunded quantities, amount and reason', async () => {
    const partial = starterTemplate('customer_partially_refunded_order')!;
    const { text } = await render(partial, partial.sample_data);
    assert.ok(flat(text).includes('Merino Wool Beanie × 2 (1 refunded) €24.00 each'));
    assert.ok(text.includes('Refunded: −€28.80'));
    assert.ok(text.includes('Total after refund: €42.42'));
    assert.ok(text.includes('One beanie arrived with a torn seam.'));
  });

  test('the generic template prints the store’s HTML as given and its optional button', async () => {
    const generic = starterTemplate('generic')!;
    const { html, text } = await render(generic, generic.sample_data);
    assert.ok(html.includes('<strong'));
    assert.ok(text.includes('See the shipping calendar [https://nordlicht.example/shipping/]'));
    const withoutButton = await render(generic, { ...generic.sample_data, button: undefined, subject: 'Hours' });
    assert.equal(withoutButton.subject, 'Hours');
    assert.ok(!withoutButton.text.includes('shipping calendar'));
  });
});

test('new account: the set-password link becomes the button when the data carries one', async () => {
  const starter = starterTemplate('customer_new_account')!;
  const engine = createTemplateEngine();
  const link = 'https://shop.example/my-account/lost-password/?action=newaccount&key=abc&login=zoe';
  const withLink = await engine.render(starter, { ...starter.sample_data, user: { ...(starter.sample_data.user as object), set_password_link: link } });
  assert.ok(withLink.html.includes(`href="${link.replace(/&/g, '&amp;')}"`), 'the button points at the set-password link');
  assert.match(withLink.text, /Set your password/);
  const without = await engine.render(starter, starter.sample_data);
  assert.doesNotMatch(without.text, /Set your password/);
});
