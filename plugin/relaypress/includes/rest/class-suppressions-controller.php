<?php
/**
 * `/relaypress/v1/suppressions…`: the relay account's suppression list, with CSV export
 * and import, fetched and changed server-side.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * A thin proxy, as Domains_Controller. The CSV routes carry text, not JSON: export answers
 * the relay's file as a download (Csv_Download); import takes the file as the request body
 * (`Content-Type: text/csv`), at most MAX_IMPORT_BYTES, and forwards it as is, so the
 * relay's 400 names the line of the file the admin chose.
 */
class Suppressions_Controller extends Controller {

	/** 5 MB: about 100,000 addresses with notes; the relay itself takes up to 10 MB. */
	public const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

	/** Request types an import may come as (a browser's File of a .csv is often text/plain). */
	private const IMPORT_TYPES = array( 'text/csv', 'text/plain' );

	public function register_routes(): void {
		$this->register_route(
			'/suppressions',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'index' ),
					'args'     => self::list_args(),
				),
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'create' ),
					'args'     => self::create_args(),
				),
			)
		);
		// Before `/suppressions/:id`: `export` and `import` are not ids.
		$this->register_route(
			'/suppressions/export',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'export' ),
				),
			)
		);
		$this->register_route(
			'/suppressions/import',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'import' ),
				),
			)
		);
		$this->register_route(
			'/suppressions/(?P<id>[A-Za-z0-9_-]+)',
			array(
				array(
					'methods'  => \WP_REST_Server::DELETABLE,
					'callback' => array( $this, 'delete' ),
					'args'     => array(
						'id' => self::arg( array( 'type' => 'string', 'pattern' => Suppression_View::ID, 'required' => true, 'description' => __( 'Relay suppression id (sup_…).', 'relaypress' ) ) ),
					),
				),
			)
		);
	}

	/**
	 * Newest first; `next_cursor` is null on the last page.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function index( \WP_REST_Request $request ) {
		$query = array();
		foreach ( array_keys( self::list_args() ) as $name ) {
			$value = $request->get_param( $name );
			if ( null !== $value && '' !== $value ) {
				$query[ $name ] = (string) $value;
			}
		}
		$answer = $this->relay_call( 'GET', '/v1/suppressions', $query );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response(
			array(
				'data'        => array_map( array( Suppression_View::class, 'suppression' ), Relay_View::list_of( $answer['json']['data'] ?? array() ) ),
				'next_cursor' => Domain_View::matching( Suppression_View::ID, $answer['json']['next_cursor'] ?? null ),
			)
		);
	}

	/**
	 * 201 for a new entry, 200 when the address or pattern was already suppressed.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create( \WP_REST_Request $request ) {
		$body = array( 'email' => (string) $request['email'] );
		foreach ( array( 'reason', 'note' ) as $name ) {
			if ( null !== $request->get_param( $name ) ) {
				$body[ $name ] = (string) $request->get_param( $name );
			}
		}
		$answer = $this->relay_call( 'POST', '/v1/suppressions', array(), (string) wp_json_encode( $body ) );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response( Suppression_View::suppression( $answer['json'] ), 201 === $answer['status'] ? 201 : 200 );
	}

	/**
	 * 204; an id the account does not have is the relay's 404.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete( \WP_REST_Request $request ) {
		$answer = $this->relay_call( 'DELETE', '/v1/suppressions/' . rawurlencode( (string) $request['id'] ) );
		return is_wp_error( $answer ) ? $answer : new \WP_REST_Response( null, 204 );
	}

	/**
	 * The relay's CSV (email, reason, note, created_at; formula cells already guarded) as a
	 * download.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function export() {
		if ( ! $this->plugin->settings->is_configured() ) {
			return self::relay_error( self::not_configured() );
		}
		$file = $this->plugin->relay_client->download( '/v1/suppressions/export.csv' );
		if ( is_wp_error( $file ) ) {
			return self::relay_error( $file );
		}
		if ( 0 !== stripos( trim( $file['content_type'] ), 'text/csv' ) ) {
			return new \WP_Error( 'relaypress_relay_unexpected_response', __( 'The relay did not answer with a CSV file.', 'relaypress' ), array( 'status' => 502, 'relay_status' => 200, 'relay_code' => 'unexpected_response', 'field' => null ) );
		}
		return Csv_Download::response( $file['body'], 'relaypress-suppressions-' . gmdate( 'Y-m-d' ) . '.csv' );
	}

	/**
	 * The request body is the CSV: email (or `*@domain`), reason?, note?; a header row
	 * starting with `email` is skipped by the relay. One bad line refuses the whole file (the
	 * relay's 400 names it). A UTF-8 byte order mark (spreadsheets write one) is dropped.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function import( \WP_REST_Request $request ) {
		$type = strtolower( trim( explode( ';', (string) $request->get_header( 'content_type' ) )[0] ) );
		if ( ! in_array( $type, self::IMPORT_TYPES, true ) ) {
			return new \WP_Error( 'relaypress_csv_content_type', __( 'Send the CSV file as the request body with Content-Type: text/csv.', 'relaypress' ), array( 'status' => 415, 'field' => 'body' ) );
		}
		$csv = (string) $request->get_body();
		if ( strlen( $csv ) > self::MAX_IMPORT_BYTES ) {
			/* translators: %d: megabytes */
			return new \WP_Error( 'relaypress_csv_too_large', sprintf( __( 'The CSV file is larger than %d MB; split it into smaller files.', 'relaypress' ), self::MAX_IMPORT_BYTES / 1024 / 1024 ), array( 'status' => 413, 'field' => 'body' ) );
		}
		$csv = 0 === strncmp( $csv, "\xEF\xBB\xBF", 3 ) ? substr( $csv, 3 ) : $csv;
		if ( '' === trim( $csv ) ) {
			return new \WP_Error( 'relaypress_csv_empty', __( 'The CSV file is empty.', 'relaypress' ), array( 'status' => 400, 'field' => 'body' ) );
		}
		if ( '' === wp_check_invalid_utf8( $csv ) ) {
			return new \WP_Error( 'relaypress_csv_encoding', __( 'The CSV file is not UTF-8 text; save it as CSV UTF-8.', 'relaypress' ), array( 'status' => 400, 'field' => 'body' ) );
		}
		$answer = $this->relay_call( 'POST', '/v1/suppressions/import', array(), $csv, 'text/csv; charset=utf-8' );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response(
			array(
				'imported' => max( 0, (int) ( $answer['json']['imported'] ?? 0 ) ),
				'skipped'  => max( 0, (int) ( $answer['json']['skipped'] ?? 0 ) ),
			)
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function list_args(): array {
		return array(
			'search' => self::arg(
				array( 'type' => 'string', 'maxLength' => 200, 'description' => __( 'Only entries whose address or pattern contains this.', 'relaypress' ) ),
				array( self::class, 'check_single_line' ),
				'trim'
			),
			'limit'  => self::arg( array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 500, 'default' => 50, 'description' => __( 'Entries per page.', 'relaypress' ) ) ),
			'cursor' => self::arg( array( 'type' => 'string', 'pattern' => Suppression_View::ID, 'description' => __( 'next_cursor of the previous page.', 'relaypress' ) ) ),
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function create_args(): array {
		return array(
			'email'  => self::arg(
				array( 'type' => 'string', 'minLength' => 3, 'maxLength' => 320, 'required' => true, 'description' => __( 'An address, or *@domain for the whole domain.', 'relaypress' ) ),
				static fn( $value ) => preg_match( '/^[^\s\x00-\x1f\x7f@]+@[^\s\x00-\x1f\x7f@]+$/u', trim( (string) $value ) ) ? true : __( 'must be an email address or *@domain', 'relaypress' ),
				'trim'
			),
			'reason' => self::arg( array( 'type' => 'string', 'enum' => Suppression_View::REASONS, 'description' => __( 'Why (default: manual).', 'relaypress' ) ) ),
			'note'   => self::arg(
				array( 'type' => 'string', 'maxLength' => 500, 'description' => __( 'A note for other admins.', 'relaypress' ) ),
				static fn( $value ) => preg_match( '/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/', (string) $value ) ? __( 'must not contain control characters', 'relaypress' ) : true,
				'trim'
			),
		);
	}

	/**
	 * Text on one line, without control characters.
	 *
	 * @param mixed $value Value.
	 * @return true|string
	 */
	public static function check_single_line( $value ) {
		return preg_match( '/[\x00-\x1f\x7f]/', (string) $value ) ? __( 'must be text on one line', 'relaypress' ) : true;
	}
}
