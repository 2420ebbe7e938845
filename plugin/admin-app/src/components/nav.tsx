/**
 * The screens as tabs: plain links to hash routes, so they work with the keyboard, open in
 * a new tab and never reload the page.
 */
import { __ } from '@wordpress/i18n';

import { routeHash, useStore } from '../store';
import type { Screen } from '../store';

const TABS: Array< { screen: Screen; label: () => string } > = [
	{ screen: 'overview', label: () => __( 'Overview', 'relaypress' ) },
	{ screen: 'activity', label: () => __( 'Activity', 'relaypress' ) },
	{ screen: 'domains', label: () => __( 'Domains', 'relaypress' ) },
	{ screen: 'suppressions', label: () => __( 'Suppressions', 'relaypress' ) },
	{ screen: 'woocommerce', label: () => __( 'WooCommerce', 'relaypress' ) },
	{ screen: 'settings', label: () => __( 'Settings', 'relaypress' ) },
	{ screen: 'setup', label: () => __( 'Setup wizard', 'relaypress' ) },
];

export function Nav() {
	const { state } = useStore();
	return (
		<nav className="relaypress-nav" aria-label={ __( 'RelayPress screens', 'relaypress' ) }>
			<ul>
				{ TABS.map( ( tab ) => {
					const current = state.route.screen === tab.screen;
					return (
						<li key={ tab.screen }>
							<a href={ routeHash( { screen: tab.screen } ) } className={ current ? 'is-current' : undefined } aria-current={ current ? 'page' : undefined }>
								{ tab.label() }
							</a>
						</li>
					);
				} ) }
			</ul>
		</nav>
	);
}
