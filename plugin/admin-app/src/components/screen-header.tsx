/**
 * A screen's heading. It takes focus when the screen opens, so keyboard and screen-reader
 * users land on the new content after navigating (no page load announces it for them).
 */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/** The first screen after page load keeps the browser's own focus (no jump on load). */
let pageJustLoaded = true;

export function ScreenHeader( { title, children }: { title: string; children?: ReactNode } ) {
	const heading = useRef< HTMLHeadingElement >( null );
	useEffect( () => {
		if ( pageJustLoaded ) {
			pageJustLoaded = false;
			return;
		}
		heading.current?.focus();
	}, [ title ] );
	return (
		<div className="relaypress-screen-header">
			<h2 ref={ heading } tabIndex={ -1 }>
				{ title }
			</h2>
			{ children && <div className="relaypress-screen-header__actions">{ children }</div> }
		</div>
	);
}
