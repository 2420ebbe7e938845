import { decodeEntities, formatRate } from '../text';

describe( 'decodeEntities', () => {
	it( 'undoes esc_html() (named, decimal and hex entities)', () => {
		expect( decodeEntities( '&lt;b&gt;Tom &amp; Jerry&#039;s &quot;x&quot; &#x263A;' ) ).toBe( '<b>Tom & Jerry\'s "x" ☺' );
	} );

	it( 'leaves unknown entities and bare ampersands alone', () => {
		expect( decodeEntities( 'a & b &bogus; &#0;' ) ).toBe( 'a & b &bogus; &#0;' );
	} );

	it( 'decodes once only (an escaped entity stays an entity)', () => {
		expect( decodeEntities( '&amp;lt;' ) ).toBe( '&lt;' );
	} );

	it( 'gives an empty string for null', () => {
		expect( decodeEntities( null ) ).toBe( '' );
	} );
} );

describe( 'formatRate', () => {
	it( 'shows ratios as percentages and no ratio as a dash', () => {
		expect( formatRate( 0.5 ) ).toBe( '50.0%' );
		expect( formatRate( 0.0123 ) ).toBe( '1.23%' );
		expect( formatRate( null ) ).toBe( '—' );
	} );
} );
