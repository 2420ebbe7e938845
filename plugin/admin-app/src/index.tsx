/**
 * Entry: mounts the app into #relaypress-admin-app with the bundled React 18 (core's React
 * is never used, see webpack.config.cjs).
 */
import '@wordpress/components/build-style/style.css';
import { createRoot } from 'react-dom/client';

import { createClient } from './api/client';
import { createApi } from './api/routes';
import { App } from './app';
import { readConfig } from './config';
import { StoreProvider } from './store';
import './style.scss';

export const ROOT_ID = 'relaypress-admin-app';

function mount(): void {
	const element = document.getElementById( ROOT_ID );
	if ( ! element ) {
		return;
	}
	const config = readConfig();
	const api = createApi( createClient( config.restRoot, config.nonce ) );
	createRoot( element ).render(
		<StoreProvider api={ api } adminEmail={ config.adminEmail } locale={ config.locale }>
			<App />
		</StoreProvider>
	);
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', mount );
} else {
	mount();
}
