import { Button } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/** Previous / next with "Page x of y"; `total` null for cursor paging (no page count). */
export function Pager( { page, totalPages, onPage, hasNext }: { page: number; totalPages?: number | null; hasNext?: boolean; onPage: ( page: number ) => void } ) {
	const next = hasNext ?? ( totalPages !== undefined && totalPages !== null && page < totalPages );
	if ( page <= 1 && ! next ) {
		return null;
	}
	return (
		<nav className="relaypress-pager" aria-label={ __( 'Pages', 'relaypress' ) }>
			<Button variant="secondary" disabled={ page <= 1 } accessibleWhenDisabled onClick={ () => onPage( page - 1 ) }>
				{ __( 'Previous page', 'relaypress' ) }
			</Button>
			<span aria-live="polite">
				{ totalPages
					? /* translators: 1: page number, 2: number of pages */ sprintf( __( 'Page %1$d of %2$d', 'relaypress' ), page, totalPages )
					: /* translators: %d: page number */ sprintf( __( 'Page %d', 'relaypress' ), page ) }
			</span>
			<Button variant="secondary" disabled={ ! next } accessibleWhenDisabled onClick={ () => onPage( page + 1 ) }>
				{ __( 'Next page', 'relaypress' ) }
			</Button>
		</nav>
	);
}
