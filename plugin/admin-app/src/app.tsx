/**
 * The app's frame: tabs, notices, the current screen.
 */
import { __ } from '@wordpress/i18n';
import { useEffect } from 'react';

import { Nav } from './components/nav';
import { Notices } from './components/notices';
import { Activity } from './screens/activity';
import { Domains } from './screens/domains';
import { Overview } from './screens/overview';
import { Settings } from './screens/settings';
import { SetupWizard } from './screens/setup-wizard';
import { Suppressions } from './screens/suppressions';
import { navigate, parseRoute, useSettings, useStore } from './store';

export function App() {
	const { state } = useStore();
	const { settings } = useSettings();

	// First visit without a route: the wizard until a relay is connected, then the overview.
	useEffect( () => {
		if ( settings.status === 'ready' && ! parseRoute( window.location.hash ) ) {
			navigate( settings.value.token_set && settings.value.relay_url ? 'overview' : 'setup' );
		}
	}, [ settings ] );

	return (
		<div className="relaypress-app">
			<h1 className="relaypress-title">{ __( 'RelayPress', 'relaypress' ) }</h1>
			<Nav />
			<Notices />
			<main className="relaypress-main">
				{ state.route.screen === 'setup' && <SetupWizard /> }
				{ state.route.screen === 'overview' && <Overview /> }
				{ state.route.screen === 'activity' && <Activity /> }
				{ state.route.screen === 'domains' && <Domains /> }
				{ state.route.screen === 'suppressions' && <Suppressions /> }
				{ state.route.screen === 'settings' && <Settings /> }
			</main>
		</div>
	);
}
