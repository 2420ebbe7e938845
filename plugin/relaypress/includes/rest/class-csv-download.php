<?php
/**
 * CSV downloads from REST routes: the text as is, not JSON-encoded.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * A route answers response(); serve() (on `rest_pre_serve_request`) then writes its body
 * itself, instead of the JSON encoding the REST server would apply. Only 200 answers of this
 * namespace that say `text/csv` are served this way; errors stay JSON.
 */
final class Csv_Download {

	public const CONTENT_TYPE = 'text/csv; charset=utf-8';

	/**
	 * A download of $csv named $filename, never stored by a cache (it is account data).
	 */
	public static function response( string $csv, string $filename ): \WP_REST_Response {
		$response = new \WP_REST_Response( $csv );
		$response->header( 'Content-Type', self::CONTENT_TYPE );
		$response->header( 'Content-Disposition', 'attachment; filename="' . sanitize_file_name( $filename ) . '"' );
		$response->header( 'Cache-Control', 'no-store, private' );
		$response->header( 'X-Content-Type-Options', 'nosniff' );
		return $response;
	}

	/**
	 * `rest_pre_serve_request`: writes a CSV download's body itself.
	 *
	 * @param bool              $served  Already served.
	 * @param \WP_HTTP_Response $result  Response.
	 * @param \WP_REST_Request  $request Request.
	 */
	public static function serve( $served, $result, $request ): bool {
		if ( $served || ! $request instanceof \WP_REST_Request || 0 !== strpos( $request->get_route(), '/' . Rest::NAMESPACE . '/' ) || ! $result instanceof \WP_HTTP_Response || 200 !== $result->get_status() || ! is_string( $result->get_data() ) || self::CONTENT_TYPE !== ( $result->get_headers()['Content-Type'] ?? null ) ) {
			return (bool) $served;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- text/csv download; cells are CSV-quoted and formula-guarded (Csv here, csvRecord on the relay).
		return true;
	}
}
