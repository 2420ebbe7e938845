/**
 * The app's table. Every table in the app is a wp-admin `widefat striped` table in a wrapper
 * that scrolls sideways on narrow screens, named by a caption for screen readers. The rows are
 * the caller's: their cells keep their `data-label` attributes, which the narrow-screen CSS
 * shows in place of the hidden header.
 */
import type { ReactNode } from 'react';

/** A header; hidden, its text is for screen readers only (a column of buttons). */
interface Column {
	label: string;
	hidden?: boolean;
}

export type DataTableColumn = string | Column;

interface Props {
	/** Names the table for screen readers. */
	caption: string;
	columns: DataTableColumn[];
	/** An extra class on the table. */
	className?: string;
	/** aria-busy on the wrapper while the rows reload; left out when not given. */
	busy?: boolean;
	/** The rows. */
	children: ReactNode;
}

export function DataTable( { caption, columns, className, busy, children }: Props ) {
	return (
		<div className="relaypress-table-scroll" aria-busy={ busy }>
			<table className={ className ? `widefat striped ${ className }` : 'widefat striped' }>
				<caption className="screen-reader-text">{ caption }</caption>
				<thead>
					<tr>
						{ columns.map( ( column, i ) => {
							const { label, hidden }: Column = typeof column === 'string' ? { label: column } : column;
							return (
								<th scope="col" key={ i }>
									{ hidden ? <span className="screen-reader-text">{ label }</span> : label }
								</th>
							);
						} ) }
					</tr>
				</thead>
				<tbody>{ children }</tbody>
			</table>
		</div>
	);
}
