/**
 * Domains: the sending domains, their DNS records and status, a live verify, and DKIM key
 * rotation (new key → publish its record → activate → remove the old one later).
 */
import { Button, SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import type { FormEvent } from 'react';

import type { DkimAlgorithm, DkimKey, Domain } from '../api/types';
import { DataTable } from '../components/data-table';
import { DnsRecords } from '../components/dns-records';
import { ScreenHeader } from '../components/screen-header';
import { Empty, Loading, LoadError } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { navigate, routeHash, useApi, useBusyAction, useNotify, useResource, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';

export function Domains() {
	const { state } = useStore();
	return state.route.id ? <DomainDetail id={ state.route.id } /> : <DomainList />;
}

function DomainList() {
	const api = useApi();
	const notify = useNotify();
	const { locale } = useStore();
	const domains = useResource( () => api.domains(), [] );
	const [ name, setName ] = useState( '' );
	const [ busy, setBusy ] = useState( false );

	const add = async ( event: FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		try {
			const domain = await api.addDomain( name.trim() );
			/* translators: %s: domain name */
			notify.success( sprintf( __( '%s was added. Publish its DNS records next.', 'relaypress' ), decodeEntities( domain.name ) ) );
			navigate( 'domains', domain.id );
		} catch ( error ) {
			notify.error( error );
		} finally {
			setBusy( false );
		}
	};

	return (
		<div>
			<ScreenHeader title={ __( 'Domains', 'relaypress' ) } />
			<form className="relaypress-inline-form" onSubmit={ add } aria-label={ __( 'Add a domain', 'relaypress' ) }>
				<TextControl __next40pxDefaultSize label={ __( 'Domain', 'relaypress' ) } value={ name } onChange={ setName } placeholder="example.com" />
				<Button variant="primary" type="submit" isBusy={ busy } disabled={ busy || name.trim() === '' } accessibleWhenDisabled>
					{ __( 'Add domain', 'relaypress' ) }
				</Button>
			</form>
			{ domains.status === 'error' && <LoadError message={ domains.message } onRetry={ domains.reload } /> }
			{ domains.status === 'loading' && <Loading /> }
			{ domains.status === 'ready' && domains.data.length === 0 && <Empty>{ __( 'No sending domains yet. Add the domain of your From address.', 'relaypress' ) }</Empty> }
			{ domains.status === 'ready' && domains.data.length > 0 && (
				<DataTable caption={ __( 'Sending domains', 'relaypress' ) } columns={ [ __( 'Domain', 'relaypress' ), __( 'Status', 'relaypress' ), __( 'Last checked', 'relaypress' ) ] }>
					{ domains.data.map( ( domain ) => (
						<tr key={ domain.id }>
							<td data-label={ __( 'Domain', 'relaypress' ) }>
								<a href={ routeHash( { screen: 'domains', id: domain.id } ) }>{ decodeEntities( domain.name ) }</a>
							</td>
							<td data-label={ __( 'Status', 'relaypress' ) }>
								<StatusBadge status={ domain.status } />
							</td>
							<td data-label={ __( 'Last checked', 'relaypress' ) }>{ formatDate( domain.last_checked_at, locale ) }</td>
						</tr>
					) ) }
				</DataTable>
			) }
		</div>
	);
}

function DomainDetail( { id }: { id: string } ) {
	const api = useApi();
	const notify = useNotify();
	const { locale } = useStore();
	const domain = useResource( () => api.domain( id ), [ id ] );
	const { busy, run } = useBusyAction();
	const [ algorithm, setAlgorithm ] = useState< DkimAlgorithm >( 'rsa' );


	const back = (
		<a href={ routeHash( { screen: 'domains' } ) } className="relaypress-back">
			{ __( '← All domains', 'relaypress' ) }
		</a>
	);
	if ( domain.status === 'loading' && ! domain.data ) {
		return (
			<div>
				{ back }
				<Loading />
			</div>
		);
	}
	if ( domain.status === 'error' && ! domain.data ) {
		return (
			<div>
				{ back }
				<LoadError message={ domain.message } onRetry={ domain.reload } />
			</div>
		);
	}
	const d = domain.data as Domain;

	const verify = () =>
		run( 'verify', async () => {
			const checked = await api.verifyDomain( d.id );
			domain.set( checked );
			if ( checked.status === 'verified' ) {
				notify.success( __( 'The domain is verified: every required record is published.', 'relaypress' ) );
			} else {
				notify.error( new Error( __( 'Some required records are still missing or wrong. See the status column.', 'relaypress' ) ) );
			}
		} );
	const rotate = () =>
		run( 'rotate', async () => {
			const key = await api.rotateDkimKey( d.id, algorithm );
			/* translators: %s: DKIM selector */
			notify.success( sprintf( __( 'New DKIM key %s created. Publish its record, verify, then activate it.', 'relaypress' ), decodeEntities( key.selector ) ) );
			domain.reload();
		} );
	const activate = ( key: DkimKey ) =>
		run( `activate-${ key.selector }`, async () => {
			domain.set( await api.activateDkimKey( d.id, key.selector ) );
			/* translators: %s: DKIM selector */
			notify.success( sprintf( __( 'Mail is now signed with key %s.', 'relaypress' ), decodeEntities( key.selector ) ) );
		} );
	const remove = ( key: DkimKey ) =>
		run( `remove-${ key.selector }`, async () => {
			await api.removeDkimKey( d.id, key.selector );
			/* translators: %s: DKIM selector */
			notify.success( sprintf( __( 'Key %s was removed. You can delete its DNS record now.', 'relaypress' ), decodeEntities( key.selector ) ) );
			domain.reload();
		} );

	return (
		<div>
			{ back }
			<ScreenHeader title={ decodeEntities( d.name ) }>
				<Button variant="primary" onClick={ verify } isBusy={ busy === 'verify' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Verify now', 'relaypress' ) }
				</Button>
			</ScreenHeader>
			<p>
				{ __( 'Status:', 'relaypress' ) } <StatusBadge status={ d.status } />{ ' ' }
				<span className="relaypress-muted">
					{ /* translators: %s: date and time */ sprintf( __( 'Last checked: %s', 'relaypress' ), formatDate( d.last_checked_at, locale ) ) }
				</span>
			</p>
			<h3>{ __( 'DNS records', 'relaypress' ) }</h3>
			<DnsRecords records={ d.records } />

			<h3>{ __( 'DKIM keys', 'relaypress' ) }</h3>
			{ d.dkim_keys.length === 0 ? (
				<Empty>{ __( 'No DKIM keys.', 'relaypress' ) }</Empty>
			) : (
				<DataTable
					caption={ __( 'DKIM keys', 'relaypress' ) }
					columns={ [ __( 'Selector', 'relaypress' ), __( 'Algorithm', 'relaypress' ), __( 'State', 'relaypress' ), __( 'Verified', 'relaypress' ), { label: __( 'Actions', 'relaypress' ), hidden: true } ] }
				>
					{ d.dkim_keys.map( ( key ) => (
						<tr key={ key.selector }>
							<td data-label={ __( 'Selector', 'relaypress' ) }>
								<code>{ decodeEntities( key.selector ) }</code>
							</td>
							<td data-label={ __( 'Algorithm', 'relaypress' ) }>{ key.algorithm === 'ed25519' ? 'Ed25519' : 'RSA' }</td>
							<td data-label={ __( 'State', 'relaypress' ) }>
								<StatusBadge status={ key.state } />
								{ key.signing && <span className="relaypress-muted"> { __( '(signing)', 'relaypress' ) }</span> }
								{ key.remove_record_after && (
									<div className="relaypress-muted">
										{ /* translators: %s: date */ sprintf( __( 'Remove its DNS record after %s', 'relaypress' ), formatDate( key.remove_record_after, locale ) ) }
									</div>
								) }
							</td>
							<td data-label={ __( 'Verified', 'relaypress' ) }>{ formatDate( key.verified_at, locale ) }</td>
							<td>
								{ ! key.signing && key.state !== 'retired' && (
									<Button variant="secondary" size="small" onClick={ () => void activate( key ) } isBusy={ busy === `activate-${ key.selector }` } disabled={ busy !== null } accessibleWhenDisabled>
										{ __( 'Activate', 'relaypress' ) }
									</Button>
								) }
								{ ! key.signing && (
									<Button variant="tertiary" size="small" isDestructive onClick={ () => void remove( key ) } isBusy={ busy === `remove-${ key.selector }` } disabled={ busy !== null } accessibleWhenDisabled>
										{ __( 'Remove', 'relaypress' ) }
									</Button>
								) }
							</td>
						</tr>
					) ) }
				</DataTable>
			) }
			<div className="relaypress-inline-form">
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'New key algorithm', 'relaypress' ) }
					value={ algorithm }
					onChange={ ( value ) => setAlgorithm( value as DkimAlgorithm ) }
					options={ [
						{ value: 'rsa', label: __( 'RSA 2048 (works everywhere)', 'relaypress' ) },
						{ value: 'ed25519', label: __( 'Ed25519 (smaller; not all receivers check it)', 'relaypress' ) },
					] }
				/>
				<Button variant="secondary" onClick={ rotate } isBusy={ busy === 'rotate' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Rotate DKIM key', 'relaypress' ) }
				</Button>
			</div>
		</div>
	);
}
