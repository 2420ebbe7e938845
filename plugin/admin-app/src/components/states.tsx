/**
 * Loading, error and empty states, the same on every screen.
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import type { ReactNode } from 'react';

export function Loading( { label }: { label?: string } ) {
	return (
		<div className="relaypress-state relaypress-state--loading" role="status" aria-live="polite">
			<Spinner />
			<span>{ label ?? __( 'Loading…', 'relaypress' ) }</span>
		</div>
	);
}

export function LoadError( { message, onRetry }: { message: string; onRetry?: () => void } ) {
	return (
		<div className="relaypress-state relaypress-state--error">
			<Notice status="error" isDismissible={ false }>
				<p>{ message }</p>
				{ onRetry && (
					<Button variant="secondary" onClick={ onRetry }>
						{ __( 'Try again', 'relaypress' ) }
					</Button>
				) }
			</Notice>
		</div>
	);
}

export function Empty( { children }: { children: ReactNode } ) {
	return <div className="relaypress-state relaypress-state--empty">{ children }</div>;
}
