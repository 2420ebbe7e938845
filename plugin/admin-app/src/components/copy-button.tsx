import { Button } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useEffect, useState } from 'react';

/** Copies `text` (a DNS record value, …); says so for a moment, also to screen readers. */
export function CopyButton( { text, label }: { text: string; label: string } ) {
	const [ copied, setCopied ] = useState< 'yes' | 'failed' | null >( null );
	useEffect( () => {
		if ( ! copied ) {
			return undefined;
		}
		const timer = window.setTimeout( () => setCopied( null ), 2500 );
		return () => window.clearTimeout( timer );
	}, [ copied ] );
	const copy = async () => {
		try {
			await navigator.clipboard.writeText( text );
			setCopied( 'yes' );
		} catch {
			setCopied( 'failed' );
		}
	};
	return (
		<span className="relaypress-copy">
			<Button variant="secondary" size="small" onClick={ copy } label={ label } showTooltip={ false }>
				{ __( 'Copy', 'relaypress' ) }
			</Button>
			<span role="status" aria-live="polite" className="relaypress-copy__status">
				{ copied === 'yes' && __( 'Copied', 'relaypress' ) }
				{ copied === 'failed' && __( 'Copy failed: select the value and copy it by hand.', 'relaypress' ) }
			</span>
		</span>
	);
}
