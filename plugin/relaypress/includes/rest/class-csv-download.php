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
 *
 * The REST server sends its no-cache headers after that filter, which, once a body larger
 * than the output buffer has gone out, would only raise "headers already sent" (printed into
 * the file under WP_DEBUG_DISPLAY) and would replace `no-store` with `no-cache`: serve()
 * sends them itself, with `no-store`, before the body, and tells the server not to.
 */
final class Csv_Download {

	public const CONTENT_TYPE = 'text/csv; charset=utf-8';

	public const CACHE_CONTROL = 'no-store, no-cache, must-revalidate, max-age=0, private';

	/**
	 * A download of $csv named $filename, never stored by a cache (it is account data).
	 */
	public static function response( string $csv, string $filename ): \WP_REST_Response {
		$response = new \WP_REST_Response( $csv );
		$response->header( 'Content-Type', self::CONTENT_TYPE );
		$response->header( 'Content-Disposition', 'attachment; filename="' . sanitize_file_name( $filename ) . '"' );
		$response->header( 'Cache-Control', self::CACHE_CONTROL );
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
		if ( ! headers_sent() ) {
			foreach ( array_merge( wp_get_nocache_headers(), array( 'Cache-Control' => self::CACHE_CONTROL ) ) as $name => $value ) {
				if ( empty( $value ) ) {
					header_remove( $name );
				} else {
					header( "{$name}: {$value}" );
				}
			}
		}
		add_filter( 'rest_send_nocache_headers', '__return_false', PHP_INT_MAX );
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- text/csv download; cells are CSV-quoted and formula-guarded (Csv here, csvRecord on the relay).
		return true;
	}
}
