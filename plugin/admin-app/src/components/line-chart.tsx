/**
 * A line chart over time (chart.js, bundled; only the parts used are registered). The canvas
 * is an image to assistive technology; the same figures are in a table below it.
 */
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { __ } from '@wordpress/i18n';
import { useEffect, useRef } from 'react';

import { DataTable } from './data-table';

Chart.register( LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler );

export interface Series {
	label: string;
	color: string;
	values: number[];
}

interface Props {
	title: string;
	labels: string[];
	series: Series[];
	/** Values are ratios 0–1, shown as percentages. */
	percent?: boolean;
}

export function LineChart( { title, labels, series, percent = false }: Props ) {
	const canvas = useRef< HTMLCanvasElement >( null );
	useEffect( () => {
		const context = canvas.current?.getContext( '2d' );
		if ( ! context ) {
			return undefined;
		}
		const chart = new Chart( context, {
			type: 'line',
			data: {
				labels,
				datasets: series.map( ( s ) => ( { label: s.label, data: s.values, borderColor: s.color, backgroundColor: s.color, tension: 0.25, pointRadius: 2 } ) ),
			},
			options: {
				responsive: true,
				maintainAspectRatio: false,
				animation: false,
				interaction: { mode: 'index', intersect: false },
				scales: {
					y: { beginAtZero: true, ticks: percent ? { callback: ( v ) => `${ Math.round( Number( v ) * 100 ) }%` } : { precision: 0 } },
				},
			},
		} );
		return () => chart.destroy();
	}, [ labels, series, percent ] );

	const show = ( v: number ) => ( percent ? `${ ( v * 100 ).toFixed( 1 ) }%` : String( v ) );
	return (
		<figure className="relaypress-chart">
			<figcaption>{ title }</figcaption>
			<div className="relaypress-chart__canvas">
				<canvas ref={ canvas } role="img" aria-label={ title } />
			</div>
			<details>
				<summary>{ __( 'Show the figures as a table', 'relaypress' ) }</summary>
				<DataTable caption={ title } columns={ [ __( 'Period', 'relaypress' ), ...series.map( ( s ) => s.label ) ] }>
					{ labels.map( ( label, i ) => (
						<tr key={ label + i }>
							<th scope="row">{ label }</th>
							{ series.map( ( s ) => (
								<td key={ s.label }>{ show( s.values[ i ] ?? 0 ) }</td>
							) ) }
						</tr>
					) ) }
				</DataTable>
			</details>
		</figure>
	);
}
