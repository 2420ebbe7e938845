/** Component and unit tests (jsdom), run by `npm test -w @relaypress/admin-app`. */
const path = require( 'path' );

module.exports = {
	preset: '@wordpress/jest-preset-default',
	rootDir: __dirname,
	roots: [ '<rootDir>/src' ],
	transform: {
		'\\.m?[jt]sx?$': require.resolve( '@wordpress/scripts/config/babel-transform' ),
	},
	// ESM-only dependencies of @wordpress/components go through Babel too.
	transformIgnorePatterns: [ '/node_modules/(?!(uuid|date-fns|@date-fns|@wordpress/theme|@wordpress/ui)/)' ],
	setupFilesAfterEnv: [
		require.resolve( '@wordpress/jest-console' ),
		path.join( __dirname, 'src/test-support/setup.ts' ),
	],
};
