import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { CopyButton } from '../copy-button';

describe( 'CopyButton', () => {
	const secure = Object.getOwnPropertyDescriptor( window, 'isSecureContext' );
	afterEach( () => {
		if ( secure ) {
			Object.defineProperty( window, 'isSecureContext', secure );
		}
		jest.restoreAllMocks();
	} );

	it( 'copies with the Clipboard API on an HTTPS admin', async () => {
		Object.defineProperty( window, 'isSecureContext', { value: true, configurable: true } );
		const user = userEvent.setup();
		const writeText = jest.spyOn( navigator.clipboard, 'writeText' ).mockResolvedValue( undefined );
		render( <CopyButton text="v=spf1 -all" label="Copy the record value" /> );
		await user.click( screen.getByRole( 'button', { name: 'Copy the record value' } ) );
		expect( writeText ).toHaveBeenCalledWith( 'v=spf1 -all' );
		expect( await screen.findByText( 'Copied' ) ).toBeTruthy();
	} );

	// Regression: on an admin served over plain HTTP (no navigator.clipboard there) every Copy failed.
	it( 'copies through a selection on an HTTP admin, and keeps the focus on the button', async () => {
		Object.defineProperty( window, 'isSecureContext', { value: false, configurable: true } );
		let selected = '';
		document.execCommand = jest.fn( () => {
			selected = ( document.activeElement as HTMLTextAreaElement ).value;
			return true;
		} );
		render( <CopyButton text="10 relay.example.com" label="Copy the record value" /> );
		const button = screen.getByRole( 'button', { name: 'Copy the record value' } );
		await userEvent.click( button );
		expect( document.execCommand ).toHaveBeenCalledWith( 'copy' );
		expect( selected ).toBe( '10 relay.example.com' );
		expect( await screen.findByText( 'Copied' ) ).toBeTruthy();
		expect( document.activeElement ).toBe( button );
		expect( document.querySelector( 'textarea' ) ).toBeNull();
	} );

	it( 'says so when the browser refuses to copy', async () => {
		Object.defineProperty( window, 'isSecureContext', { value: false, configurable: true } );
		document.execCommand = jest.fn( () => false );
		render( <CopyButton text="x" label="Copy the record value" /> );
		await userEvent.click( screen.getByRole( 'button', { name: 'Copy the record value' } ) );
		expect( await screen.findByText( 'Copy failed: select the value and copy it by hand.' ) ).toBeTruthy();
	} );
} );
