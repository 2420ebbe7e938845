/** Component and unit tests (jsdom), run by `npm test -w @relaypress/admin-app`. */
const path = require( 'path' );

module.exports = {
	preset: '@wordpress/jest-preset-default',
	rootDir: __dirname,
	roots: [ '<rootDir>/src' ],
	transform: {
		'\\.[jt]sx?$': require.resolve( '@wordpress/scripts/config/babel-transform' ),
	},
	setupFilesAfterEnv: [
		require.resolve( '@wordpress/jest-preset-default/scripts/setup-test-framework.js' ),
		path.join( __dirname, 'src/test-support/setup.ts' ),
	],
};
