<?php
/**
 * `GET /relaypress/v1/log/export`: the (filtered) log as a CSV download.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Support\Csv;

/**
 * The callback returns the CSV text with download headers; serve_csv() then writes it as
 * is, instead of the JSON encoding the REST server would apply.
 */
class Log_Export_Controller extends Controller {

	public const ROUTE = '/' . Rest::NAMESPACE . '/log/export';

	/** Rows read per query while building the file. */
	private const CHUNK = 100;

	private const COLUMNS = array( 'id', 'created_at', 'status', 'sent_via', 'source', 'mail_from', 'to_addresses', 'cc_addresses', 'bcc_addresses', 'subject', 'relay_message_id', 'attempts', 'last_error' );

	public function register_routes(): void {
		$this->register_route(
			'/log/export',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'export' ),
					'args'     => Log_Controller::filter_args(),
				),
			)
		);
	}

	public function export( \WP_REST_Request $request ): \WP_REST_Response {
		$rows    = array( self::COLUMNS );
		$filters = Log_Controller::filters( $request );
		for ( $page = 1; ; $page++ ) {
			$found = $this->plugin->log_repository->search( $filters + array( 'page' => $page, 'per_page' => self::CHUNK ) );
			foreach ( $found['items'] as $item ) {
				$rows[] = array_map( static fn( string $column ) => (string) ( $item[ $column ] ?? '' ), self::COLUMNS );
			}
			if ( count( $found['items'] ) < self::CHUNK ) {
				break;
			}
		}
		$response = new \WP_REST_Response( Csv::document( $rows ) );
		$response->header( 'Content-Type', 'text/csv; charset=utf-8' );
		$response->header( 'Content-Disposition', 'attachment; filename="relaypress-log-' . gmdate( 'Y-m-d' ) . '.csv"' );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * `rest_pre_serve_request`: writes the export's CSV body itself.
	 *
	 * @param bool              $served  Already served.
	 * @param \WP_HTTP_Response $result  Response.
	 * @param \WP_REST_Request  $request Request.
	 */
	public static function serve_csv( $served, $result, $request ): bool {
		if ( $served || ! $request instanceof \WP_REST_Request || self::ROUTE !== $request->get_route() || ! $result instanceof \WP_HTTP_Response || 200 !== $result->get_status() || ! is_string( $result->get_data() ) ) {
			return (bool) $served;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- text/csv download; cells are CSV-quoted and formula-guarded by Csv.
		return true;
	}
}
