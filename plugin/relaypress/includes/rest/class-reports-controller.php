<?php
/**
 * `/relaypress/v1/analytics`, `/activity` and `/activity/messages`: the relay's reporting,
 * fetched server-side.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\Log\Delivery_Status;

/**
 * The relay is asked only with the parameters declared here, validated and normalized (dates
 * in UTC, `Y-m-d\TH:i:s\Z`); anything else in the request is never forwarded. Answers are
 * reshaped by Report_View and Relay_View, so the token and unknown fields stay in PHP.
 *
 * Analytics answers are kept for CACHE_SECONDS per connection and normalized query: a
 * dashboard that redraws, or several admins looking at once, ask the relay once. Activity
 * is not cached: it is what the admin looks at to see what just happened.
 */
class Reports_Controller extends Controller {

	public const CACHE_SECONDS = 60;

	/** Transient name prefix; the rest is a hash of the connection and the query. */
	public const CACHE_PREFIX = 'relaypress_analytics_';

	/** Recipient statuses the relay filters messages by. */
	public const RECIPIENT_STATUSES = array( 'queued', 'deferred', 'sending', 'delivered', 'bounced', 'failed', 'suppressed' );

	public function register_routes(): void {
		$this->register_route(
			'/analytics',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'analytics' ),
					'args'     => self::analytics_args(),
				),
			)
		);
		$this->register_route(
			'/activity',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'events' ),
					'args'     => self::event_args(),
				),
			)
		);
		$this->register_route(
			'/activity/messages',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'messages' ),
					'args'     => self::message_args(),
				),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function analytics( \WP_REST_Request $request ) {
		$query  = self::query( $request, self::analytics_args() );
		$key    = $this->cache_key( $query );
		$now    = $this->plugin->clock->now();
		$cached = get_transient( $key );
		if ( is_array( $cached ) && isset( $cached['at'], $cached['view'] ) && $now >= $cached['at'] && $now - $cached['at'] < self::CACHE_SECONDS ) {
			return self::response( $cached['view'], 'hit' );
		}
		$json = $this->relay( '/v1/analytics', $query );
		if ( is_wp_error( $json ) ) {
			return $json;
		}
		$view = Report_View::analytics( $json );
		set_transient(
			$key,
			array(
				'at'   => $now,
				'view' => $view,
			),
			self::CACHE_SECONDS
		);
		return self::response( $view, 'miss' );
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function events( \WP_REST_Request $request ) {
		$json = $this->relay( '/v1/events', self::query( $request, self::event_args() ) );
		if ( is_wp_error( $json ) ) {
			return $json;
		}
		return new \WP_REST_Response(
			array(
				'data'        => array_map( array( Report_View::class, 'event' ), Relay_View::list_of( $json['data'] ?? array() ) ),
				'next_cursor' => Relay_View::id( $json['next_cursor'] ?? null ),
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function messages( \WP_REST_Request $request ) {
		$json = $this->relay( '/v1/messages', self::query( $request, self::message_args() ) );
		if ( is_wp_error( $json ) ) {
			return $json;
		}
		return new \WP_REST_Response(
			array(
				'data'        => array_map( array( Relay_View::class, 'summary' ), Relay_View::list_of( $json['data'] ?? array() ) ),
				'next_cursor' => Relay_View::id( $json['next_cursor'] ?? null ),
			)
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function analytics_args(): array {
		return array(
			'from'     => self::date_arg( __( 'Start, inclusive (Y-m-d or ISO 8601; default: 30 days before `to`).', 'relaypress' ) ),
			'to'       => self::date_arg( __( 'End, exclusive (Y-m-d or ISO 8601; default: now).', 'relaypress' ) ),
			'group_by' => self::arg( array( 'type' => 'string', 'enum' => array( 'day', 'hour' ), 'default' => 'day', 'description' => __( 'Bucket size: at most 31 days by hour, 400 by day.', 'relaypress' ) ) ),
			'tag'      => self::tag_arg(),
			'by_tag'   => self::arg( array( 'type' => 'boolean', 'default' => false, 'description' => __( 'One row per bucket and tag.', 'relaypress' ) ) ),
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function event_args(): array {
		return array(
			'type'       => self::arg( array( 'type' => 'string', 'enum' => array_keys( Delivery_Status::EFFECTS ), 'description' => __( 'Only events of this type.', 'relaypress' ) ) ),
			'recipient'  => self::recipient_arg(),
			'message_id' => self::id_pattern_arg( __( 'Only events of this relay message.', 'relaypress' ) ),
			'from'       => self::date_arg( __( 'Created at or after (Y-m-d or ISO 8601).', 'relaypress' ) ),
			'to'         => self::date_arg( __( 'Created before (Y-m-d or ISO 8601).', 'relaypress' ) ),
			'limit'      => self::limit_arg( 50 ),
			'cursor'     => self::id_pattern_arg( __( 'next_cursor of the previous page.', 'relaypress' ) ),
		);
	}

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function message_args(): array {
		return array(
			'recipient' => self::recipient_arg(),
			'status'    => self::arg( array( 'type' => 'string', 'enum' => self::RECIPIENT_STATUSES, 'description' => __( 'Only messages with a recipient in this status.', 'relaypress' ) ) ),
			'tag'       => self::tag_arg(),
			'from'      => self::date_arg( __( 'Created at or after (Y-m-d or ISO 8601).', 'relaypress' ) ),
			'to'        => self::date_arg( __( 'Created before (Y-m-d or ISO 8601).', 'relaypress' ) ),
			'limit'     => self::limit_arg( 25 ),
			'cursor'    => self::id_pattern_arg( __( 'next_cursor of the previous page.', 'relaypress' ) ),
		);
	}

	/**
	 * `Y-m-d` or an ISO 8601 date and time with its zone, as a real calendar date.
	 *
	 * @param mixed $value Value.
	 * @return true|string
	 */
	public static function check_date( $value ) {
		return '' === $value || null !== self::utc( (string) $value ) ? true : __( 'must be a date (Y-m-d) or an ISO 8601 date and time, e.g. 2024-05-01T12:00:00Z', 'relaypress' );
	}

	/**
	 * The UTC `Y-m-d\TH:i:s\Z` of a date or ISO 8601 time, or null when it is not one.
	 */
	public static function utc( string $value ): ?string {
		if ( ! preg_match( '/^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d))?$/i', $value, $m ) ) {
			return null;
		}
		if ( ! checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) || (int) ( $m[4] ?? 0 ) > 23 || (int) ( $m[5] ?? 0 ) > 59 || (int) ( $m[6] ?? 0 ) > 59 ) {
			return null;
		}
		$time = strtotime( isset( $m[4] ) ? $value : $value . 'T00:00:00Z' );
		return false === $time ? null : gmdate( 'Y-m-d\TH:i:s\Z', $time );
	}

	/**
	 * The relay's query: the declared parameters that were given, in their declared order.
	 *
	 * @param array<string, array<string, mixed>> $args The route's arguments.
	 * @return array<string, string>
	 */
	private static function query( \WP_REST_Request $request, array $args ): array {
		$query = array();
		foreach ( array_keys( $args ) as $name ) {
			$value = $request->get_param( $name );
			if ( null === $value || '' === $value || false === $value ) {
				continue;
			}
			$query[ $name ] = true === $value ? 'true' : (string) $value;
		}
		return $query;
	}

	/**
	 * A GET to the relay, or this API's error.
	 *
	 * @param array<string, string> $query Query.
	 * @return array<string, mixed>|\WP_Error
	 */
	private function relay( string $path, array $query ) {
		$answer = $this->relay_call( 'GET', $path, $query );
		return is_wp_error( $answer ) ? $answer : $answer['json'];
	}

	/**
	 * One cache entry per relay, token and query: another connection never sees these figures.
	 *
	 * @param array<string, string> $query Normalized query.
	 */
	private function cache_key( array $query ): string {
		$connection = array( $this->plugin->settings->relay_url(), hash( 'sha256', $this->plugin->settings->api_token() ) );
		return self::CACHE_PREFIX . md5( (string) wp_json_encode( array( $connection, $query ) ) );
	}

	/**
	 * @param array<string, mixed> $view Report_View::analytics().
	 */
	private static function response( array $view, string $cache ): \WP_REST_Response {
		$response = new \WP_REST_Response( $view );
		$response->header( 'X-RelayPress-Cache', $cache );
		return $response;
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function date_arg( string $description ): array {
		return self::arg(
			array( 'type' => 'string', 'maxLength' => 40, 'description' => $description ),
			array( self::class, 'check_date' ),
			static fn( $value ) => '' === $value ? '' : (string) self::utc( (string) $value )
		);
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function recipient_arg(): array {
		return self::arg(
			array( 'type' => 'string', 'maxLength' => 254, 'description' => __( 'Only this recipient address.', 'relaypress' ) ),
			static fn( $value ) => self::check_email_or_empty( $value ),
			static fn( $value ) => trim( (string) $value )
		);
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function tag_arg(): array {
		return self::arg(
			array( 'type' => 'string', 'maxLength' => 100, 'description' => __( 'Only mail with this tag.', 'relaypress' ) ),
			null,
			'sanitize_text_field'
		);
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function id_pattern_arg( string $description ): array {
		return self::arg( array( 'type' => 'string', 'pattern' => '^[A-Za-z0-9_-]{1,100}$', 'description' => $description ) );
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function limit_arg( int $default ): array {
		return self::arg( array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 100, 'default' => $default, 'description' => __( 'Items per page.', 'relaypress' ) ) );
	}
}
