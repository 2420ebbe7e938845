import { Button } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useEffect, useState } from 'react';

/**
 * `navigator.clipboard` exists only in secure contexts, and many WordPress admins are served over
 * plain HTTP (local and staging sites): there the selection of a hidden textarea is copied
 * instead, which browsers still allow in a click.
 */
export async function copyText( text: string ): Promise< void > {
	if ( window.isSecureContext && navigator.clipboard ) {
		await navigator.clipboard.writeText( text );
		return;
	}
	const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
	const area = document.createElement( 'textarea' );
	area.value = text;
	area.setAttribute( 'readonly', '' );
	area.style.position = 'fixed';
	area.style.opacity = '0';
	document.body.appendChild( area );
	try {
		area.focus();
		area.select();
		if ( ! document.execCommand( 'copy' ) ) {
			throw new Error( 'copy refused' );
		}
	} finally {
		area.remove();
		focused?.focus(); // Keyboard users stay on the button.
	}
}

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
			await copyText( text );
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
