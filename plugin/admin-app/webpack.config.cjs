/**
 * Builds plugin/relaypress/build/admin-app.{js,css,asset.php} from src/index.tsx.
 *
 * React, ReactDOM and @wordpress/components are bundled, not taken from core: WordPress 6.1
 * ships React 17 and components far older than the ones used here, and has no
 * `react-jsx-runtime` handle (a script depending on it is silently not loaded there). The one
 * core handle used is `wp-i18n` (there since WordPress 5.0): wp_set_script_translations()
 * loads the JSON translations into it, so the app's __() must be core's.
 */
const path = require( 'path' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );

/** Module → [ global, script handle ] for what the page takes from core. */
const FROM_CORE = {
	'@wordpress/i18n': [ [ 'wp', 'i18n' ], 'wp-i18n' ],
};

module.exports = {
	...defaultConfig,
	entry: { 'admin-app': path.resolve( __dirname, 'src/index.tsx' ) },
	output: {
		...defaultConfig.output,
		path: path.resolve( __dirname, '../relaypress/build' ),
	},
	plugins: [
		...defaultConfig.plugins.filter(
			( plugin ) => ! ( plugin instanceof DependencyExtractionWebpackPlugin )
		),
		new DependencyExtractionWebpackPlugin( {
			useDefaults: false,
			requestToExternal: ( request ) => FROM_CORE[ request ]?.[ 0 ],
			requestToHandle: ( request ) => FROM_CORE[ request ]?.[ 1 ],
		} ),
	],
	// One admin-app.css: the default config splits files named style.* into style-<entry>.css.
	optimization: { ...defaultConfig.optimization, splitChunks: false },
	performance: { hints: false },
};
