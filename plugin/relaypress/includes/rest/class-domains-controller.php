<?php
/**
 * `/relaypress/v1/domains…`: the relay account's sending domains, their DNS records and
 * DKIM key rotation, fetched and changed server-side.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * A thin proxy: ids and selectors are checked against the relay's shapes before anything is
 * sent (400 otherwise), only the declared body fields are forwarded, and answers go out
 * through Domain_View. Relay errors: Controller::relay_error() (a 409 conflict, e.g. a
 * domain another account has or a key that still signs, stays 409).
 */
class Domains_Controller extends Controller {

	/** Path segments: loose enough to reach the route, the args then say what is wrong. */
	private const ID_SEGMENT       = '(?P<id>[A-Za-z0-9_-]+)';
	private const SELECTOR_SEGMENT = '(?P<selector>[A-Za-z0-9_.-]+)';

	public function register_routes(): void {
		$this->register_route(
			'/domains',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'index' ),
				),
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'create' ),
					'args'     => array(
						'domain' => self::arg(
							array( 'type' => 'string', 'minLength' => 3, 'maxLength' => 253, 'required' => true, 'description' => __( 'Domain name to send from (IDN allowed).', 'relaypress' ) ),
							array( self::class, 'check_domain' ),
							'trim'
						),
					),
				),
			)
		);
		$this->register_route(
			'/domains/' . self::ID_SEGMENT,
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'show' ),
					'args'     => array( 'id' => self::domain_id_arg() ),
				),
			)
		);
		$this->register_route(
			'/domains/' . self::ID_SEGMENT . '/verify',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'verify' ),
					'args'     => array( 'id' => self::domain_id_arg() ),
				),
			)
		);
		$this->register_route(
			'/domains/' . self::ID_SEGMENT . '/dkim-keys',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'add_key' ),
					'args'     => array(
						'id'        => self::domain_id_arg(),
						'algorithm' => self::arg( array( 'type' => 'string', 'enum' => Domain_View::ALGORITHMS, 'required' => true, 'description' => __( 'Algorithm of the new key.', 'relaypress' ) ) ),
					),
				),
			)
		);
		$this->register_route(
			'/domains/' . self::ID_SEGMENT . '/dkim-keys/' . self::SELECTOR_SEGMENT . '/activate',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'activate_key' ),
					'args'     => array(
						'id'       => self::domain_id_arg(),
						'selector' => self::selector_arg(),
					),
				),
			)
		);
		$this->register_route(
			'/domains/' . self::ID_SEGMENT . '/dkim-keys/' . self::SELECTOR_SEGMENT,
			array(
				array(
					'methods'  => \WP_REST_Server::DELETABLE,
					'callback' => array( $this, 'delete_key' ),
					'args'     => array(
						'id'       => self::domain_id_arg(),
						'selector' => self::selector_arg(),
					),
				),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function index() {
		$answer = $this->relay_call( 'GET', '/v1/domains' );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response( array( 'data' => array_map( array( Domain_View::class, 'domain' ), Relay_View::list_of( $answer['json']['data'] ?? array() ) ) ) );
	}

	/**
	 * 201 for a new domain, 200 when the account already had it (as the relay answers).
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create( \WP_REST_Request $request ) {
		return $this->domain_answer( $this->relay_call( 'POST', '/v1/domains', array(), self::json( array( 'domain' => (string) $request['domain'] ) ) ) );
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function show( \WP_REST_Request $request ) {
		return $this->domain_answer( $this->relay_call( 'GET', self::path( $request ) ) );
	}

	/**
	 * Runs the relay's live DNS check now.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function verify( \WP_REST_Request $request ) {
		return $this->domain_answer( $this->relay_call( 'POST', self::path( $request, '/verify' ), array(), self::json() ) );
	}

	/**
	 * Rotation, step 1: a new pending key; the answer is the domain, whose `dkim_keys` and
	 * `records` now hold the key and the record to publish for it.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function add_key( \WP_REST_Request $request ) {
		return $this->domain_answer( $this->relay_call( 'POST', self::path( $request, '/dkim-keys' ), array(), self::json( array( 'algorithm' => (string) $request['algorithm'] ) ) ) );
	}

	/**
	 * Rotation, step 2: the (published, verified) key signs from now on.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function activate_key( \WP_REST_Request $request ) {
		return $this->domain_answer( $this->relay_call( 'POST', self::path( $request, '/dkim-keys/' . rawurlencode( (string) $request['selector'] ) . '/activate' ), array(), self::json() ) );
	}

	/**
	 * Rotation, last step: a key that no longer signs is forgotten. 204.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_key( \WP_REST_Request $request ) {
		$answer = $this->relay_call( 'DELETE', self::path( $request, '/dkim-keys/' . rawurlencode( (string) $request['selector'] ) ) );
		return is_wp_error( $answer ) ? $answer : new \WP_REST_Response( null, 204 );
	}

	/**
	 * A name a domain could have: no spaces, control characters, or URL and address syntax,
	 * at least one dot. The relay checks the rest (IDN, labels) and says which part is wrong.
	 *
	 * @param mixed $value Value.
	 * @return true|string
	 */
	public static function check_domain( $value ) {
		return preg_match( '/^[^\s\x00-\x1f\x7f\/\\\\@:?#*]+\.[^\s\x00-\x1f\x7f\/\\\\@:?#*]+$/u', trim( (string) $value ) )
			? true
			: __( 'must be a domain name such as example.com', 'relaypress' );
	}

	/**
	 * @param array{status: int, json: array<string, mixed>}|\WP_Error $answer relay_call().
	 * @return \WP_REST_Response|\WP_Error
	 */
	private function domain_answer( $answer ) {
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response( Domain_View::domain( $answer['json'] ), 201 === $answer['status'] ? 201 : 200 );
	}

	private static function path( \WP_REST_Request $request, string $rest = '' ): string {
		return '/v1/domains/' . rawurlencode( (string) $request['id'] ) . $rest;
	}

	/**
	 * A JSON object body; `{}` for a POST that has nothing to say (else the HTTP API would
	 * label the empty body a form).
	 *
	 * @param array<string, string> $body Fields.
	 */
	private static function json( array $body = array() ): string {
		return (string) wp_json_encode( (object) $body );
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function domain_id_arg(): array {
		return self::arg( array( 'type' => 'string', 'pattern' => Domain_View::DOMAIN_ID, 'required' => true, 'description' => __( 'Relay domain id (dom_…).', 'relaypress' ) ) );
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function selector_arg(): array {
		return self::arg( array( 'type' => 'string', 'pattern' => Domain_View::SELECTOR, 'required' => true, 'description' => __( 'DKIM selector.', 'relaypress' ) ) );
	}
}
