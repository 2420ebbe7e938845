/**
 * What the PHP page hands the app (`window.relaypressAdmin`, see Admin_Page::config()).
 */
export interface AdminConfig {
	/** `…/wp-json/relaypress/v1/` or `…/?rest_route=/relaypress/v1/`. */
	restRoot: string;
	nonce: string;
	version: string;
	adminEmail: string;
	locale: string;
}

declare global {
	interface Window {
		relaypressAdmin?: Partial< AdminConfig >;
	}
}

export function readConfig( source: Partial< AdminConfig > | undefined = window.relaypressAdmin ): AdminConfig {
	return {
		restRoot: source?.restRoot ?? '/wp-json/relaypress/v1/',
		nonce: source?.nonce ?? '',
		version: source?.version ?? '',
		adminEmail: source?.adminEmail ?? '',
		locale: source?.locale ?? 'en_US',
	};
}
