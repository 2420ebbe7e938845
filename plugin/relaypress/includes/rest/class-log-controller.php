<?php
/**
 * `/relaypress/v1/log`: list, one entry, resend, delete.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Delivery_Status;
use RelayPress\Log\Log_Repository;

/**
 * Entries come out typed, free text HTML-escaped (see Output). The list sends X-WP-Total
 * and X-WP-TotalPages as core's collections do. One entry comes with its timeline: the
 * events the relay reported by webhook, oldest first.
 */
class Log_Controller extends Controller {

	public function register_routes(): void {
		$this->register_route(
			'/log',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'index' ),
					'args'     => self::filter_args() + self::paging_args(),
				),
			)
		);
		$this->register_route(
			'/log/(?P<id>\d+)',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'show' ),
					'args'     => array( 'id' => self::id_arg() ),
				),
				array(
					'methods'  => \WP_REST_Server::DELETABLE,
					'callback' => array( $this, 'delete' ),
					'args'     => array( 'id' => self::id_arg() ),
				),
			)
		);
		$this->register_route(
			'/log/resend',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'resend' ),
					'args'     => array( 'ids' => self::ids_arg() ),
				),
			)
		);
		$this->register_route(
			'/log/delete',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'delete_many' ),
					'args'     => array( 'ids' => self::ids_arg() ),
				),
			)
		);
	}

	public function index( \WP_REST_Request $request ): \WP_REST_Response {
		$per_page = (int) $request->get_param( 'per_page' );
		$found    = $this->plugin->log_repository->search( self::filters( $request ) + array( 'page' => (int) $request->get_param( 'page' ), 'per_page' => $per_page ) );
		$response = new \WP_REST_Response( array_map( array( self::class, 'entry' ), $found['items'] ) );
		$response->header( 'X-WP-Total', (string) $found['total'] );
		$response->header( 'X-WP-TotalPages', (string) (int) ceil( $found['total'] / max( 1, $per_page ) ) );
		return $response;
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function show( \WP_REST_Request $request ) {
		$entry = $this->plugin->log_repository->find( (int) $request['id'] );
		if ( null === $entry ) {
			return self::not_found();
		}
		$row  = $this->plugin->outbox_repository->find_by_log( (int) $entry['id'] );
		$data = self::entry( $entry ) + array(
			'outbox_status'   => null === $row ? null : (string) $row['status'],
			'next_attempt_at' => null !== $row && 'pending' === $row['status'] ? Output::utc_date( $row['next_attempt_at'] ) : null,
			'body'            => null === $entry['body'] ? null : array(
				'raw'       => Output::text( $entry['body']['raw'] ),
				'size'      => strlen( (string) $entry['body']['raw'] ),
				'mail_from' => Output::text( $entry['body']['envelope']['mail_from'] ?? '' ),
				'rcpt_to'   => array_map( array( Output::class, 'text' ), array_values( (array) ( $entry['body']['envelope']['rcpt_to'] ?? array() ) ) ),
			),
			'events'          => array_map( array( self::class, 'event' ), $this->plugin->event_repository->for_log( (int) $entry['id'], $entry['relay_message_id'] ) ),
		);
		return new \WP_REST_Response( $data );
	}

	/**
	 * Each id resent as a new entry; one result per id, in order.
	 */
	public function resend( \WP_REST_Request $request ): \WP_REST_Response {
		$results = array();
		foreach ( (array) $request->get_param( 'ids' ) as $id ) {
			$outcome = $this->plugin->outbox->resend( (int) $id );
			if ( is_wp_error( $outcome ) ) {
				$results[] = array(
					'id'         => (int) $id,
					'ok'         => false,
					'new_log_id' => null,
					'status'     => null,
					'error'      => $outcome->get_error_code(),
					'message'    => Output::text( $outcome->get_error_message() ),
				);
				continue;
			}
			$new_id    = $this->plugin->outbox->last_log_id;
			$entry     = null === $new_id ? null : $this->plugin->log_repository->find( $new_id );
			$results[] = array(
				'id'         => (int) $id,
				'ok'         => ! $outcome->permanent(),
				'new_log_id' => $new_id,
				'status'     => null === $entry ? null : (string) $entry['status'],
				'error'      => $outcome->permanent() ? ( '' === $outcome->code ? 'relaypress_rejected' : $outcome->code ) : null,
				'message'    => $outcome->permanent() ? Output::text( $outcome->describe() ) : null,
			);
		}
		return new \WP_REST_Response( array( 'results' => $results ) );
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete( \WP_REST_Request $request ) {
		if ( ! $this->plugin->log_repository->delete( (int) $request['id'] ) ) {
			return self::not_found();
		}
		return new \WP_REST_Response(
			array(
				'deleted' => true,
				'id'      => (int) $request['id'],
			)
		);
	}

	public function delete_many( \WP_REST_Request $request ): \WP_REST_Response {
		$deleted = array();
		foreach ( (array) $request->get_param( 'ids' ) as $id ) {
			if ( $this->plugin->log_repository->delete( (int) $id ) ) {
				$deleted[] = (int) $id;
			}
		}
		return new \WP_REST_Response( array( 'deleted' => $deleted ) );
	}

	/**
	 * One log row, typed.
	 *
	 * @param array<string, mixed> $row Log row.
	 * @return array<string, mixed>
	 */
	public static function entry( array $row ): array {
		return array(
			'id'                => (int) $row['id'],
			'created_at'        => Output::utc_date( $row['created_at'] ),
			'updated_at'        => Output::utc_date( $row['updated_at'] ),
			'status'            => sanitize_key( (string) $row['status'] ),
			'sent_via'          => sanitize_key( (string) ( $row['sent_via'] ?? '' ) ),
			'source'            => Output::text( $row['source'] ),
			'from'              => Output::text( $row['mail_from'] ),
			'to'                => Output::addresses( $row['to_addresses'] ),
			'cc'                => Output::addresses( $row['cc_addresses'] ),
			'bcc'               => Output::addresses( $row['bcc_addresses'] ),
			'subject'           => Output::text( $row['subject'] ),
			'message_id_header' => Output::text( $row['message_id_header'] ),
			'relay_message_id'  => Output::nullable_text( $row['relay_message_id'] ),
			'has_attachments'   => (bool) (int) $row['has_attachments'],
			'attempts'          => (int) $row['attempts'],
			'last_error'        => Output::nullable_text( $row['last_error'] ),
			'resent_from'       => null === $row['resent_from'] ? null : (int) $row['resent_from'],
		);
	}

	/**
	 * One webhook event of an entry's timeline.
	 *
	 * @param array<string, mixed> $event Event_Repository::for_log() item.
	 * @return array{id: string, type: string, recipient: string|null, occurred_at: string, description: string}
	 */
	public static function event( array $event ): array {
		return array(
			'id'          => Output::text( $event['event_id'] ),
			'type'        => sanitize_key( (string) $event['type'] ),
			'recipient'   => Output::nullable_text( $event['recipient'] ),
			'occurred_at' => str_replace( ' ', 'T', substr( (string) $event['occurred_at'], 0, 23 ) ) . 'Z',
			'description' => Output::text( Delivery_Status::describe( (string) $event['type'], (array) $event['data'] ) ),
		);
	}

	/**
	 * Search and filter arguments, shared with the CSV export.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	public static function filter_args(): array {
		$date = static fn( string $description ): array => self::arg(
			array( 'type' => 'string', 'format' => 'date-time', 'description' => $description ),
			null,
			static fn( $value ) => gmdate( 'Y-m-d H:i:s', (int) rest_parse_date( (string) $value ) )
		);
		return array(
			'q'      => self::arg( array( 'type' => 'string', 'maxLength' => 200, 'description' => __( 'Recipient, sender or subject contains.', 'relaypress' ) ), null, 'sanitize_text_field' ),
			'status' => self::arg( array( 'type' => 'string', 'enum' => Log_Repository::STATUSES, 'description' => __( 'Only entries with this status.', 'relaypress' ) ) ),
			'source' => self::arg( array( 'type' => 'string', 'maxLength' => 100, 'description' => __( 'Only entries sent by this plugin or theme.', 'relaypress' ) ), null, 'sanitize_text_field' ),
			'after'  => $date( __( 'Created at or after (RFC 3339).', 'relaypress' ) ),
			'before' => $date( __( 'Created before (RFC 3339).', 'relaypress' ) ),
		);
	}

	/**
	 * @return array<string, mixed> Log_Repository::search() arguments.
	 */
	public static function filters( \WP_REST_Request $request ): array {
		return array(
			'search' => (string) $request->get_param( 'q' ),
			'status' => (string) $request->get_param( 'status' ),
			'source' => (string) $request->get_param( 'source' ),
			'after'  => (string) $request->get_param( 'after' ),
			'before' => (string) $request->get_param( 'before' ),
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	private static function paging_args(): array {
		return array(
			'page'     => self::arg( array( 'type' => 'integer', 'minimum' => 1, 'default' => 1, 'description' => __( 'Page, from 1.', 'relaypress' ) ) ),
			'per_page' => self::arg( array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 100, 'default' => 20, 'description' => __( 'Entries per page.', 'relaypress' ) ) ),
		);
	}

	private static function not_found(): \WP_Error {
		return new \WP_Error( 'relaypress_not_found', __( 'No such log entry.', 'relaypress' ), array( 'status' => 404 ) );
	}
}
