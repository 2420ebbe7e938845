/**
 * Setup: connect (URL + token → connection test) → sending domain → DNS records → test email.
 */
import { Button, Notice, SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';

import { errorMessage } from '../api/client';
import type { ConnectionTestResult, Domain, LogEntryDetail } from '../api/types';
import { DnsRecords } from '../components/dns-records';
import { ScreenHeader } from '../components/screen-header';
import { Loading, LoadError } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { navigate, useApi, useNotify, useResource, useSettings, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';
import { connectionAdvice } from './connection-messages';

const STEPS = [ 'connect', 'domain', 'dns', 'test' ] as const;
type Step = ( typeof STEPS )[ number ];

const stepTitle = ( step: Step ): string =>
	( {
		connect: __( 'Connect to the relay', 'relaypress' ),
		domain: __( 'Sending domain', 'relaypress' ),
		dns: __( 'DNS records', 'relaypress' ),
		test: __( 'Test email', 'relaypress' ),
	} )[ step ];

/** How often the open DNS step checks again, and the test email's status. */
export const DNS_RECHECK_MS = 30_000;
export const TEST_EMAIL_POLL_MS = 3_000;
const TEST_EMAIL_POLLS = 60;
const FINAL_STATUSES = [ 'delivered', 'bounced', 'failed' ];

export function SetupWizard() {
	const [ step, setStep ] = useState< Step >( 'connect' );
	const [ domain, setDomain ] = useState< Domain | null >( null );
	return (
		<div className="relaypress-wizard">
			<ScreenHeader title={ __( 'Setup wizard', 'relaypress' ) } />
			<ol className="relaypress-steps">
				{ STEPS.map( ( s, i ) => (
					<li key={ s } aria-current={ s === step ? 'step' : undefined } className={ s === step ? 'is-current' : undefined }>
						{ /* translators: 1: step number, 2: step title */ sprintf( __( '%1$d. %2$s', 'relaypress' ), i + 1, stepTitle( s ) ) }
					</li>
				) ) }
			</ol>
			<section className="relaypress-card" aria-labelledby="relaypress-step-title">
				<h3 id="relaypress-step-title">{ stepTitle( step ) }</h3>
				{ step === 'connect' && <ConnectStep onDone={ () => setStep( 'domain' ) } /> }
				{ step === 'domain' && (
					<DomainStep
						onBack={ () => setStep( 'connect' ) }
						onDone={ ( chosen ) => {
							setDomain( chosen );
							setStep( 'dns' );
						} }
					/>
				) }
				{ step === 'dns' && domain && <DnsStep domain={ domain } onChange={ setDomain } onBack={ () => setStep( 'domain' ) } onDone={ () => setStep( 'test' ) } /> }
				{ step === 'test' && <TestEmailStep onBack={ () => setStep( 'dns' ) } /> }
			</section>
		</div>
	);
}

export function ConnectStep( { onDone }: { onDone: () => void } ) {
	const api = useApi();
	const { settings, replace } = useSettings();
	const [ url, setUrl ] = useState< string | null >( null );
	const [ token, setToken ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ result, setResult ] = useState< ConnectionTestResult | null >( null );
	const [ failure, setFailure ] = useState< string | null >( null );

	if ( settings.status === 'loading' || settings.status === 'idle' ) {
		return <Loading />;
	}
	const current = settings.status === 'ready' ? settings.value : null;
	const relayUrl = url ?? current?.relay_url ?? '';
	const locked = current?.locked ?? {};

	const submit = async ( event: FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		setFailure( null );
		setResult( null );
		try {
			const update: Record< string, string > = {};
			if ( ! locked.relay_url ) {
				update.relay_url = relayUrl.trim();
			}
			if ( token.trim() !== '' && ! locked.api_token ) {
				update.api_token = token.trim();
			}
			const saved = await api.saveSettings( update );
			replace( saved );
			setToken( '' );
			if ( saved.relay_url && saved.token_set ) {
				// WordPress printed "not configured yet" above the app when the page loaded; it is no longer true.
				document.querySelectorAll( '[data-relaypress-notice="not-configured"]' ).forEach( ( notice ) => notice.remove() );
			}
			setResult( await api.testConnection() );
		} catch ( error ) {
			setFailure( errorMessage( error ) );
		} finally {
			setBusy( false );
		}
	};

	return (
		<form onSubmit={ submit } className="relaypress-form">
			<p>{ __( 'Enter the address of your RelayPress relay and an API token created on it. The token is stored encrypted on this site and never sent back to your browser.', 'relaypress' ) }</p>
			<TextControl
				__next40pxDefaultSize
				label={ __( 'Relay URL', 'relaypress' ) }
				type="url"
				value={ relayUrl }
				onChange={ ( value ) => setUrl( value ) }
				placeholder="https://relay.example.com"
				disabled={ !! locked.relay_url }
				help={ locked.relay_url ? __( 'Set in wp-config.php.', 'relaypress' ) : undefined }
				required
			/>
			<TextControl
				__next40pxDefaultSize
				label={ __( 'API token', 'relaypress' ) }
				type="password"
				autoComplete="new-password"
				value={ token }
				onChange={ setToken }
				disabled={ !! locked.api_token }
				help={
					locked.api_token
						? __( 'Set in wp-config.php.', 'relaypress' )
						: current?.token_set
						? /* translators: %s: the last characters of the stored token */ sprintf( __( 'A token is stored (%s). Leave empty to keep it.', 'relaypress' ), current.token_hint ?? '••••' )
						: undefined
				}
			/>
			<div className="relaypress-actions">
				<Button variant="primary" type="submit" isBusy={ busy } disabled={ busy } accessibleWhenDisabled>
					{ __( 'Save and test the connection', 'relaypress' ) }
				</Button>
			</div>
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			{ result && (
				<div>
					<Notice status={ result.ok ? 'success' : 'error' } isDismissible={ false }>
						<p>
							<strong>{ connectionAdvice( result.code ) }</strong>
						</p>
						{ ! result.ok && result.message && (
							<p className="relaypress-muted">
								{ __( 'Details:', 'relaypress' ) } { decodeEntities( result.message ) }
								{ result.http_status ? ` (HTTP ${ result.http_status })` : '' }
							</p>
						) }
					</Notice>
					{ result.ok && (
						<Button variant="primary" onClick={ onDone }>
							{ __( 'Continue', 'relaypress' ) }
						</Button>
					) }
				</div>
			) }
		</form>
	);
}

function DomainStep( { onBack, onDone }: { onBack: () => void; onDone: ( domain: Domain ) => void } ) {
	const api = useApi();
	const domains = useResource( () => api.domains(), [] );
	const [ chosen, setChosen ] = useState( '' );
	const [ name, setName ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ failure, setFailure ] = useState< string | null >( null );

	if ( domains.status === 'loading' ) {
		return <Loading />;
	}
	if ( domains.status === 'error' ) {
		return <LoadError message={ domains.message } onRetry={ domains.reload } />;
	}
	const list = domains.data;

	const add = async ( event: FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		setFailure( null );
		try {
			onDone( await api.addDomain( name.trim() ) );
		} catch ( error ) {
			setFailure( errorMessage( error ) );
		} finally {
			setBusy( false );
		}
	};

	return (
		<div className="relaypress-form">
			{ list.length > 0 && (
				<div>
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Send from a domain the relay knows', 'relaypress' ) }
						value={ chosen }
						onChange={ setChosen }
						options={ [ { value: '', label: __( 'Choose a domain…', 'relaypress' ) }, ...list.map( ( d ) => ( { value: d.id, label: decodeEntities( d.name ) } ) ) ] }
					/>
					<div className="relaypress-actions">
						<Button
							variant="primary"
							disabled={ chosen === '' }
							accessibleWhenDisabled
							onClick={ () => {
								const domain = list.find( ( d ) => d.id === chosen );
								if ( domain ) {
									onDone( domain );
								}
							} }
						>
							{ __( 'Use this domain', 'relaypress' ) }
						</Button>
					</div>
				</div>
			) }
			<form onSubmit={ add }>
				<TextControl
					__next40pxDefaultSize
					label={ list.length > 0 ? __( 'Or add another domain', 'relaypress' ) : __( 'Domain to send from', 'relaypress' ) }
					help={ __( 'The part after @ in your From address, e.g. example.com.', 'relaypress' ) }
					value={ name }
					onChange={ setName }
				/>
				<div className="relaypress-actions">
					<Button variant="secondary" onClick={ onBack }>
						{ __( 'Back', 'relaypress' ) }
					</Button>
					<Button variant={ list.length > 0 ? 'secondary' : 'primary' } type="submit" isBusy={ busy } disabled={ busy || name.trim() === '' } accessibleWhenDisabled>
						{ __( 'Add domain', 'relaypress' ) }
					</Button>
				</div>
			</form>
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
		</div>
	);
}

function DnsStep( { domain, onChange, onBack, onDone }: { domain: Domain; onChange: ( domain: Domain ) => void; onBack: () => void; onDone: () => void } ) {
	const api = useApi();
	const notify = useNotify();
	const [ busy, setBusy ] = useState( false );
	const [ failure, setFailure ] = useState< string | null >( null );

	const check = async ( quiet: boolean ) => {
		setBusy( true );
		try {
			const checked = await api.verifyDomain( domain.id );
			onChange( checked );
			setFailure( null );
			if ( ! quiet && checked.status === 'verified' ) {
				notify.success( __( 'The domain is verified.', 'relaypress' ) );
			}
		} catch ( error ) {
			setFailure( errorMessage( error ) );
		} finally {
			setBusy( false );
		}
	};

	// Live status: the open step checks again by itself until the records are right.
	useEffect( () => {
		if ( domain.status === 'verified' ) {
			return undefined;
		}
		const timer = window.setInterval( () => void check( true ), DNS_RECHECK_MS );
		return () => window.clearInterval( timer );
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ domain.id, domain.status ] );

	return (
		<div>
			<p>
				{ /* translators: %s: domain name */ sprintf( __( 'Publish these records at the DNS host of %s. DNS changes can take a while to appear; this page checks again every 30 seconds.', 'relaypress' ), decodeEntities( domain.name ) ) }
			</p>
			<p>
				{ __( 'Domain status:', 'relaypress' ) } <StatusBadge status={ domain.status } />
				{ domain.last_checked_at && (
					<span className="relaypress-muted">
						{ ' ' }
						{ /* translators: %s: date and time */ sprintf( __( '(checked %s)', 'relaypress' ), formatDate( domain.last_checked_at ) ) }
					</span>
				) }
			</p>
			<DnsRecords records={ domain.records } />
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			<div className="relaypress-actions">
				<Button variant="secondary" onClick={ onBack }>
					{ __( 'Back', 'relaypress' ) }
				</Button>
				<Button variant="secondary" onClick={ () => void check( false ) } isBusy={ busy } disabled={ busy } accessibleWhenDisabled>
					{ __( 'Verify now', 'relaypress' ) }
				</Button>
				<Button variant={ domain.status === 'verified' ? 'primary' : 'tertiary' } onClick={ onDone }>
					{ domain.status === 'verified' ? __( 'Continue', 'relaypress' ) : __( 'Skip for now', 'relaypress' ) }
				</Button>
			</div>
		</div>
	);
}

export function TestEmailStep( { onBack }: { onBack?: () => void } ) {
	const api = useApi();
	const { adminEmail } = useStore();
	const [ to, setTo ] = useState( adminEmail );
	const [ busy, setBusy ] = useState( false );
	const [ failure, setFailure ] = useState< string | null >( null );
	const [ logId, setLogId ] = useState< number | null >( null );
	const [ entry, setEntry ] = useState< LogEntryDetail | null >( null );

	// Follow the message until it reaches a final status (or we stop asking).
	useEffect( () => {
		if ( logId === null ) {
			return undefined;
		}
		let polls = 0;
		let stopped = false;
		let timer = 0;
		const poll = async () => {
			try {
				const next = await api.logEntry( logId );
				if ( stopped ) {
					return;
				}
				setEntry( next );
				if ( FINAL_STATUSES.includes( next.status ) ) {
					return;
				}
			} catch ( error ) {
				if ( ! stopped ) {
					setFailure( errorMessage( error ) );
				}
				return;
			}
			if ( ++polls < TEST_EMAIL_POLLS ) {
				timer = window.setTimeout( poll, TEST_EMAIL_POLL_MS );
			}
		};
		void poll();
		return () => {
			stopped = true;
			window.clearTimeout( timer );
		};
	}, [ api, logId ] );

	const send = async ( event: FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		setFailure( null );
		setEntry( null );
		setLogId( null );
		try {
			const result = await api.sendTestEmail( to.trim() );
			setLogId( result.log_id );
		} catch ( error ) {
			setFailure( errorMessage( error ) );
		} finally {
			setBusy( false );
		}
	};

	return (
		<form onSubmit={ send } className="relaypress-form">
			<TextControl __next40pxDefaultSize label={ __( 'Send a test email to', 'relaypress' ) } type="email" value={ to } onChange={ setTo } required />
			<div className="relaypress-actions">
				{ onBack && (
					<Button variant="secondary" onClick={ onBack }>
						{ __( 'Back', 'relaypress' ) }
					</Button>
				) }
				<Button variant="primary" type="submit" isBusy={ busy } disabled={ busy } accessibleWhenDisabled>
					{ __( 'Send test email', 'relaypress' ) }
				</Button>
			</div>
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			{ logId !== null && (
				<div className="relaypress-test-progress" role="status" aria-live="polite">
					<p>
						{ __( 'Test email status:', 'relaypress' ) } <StatusBadge status={ entry?.status ?? 'queued' } />
					</p>
					{ entry?.status === 'delivered' && <p>{ __( 'Delivered: the receiving server accepted the test email. RelayPress is ready.', 'relaypress' ) }</p> }
					{ entry && entry.last_error && <p className="relaypress-muted">{ decodeEntities( entry.last_error ) }</p> }
					{ entry && entry.events.length > 0 && (
						<ul className="relaypress-timeline">
							{ entry.events.map( ( event ) => (
								<li key={ event.id }>
									<StatusBadge status={ event.type } /> { formatDate( event.occurred_at ) } — { decodeEntities( event.description ) }
								</li>
							) ) }
						</ul>
					) }
					{ entry && FINAL_STATUSES.includes( entry.status ) && (
						<Button variant="secondary" onClick={ () => navigate( 'activity', logId ) }>
							{ __( 'Open in Activity', 'relaypress' ) }
						</Button>
					) }
				</div>
			) }
		</form>
	);
}
