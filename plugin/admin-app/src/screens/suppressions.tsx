/**
 * Suppressions: addresses the relay will not send to, with why and since when; search, add,
 * remove, CSV export and import.
 */
import { Button, SearchControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';

import type { Suppression } from '../api/types';
import { DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { ScreenHeader } from '../components/screen-header';
import { Empty, Loading, LoadError } from '../components/states';
import { downloadText } from '../download';
import { useApi, useBusyAction, useNotify, useResource, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';

export const SUPPRESSIONS_PER_PAGE = 50;

export function reasonLabel( reason: string ): string {
	switch ( reason ) {
		case 'hard_bounce':
			return __( 'Hard bounce', 'relaypress' );
		case 'complaint':
			return __( 'Spam complaint', 'relaypress' );
		case 'unsubscribe':
			return __( 'Unsubscribed', 'relaypress' );
		case 'manual':
			return __( 'Added by hand', 'relaypress' );
		default:
			return reason;
	}
}

export function Suppressions() {
	const api = useApi();
	const notify = useNotify();
	const { locale } = useStore();
	const [ search, setSearch ] = useState( '' );
	const [ query, setQuery ] = useState( '' );
	/** Cursors of the pages seen, so "Previous" can go back (the relay pages forward only). */
	const [ cursors, setCursors ] = useState< Array< string | null > >( [ null ] );
	const cursor = cursors[ cursors.length - 1 ] ?? null;
	const list = useResource( () => api.suppressions( { search: query, limit: SUPPRESSIONS_PER_PAGE, cursor } ), [ query, cursor ] );
	const [ email, setEmail ] = useState( '' );
	const [ note, setNote ] = useState( '' );
	const { busy, run } = useBusyAction();
	const fileInput = useRef< HTMLInputElement >( null );

	useEffect( () => {
		const timer = window.setTimeout( () => {
			setQuery( search.trim() );
			setCursors( [ null ] );
		}, 300 );
		return () => window.clearTimeout( timer );
	}, [ search ] );


	const add = ( event: FormEvent ) => {
		event.preventDefault();
		void run( 'add', async () => {
			const added = await api.addSuppression( email.trim(), note.trim() || undefined );
			/* translators: %s: email address or pattern */
			notify.success( sprintf( __( '%s is suppressed: no mail will be sent to it.', 'relaypress' ), decodeEntities( added.pattern ) ) );
			setEmail( '' );
			setNote( '' );
			list.reload();
		} );
	};

	const remove = ( item: Suppression ) =>
		run( `remove-${ item.id }`, async () => {
			await api.removeSuppression( item.id );
			/* translators: %s: email address or pattern */
			notify.success( sprintf( __( '%s was removed from the suppression list.', 'relaypress' ), decodeEntities( item.pattern ) ) );
			list.reload();
		} );

	const exportCsv = () =>
		run( 'export', async () => {
			downloadText( await api.exportSuppressions(), `relaypress-suppressions-${ new Date().toISOString().slice( 0, 10 ) }.csv` );
		} );

	const importCsv = ( event: ChangeEvent< HTMLInputElement > ) => {
		const file = event.target.files?.[ 0 ];
		event.target.value = '';
		if ( ! file ) {
			return;
		}
		void run( 'import', async () => {
			const result = await api.importSuppressions( await file.text() );
			/* translators: 1: number of addresses imported, 2: number skipped */
			notify.success( sprintf( __( 'Imported %1$d addresses (%2$d skipped: already suppressed or not addresses).', 'relaypress' ), result.imported, result.skipped ) );
			setCursors( [ null ] );
			list.reload();
		} );
	};

	const items = list.data?.data ?? [];
	return (
		<div>
			<ScreenHeader title={ __( 'Suppressions', 'relaypress' ) }>
				<Button variant="secondary" onClick={ exportCsv } isBusy={ busy === 'export' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Export CSV', 'relaypress' ) }
				</Button>
				<Button variant="secondary" onClick={ () => fileInput.current?.click() } isBusy={ busy === 'import' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Import CSV', 'relaypress' ) }
				</Button>
				<input ref={ fileInput } type="file" accept=".csv,text/csv" className="screen-reader-text" tabIndex={ -1 } aria-label={ __( 'CSV file to import', 'relaypress' ) } onChange={ importCsv } />
			</ScreenHeader>
			<p>
				{ __(
					'The relay does not send to these addresses. Hard bounces, spam complaints and unsubscribes are added automatically. An address that unsubscribed still gets transactional mail (order emails, password resets); only mail it could unsubscribe from stops.',
					'relaypress'
				) }
			</p>

			<form className="relaypress-inline-form" onSubmit={ add } aria-label={ __( 'Add a suppression', 'relaypress' ) }>
				<TextControl __next40pxDefaultSize label={ __( 'Email address', 'relaypress' ) } type="email" value={ email } onChange={ setEmail } required />
				<TextControl __next40pxDefaultSize label={ __( 'Note (optional)', 'relaypress' ) } value={ note } onChange={ setNote } />
				<Button variant="primary" type="submit" isBusy={ busy === 'add' } disabled={ busy !== null || email.trim() === '' } accessibleWhenDisabled>
					{ __( 'Suppress', 'relaypress' ) }
				</Button>
			</form>

			<div className="relaypress-filters" role="search">
				<SearchControl __nextHasNoMarginBottom label={ __( 'Search suppressions', 'relaypress' ) } value={ search } onChange={ setSearch } />
			</div>

			{ list.status === 'error' && <LoadError message={ list.message } onRetry={ list.reload } /> }
			{ list.status === 'loading' && ! list.data && <Loading /> }
			{ list.status === 'ready' && items.length === 0 && (
				<Empty>{ query ? __( 'No suppressions match this search.', 'relaypress' ) : __( 'The suppression list is empty.', 'relaypress' ) }</Empty>
			) }
			{ items.length > 0 && (
				<>
					<DataTable
						caption={ __( 'Suppressed addresses', 'relaypress' ) }
						columns={ [ __( 'Address', 'relaypress' ), __( 'Reason', 'relaypress' ), __( 'Since', 'relaypress' ), __( 'Note', 'relaypress' ), { label: __( 'Actions', 'relaypress' ), hidden: true } ] }
						busy={ list.status === 'loading' }
					>
						{ items.map( ( item ) => (
							<tr key={ item.id }>
								<td data-label={ __( 'Address', 'relaypress' ) }>{ decodeEntities( item.pattern ) }</td>
								<td data-label={ __( 'Reason', 'relaypress' ) }>{ reasonLabel( item.reason ) }</td>
								<td data-label={ __( 'Since', 'relaypress' ) }>{ formatDate( item.created_at, locale ) }</td>
								<td data-label={ __( 'Note', 'relaypress' ) }>{ decodeEntities( item.note ) }</td>
								<td>
									<Button
										variant="tertiary"
										isDestructive
										onClick={ () => void remove( item ) }
										isBusy={ busy === `remove-${ item.id }` }
										disabled={ busy !== null }
										accessibleWhenDisabled
										/* translators: %s: email address */
										label={ sprintf( __( 'Remove %s', 'relaypress' ), decodeEntities( item.pattern ) ) }
										showTooltip={ false }
									>
										{ __( 'Remove', 'relaypress' ) }
									</Button>
								</td>
							</tr>
						) ) }
					</DataTable>
					<Pager
						page={ cursors.length }
						hasNext={ !! list.data?.next_cursor }
						onPage={ ( page ) => setCursors( page < cursors.length ? cursors.slice( 0, page ) : [ ...cursors, list.data?.next_cursor ?? null ] ) }
					/>
				</>
			) }
		</div>
	);
}
