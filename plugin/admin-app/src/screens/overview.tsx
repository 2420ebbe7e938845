/**
 * Overview: connection and webhook health, outbox backlog, the last 24 hours, and the
 * relay's counts and rates over the last 30 days with charts.
 */
import { Button } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useMemo } from 'react';

import type { Analytics, Overview as OverviewData } from '../api/types';
import { LineChart } from '../components/line-chart';
import type { Series } from '../components/line-chart';
import { ScreenHeader } from '../components/screen-header';
import { Empty, Loading, LoadError } from '../components/states';
import { routeHash, useApi, useResource, useStore } from '../store';
import { bcp47, decodeEntities, formatRate } from '../text';

const DAYS = 30;

export function Overview() {
	const api = useApi();
	const overview = useResource( () => api.overview(), [] );
	const analytics = useResource( () => {
		const to = new Date();
		const from = new Date( to.getTime() - DAYS * 86_400_000 );
		return api.analytics( { from: from.toISOString().slice( 0, 10 ), group_by: 'day' } );
	}, [] );

	return (
		<div>
			<ScreenHeader title={ __( 'Overview', 'relaypress' ) }>
				<Button
					variant="secondary"
					onClick={ () => {
						overview.reload();
						analytics.reload();
					} }
				>
					{ __( 'Refresh', 'relaypress' ) }
				</Button>
			</ScreenHeader>
			{ overview.status === 'loading' && ! overview.data && <Loading /> }
			{ overview.status === 'error' && <LoadError message={ overview.message } onRetry={ overview.reload } /> }
			{ overview.data && <Health data={ overview.data } /> }

			<h3>
				{ /* translators: %d: number of days */ sprintf( __( 'Last %d days', 'relaypress' ), DAYS ) }
			</h3>
			{ analytics.status === 'loading' && ! analytics.data && <Loading /> }
			{ analytics.status === 'error' && <LoadError message={ analytics.message } onRetry={ analytics.reload } /> }
			{ analytics.data && <Figures analytics={ analytics.data } /> }
		</div>
	);
}

function Health( { data }: { data: OverviewData } ) {
	const { connection, webhook, outbox, log_24h: day } = data;
	const connectionText = ! connection.configured ? __( 'Not connected', 'relaypress' ) : connection.reachable ? __( 'Connected', 'relaypress' ) : __( 'Relay unreachable', 'relaypress' );
	return (
		<div className="relaypress-cards">
			<div className={ `relaypress-card relaypress-health relaypress-health--${ connection.reachable ? 'good' : 'bad' }` }>
				<h3>{ __( 'Connection', 'relaypress' ) }</h3>
				<p className="relaypress-big">{ connectionText }</p>
				<p className="relaypress-muted">{ decodeEntities( connection.message ) }</p>
				{ ! connection.configured && <a href={ routeHash( { screen: 'setup' } ) }>{ __( 'Open the setup wizard', 'relaypress' ) }</a> }
				<p>
					{ webhook.registered ? __( 'Delivery reports: receiving', 'relaypress' ) : __( 'Delivery reports: not registered', 'relaypress' ) }
					{ webhook.error && <span className="relaypress-muted"> — { decodeEntities( webhook.error.message ) }</span> }
				</p>
			</div>
			<div className="relaypress-card">
				<h3>{ __( 'Outbox', 'relaypress' ) }</h3>
				<dl className="relaypress-facts">
					<dt>{ __( 'Waiting', 'relaypress' ) }</dt>
					<dd>{ outbox.pending }</dd>
					<dt>{ __( 'Retrying', 'relaypress' ) }</dt>
					<dd>{ outbox.retrying }</dd>
					<dt>{ __( 'Failed', 'relaypress' ) }</dt>
					<dd>{ outbox.failed }</dd>
				</dl>
			</div>
			<div className="relaypress-card">
				<h3>{ __( 'Last 24 hours', 'relaypress' ) }</h3>
				<dl className="relaypress-facts">
					<dt>{ __( 'Sent', 'relaypress' ) }</dt>
					<dd>{ day.sent }</dd>
					<dt>{ __( 'Delivered', 'relaypress' ) }</dt>
					<dd>{ day.delivered }</dd>
					<dt>{ __( 'Bounced', 'relaypress' ) }</dt>
					<dd>{ day.bounced }</dd>
					<dt>{ __( 'Failed', 'relaypress' ) }</dt>
					<dd>{ day.failed }</dd>
					<dt>{ __( 'Queued', 'relaypress' ) }</dt>
					<dd>{ day.queued }</dd>
				</dl>
			</div>
		</div>
	);
}

function Figures( { analytics }: { analytics: Analytics } ) {
	const { locale } = useStore();
	const t = analytics.totals;
	const tiles: Array< { label: string; count: number; rate: number | null } > = [
		{ label: __( 'Delivered', 'relaypress' ), count: t.delivered, rate: t.delivery_rate },
		{ label: __( 'Bounced', 'relaypress' ), count: t.hard_bounced + t.soft_bounced, rate: t.bounce_rate },
		{ label: __( 'Complaints', 'relaypress' ), count: t.spam_complaint, rate: t.complaint_rate },
		{ label: __( 'Opened', 'relaypress' ), count: t.opened, rate: t.open_rate },
		{ label: __( 'Clicked', 'relaypress' ), count: t.clicked, rate: t.click_rate },
		{ label: __( 'Unsubscribed', 'relaypress' ), count: t.unsubscribed, rate: t.unsubscribe_rate },
	];
	const { labels, volume, rates } = useMemo( () => {
		const dayLabel = new Intl.DateTimeFormat( bcp47( locale ), { month: 'short', day: 'numeric', timeZone: 'UTC' } );
		const rows = analytics.data;
		return {
			labels: rows.map( ( r ) => ( r.bucket ? dayLabel.format( new Date( r.bucket ) ) : '' ) ),
			volume: [
				{ label: __( 'Delivered', 'relaypress' ), color: '#00a32a', values: rows.map( ( r ) => r.delivered ) },
				{ label: __( 'Bounced', 'relaypress' ), color: '#d63638', values: rows.map( ( r ) => r.hard_bounced + r.soft_bounced ) },
				{ label: __( 'Complaints', 'relaypress' ), color: '#dba617', values: rows.map( ( r ) => r.spam_complaint ) },
			] as Series[],
			rates: [
				{ label: __( 'Open rate', 'relaypress' ), color: '#2271b1', values: rows.map( ( r ) => r.open_rate ?? 0 ) },
				{ label: __( 'Click rate', 'relaypress' ), color: '#8c5ed9', values: rows.map( ( r ) => r.click_rate ?? 0 ) },
				{ label: __( 'Unsubscribe rate', 'relaypress' ), color: '#50575e', values: rows.map( ( r ) => r.unsubscribe_rate ?? 0 ) },
			] as Series[],
		};
	}, [ analytics, locale ] );

	const nothing = tiles.every( ( tile ) => tile.count === 0 ) && t.queued === 0;
	return (
		<>
			<ul className="relaypress-tiles">
				{ tiles.map( ( tile ) => (
					<li key={ tile.label } className="relaypress-tile">
						<span className="relaypress-tile__label">{ tile.label }</span>
						<span className="relaypress-tile__count">{ tile.count }</span>
						<span className="relaypress-tile__rate">{ formatRate( tile.rate ) }</span>
					</li>
				) ) }
			</ul>
			{ nothing ? (
				<Empty>{ __( 'No mail went through the relay in this period yet.', 'relaypress' ) }</Empty>
			) : (
				<div className="relaypress-charts">
					<LineChart title={ __( 'Delivered, bounced and complaints per day', 'relaypress' ) } labels={ labels } series={ volume } />
					<LineChart title={ __( 'Open, click and unsubscribe rates per day', 'relaypress' ) } labels={ labels } series={ rates } percent />
				</div>
			) }
		</>
	);
}
