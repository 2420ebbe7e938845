/**
 * Activity: the email log (search, status filter, pages) and one message's detail with its
 * event timeline, the relay's delivery attempts (MX replies, bounce reasons) and resend.
 */
import { Button, SearchControl, SelectControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useEffect, useState } from 'react';

import { LOG_STATUSES } from '../api/types';
import type { LogStatus } from '../api/types';
import { DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { ScreenHeader } from '../components/screen-header';
import { Empty, Loading, LoadError } from '../components/states';
import { StatusBadge, statusLabel } from '../components/status-badge';
import { navigate, routeHash, useApi, useNotify, useResource, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';

export const PER_PAGE = 20;

/** Waits for typing to pause before searching. */
function useDebounced< T >( value: T, ms: number ): T {
	const [ settled, setSettled ] = useState( value );
	useEffect( () => {
		const timer = window.setTimeout( () => setSettled( value ), ms );
		return () => window.clearTimeout( timer );
	}, [ value, ms ] );
	return settled;
}

export function Activity() {
	const { state } = useStore();
	return state.route.id ? <MessageDetail id={ Number( state.route.id ) } /> : <MessageList />;
}

function MessageList() {
	const api = useApi();
	const { locale } = useStore();
	const [ search, setSearch ] = useState( '' );
	const [ status, setStatus ] = useState< LogStatus | '' >( '' );
	const [ page, setPage ] = useState( 1 );
	const q = useDebounced( search, 300 );
	const log = useResource( () => api.log( { q, status, page, per_page: PER_PAGE } ), [ q, status, page ] );

	useEffect( () => setPage( 1 ), [ q, status ] );

	return (
		<div>
			<ScreenHeader title={ __( 'Activity', 'relaypress' ) } />
			<div className="relaypress-filters" role="search">
				<SearchControl __nextHasNoMarginBottom label={ __( 'Search recipient, sender or subject', 'relaypress' ) } value={ search } onChange={ setSearch } />
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Status', 'relaypress' ) }
					value={ status }
					onChange={ ( value ) => setStatus( value as LogStatus | '' ) }
					options={ [ { value: '', label: __( 'All statuses', 'relaypress' ) }, ...LOG_STATUSES.map( ( s ) => ( { value: s, label: statusLabel( s ) } ) ) ] }
				/>
			</div>
			{ log.status === 'error' && <LoadError message={ log.message } onRetry={ log.reload } /> }
			{ log.status === 'loading' && ! log.data && <Loading /> }
			{ log.data && log.data.items.length === 0 && log.status === 'ready' && (
				<Empty>{ q || status ? __( 'No emails match these filters.', 'relaypress' ) : __( 'No emails have been sent since RelayPress was activated.', 'relaypress' ) }</Empty>
			) }
			{ log.data && log.data.items.length > 0 && (
				<>
					<DataTable
						className="relaypress-log"
						caption={ /* translators: %d: number of emails */ sprintf( __( 'Emails (%d)', 'relaypress' ), log.data.total ) }
						columns={ [ __( 'Date', 'relaypress' ), __( 'Recipients', 'relaypress' ), __( 'Subject', 'relaypress' ), __( 'Status', 'relaypress' ) ] }
						busy={ log.status === 'loading' }
					>
						{ log.data.items.map( ( entry ) => (
							<tr key={ entry.id }>
								<td data-label={ __( 'Date', 'relaypress' ) }>{ formatDate( entry.created_at, locale ) }</td>
								<td data-label={ __( 'Recipients', 'relaypress' ) }>{ entry.to.map( decodeEntities ).join( ', ' ) }</td>
								<td data-label={ __( 'Subject', 'relaypress' ) }>
									<a href={ routeHash( { screen: 'activity', id: entry.id } ) }>{ decodeEntities( entry.subject ) || __( '(no subject)', 'relaypress' ) }</a>
								</td>
								<td data-label={ __( 'Status', 'relaypress' ) }>
									<StatusBadge status={ entry.status } />
								</td>
							</tr>
						) ) }
					</DataTable>
					<Pager page={ page } totalPages={ log.data.totalPages } onPage={ setPage } />
				</>
			) }
		</div>
	);
}

function MessageDetail( { id }: { id: number } ) {
	const api = useApi();
	const notify = useNotify();
	const { locale } = useStore();
	const entry = useResource( () => api.logEntry( id ), [ id ] );
	const relayId = entry.data?.relay_message_id ?? null;
	const relay = useResource( () => ( relayId ? api.relayMessage( relayId ) : Promise.resolve( null ) ), [ relayId ] );
	const [ resending, setResending ] = useState( false );

	const resend = async () => {
		setResending( true );
		try {
			const [ result ] = await api.resend( [ id ] );
			if ( result?.ok ) {
				notify.success( __( 'The email was sent again as a new log entry.', 'relaypress' ) );
				if ( result.new_log_id ) {
					navigate( 'activity', result.new_log_id );
				}
			} else {
				notify.error( new Error( decodeEntities( result?.message ) || __( 'The email could not be sent again.', 'relaypress' ) ) );
			}
		} catch ( error ) {
			notify.error( error );
		} finally {
			setResending( false );
		}
	};

	const back = (
		<a href={ routeHash( { screen: 'activity' } ) } className="relaypress-back">
			{ __( '← All activity', 'relaypress' ) }
		</a>
	);
	if ( entry.status === 'loading' && ! entry.data ) {
		return (
			<div>
				{ back }
				<Loading />
			</div>
		);
	}
	if ( entry.status === 'error' ) {
		return (
			<div>
				{ back }
				<LoadError message={ entry.message } onRetry={ entry.reload } />
			</div>
		);
	}
	const e = entry.data;
	if ( ! e ) {
		return null;
	}
	return (
		<div className="relaypress-detail">
			{ back }
			<ScreenHeader title={ decodeEntities( e.subject ) || __( '(no subject)', 'relaypress' ) }>
				<Button variant="secondary" onClick={ resend } isBusy={ resending } disabled={ resending } accessibleWhenDisabled>
					{ __( 'Resend', 'relaypress' ) }
				</Button>
			</ScreenHeader>
			<dl className="relaypress-facts">
				<dt>{ __( 'Status', 'relaypress' ) }</dt>
				<dd>
					<StatusBadge status={ e.status } />
				</dd>
				<dt>{ __( 'From', 'relaypress' ) }</dt>
				<dd>{ decodeEntities( e.from ) }</dd>
				<dt>{ __( 'To', 'relaypress' ) }</dt>
				<dd>{ e.to.map( decodeEntities ).join( ', ' ) }</dd>
				{ e.cc.length > 0 && (
					<>
						<dt>{ __( 'Cc', 'relaypress' ) }</dt>
						<dd>{ e.cc.map( decodeEntities ).join( ', ' ) }</dd>
					</>
				) }
				<dt>{ __( 'Created', 'relaypress' ) }</dt>
				<dd>{ formatDate( e.created_at, locale ) }</dd>
				<dt>{ __( 'Sent by', 'relaypress' ) }</dt>
				<dd>{ decodeEntities( e.source ) || '—' }</dd>
				<dt>{ __( 'Attempts', 'relaypress' ) }</dt>
				<dd>{ e.attempts }</dd>
				{ e.next_attempt_at && (
					<>
						<dt>{ __( 'Next attempt', 'relaypress' ) }</dt>
						<dd>{ formatDate( e.next_attempt_at, locale ) }</dd>
					</>
				) }
				{ e.last_error && (
					<>
						<dt>{ __( 'Last error', 'relaypress' ) }</dt>
						<dd className="relaypress-reply">{ decodeEntities( e.last_error ) }</dd>
					</>
				) }
			</dl>

			<h3>{ __( 'Timeline', 'relaypress' ) }</h3>
			{ e.events.length === 0 ? (
				<Empty>{ __( 'The relay has not reported anything about this email yet.', 'relaypress' ) }</Empty>
			) : (
				<ol className="relaypress-timeline">
					{ e.events.map( ( event ) => (
						<li key={ event.id }>
							<StatusBadge status={ event.type } /> <time dateTime={ event.occurred_at }>{ formatDate( event.occurred_at, locale ) }</time>
							{ event.recipient && <span> · { decodeEntities( event.recipient ) }</span> }
							<div className="relaypress-reply">{ decodeEntities( event.description ) }</div>
						</li>
					) ) }
				</ol>
			) }

			<h3>{ __( 'Delivery attempts', 'relaypress' ) }</h3>
			{ ! relayId && <Empty>{ __( 'This email has not reached the relay, so there are no delivery attempts.', 'relaypress' ) }</Empty> }
			{ relayId && relay.status === 'loading' && <Loading label={ __( 'Asking the relay…', 'relaypress' ) } /> }
			{ relayId && relay.status === 'error' && <LoadError message={ relay.message } onRetry={ relay.reload } /> }
			{ relay.status === 'ready' && relay.data && (
				<DataTable
					caption={ __( 'Delivery attempts per recipient', 'relaypress' ) }
					columns={ [ __( 'Recipient', 'relaypress' ), __( 'When', 'relaypress' ), __( 'MX host', 'relaypress' ), __( 'Outcome', 'relaypress' ), __( 'Reply', 'relaypress' ) ] }
				>
					{ relay.data.recipients.flatMap( ( recipient ) =>
						recipient.attempts.length === 0
							? [
									<tr key={ `${ recipient.id }-none` }>
										<td>{ decodeEntities( recipient.email ) }</td>
										<td colSpan={ 4 }>
											<StatusBadge status={ recipient.status } /> { decodeEntities( recipient.last_response ) }
										</td>
									</tr>,
							  ]
							: recipient.attempts.map( ( attempt, i ) => (
									<tr key={ `${ recipient.id }-${ attempt.id ?? i }` }>
										<td>{ decodeEntities( recipient.email ) }</td>
										<td>{ formatDate( attempt.at, locale ) }</td>
										<td>
											{ decodeEntities( attempt.mx_host ) || '—' }
											{ attempt.tls && <span className="relaypress-muted"> { __( '(TLS)', 'relaypress' ) }</span> }
										</td>
										<td>
											<StatusBadge status={ attempt.outcome } />
											{ attempt.category && <div className="relaypress-muted">{ attempt.category.replace( /_/g, ' ' ) }</div> }
										</td>
										<td className="relaypress-reply">
											{ /* The relay's reply already starts with its code: shown as received. */ }
											{ decodeEntities( attempt.response ) || [ attempt.response_code, decodeEntities( attempt.enhanced_status ) ].filter( Boolean ).join( ' ' ) || '—' }
										</td>
									</tr>
							  ) )
					) }
				</DataTable>
			) }
		</div>
	);
}

