import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { Settings } from '../settings';
import { settings } from '../../test-support/fixtures';
import { json, renderApp, restError } from '../../test-support/render';

describe( 'Settings', () => {
	it( 'shows the error when settings cannot load', async () => {
		renderApp( <Settings />, { 'GET settings': restError( 403, 'rest_forbidden', 'Sorry.' ) } );
		expect( await screen.findByText( 'You are not allowed to manage RelayPress.' ) ).toBeTruthy();
	} );

	it( 'sends only the changed fields and confirms', async () => {
		const { calls } = renderApp( <Settings />, { 'GET settings': json( settings() ), 'POST settings': json( settings( { from_name: 'Shop Team', force_from: true } ) ) } );
		const name = await screen.findByLabelText( 'From name' );
		await userEvent.clear( name );
		await userEvent.type( name, 'Shop Team' );
		await userEvent.click( screen.getByLabelText( 'Force this From address and name on every email' ) );
		await userEvent.click( screen.getByRole( 'button', { name: 'Save settings' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'POST' && c.route === 'settings' ) ).toBe( true ) );
		expect( JSON.parse( calls.find( ( c ) => c.method === 'POST' )?.body ?? '' ) ).toEqual( { from_name: 'Shop Team', force_from: true } );
		expect( await screen.findByText( 'Settings saved.', { selector: '.components-notice__content' } ) ).toBeTruthy();
	} );

	it( 'disables fields fixed in wp-config.php', async () => {
		renderApp( <Settings />, { 'GET settings': json( settings( { locked: { from_email: true } } ) ) } );
		expect( ( ( await screen.findByLabelText( 'From email' ) ) as HTMLInputElement ).disabled ).toBe( true );
	} );

	it( 'turns tracking on with a note on privacy and what opens mean', async () => {
		const { calls } = renderApp( <Settings />, { 'GET settings': json( settings() ), 'POST settings': json( settings( { track_opens: true, track_clicks: true } ) ) } );
		const opens = ( await screen.findByRole( 'checkbox', { name: 'Track opens' } ) ) as HTMLInputElement;
		expect( opens.checked ).toBe( false );
		expect( screen.getByText( /Opens are estimates: Apple Mail/ ) ).toBeTruthy();
		expect( screen.getByText( /Password resets, new-user and other account emails are never tracked/ ) ).toBeTruthy();
		await userEvent.click( opens );
		await userEvent.click( screen.getByRole( 'checkbox', { name: 'Track clicks' } ) );
		await userEvent.click( screen.getByRole( 'button', { name: 'Save settings' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'POST' && c.route === 'settings' ) ).toBe( true ) );
		expect( JSON.parse( calls.find( ( c ) => c.method === 'POST' )?.body ?? '' ) ).toEqual( { track_opens: true, track_clicks: true } );
	} );

	it( 'shows tracking fixed in wp-config.php checked and disabled', async () => {
		renderApp( <Settings />, { 'GET settings': json( settings( { track_opens: true, locked: { track_opens: true } } ) ) } );
		const opens = ( await screen.findByRole( 'checkbox', { name: 'Track opens' } ) ) as HTMLInputElement;
		expect( [ opens.checked, opens.disabled ] ).toEqual( [ true, true ] );
		expect( ( screen.getByRole( 'checkbox', { name: 'Track clicks' } ) as HTMLInputElement ).disabled ).toBe( false );
		expect( screen.getAllByText( 'Set in wp-config.php.' ) ).toHaveLength( 1 );
	} );

	it( 'shows a validation error next to the field', async () => {
		renderApp( <Settings />, {
			'GET settings': json( settings() ),
			'POST settings': restError( 400, 'rest_invalid_param', 'alert_webhook_url: must be an http or https URL', { field: 'alert_webhook_url' } ),
		} );
		await userEvent.type( await screen.findByLabelText( 'Post alerts as JSON to' ), 'ftp://x' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Save settings' } ) );
		expect( ( await screen.findAllByText( 'alert_webhook_url: must be an http or https URL' ) ).length ).toBeGreaterThan( 0 );
	} );
} );
