/**
 * What each connection-test code means for the admin, and what to do about it.
 */
import { __ } from '@wordpress/i18n';

import type { ConnectionCode } from '../api/types';

export function connectionAdvice( code: ConnectionCode | string ): string {
	switch ( code ) {
		case 'ok':
			return __( 'Connected: the relay is reachable and accepts the API token.', 'relaypress' );
		case 'not_configured':
			return __( 'Enter the relay URL and the API token first.', 'relaypress' );
		case 'unreachable':
			return __( 'The relay is unreachable: WordPress could not open a connection to this URL. Check the address and port, that the relay is running, and that a firewall lets this server reach it.', 'relaypress' );
		case 'tls_error':
			return __( 'The secure (TLS) connection failed: the relay’s certificate is not trusted by this server, has expired, or does not match the host name in the URL.', 'relaypress' );
		case 'unauthorized':
			return __( 'Wrong token: the relay refused the API token. Copy the token from the relay again and paste it in full.', 'relaypress' );
		case 'unexpected_response':
			return __( 'Something answered at this URL, but not as a RelayPress relay does. Check that the URL points at the relay itself (not a proxy error page or another site).', 'relaypress' );
		default:
			return __( 'The connection test failed.', 'relaypress' );
	}
}
