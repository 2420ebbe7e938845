import { readFileSync } from 'node:fs';

/**
 * Starter templates: the WooCommerce emails and a generic message, ready to install into an
 * account. Their variables are the personalization data of MailerSend's WooCommerce plugin
 * (items, customer, order, order_coupons, invoice, user, store, note_to_customer), so a store
 * that moves over keeps sending the same data.
 *
 * Each template is stored complete: the shared layout (`_layout.liquid`) with the template's
 * heading, preheader and body (`<name>.liquid`), whose `<!-- starter:block -->` markers are
 * replaced by the shared blocks (`_order-summary.liquid`, `_addresses.liquid`, `_button.liquid`).
 * The engine includes no files, and an account edits one self-contained template.
 */

export interface StarterTemplate {
  /** WooCommerce's email id (`new_order`, `customer_processing_order`, ...), or `generic`. */
  key: string;
  name: string;
  description: string;
  /** Liquid; mirrors WooCommerce's default subject. */
  subject: string;
  /** Liquid; the complete HTML document. */
  html: string;
  /**
   * Variables a render cannot do without (`items[].product`: every item's product). Anything
   * else is optional: its section is left out when it is absent.
   */
  required: readonly string[];
  /** Realistic data in MailerSend's shape, for previews and tests. */
  sample_data: Record<string, unknown>;
}

interface StarterSource extends Omit<StarterTemplate, 'html'> {
  file: string;
  /** Liquid; the `<h1>` and the document title. */
  heading: string;
  /** Liquid; the hidden line inbox lists show after the subject. */
  preheader: string;
}

const BLOCK_FILES: Record<string, string> = {
  'order-summary': '_order-summary.liquid',
  addresses: '_addresses.liquid',
  button: '_button.liquid',
};

const MARKER = /<!-- starter:([a-z-]+) -->/g;

function readPart(file: string): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8').trimEnd();
}

/** Replaces every marker with its value; a marker without one is a mistake in the files. */
function fill(source: string, values: Record<string, string>, file: string): string {
  return source.replace(MARKER, (_marker, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`starter template ${file}: unknown block <!-- starter:${name} -->`);
    return value;
  });
}

const layout = readPart('_layout.liquid');
const blocks = Object.fromEntries(Object.entries(BLOCK_FILES).map(([name, file]) => [name, readPart(file)]));

function assemble(source: StarterSource): string {
  const body = fill(readPart(source.file), blocks, source.file);
  return fill(layout, { heading: source.heading, preheader: source.preheader, body }, '_layout.liquid');
}

// Sample data, as MailerSend's plugin would send it for one order (WooCommerce formats the
// amounts, and formats addresses as escaped HTML joined with <br/>).

const STORE = { url: 'https://nordlicht.example', name: 'Nordlicht Supply' };

const CUSTOMER = {
  first_name: 'Chloé',
  last_name: 'Dvořák',
  name: 'Chloé Dvořák',
  email: 'chloe.dvorak@example.com',
  phone: '+33 6 12 34 56 78',
  username: 'chloe.d',
};

function sampleOrder() {
  return {
    items: [
      {
        product: 'Merino Wool Beanie',
        quantity: 2,
        sku: 'NL-BEANIE-CH',
        image: 'https://nordlicht.example/wp-content/uploads/2026/01/merino-beanie-150x150.jpg',
        price: '€24.00',
        meta_data: 'Colour: Charcoal; Size: One size',
      },
      {
        product: 'Field Guide to Nordic Birds (eBook)',
        quantity: 1,
        sku: 'NL-EBOOK-BIRDS',
        image: null,
        price: '€12.50',
        downloads: [
          {
            name: 'Field Guide to Nordic Birds (PDF)',
            url: 'https://nordlicht.example/?download_file=731&order=wc_order_Qx7pL2&email=chloe.dvorak%40example.com&key=5b1e0c4e-8a0f-4c52-9d43-0f6f3c2a9e11',
          },
        ],
        meta_data: '',
      },
    ],
    customer: { ...CUSTOMER },
    order: {
      order_number: '1234',
      date: 'March 14, 2026',
      billing_address: 'Chloé Dvořák<br/>Dvořák &amp; Filles<br/>12 Rue de l&#039;Église<br/>75004 Paris<br/>France',
      shipping_address: 'Chloé Dvořák<br/>4 Quai d&#039;Orléans<br/>75004 Paris<br/>France',
      billing_company_name: 'Dvořák & Filles',
      shipping_company_name: '',
      shipping_method: 'Flat rate',
      view_url: 'https://nordlicht.example/my-account/view-order/1234/',
      customer_message: 'Please <b>leave at door</b> if nobody answers.\nThank you!',
    },
    order_coupons: [{ code: 'welcome10', discount: '€6.05' }],
    invoice: {
      subtotal: '€60.50',
      discount_total: '€6.05',
      tax: '€11.87',
      shipping_total: '€4.90',
      pay_method: 'Credit card (Stripe)',
      pay_url: 'https://nordlicht.example/checkout/order-pay/1234/?pay_for_order=true&key=wc_order_Qx7pL2',
      total: '€71.22',
    },
    store: { ...STORE },
  };
}

function sampleRefund(partial: boolean) {
  const sample = sampleOrder();
  for (const item of sample.items as Array<Record<string, unknown>>) {
    const refunded = partial ? (item.product === 'Merino Wool Beanie' ? 1 : 0) : Number(item.quantity);
    item.refunded_quantity = refunded;
    item.new_quantity = Number(item.quantity) - refunded;
  }
  return {
    ...sample,
    order: { ...sample.order, refund_reason: partial ? 'One beanie arrived with a torn seam.' : 'Order cancelled at the customer’s request.' },
    invoice: { ...sample.invoice, total_refunded: partial ? '€28.80' : '€71.22', new_total: partial ? '€42.42' : '€0.00' },
  };
}

const USER = { username: 'chloe.d', name: 'Chloé Dvořák', email: 'chloe.dvorak@example.com' };

const ORDER_REQUIRED = ['store.name', 'store.url', 'order.order_number', 'items[].product', 'items[].quantity', 'items[].price', 'invoice.total'] as const;

const SOURCES: StarterSource[] = [
  {
    key: 'new_order',
    name: 'New order',
    description: 'To the store when a customer places an order.',
    file: 'new-order.liquid',
    subject: '[{{ store.name }}]: New order #{{ order.order_number }}',
    heading: 'New order: #{{ order.order_number }}',
    preheader: 'Order #{{ order.order_number }} for {{ invoice.total }}{% if customer.name != blank %} from {{ customer.name }}{% endif %}.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_processing_order',
    name: 'Processing order',
    description: 'To the customer when the order is paid and being prepared.',
    file: 'processing-order.liquid',
    subject: 'Your {{ store.name }} order has been received!',
    heading: 'Thank you for your order',
    preheader: 'We have received order #{{ order.order_number }} and are getting it ready.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_completed_order',
    name: 'Completed order',
    description: 'To the customer when the order is complete (shipped, or downloads ready).',
    file: 'completed-order.liquid',
    subject: 'Your {{ store.name }} order is now complete',
    heading: 'Thanks for shopping with us',
    preheader: 'Order #{{ order.order_number }} is complete.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_on_hold_order',
    name: 'Order on hold',
    description: 'To the customer when the order waits for payment (bank transfer, cheque).',
    file: 'on-hold-order.liquid',
    subject: 'Your {{ store.name }} order has been received!',
    heading: 'Thank you for your order',
    preheader: 'Order #{{ order.order_number }} is on hold until your payment is confirmed.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'cancelled_order',
    name: 'Cancelled order',
    description: 'To the store when an order is cancelled.',
    file: 'cancelled-order.liquid',
    subject: '[{{ store.name }}]: Order #{{ order.order_number }} has been cancelled',
    heading: 'Order cancelled: #{{ order.order_number }}',
    preheader: 'Order #{{ order.order_number }}{% if customer.name != blank %} from {{ customer.name }}{% endif %} has been cancelled.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'failed_order',
    name: 'Failed order',
    description: 'To the store when the payment for an order fails.',
    file: 'failed-order.liquid',
    subject: '[{{ store.name }}]: Order #{{ order.order_number }} has failed',
    heading: 'Order failed: #{{ order.order_number }}',
    preheader: 'The payment for order #{{ order.order_number }} has failed.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_failed_order',
    name: 'Failed order (customer)',
    description: 'To the customer when the payment for their order fails (WooCommerce 9.5 and later).',
    file: 'customer-failed-order.liquid',
    subject: 'Your {{ store.name }} order #{{ order.order_number }} was unsuccessful',
    heading: 'Sorry, your order was unsuccessful',
    preheader: 'The payment for order #{{ order.order_number }} did not go through.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_cancelled_order',
    name: 'Cancelled order (customer)',
    description: 'To the customer when their order is cancelled (WooCommerce 10.0 and later).',
    file: 'customer-cancelled-order.liquid',
    subject: 'Your {{ store.name }} order #{{ order.order_number }} has been cancelled',
    heading: 'Order cancelled: #{{ order.order_number }}',
    preheader: 'Order #{{ order.order_number }} has been cancelled.',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_refunded_order',
    name: 'Refunded order',
    description: 'To the customer when the order is refunded in full.',
    file: 'refunded-order.liquid',
    subject: 'Your {{ store.name }} order #{{ order.order_number }} has been refunded',
    heading: 'Order refunded: #{{ order.order_number }}',
    preheader: 'Order #{{ order.order_number }} has been refunded{% if invoice.total_refunded != blank %}: {{ invoice.total_refunded }}{% endif %}.',
    required: ORDER_REQUIRED,
    sample_data: sampleRefund(false),
  },
  {
    key: 'customer_partially_refunded_order',
    name: 'Partially refunded order',
    description: 'To the customer when part of the order is refunded.',
    file: 'partially-refunded-order.liquid',
    subject: 'Your {{ store.name }} order #{{ order.order_number }} has been partially refunded',
    heading: 'Partial refund: order #{{ order.order_number }}',
    preheader: 'Part of order #{{ order.order_number }} has been refunded{% if invoice.total_refunded != blank %}: {{ invoice.total_refunded }}{% endif %}.',
    required: ORDER_REQUIRED,
    sample_data: sampleRefund(true),
  },
  {
    key: 'customer_invoice',
    name: 'Customer invoice / order details',
    description: 'To the customer, sent by hand from the order screen: the order details, with a payment link while the order is unpaid.',
    file: 'customer-invoice.liquid',
    subject: 'Details for order #{{ order.order_number }} on {{ store.name }}',
    heading: 'Details for order #{{ order.order_number }}',
    preheader: '{% if invoice.pay_url != blank %}Order #{{ order.order_number }} is ready for payment.{% else %}The details of order #{{ order.order_number }}.{% endif %}',
    required: ORDER_REQUIRED,
    sample_data: sampleOrder(),
  },
  {
    key: 'customer_note',
    name: 'Customer note',
    description: 'To the customer when the store adds a note for them to the order.',
    file: 'customer-note.liquid',
    subject: 'Note added to your {{ store.name }} order from {{ order.date }}',
    heading: 'A note has been added to your order',
    preheader: 'A note about order #{{ order.order_number }} from {{ store.name }}.',
    required: ['store.name', 'store.url', 'order.order_number', 'order.date', 'note_to_customer'],
    sample_data: { note_to_customer: 'Your beanie is back in stock and ships tomorrow.\nThe tracking number follows by email.', ...sampleOrder(), user: { ...USER } },
  },
  {
    key: 'customer_reset_password',
    name: 'Reset password',
    description: 'To the customer when a password reset is requested.',
    file: 'reset-password.liquid',
    subject: 'Password Reset Request for {{ store.name }}',
    heading: 'Password reset request',
    preheader: 'Choose a new password for your {{ store.name }} account.',
    required: ['store.name', 'store.url', 'user.reset_link'],
    sample_data: {
      user: { ...USER, reset_link: 'https://nordlicht.example/my-account/lost-password/?key=Jx8QmR2vTz4LwPq9&id=42', reset_key: 'Jx8QmR2vTz4LwPq9' },
      store: { ...STORE },
    },
  },
  {
    key: 'customer_new_account',
    name: 'New account',
    description: 'To the customer when an account is created for them.',
    file: 'new-account.liquid',
    subject: 'Your {{ store.name }} account has been created!',
    heading: 'Welcome to {{ store.name }}',
    preheader: 'Your account at {{ store.name }} is ready.',
    required: ['store.name', 'store.url', 'user.username'],
    sample_data: { user: { ...USER }, store: { ...STORE } },
  },
  {
    key: 'generic',
    name: 'Generic message',
    description: 'Any other message from the store: a heading, the store’s own HTML and an optional button.',
    file: 'generic.liquid',
    subject: '{{ subject | default: heading }}',
    heading: '{{ heading }}',
    preheader: '{% if preheader != blank %}{{ preheader }}{% endif %}',
    required: ['store.name', 'store.url', 'heading', 'body_html'],
    sample_data: {
      heading: 'Our summer shipping days',
      body_html: '<p>From 1 July to 31 August we ship orders on <strong>Tuesdays and Fridays</strong>.</p><p>Orders placed before noon on those days leave the same afternoon.</p>',
      button: { label: 'See the shipping calendar', url: 'https://nordlicht.example/shipping/' },
      store: { ...STORE },
    },
  },
];

export const STARTER_TEMPLATES: readonly StarterTemplate[] = SOURCES.map((source) => {
  const { file: _file, heading: _heading, preheader: _preheader, ...template } = source;
  return { ...template, html: assemble(source) };
});

export function starterTemplate(key: string): StarterTemplate | undefined {
  return STARTER_TEMPLATES.find((template) => template.key === key);
}
