import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { WooCommerce } from '../woocommerce';
import { XSS, XSS_ESCAPED } from '../../test-support/fixtures';
import { json, pending, renderApp, restError } from '../../test-support/render';
import { ANALYTICS_COUNTS, ANALYTICS_RATES } from '../../api/types';
import type { AnalyticsFigures, WooEmail } from '../../api/types';

function email( overrides: Partial< WooEmail > = {} ): WooEmail {
	return {
		id: 'customer_processing_order',
		class: 'WC_Email_Customer_Processing_Order',
		title: 'Processing order',
		description: 'Sent to the customer after payment.',
		customer_email: true,
		manual: false,
		woocommerce_enabled: true,
		template_id: null,
		mapping_enabled: false,
		...overrides,
	};
}

const schema = {
	schema_version: 1,
	document: 'docs/woocommerce-variables.md',
	variables: [
		{ path: 'order.order_number', type: 'string', emails: 'order', description: 'Order number as WooCommerce shows it.' },
		{ path: 'order.billing_address', type: 'html', emails: 'order', description: 'Formatted billing address: escaped lines joined with <br/> (print with | raw).' },
	],
};

const NOTICE = { selector: '.components-notice__content' };
const noWoo = restError( 404, 'relaypress_no_woocommerce', 'WooCommerce is not active.' );
const templates = {
	templates: [
		{ id: 'tpl_new', name: 'New order', starter: 'new_order', active_version: 1, updated_at: '2026-11-28T09:00:00.000Z' },
		{ id: 'tpl_proc', name: 'Processing &amp; paid', starter: null, active_version: 2, updated_at: '2026-11-28T09:00:00.000Z' },
	],
};
/** Zero figures, with some set. */
function figures( counts: Record< string, number > = {} ) {
	const zero = Object.fromEntries( [ ...ANALYTICS_COUNTS ].map( ( c ) => [ c, 0 ] ) );
	const rates = Object.fromEntries( [ ...ANALYTICS_RATES ].map( ( r ) => [ r, null ] ) );
	return { ...zero, ...rates, ...counts } as AnalyticsFigures;
}
const analytics = {
	from: '2026-10-30T00:00:00Z',
	to: '2026-11-29T00:00:00Z',
	group_by: 'day',
	tag: null,
	totals: figures(),
	data: [
		{ bucket: '2026-11-27T00:00:00Z', tag: 'customer_processing_order', ...figures( { queued: 3, delivered: 3, opened: 1 } ) },
		{ bucket: '2026-11-28T00:00:00Z', tag: 'customer_processing_order', ...figures( { queued: 2, delivered: 1, hard_bounced: 1 } ) },
		{ bucket: '2026-11-28T00:00:00Z', tag: 'woocommerce', ...figures( { queued: 5, delivered: 4 } ) },
	],
};
const orders = { orders: [ { id: 42, order_number: '1042', status: 'processing', customer: 'Ann Lee', total: '€48.00', date: '2026-11-28T09:00:00+00:00' } ] };

function routes( extra: Record< string, unknown > = {} ) {
	return {
		'GET woocommerce/emails': json( { schema_version: 1, emails: [ email(), email( { id: 'new_order', title: 'New order', customer_email: false, template_id: 'tpl_new', mapping_enabled: true } ) ] } ),
		'GET woocommerce/schema': json( schema ),
		'GET woocommerce/orders': json( orders ),
		'GET woocommerce/templates': json( templates ),
		'GET analytics': json( analytics ),
		...extra,
	} as Parameters< typeof renderApp >[ 1 ];
}

describe( 'WooCommerce', () => {
	it( 'shows loading, then every email with its mapping', async () => {
		renderApp( <WooCommerce />, routes() );
		expect( screen.getAllByText( 'Loading…' ).length ).toBeGreaterThan( 0 );
		expect( await screen.findByText( 'Processing order' ) ).toBeTruthy();
		expect( screen.getByText( 'customer_processing_order' ) ).toBeTruthy();
		await screen.findAllByRole( 'option', { name: 'Processing & paid' } );
		const newOrder = screen.getByLabelText( 'Template for New order' ) as HTMLSelectElement;
		expect( newOrder.value ).toBe( 'tpl_new' );
		expect( Array.from( newOrder.options ).map( ( o ) => [ o.value, o.text ] ) ).toEqual( [
			[ '', 'None (WooCommerce HTML)' ],
			[ 'tpl_new', 'New order' ],
			[ 'tpl_proc', 'Processing & paid' ],
		] );
		expect( ( screen.getByLabelText( 'Template for Processing order' ) as HTMLSelectElement ).value ).toBe( '' );
		expect( ( screen.getByLabelText( 'Send New order as its template' ) as HTMLInputElement ).checked ).toBe( true );
		expect( ( screen.getByLabelText( 'Send Processing order as its template' ) as HTMLInputElement ).checked ).toBe( false );
		expect( screen.getByRole( 'button', { name: 'Install starter templates and map them' } ) ).toBeTruthy();
	} );

	it( 'shows each email’s figures of the last 30 days from the relay’s analytics by tag', async () => {
		const { calls } = renderApp( <WooCommerce />, routes() );
		expect( await screen.findByText( '5 sent · 4 delivered · 1 bounced · 1 opened' ) ).toBeTruthy();
		expect( screen.getByText( 'None sent' ) ).toBeTruthy(); // New order: nothing tagged new_order.
		const query = calls.find( ( c ) => c.route === 'analytics' )?.query;
		expect( query?.get( 'by_tag' ) ).toBe( 'true' );
		expect( query?.get( 'group_by' ) ).toBe( 'day' );
		expect( query?.get( 'from' ) ).toMatch( /^\d{4}-\d\d-\d\d$/ );
	} );

	it( 'shows a dash for the figures when the relay cannot give them, and the rest of the tab works', async () => {
		renderApp( <WooCommerce />, routes( { 'GET analytics': restError( 502, 'relaypress_relay_unreachable', 'The relay did not answer.' ) } ) );
		await screen.findAllByRole( 'option', { name: 'Processing & paid' } );
		expect( screen.getAllByText( '—' ).length ).toBe( 2 );
		expect( screen.queryByText( 'The relay did not answer.' ) ).toBeNull();
	} );

	it( 'has an empty state when WooCommerce is not active, and still shows the schema', async () => {
		renderApp( <WooCommerce />, routes( { 'GET woocommerce/emails': noWoo } ) );
		expect( await screen.findByText( /WooCommerce is not active on this site/ ) ).toBeTruthy();
		expect( screen.queryByRole( 'button', { name: 'Install starter templates and map them' } ) ).toBeNull();
		expect( await screen.findByText( 'order.order_number' ) ).toBeTruthy();
	} );

	it( 'shows why the list could not load', async () => {
		renderApp( <WooCommerce />, routes( { 'GET woocommerce/emails': restError( 500, 'internal', 'Broken.' ) } ) );
		expect( await screen.findByText( 'Broken.' ) ).toBeTruthy();
	} );

	it( 'renders plugin-escaped titles as text', async () => {
		const { container } = renderApp( <WooCommerce />, routes( { 'GET woocommerce/emails': json( { schema_version: 1, emails: [ email( { title: XSS_ESCAPED } ) ] } ) } ) );
		expect( await screen.findByText( XSS ) ).toBeTruthy();
		expect( container.querySelector( 'img' ) ).toBeNull();
	} );

	it( 'saves a mapping with PUT and says so', async () => {
		const { calls } = renderApp(
			<WooCommerce />,
			routes( { 'PUT woocommerce/emails/customer_processing_order': json( { id: 'customer_processing_order', template_id: 'tpl_proc', mapping_enabled: true } ) } )
		);
		await screen.findAllByRole( 'option', { name: 'Processing & paid' } );
		await userEvent.selectOptions( screen.getByLabelText( 'Template for Processing order' ), 'tpl_proc' );
		await userEvent.click( screen.getByLabelText( 'Send Processing order as its template' ) );
		await userEvent.click( screen.getByRole( 'button', { name: 'Save mapping of Processing order' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'PUT' ) ).toBe( true ) );
		const put = calls.find( ( c ) => c.method === 'PUT' );
		expect( put?.route ).toBe( 'woocommerce/emails/customer_processing_order' );
		expect( JSON.parse( put?.body ?? '' ) ).toEqual( { template_id: 'tpl_proc', enabled: true } );
		expect( await screen.findByText( 'Processing order is mapped to the template Processing & paid.', NOTICE ) ).toBeTruthy();
	} );

	it( 'clears a mapping with template_id null', async () => {
		const { calls } = renderApp( <WooCommerce />, routes( { 'PUT woocommerce/emails/new_order': json( { id: 'new_order', template_id: null, mapping_enabled: true } ) } ) );
		await userEvent.selectOptions( await screen.findByLabelText( 'Template for New order' ), '' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Save mapping of New order' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'PUT' ) ).toBe( true ) );
		expect( JSON.parse( calls.find( ( c ) => c.method === 'PUT' )?.body ?? '' ) ).toEqual( { template_id: null, enabled: true } );
		expect( await screen.findByText( 'New order is sent as WooCommerce’s own HTML.', NOTICE ) ).toBeTruthy();
	} );

	it( 'keeps a mapped template the relay no longer has visible, named as missing', async () => {
		renderApp( <WooCommerce />, routes( { 'GET woocommerce/templates': json( { templates: [ templates.templates[ 1 ] ] } ) } ) );
		await screen.findByRole( 'option', { name: 'tpl_new (not on the relay)' } );
		expect( ( screen.getByLabelText( 'Template for New order' ) as HTMLSelectElement ).value ).toBe( 'tpl_new' );
		expect( screen.getByText( /The relay has no template with this id/ ) ).toBeTruthy();
	} );

	it( 'says why the templates could not be loaded and keeps the saved mapping selectable', async () => {
		const { calls } = renderApp( <WooCommerce />, routes( { 'GET woocommerce/templates': restError( 502, 'relaypress_relay_unreachable', 'The relay did not answer.' ) } ) );
		expect( await screen.findByText( 'The relay’s templates could not be loaded: The relay did not answer.' ) ).toBeTruthy();
		const newOrder = screen.getByLabelText( 'Template for New order' ) as HTMLSelectElement;
		expect( Array.from( newOrder.options ).map( ( o ) => o.value ) ).toEqual( [ '', 'tpl_new' ] );
		expect( newOrder.value ).toBe( 'tpl_new' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Try again' } ) );
		await waitFor( () => expect( calls.filter( ( c ) => c.route === 'woocommerce/templates' ).length ).toBe( 2 ) );
	} );

	it( 'previews the template chosen in the row before it is saved', async () => {
		const { calls } = renderApp(
			<WooCommerce />,
			routes( {
				'POST woocommerce/emails/customer_processing_order/preview': json( { template_id: 'tpl_proc', subject: 'Your order', rendered: { html: '<p>x</p>', text: 'x' }, data: {} } ),
			} )
		);
		await screen.findAllByRole( 'option', { name: 'Processing & paid' } );
		await userEvent.selectOptions( screen.getByLabelText( 'Template for Processing order' ), 'tpl_proc' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Preview Processing order' } ) );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Show preview' } ) );
		await screen.findByText( 'Your order' );
		expect( JSON.parse( calls.find( ( c ) => c.route === 'woocommerce/emails/customer_processing_order/preview' )?.body ?? '' ) ).toEqual( { template_id: 'tpl_proc' } );
		const panel = screen.getByRole( 'region', { name: 'Preview of Processing order' } );
		expect( within( panel ).getByText( 'tpl_proc' ).closest( 'dd' )?.textContent ).toBe( 'Processing & paid tpl_proc' );
	} );

	it( 'installs the starter templates, says what happened and shows the new mappings', async () => {
		let installed = false;
		const { calls } = renderApp(
			<WooCommerce />,
			routes( {
				'POST woocommerce/starters': () => {
					installed = true;
					return json( { installed: 13, skipped: 0, mapped: [ { id: 'customer_processing_order', template_id: 'tpl_proc' } ], kept: [ 'new_order' ] } );
				},
				'GET woocommerce/emails': () =>
					json( { schema_version: 1, emails: [ email( installed ? { template_id: 'tpl_proc', mapping_enabled: true } : {} ), email( { id: 'new_order', title: 'New order', customer_email: false, template_id: 'tpl_new', mapping_enabled: true } ) ] } ),
			} )
		);
		await screen.findByText( 'Processing order' );
		await screen.findAllByRole( 'option', { name: 'Processing & paid' } );
		expect( ( screen.getByLabelText( 'Template for Processing order' ) as HTMLSelectElement ).value ).toBe( '' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Install starter templates and map them' } ) );
		expect( await screen.findByText( 'Starter templates: 13 installed, 0 already there. 1 emails mapped to them; 1 kept their template.', NOTICE ) ).toBeTruthy();
		expect( calls.filter( ( c ) => c.route === 'woocommerce/emails' ).length ).toBe( 2 );
		expect( calls.filter( ( c ) => c.route === 'woocommerce/templates' ).length ).toBe( 2 );
		// The reloaded mapping is what the row shows (its draft follows the saved value).
		await waitFor( () => expect( ( screen.getByLabelText( 'Template for Processing order' ) as HTMLSelectElement ).value ).toBe( 'tpl_proc' ) );
		expect( ( screen.getByLabelText( 'Send Processing order as its template' ) as HTMLInputElement ).checked ).toBe( true );
	} );

	it( 'says why the starters could not be installed', async () => {
		renderApp( <WooCommerce />, routes( { 'POST woocommerce/starters': restError( 502, 'relaypress_relay_unreachable', 'The relay did not answer.' ) } ) );
		await screen.findByText( 'Processing order' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Install starter templates and map them' } ) );
		expect( await screen.findByText( 'The relay did not answer.', NOTICE ) ).toBeTruthy();
	} );

	it( 'shows a preview with the chosen order only inside a sandboxed iframe', async () => {
		const html = '<html><body><h1>Thanks</h1><script>window.__pwned = true</script><p id="from-preview">Order 1042</p></body></html>';
		const { calls, container } = renderApp(
			<WooCommerce />,
			routes( {
				'POST woocommerce/emails/new_order/preview': json( { template_id: 'tpl_new', subject: 'New order &#8211; #1042', rendered: { subject: 'x', html, text: 'Thanks <b>Ann</b>' }, data: {} } ),
			} )
		);
		await userEvent.click( await screen.findByRole( 'button', { name: 'Preview New order' } ) );
		const panel = await screen.findByRole( 'region', { name: 'Preview of New order' } );
		await within( panel ).findByRole( 'option', { name: /#1042 — Ann Lee — €48.00/ } );
		await userEvent.selectOptions( within( panel ).getByLabelText( 'Order' ), '42' );
		await userEvent.click( within( panel ).getByRole( 'button', { name: 'Show preview' } ) );
		expect( await screen.findByText( 'New order – #1042' ) ).toBeTruthy();
		expect( JSON.parse( calls.find( ( c ) => c.route === 'woocommerce/emails/new_order/preview' )?.body ?? '' ) ).toEqual( { order_id: 42, template_id: 'tpl_new' } );

		const frame = screen.getByTitle( 'HTML part of the preview' );
		expect( frame.tagName ).toBe( 'IFRAME' );
		expect( frame.getAttribute( 'sandbox' ) ).toBe( '' );
		expect( frame.getAttribute( 'srcdoc' ) ).toBe( html );
		// The preview's markup never reaches the app's document.
		expect( document.querySelector( 'script' ) ).toBeNull();
		expect( document.getElementById( 'from-preview' ) ).toBeNull();
		expect( container.querySelector( 'h1' ) ).toBeNull();
		expect( ( window as unknown as { __pwned?: boolean } ).__pwned ).toBeUndefined();
		// The text part is text.
		expect( screen.getByText( 'Thanks <b>Ann</b>' ) ).toBeTruthy();
		expect( container.querySelector( 'b' ) ).toBeNull();
	} );

	it( 'says why a preview failed', async () => {
		renderApp(
			<WooCommerce />,
			routes( {
				'POST woocommerce/emails/new_order/preview': restError( 422, 'relaypress_relay_missing_variable', 'customer.nickname is missing &lt;here&gt;' ),
			} )
		);
		await userEvent.click( await screen.findByRole( 'button', { name: 'Preview New order' } ) );
		await screen.findByRole( 'option', { name: /#1042/ } );
		await userEvent.click( screen.getByRole( 'button', { name: 'Show preview' } ) );
		// The panel's own paragraph (screen-reader announcements may repeat the same words).
		expect( await screen.findByText( 'customer.nickname is missing <here>', { selector: 'p' }, { timeout: 3000 } ) ).toBeTruthy();
		expect( document.querySelector( 'iframe' ) ).toBeNull();
	} );

	it( 'does not ask for a preview when the row has no template chosen', async () => {
		const { calls } = renderApp( <WooCommerce />, routes() );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Preview Processing order' } ) );
		await screen.findByRole( 'option', { name: /#1042/ } );
		await userEvent.click( screen.getByRole( 'button', { name: 'Show preview' } ) );
		expect( await screen.findByText( 'No template is chosen for this email: choose one in its row to preview it.', { selector: 'p' } ) ).toBeTruthy();
		expect( calls.some( ( c ) => c.route.endsWith( '/preview' ) ) ).toBe( false );
	} );

	it( 'sends a test to the current user', async () => {
		const { calls } = renderApp( <WooCommerce />, routes( { 'POST woocommerce/emails/new_order/test': json( { sent: true, to: 'admin@site.test', log_id: 9, log_status: 'sent', note: null } ) } ) );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Preview New order' } ) );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Send a test to admin@site.test' } ) );
		expect( await screen.findByText( 'The test email was sent to admin@site.test.', NOTICE ) ).toBeTruthy();
		expect( JSON.parse( calls.find( ( c ) => c.route === 'woocommerce/emails/new_order/test' )?.body ?? '' ) ).toEqual( {} );
	} );

	it( 'lists the variable schema for template authors, as text', async () => {
		const { container } = renderApp( <WooCommerce />, routes() );
		const table = await screen.findByRole( 'table', { name: 'Template variables' } );
		expect( within( table ).getByText( 'order.billing_address' ) ).toBeTruthy();
		expect( within( table ).getByText( 'Formatted billing address: escaped lines joined with <br/> (print with | raw).' ) ).toBeTruthy();
		expect( within( table ).getAllByText( 'Emails about an order' ).length ).toBe( 2 );
		expect( screen.getByText( /Schema version 1/ ) ).toBeTruthy();
		expect( container.querySelector( 'br' ) ).not.toBeNull(); // the title cell's own <br />…
		expect( table.querySelector( 'br' ) ).toBeNull(); // …but none from the schema.
	} );

	it( 'keeps loading quietly while WordPress is slow', () => {
		renderApp( <WooCommerce />, { 'GET woocommerce/emails': pending, 'GET woocommerce/schema': pending, 'GET woocommerce/templates': pending, 'GET analytics': pending } );
		expect( screen.getAllByText( 'Loading…' ).length ).toBe( 2 );
	} );
} );
