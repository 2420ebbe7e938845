import { render, screen } from '@testing-library/react';

import type { DnsRecord } from '../../api/types';
import { DnsRecords } from '../dns-records';

const record = ( purpose: string, over: Partial< DnsRecord > = {} ): DnsRecord => ( {
	purpose,
	name: 'example.com',
	type: 'TXT',
	value: 'v=spf1 a:relay.example.com ~all',
	required: true,
	status: 'unchecked',
	found: [],
	message: null,
	...over,
} );

describe( 'DnsRecords', () => {
	// Regression: the relay names purposes by key, and the table showed "return_path_mx".
	it( 'names each purpose the relay sends in words', () => {
		render( <DnsRecords records={ [ record( 'dkim' ), record( 'return_path_mx', { type: 'MX', value: 'relay.example.com', priority: 10 } ), record( 'return_path_spf' ), record( 'spf', { required: false } ), record( 'dmarc', { required: false } ), record( 'tracking_cname', { type: 'CNAME', required: false } ) ] } /> );
		const purposes = screen.getAllByRole( 'row' ).slice( 1 ).map( ( row ) => row.querySelector( 'td' )?.textContent );
		expect( purposes ).toEqual( [ 'DKIM signature', 'Bounces (return path MX)', 'Return path SPF', 'SPF (optional)', 'DMARC (optional)', 'Tracking links (optional)' ] );
		expect( screen.getByText( '10 relay.example.com' ) ).toBeTruthy();
	} );

	it( 'shows a purpose it does not know as the relay sent it, as text', () => {
		render( <DnsRecords records={ [ record( '&lt;b&gt;new&lt;/b&gt;' ) ] } /> );
		expect( screen.getByText( '<b>new</b>' ) ).toBeTruthy();
	} );
} );
