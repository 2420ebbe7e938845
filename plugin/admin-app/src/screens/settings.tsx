/**
 * Settings: From defaults and forcing, open and click tracking, log retention, backup SMTP,
 * alerts, delivery reports (webhook). Only changed fields are sent; fields set in wp-config.php are shown locked.
 */
import { Button, CheckboxControl, SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import type { FormEvent } from 'react';

import type { SettingsUpdate, SettingsView } from '../api/types';
import { ScreenHeader } from '../components/screen-header';
import { Loading, LoadError } from '../components/states';
import { useApi, useNotify, useSettings, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';
import { TestEmailStep } from './setup-wizard';

type Draft = SettingsUpdate;

export function Settings() {
	const { settings, reload } = useSettings();
	return (
		<div>
			<ScreenHeader title={ __( 'Settings', 'relaypress' ) } />
			{ ( settings.status === 'loading' || settings.status === 'idle' ) && <Loading /> }
			{ settings.status === 'error' && <LoadError message={ settings.message } onRetry={ () => void reload() } /> }
			{ settings.status === 'ready' && <SettingsForm settings={ settings.value } /> }
		</div>
	);
}

function SettingsForm( { settings }: { settings: SettingsView } ) {
	const api = useApi();
	const notify = useNotify();
	const { locale } = useStore();
	const { replace } = useSettings();
	const [ draft, setDraft ] = useState< Draft >( {} );
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ fieldError, setFieldError ] = useState< { field: string | null; message: string } | null >( null );

	const value = < K extends keyof Draft >( key: K ): NonNullable< Draft[ K ] > => ( draft[ key ] ?? ( settings as unknown as Draft )[ key ] ?? '' ) as NonNullable< Draft[ K ] >;
	const set = < K extends keyof Draft >( key: K, next: Draft[ K ] ) => setDraft( ( d ) => ( { ...d, [ key ]: next } ) );
	const locked = ( key: string ) => !! settings.locked[ key ];
	const lockedHelp = ( key: string, help?: string ) => ( locked( key ) ? __( 'Set in wp-config.php.', 'relaypress' ) : help );
	const errorFor = ( key: string ) => ( fieldError?.field === key ? fieldError.message : undefined );

	const text = ( key: keyof Draft, label: string, extra: { type?: 'text' | 'email' | 'number' | 'url'; help?: string } = {} ) => (
		<TextControl
			__next40pxDefaultSize
			label={ label }
			type={ extra.type ?? 'text' }
			value={ String( value( key ) ) }
			onChange={ ( next ) => set( key, ( extra.type === 'number' ? Number( next ) : next ) as never ) }
			disabled={ locked( key ) }
			help={ errorFor( key ) ?? lockedHelp( key, extra.help ) }
			className={ errorFor( key ) ? 'has-error' : undefined }
		/>
	);

	const save = async ( event: FormEvent ) => {
		event.preventDefault();
		setBusy( 'save' );
		setFieldError( null );
		try {
			const saved = await api.saveSettings( draft );
			replace( saved );
			setDraft( {} );
			notify.success( __( 'Settings saved.', 'relaypress' ) );
		} catch ( error ) {
			const field = ( error as { field?: string | null } ).field ?? null;
			setFieldError( { field, message: ( error as Error ).message } );
			notify.error( error );
		} finally {
			setBusy( null );
		}
	};

	const registerWebhook = async () => {
		setBusy( 'webhook' );
		try {
			const result = await api.registerWebhook();
			if ( result.ok ) {
				notify.success( __( 'Delivery reports are registered with the relay.', 'relaypress' ) );
			} else {
				notify.error( new Error( decodeEntities( result.message ) ) );
			}
			replace( await api.settings() );
		} catch ( error ) {
			notify.error( error );
		} finally {
			setBusy( null );
		}
	};

	return (
		<>
			<form onSubmit={ save } className="relaypress-form relaypress-settings">
				<fieldset className="relaypress-card">
					<legend>{ __( 'Sender', 'relaypress' ) }</legend>
					{ text( 'from_email', __( 'From email', 'relaypress' ), { type: 'email' } ) }
					{ text( 'from_name', __( 'From name', 'relaypress' ) ) }
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Force this From address and name on every email', 'relaypress' ) }
						help={ lockedHelp( 'force_from', __( 'Otherwise they are used only when a plugin sets no From.', 'relaypress' ) ) }
						checked={ Boolean( value( 'force_from' ) ) }
						onChange={ ( checked ) => set( 'force_from', checked ) }
						disabled={ locked( 'force_from' ) }
					/>
				</fieldset>

				<fieldset className="relaypress-card">
					<legend>{ __( 'Tracking', 'relaypress' ) }</legend>
					<p className="relaypress-muted">
						{ __( 'The relay can record when HTML emails are opened and their links clicked. Password resets, new-user and other account emails are never tracked. Plain-text emails are not changed.', 'relaypress' ) }
					</p>
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Track opens', 'relaypress' ) }
						help={ lockedHelp( 'track_opens', __( 'Adds an invisible image. Opens are estimates: Apple Mail and security scanners load images without anyone reading, and many apps block images. Tell your recipients in your privacy policy.', 'relaypress' ) ) }
						checked={ Boolean( value( 'track_opens' ) ) }
						onChange={ ( checked ) => set( 'track_opens', checked ) }
						disabled={ locked( 'track_opens' ) }
					/>
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Track clicks', 'relaypress' ) }
						help={ lockedHelp( 'track_clicks', __( 'Links pass through the relay, which then redirects to the original address. Link scanners may click first; the relay flags those as machine clicks.', 'relaypress' ) ) }
						checked={ Boolean( value( 'track_clicks' ) ) }
						onChange={ ( checked ) => set( 'track_clicks', checked ) }
						disabled={ locked( 'track_clicks' ) }
					/>
				</fieldset>

				<fieldset className="relaypress-card">
					<legend>{ __( 'Email log', 'relaypress' ) }</legend>
					{ text( 'log_retention_days', __( 'Keep log entries (days)', 'relaypress' ), { type: 'number' } ) }
					{ text( 'body_retention_days', __( 'Keep message bodies (days)', 'relaypress' ), { type: 'number', help: __( '0 keeps no bodies; resending needs them.', 'relaypress' ) } ) }
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Keep the log and settings when the plugin is deleted', 'relaypress' ) }
						checked={ Boolean( value( 'keep_data' ) ) }
						onChange={ ( checked ) => set( 'keep_data', checked ) }
						disabled={ locked( 'keep_data' ) }
					/>
				</fieldset>

				<fieldset className="relaypress-card">
					<legend>{ __( 'Backup connection (SMTP)', 'relaypress' ) }</legend>
					<p className="relaypress-muted">{ __( 'Used when the relay cannot take a message for a while. Leave the host empty for no backup.', 'relaypress' ) }</p>
					{ text( 'backup_smtp_host', __( 'SMTP host', 'relaypress' ) ) }
					{ text( 'backup_smtp_port', __( 'Port', 'relaypress' ), { type: 'number' } ) }
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Encryption', 'relaypress' ) }
						value={ value( 'backup_smtp_encryption' ) as SettingsView[ 'backup_smtp_encryption' ] }
						onChange={ ( next ) => set( 'backup_smtp_encryption', next as SettingsView[ 'backup_smtp_encryption' ] ) }
						disabled={ locked( 'backup_smtp_encryption' ) }
						options={ [
							{ value: 'tls', label: __( 'STARTTLS', 'relaypress' ) },
							{ value: 'ssl', label: __( 'TLS (implicit, port 465)', 'relaypress' ) },
							{ value: 'none', label: __( 'None', 'relaypress' ) },
						] }
					/>
					{ text( 'backup_smtp_username', __( 'User name', 'relaypress' ) ) }
					<TextControl
						__next40pxDefaultSize
						label={ __( 'Password', 'relaypress' ) }
						type="password"
						autoComplete="new-password"
						value={ draft.backup_smtp_password ?? '' }
						onChange={ ( next ) => set( 'backup_smtp_password', next ) }
						disabled={ locked( 'backup_smtp_password' ) }
						help={ lockedHelp( 'backup_smtp_password', settings.backup_smtp_password_set ? __( 'A password is stored. Leave empty to keep it.', 'relaypress' ) : undefined ) }
					/>
					{ text( 'backup_after_minutes', __( 'Use the backup after (minutes)', 'relaypress' ), { type: 'number' } ) }
				</fieldset>

				<fieldset className="relaypress-card">
					<legend>{ __( 'Alerts', 'relaypress' ) }</legend>
					{ text( 'alert_email', __( 'Email alerts to', 'relaypress' ), { type: 'email' } ) }
					{ text( 'alert_webhook_url', __( 'Post alerts as JSON to', 'relaypress' ), { type: 'url' } ) }
				</fieldset>

				<div className="relaypress-actions">
					<Button variant="primary" type="submit" isBusy={ busy === 'save' } disabled={ busy !== null || Object.keys( draft ).length === 0 } accessibleWhenDisabled>
						{ __( 'Save settings', 'relaypress' ) }
					</Button>
				</div>
			</form>

			<section className="relaypress-card" aria-labelledby="relaypress-webhook-title">
				<h3 id="relaypress-webhook-title">{ __( 'Delivery reports', 'relaypress' ) }</h3>
				<p>
					{ settings.webhook.registered
						? /* translators: %s: date and time */ sprintf( __( 'The relay reports deliveries, bounces and complaints to this site (registered %s).', 'relaypress' ), formatDate( settings.webhook.registered_at, locale ) )
						: __( 'The relay does not report to this site yet: the log will not learn about deliveries and bounces.', 'relaypress' ) }
				</p>
				{ settings.webhook.error && <p className="relaypress-muted">{ decodeEntities( settings.webhook.error.message ) }</p> }
				<Button variant="secondary" onClick={ registerWebhook } isBusy={ busy === 'webhook' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Register again', 'relaypress' ) }
				</Button>
			</section>

			<section className="relaypress-card" aria-labelledby="relaypress-test-title">
				<h3 id="relaypress-test-title">{ __( 'Test email', 'relaypress' ) }</h3>
				<TestEmailStep />
			</section>
		</>
	);
}
