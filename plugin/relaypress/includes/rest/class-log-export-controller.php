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
 * The callback returns the CSV text as a Csv_Download, which the REST server writes as is.
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
		return Csv_Download::response( Csv::document( $rows ), 'relaypress-log-' . gmdate( 'Y-m-d' ) . '.csv' );
	}
}
