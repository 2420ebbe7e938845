/**
 * Relay and mail text arrives HTML-escaped (the plugin's Output::text(), as core's
 * `title.rendered`); it is decoded here into a plain string and rendered as a React text
 * node, never as markup. Decoding is done by hand, not through innerHTML, so no parser ever
 * sees the attacker's text.
 */
const NAMED: Record< string, string > = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities( text: string | null | undefined ): string {
	if ( ! text ) {
		return '';
	}
	return text.replace( /&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, ( whole, entity: string ) => {
		if ( entity[ 0 ] === '#' ) {
			const code = entity[ 1 ] === 'x' || entity[ 1 ] === 'X' ? parseInt( entity.slice( 2 ), 16 ) : parseInt( entity.slice( 1 ), 10 );
			return Number.isFinite( code ) && code > 0 && code <= 0x10ffff ? String.fromCodePoint( code ) : whole;
		}
		return NAMED[ entity.toLowerCase() ] ?? whole;
	} );
}

export function formatDate( iso: string | null | undefined, locale?: string ): string {
	if ( ! iso ) {
		return '—';
	}
	const date = new Date( iso );
	return Number.isNaN( date.getTime() ) ? iso : date.toLocaleString( bcp47( locale ), { dateStyle: 'medium', timeStyle: 'short' } );
}

/** A WordPress locale (`de_DE_formal`) as a BCP 47 tag, or undefined (the browser's). */
export function bcp47( locale: string | undefined ): string | undefined {
	if ( ! locale ) {
		return undefined;
	}
	try {
		return Intl.getCanonicalLocales( locale.replace( /_/g, '-' ) )[ 0 ];
	} catch {
		return undefined;
	}
}

/** A 0–1 ratio as a percentage, `—` when there was nothing to divide by. */
export function formatRate( rate: number | null | undefined ): string {
	return typeof rate === 'number' ? `${ ( rate * 100 ).toFixed( rate < 0.1 ? 2 : 1 ) }%` : '—';
}
