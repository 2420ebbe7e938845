/**
 * The app's frame: tabs, notices, the current screen.
 */
import { __ } from '@wordpress/i18n';
import { useEffect, useState } from 'react';

import { Nav } from './components/nav';
import { Notices } from './components/notices';
import { Loading } from './components/states';
import { Activity } from './screens/activity';
import { Domains } from './screens/domains';
import { Overview } from './screens/overview';
import { Settings } from './screens/settings';
import { SetupWizard } from './screens/setup-wizard';
import { Suppressions } from './screens/suppressions';
import { WooCommerce } from './screens/woocommerce';
import { navigate, parseRoute, useSettings, useStore } from './store';

export function App() {
	const { state, dispatch } = useStore();
	const { settings } = useSettings();

	// First visit without a route: the wizard until a relay is connected, then the overview
	// (also when the settings cannot be read: the overview says what is wrong). Until then no
	// screen is shown, so an unconnected site never flashes the overview or asks the relay.
	const [ routed, setRouted ] = useState( () => parseRoute( window.location.hash ) !== null );
	useEffect( () => {
		if ( routed || settings.status === 'idle' || settings.status === 'loading' ) {
			return;
		}
		const screen = settings.status === 'ready' && ! ( settings.value.token_set && settings.value.relay_url ) ? 'setup' : 'overview';
		navigate( screen );
		// At once, not on the hashchange event: the first screen rendered is the right one.
		dispatch( { type: 'route', route: { screen, id: null } } );
		setRouted( true );
	}, [ settings, routed, dispatch ] );

	return (
		<div className="relaypress-app">
			<h1 className="relaypress-title">{ __( 'RelayPress', 'relaypress' ) }</h1>
			<Nav />
			<Notices />
			<main className="relaypress-main">
				{ ! routed && <Loading /> }
				{ routed && state.route.screen === 'setup' && <SetupWizard /> }
				{ routed && state.route.screen === 'overview' && <Overview /> }
				{ routed && state.route.screen === 'activity' && <Activity /> }
				{ routed && state.route.screen === 'domains' && <Domains /> }
				{ routed && state.route.screen === 'suppressions' && <Suppressions /> }
				{ routed && state.route.screen === 'woocommerce' && <WooCommerce /> }
				{ routed && state.route.screen === 'settings' && <Settings /> }
			</main>
		</div>
	);
}
