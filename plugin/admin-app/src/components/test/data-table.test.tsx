import { render, screen, within } from '@testing-library/react';

import { DataTable } from '../data-table';

const rows = (
	<tr>
		<td data-label="Address">a@example.com</td>
		<td data-label="Reason">Bounced</td>
		<td>
			<button type="button">Remove</button>
		</td>
	</tr>
);

describe( 'DataTable', () => {
	it( 'is a table named by its caption, with its headers in order and the rows in its body', () => {
		render(
			<DataTable caption="Suppressed addresses" columns={ [ 'Address', 'Reason', { label: 'Actions', hidden: true } ] }>
				{ rows }
			</DataTable>
		);
		const table = screen.getByRole( 'table', { name: 'Suppressed addresses' } );
		expect( table.className ).toBe( 'widefat striped' );
		expect( table.querySelector( 'caption' )?.className ).toBe( 'screen-reader-text' );
		expect( within( table ).getAllByRole( 'columnheader' ).map( ( th ) => th.textContent ) ).toEqual( [ 'Address', 'Reason', 'Actions' ] );
		const body = table.querySelector( 'tbody' ) as HTMLElement;
		expect( within( body ).getByRole( 'cell', { name: 'a@example.com' } ).getAttribute( 'data-label' ) ).toBe( 'Address' );
		expect( within( body ).getAllByRole( 'row' ) ).toHaveLength( 1 );
	} );

	it( 'keeps a hidden column’s header for screen readers only', () => {
		render(
			<DataTable caption="DKIM keys" columns={ [ 'Selector', { label: 'Actions', hidden: true }, { label: 'State', hidden: false } ] }>
				{ rows }
			</DataTable>
		);
		const [ selector, actions, state ] = screen.getAllByRole( 'columnheader' );
		expect( selector?.querySelector( '.screen-reader-text' ) ).toBeNull();
		expect( actions?.querySelector( '.screen-reader-text' )?.textContent ).toBe( 'Actions' );
		expect( state?.querySelector( '.screen-reader-text' ) ).toBeNull();
		expect( state?.textContent ).toBe( 'State' );
	} );

	it( 'adds the extra class to the table, and aria-busy to the scrolling wrapper only when told', () => {
		const { rerender } = render(
			<DataTable caption="Emails (1)" columns={ [ 'Date' ] } className="relaypress-log">
				{ rows }
			</DataTable>
		);
		const table = screen.getByRole( 'table', { name: 'Emails (1)' } );
		expect( table.className ).toBe( 'widefat striped relaypress-log' );
		const wrapper = table.parentElement as HTMLElement;
		expect( wrapper.className ).toBe( 'relaypress-table-scroll' );
		expect( wrapper.hasAttribute( 'aria-busy' ) ).toBe( false );

		rerender(
			<DataTable caption="Emails (1)" columns={ [ 'Date' ] } className="relaypress-log" busy>
				{ rows }
			</DataTable>
		);
		expect( wrapper.getAttribute( 'aria-busy' ) ).toBe( 'true' );

		rerender(
			<DataTable caption="Emails (1)" columns={ [ 'Date' ] } className="relaypress-log" busy={ false }>
				{ rows }
			</DataTable>
		);
		expect( wrapper.getAttribute( 'aria-busy' ) ).toBe( 'false' );
	} );
} );
