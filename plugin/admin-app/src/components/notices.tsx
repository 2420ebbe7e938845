/**
 * Success and failure notices of actions (saving, resending, verifying…). Notice speaks its
 * text to screen readers (@wordpress/a11y) when it appears.
 */
import { Notice } from '@wordpress/components';

import { useNotify, useStore } from '../store';

export function Notices() {
	const { state } = useStore();
	const notify = useNotify();
	if ( state.notices.length === 0 ) {
		return null;
	}
	return (
		<div className="relaypress-notices">
			{ state.notices.map( ( notice ) => (
				<Notice key={ notice.id } status={ notice.status } onRemove={ () => notify.remove( notice.id ) } politeness={ notice.status === 'error' ? 'assertive' : 'polite' }>
					{ notice.message }
				</Notice>
			) ) }
		</div>
	);
}
