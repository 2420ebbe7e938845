/**
 * WooCommerce: each WooCommerce email mapped to a relay template (or left as WooCommerce's
 * HTML) with its figures of the last 30 days, a preview with a recent order, a test send to
 * the current user, the starter templates, and the variables a template can print.
 *
 * The relay's rendered HTML is shown only inside a sandboxed iframe (`sandbox=""`: no
 * scripts, no same origin, no forms); subject and text are React text.
 */
import { Button, CheckboxControl, SelectControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { ApiError } from '../api/client';
import type { Analytics, WooEmail, WooEmailList, WooPreview, WooTemplate } from '../api/types';
import { DataTable } from '../components/data-table';
import { ScreenHeader } from '../components/screen-header';
import { Empty, Loading, LoadError } from '../components/states';
import { useApi, useBusyAction, useNotify, useResource, useStore } from '../store';
import { decodeEntities, formatDate } from '../text';

export const NO_WOOCOMMERCE = 'relaypress_no_woocommerce';

/** The emails, or null when WooCommerce is not active (every route answers 404 then). */
function orInactive< T >( promise: Promise< T > ): Promise< T | null > {
	return promise.catch( ( error: unknown ) => {
		if ( error instanceof ApiError && error.code === NO_WOOCOMMERCE ) {
			return null;
		}
		throw error;
	} );
}

export function emailsLabel( emails: string ): string {
	switch ( emails ) {
		case 'all':
			return __( 'Every email', 'relaypress' );
		case 'order':
			return __( 'Emails about an order', 'relaypress' );
		case 'refund':
			return __( 'Refund emails', 'relaypress' );
		case 'note':
			return __( 'Customer note', 'relaypress' );
		case 'account':
			return __( 'Account emails', 'relaypress' );
		default:
			return emails;
	}
}

/** Days the per-email figures cover. */
export const STATS_DAYS = 30;

export interface EmailStats {
	sent: number;
	delivered: number;
	bounced: number;
	opened: number;
}

/**
 * Figures per WooCommerce email, summed over the days: every send carries its email id as a
 * tag (and `woocommerce`), so the relay's analytics by tag are the figures per email.
 */
export function statsByEmail( analytics: Analytics ): Map< string, EmailStats > {
	const stats = new Map< string, EmailStats >();
	for ( const row of analytics.data ) {
		if ( ! row.tag ) {
			continue;
		}
		const sum = stats.get( row.tag ) ?? { sent: 0, delivered: 0, bounced: 0, opened: 0 };
		sum.sent += row.queued;
		sum.delivered += row.delivered;
		sum.bounced += row.hard_bounced + row.soft_bounced;
		sum.opened += row.opened;
		stats.set( row.tag, sum );
	}
	return stats;
}

function StatsCell( { stats }: { stats: EmailStats | null | undefined } ) {
	if ( stats === null ) {
		return <>—</>; // The figures could not be loaded (or are still loading).
	}
	if ( ! stats || stats.sent === 0 ) {
		return <span className="relaypress-muted">{ __( 'None sent', 'relaypress' ) }</span>;
	}
	const parts: string[] = [
		/* translators: %d: number of emails */
		sprintf( __( '%d sent', 'relaypress' ), stats.sent ),
		/* translators: %d: number of emails */
		sprintf( __( '%d delivered', 'relaypress' ), stats.delivered ),
	];
	if ( stats.bounced > 0 ) {
		/* translators: %d: number of emails */
		parts.push( sprintf( __( '%d bounced', 'relaypress' ), stats.bounced ) );
	}
	if ( stats.opened > 0 ) {
		/* translators: %d: number of emails */
		parts.push( sprintf( __( '%d opened', 'relaypress' ), stats.opened ) );
	}
	return <>{ parts.join( ' · ' ) }</>;
}

/** A template's name for people, from the list when it is there ("" when the list does not have it). */
export function templateName( templates: WooTemplate[] | null, id: string ): string {
	const found = templates?.find( ( t ) => t.id === id );
	return found ? decodeEntities( found.name ) : '';
}

/**
 * The dropdown's choices: none, then the relay's templates by name. A mapped template the
 * relay no longer lists stays selectable (and is named as missing), so the row shows the truth
 * and saving something else is a choice, not an accident.
 */
export function templateOptions( templates: WooTemplate[] | null, current: string | null ): Array< { value: string; label: string } > {
	const options: Array< { value: string; label: string } > = [ { value: '', label: __( 'None (WooCommerce HTML)', 'relaypress' ) } ];
	for ( const template of templates ?? [] ) {
		options.push( { value: template.id, label: decodeEntities( template.name ) } );
	}
	if ( current && ! ( templates ?? [] ).some( ( t ) => t.id === current ) ) {
		options.push( {
			value: current,
			label:
				templates === null
					? current
					: /* translators: %s: template id */
					  sprintf( __( '%s (not on the relay)', 'relaypress' ), current ),
		} );
	}
	return options;
}

function EmailRow( {
	email,
	templates,
	stats,
	busy,
	onSave,
	onPreview,
}: {
	email: WooEmail;
	/** The relay's templates, or null while they load or when they could not be loaded. */
	templates: WooTemplate[] | null;
	/** This email's figures (undefined: none sent), or null when the figures are not there. */
	stats: EmailStats | null | undefined;
	busy: boolean;
	onSave: ( email: WooEmail, templateId: string, enabled: boolean ) => void;
	onPreview: ( email: WooEmail, templateId: string ) => void;
} ) {
	const [ template, setTemplate ] = useState( email.template_id ?? '' );
	const [ enabled, setEnabled ] = useState( email.mapping_enabled );
	const title = decodeEntities( email.title );
	const changed = template !== ( email.template_id ?? '' ) || enabled !== email.mapping_enabled;
	const missing = templates !== null && template !== '' && ! templates.some( ( t ) => t.id === template );
	return (
		<tr>
			<td data-label={ __( 'Email', 'relaypress' ) }>
				<strong>{ title }</strong>
				<br />
				<code>{ email.id }</code>
				{ email.description && <p className="relaypress-muted">{ decodeEntities( email.description ) }</p> }
			</td>
			<td data-label={ __( 'In WooCommerce', 'relaypress' ) }>{ email.woocommerce_enabled ? __( 'Enabled', 'relaypress' ) : __( 'Disabled', 'relaypress' ) }</td>
			<td
				data-label={
					/* translators: %d: number of days */
					sprintf( __( 'Last %d days', 'relaypress' ), STATS_DAYS )
				}
			>
				<StatsCell stats={ stats } />
			</td>
			<td className="relaypress-woo-template" data-label={ __( 'Template', 'relaypress' ) }>
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					/* translators: %s: WooCommerce email title */
					label={ sprintf( __( 'Template for %s', 'relaypress' ), title ) }
					hideLabelFromVision
					value={ template }
					options={ templateOptions( templates, email.template_id ) }
					onChange={ setTemplate }
				/>
				{ missing && (
					<p className="relaypress-muted">{ __( 'The relay has no template with this id: until another is chosen, this email goes as WooCommerce’s HTML.', 'relaypress' ) }</p>
				) }
			</td>
			<td data-label={ __( 'Send as template', 'relaypress' ) }>
				<CheckboxControl
					__nextHasNoMarginBottom
					/* translators: %s: WooCommerce email title */
					label={ sprintf( __( 'Send %s as its template', 'relaypress' ), title ) }
					className="relaypress-woo-toggle"
					checked={ enabled }
					onChange={ setEnabled }
				/>
			</td>
			<td>
				<div className="relaypress-actions">
					<Button
						variant="secondary"
						onClick={ () => onSave( email, template.trim(), enabled ) }
						isBusy={ busy }
						disabled={ busy || ! changed }
						accessibleWhenDisabled
						/* translators: %s: WooCommerce email title */
						label={ sprintf( __( 'Save mapping of %s', 'relaypress' ), title ) }
						showTooltip={ false }
					>
						{ __( 'Save', 'relaypress' ) }
					</Button>
					<Button
						variant="tertiary"
						onClick={ () => onPreview( email, template ) }
						/* translators: %s: WooCommerce email title */
						label={ sprintf( __( 'Preview %s', 'relaypress' ), title ) }
						showTooltip={ false }
					>
						{ __( 'Preview', 'relaypress' ) }
					</Button>
				</div>
			</td>
		</tr>
	);
}

function PreviewPanel( { email, templateId, templates, onClose }: { email: WooEmail; templateId: string; templates: WooTemplate[] | null; onClose: () => void } ) {
	const api = useApi();
	const notify = useNotify();
	const { locale, adminEmail } = useStore();
	const orders = useResource( () => api.wooOrders(), [] );
	const [ orderId, setOrderId ] = useState( '' );
	const [ preview, setPreview ] = useState< WooPreview | null >( null );
	const [ previewError, setPreviewError ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState< 'preview' | 'test' | null >( null );
	const title = decodeEntities( email.title );
	const order = orderId ? Number( orderId ) : null;
	const previewName = preview ? templateName( templates, preview.template_id ) : '';

	const show = async ( event: FormEvent ) => {
		event.preventDefault();
		if ( templateId === '' ) {
			// "None" is chosen in the row (saved or not): there is no template to render.
			setPreview( null );
			setPreviewError( __( 'No template is chosen for this email: choose one in its row to preview it.', 'relaypress' ) );
			return;
		}
		setBusy( 'preview' );
		setPreviewError( null );
		try {
			setPreview( await api.previewWooEmail( email.id, order, templateId ) );
		} catch ( error ) {
			setPreview( null );
			setPreviewError( error instanceof Error ? error.message : String( error ) );
		} finally {
			setBusy( null );
		}
	};

	const sendTest = async () => {
		setBusy( 'test' );
		try {
			const result = await api.sendWooTest( email.id, order );
			/* translators: %s: email address */
			notify.success( sprintf( __( 'The test email was sent to %s.', 'relaypress' ), decodeEntities( result.to ) ) );
		} catch ( error ) {
			notify.error( error );
		} finally {
			setBusy( null );
		}
	};

	const orderOptions = [
		{ value: '', label: __( 'The newest order', 'relaypress' ) },
		...( orders.data ?? [] ).map( ( o ) => ( {
			value: String( o.id ),
			/* translators: 1: order number, 2: customer name, 3: order total, 4: date */
			label: sprintf( __( '#%1$s — %2$s — %3$s — %4$s', 'relaypress' ), decodeEntities( o.order_number ), decodeEntities( o.customer ) || '—', decodeEntities( o.total ), formatDate( o.date, locale ) ),
		} ) ),
	];

	return (
		/* translators: %s: WooCommerce email title */
		<section className="relaypress-card relaypress-woo-preview" aria-label={ sprintf( __( 'Preview of %s', 'relaypress' ), title ) }>
			{ /* translators: %s: WooCommerce email title */ }
			<h3>{ sprintf( __( 'Preview: %s', 'relaypress' ), title ) }</h3>
			{ orders.status === 'error' && <LoadError message={ orders.message } onRetry={ orders.reload } /> }
			{ orders.status === 'ready' && orders.data.length === 0 && <p className="relaypress-muted">{ __( 'The store has no orders yet: emails about an order cannot be previewed.', 'relaypress' ) }</p> }
			<form className="relaypress-inline-form" onSubmit={ show }>
				<SelectControl __next40pxDefaultSize __nextHasNoMarginBottom label={ __( 'Order', 'relaypress' ) } value={ orderId } options={ orderOptions } onChange={ setOrderId } disabled={ orders.status === 'loading' } />
				<Button variant="primary" type="submit" isBusy={ busy === 'preview' } disabled={ busy !== null } accessibleWhenDisabled>
					{ __( 'Show preview', 'relaypress' ) }
				</Button>
				<Button variant="secondary" onClick={ () => void sendTest() } isBusy={ busy === 'test' } disabled={ busy !== null } accessibleWhenDisabled>
					{ adminEmail
						? /* translators: %s: the current user's email address */
						  sprintf( __( 'Send a test to %s', 'relaypress' ), adminEmail )
						: __( 'Send a test to me', 'relaypress' ) }
				</Button>
				<Button variant="tertiary" onClick={ onClose }>
					{ __( 'Close preview', 'relaypress' ) }
				</Button>
			</form>
			{ previewError && <LoadError message={ previewError } /> }
			{ preview && (
				<div className="relaypress-detail">
					<dl className="relaypress-facts">
						<dt>{ __( 'Subject', 'relaypress' ) }</dt>
						<dd>{ decodeEntities( preview.subject ) }</dd>
						<dt>{ __( 'Template', 'relaypress' ) }</dt>
						<dd>
							{ previewName && <>{ previewName } </> }
							<code>{ preview.template_id }</code>
						</dd>
					</dl>
					<iframe
						className="relaypress-woo-preview__frame"
						title={ __( 'HTML part of the preview', 'relaypress' ) }
						sandbox=""
						srcDoc={ preview.rendered.html ?? '' }
						referrerPolicy="no-referrer"
						width="100%"
						height="600"
					/>
					<h4>{ __( 'Text part', 'relaypress' ) }</h4>
					<pre className="relaypress-reply">{ preview.rendered.text ?? '' }</pre>
				</div>
			) }
		</section>
	);
}

function SchemaTable() {
	const api = useApi();
	const schema = useResource( () => api.wooSchema(), [] );
	return (
		<section aria-labelledby="relaypress-woo-schema">
			<h3 id="relaypress-woo-schema">{ __( 'Variables for template authors', 'relaypress' ) }</h3>
			{ schema.status === 'error' && <LoadError message={ schema.message } onRetry={ schema.reload } /> }
			{ schema.status === 'loading' && ! schema.data && <Loading /> }
			{ schema.data && (
				<>
					<p>
						{ sprintf(
							/* translators: 1: schema version number, 2: path of the document */
							__( 'Schema version %1$d (described in %2$s). Every mapped email sends these variables to its template.', 'relaypress' ),
							schema.data.schema_version,
							schema.data.document
						) }
					</p>
					<DataTable
						caption={ __( 'Template variables', 'relaypress' ) }
						columns={ [ __( 'Variable', 'relaypress' ), __( 'Type', 'relaypress' ), __( 'Emails', 'relaypress' ), __( 'Description', 'relaypress' ) ] }
					>
						{ schema.data.variables.map( ( variable ) => (
							<tr key={ variable.path }>
								<td data-label={ __( 'Variable', 'relaypress' ) }>
									<code>{ variable.path }</code>
								</td>
								<td data-label={ __( 'Type', 'relaypress' ) }>{ variable.type }</td>
								<td data-label={ __( 'Emails', 'relaypress' ) }>{ emailsLabel( variable.emails ) }</td>
								<td data-label={ __( 'Description', 'relaypress' ) }>{ variable.description }</td>
							</tr>
						) ) }
					</DataTable>
				</>
			) }
		</section>
	);
}

export function WooCommerce() {
	const api = useApi();
	const notify = useNotify();
	const list = useResource< WooEmailList | null >( () => orInactive( api.wooEmails() ), [] );
	const templates = useResource< WooTemplate[] | null >( () => orInactive( api.wooTemplates() ), [] );
	const analytics = useResource( () => {
		const from = new Date( Date.now() - STATS_DAYS * 86_400_000 );
		return api.analytics( { from: from.toISOString().slice( 0, 10 ), group_by: 'day', by_tag: true } );
	}, [] );
	const { busy, run } = useBusyAction();
	const [ previewing, setPreviewing ] = useState< { email: WooEmail; templateId: string } | null >( null );

	const save = ( email: WooEmail, templateId: string, enabled: boolean ) =>
		run( `save-${ email.id }`, async () => {
			const mapping = await api.mapWooEmail( email.id, { template_id: templateId === '' ? null : templateId, enabled } );
			if ( list.data ) {
				list.set( { ...list.data, emails: list.data.emails.map( ( e ) => ( e.id === mapping.id ? { ...e, template_id: mapping.template_id, mapping_enabled: mapping.mapping_enabled } : e ) ) } );
			}
			const title = decodeEntities( email.title );
			notify.success(
				mapping.template_id
					? /* translators: 1: WooCommerce email title, 2: template name (or id) */
					  sprintf( __( '%1$s is mapped to the template %2$s.', 'relaypress' ), title, templateName( templates.data, mapping.template_id ) || mapping.template_id )
					: /* translators: %s: WooCommerce email title */
					  sprintf( __( '%s is sent as WooCommerce’s own HTML.', 'relaypress' ), title )
			);
		} );

	const installStarters = () =>
		run( 'starters', async () => {
			const result = await api.installWooStarters();
			notify.success(
				sprintf(
					/* translators: 1: templates installed, 2: templates already there, 3: emails mapped now, 4: emails that kept their template */
					__( 'Starter templates: %1$d installed, %2$d already there. %3$d emails mapped to them; %4$d kept their template.', 'relaypress' ),
					result.installed,
					result.skipped,
					result.mapped.length,
					result.kept.length
				)
			);
			list.reload();
			templates.reload();
		} );

	const inactive = list.status === 'ready' && list.data === null;
	const emails = list.data?.emails ?? [];
	const templateList = templates.status === 'ready' ? templates.data : null;
	// Figures are a help, not the point of the tab: without them the column shows a dash.
	const stats = analytics.data ? statsByEmail( analytics.data ) : null;

	return (
		<div>
			<ScreenHeader title={ __( 'WooCommerce', 'relaypress' ) }>
				{ ! inactive && (
					<Button variant="secondary" onClick={ () => void installStarters() } isBusy={ busy === 'starters' } disabled={ busy !== null || list.status !== 'ready' } accessibleWhenDisabled>
						{ __( 'Install starter templates and map them', 'relaypress' ) }
					</Button>
				) }
			</ScreenHeader>
			<p>
				{ __(
					'Map a WooCommerce email to a relay template and it is sent as that template, with the order’s data. Unmapped or switched-off emails keep WooCommerce’s own HTML.',
					'relaypress'
				) }
			</p>

			{ list.status === 'error' && <LoadError message={ list.message } onRetry={ list.reload } /> }
			{ list.status === 'loading' && ! list.data && <Loading /> }
			{ inactive && (
				<Empty>
					<p>{ __( 'WooCommerce is not active on this site. Activate it to send its emails as relay templates.', 'relaypress' ) }</p>
				</Empty>
			) }
			{ list.status === 'ready' && list.data && emails.length === 0 && <Empty>{ __( 'WooCommerce has no emails to map.', 'relaypress' ) }</Empty> }
			{ emails.length > 0 && (
				<>
					{ templates.status === 'error' && (
						/* translators: %s: why the templates could not be loaded */
						<LoadError message={ sprintf( __( 'The relay’s templates could not be loaded: %s', 'relaypress' ), templates.message ) } onRetry={ templates.reload } />
					) }
					{ templates.status === 'ready' && templateList?.length === 0 && (
						<p className="relaypress-muted">{ __( 'The relay has no templates yet: install the starter templates with the button above, or create templates on the relay.', 'relaypress' ) }</p>
					) }
					<p className="relaypress-muted">{ __( 'Choose the relay template each email is sent as. “None” sends WooCommerce’s own HTML.', 'relaypress' ) }</p>
					<DataTable
						caption={ __( 'WooCommerce emails', 'relaypress' ) }
						columns={ [
							__( 'Email', 'relaypress' ),
							__( 'In WooCommerce', 'relaypress' ),
							/* translators: %d: number of days */
							sprintf( __( 'Last %d days', 'relaypress' ), STATS_DAYS ),
							__( 'Template', 'relaypress' ),
							__( 'Send as template', 'relaypress' ),
							{ label: __( 'Actions', 'relaypress' ), hidden: true },
						] }
						busy={ list.status === 'loading' }
					>
						{ emails.map( ( email ) => (
							<EmailRow
								// A row's draft starts from the saved mapping: a new saved mapping (a save,
								// the starters, a reload) remounts the row with it.
								key={ `${ email.id }:${ email.template_id ?? '' }:${ String( email.mapping_enabled ) }` }
								email={ email }
								templates={ templateList }
								stats={ stats === null ? null : stats.get( email.id ) }
								busy={ busy === `save-${ email.id }` }
								onSave={ ( e, t, en ) => void save( e, t, en ) }
								onPreview={ ( e, t ) => setPreviewing( { email: e, templateId: t } ) }
							/>
						) ) }
					</DataTable>
				</>
			) }
			{ previewing && ! inactive && (
				<PreviewPanel key={ `${ previewing.email.id }-${ previewing.templateId }` } email={ previewing.email } templateId={ previewing.templateId } templates={ templateList } onClose={ () => setPreviewing( null ) } />
			) }

			<SchemaTable />
		</div>
	);
}
