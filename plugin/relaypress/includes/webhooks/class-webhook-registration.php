<?php
/**
 * Registers this site's webhook receiver with the relay when the site connects to it.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Webhooks;

defined( 'ABSPATH' ) || exit;

use RelayPress\Relay\Relay_Client;
use RelayPress\Rest\Rest;
use RelayPress\Settings\Secret_Box;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;

/**
 * One option per site, `relaypress_webhook`: the relay's endpoint id, its signing secret
 * (sealed by Secret_Box, like the API token; it never leaves PHP and is never logged), which
 * connection it was registered for, and the last error.
 *
 * The flow: saving the settings calls ensure(); when the relay URL, the token or this
 * site's receiver URL changed since the last registration (or the last one failed),
 * register() deletes the endpoint registered before (same relay only: another relay has
 * never heard of it) and creates a new one. A failure never stops the settings from being
 * saved: it is stored, shown in the settings answer and as an admin notice, and retried on
 * the next save, by `POST /relaypress/v1/webhook-registration`, and, when it was the relay
 * being unreachable or busy, by a single WP-Cron event an hour later. A connection fixed in
 * wp-config.php is registered on the next admin page load (ensure_for_admin()).
 */
class Webhook_Registration {

	public const OPTION     = 'relaypress_webhook';
	public const RETRY_HOOK = 'relaypress_retry_webhook_registration';
	public const RETRY_IN   = HOUR_IN_SECONDS;

	private const EMPTY_STATE = array(
		'endpoint_id'   => null,
		'secret'        => null, // Sealed.
		'url'           => null,
		'relay_url'     => null,
		'connection'    => null,
		'registered_at' => null,
		'error'         => null,
	);

	private Settings $settings;
	private Relay_Client $client;
	private Secret_Box $box;
	private Clock $clock;

	public function __construct( Settings $settings, Relay_Client $client, Secret_Box $box, Clock $clock ) {
		$this->settings = $settings;
		$this->client   = $client;
		$this->box      = $box;
		$this->clock    = $clock;
	}

	/**
	 * The URL the relay posts to. The RELAYPRESS_WEBHOOK_URL constant (wp-config.php) or the
	 * `relaypress_webhook_url` filter give the address the relay can reach when it is not the
	 * site's public one (a proxy, or containers that reach each other by service name).
	 */
	public function receiver_url(): string {
		$url = defined( 'RELAYPRESS_WEBHOOK_URL' ) && '' !== (string) RELAYPRESS_WEBHOOK_URL
			? (string) RELAYPRESS_WEBHOOK_URL
			: rest_url( Rest::NAMESPACE . Webhook_Receiver::ROUTE );
		return (string) apply_filters( 'relaypress_webhook_url', $url );
	}

	/**
	 * @return array{endpoint_id: string|null, secret: string|null, url: string|null, relay_url: string|null, connection: string|null, registered_at: string|null, error: array<string, mixed>|null}
	 */
	public function state(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::EMPTY_STATE, array_intersect_key( is_array( $stored ) ? $stored : array(), self::EMPTY_STATE ) );
	}

	/**
	 * Secrets a delivery may be signed with (the registered one, when it can be opened).
	 *
	 * @return string[]
	 */
	public function secrets(): array {
		$sealed = (string) $this->state()['secret'];
		$secret = '' === $sealed ? null : $this->box->open( $sealed );
		return null === $secret || '' === $secret ? array() : array( $secret );
	}

	/**
	 * True when the stored endpoint was registered for the current relay, token and URL.
	 */
	public function is_current(): bool {
		$state = $this->state();
		return null !== $state['endpoint_id'] && array() !== $this->secrets() && $this->connection() === $state['connection'] && $this->receiver_url() === $state['url'];
	}

	/**
	 * Registers unless the current connection already is; nothing when not configured.
	 *
	 * @return array{ok: bool, code: string, message: string}|null Null when nothing was tried.
	 */
	public function ensure(): ?array {
		if ( ! $this->settings->is_configured() || ( $this->is_current() && null === $this->state()['error'] ) ) {
			return null;
		}
		return $this->register();
	}

	/**
	 * Replaces the relay's endpoint for this site with a new one (a new secret too).
	 *
	 * @return array{ok: bool, code: string, message: string}
	 */
	public function register(): array {
		$state = $this->state();
		if ( ! $this->settings->is_configured() ) {
			return $this->failed( $state, new \WP_Error( 'relaypress_relay_not_configured', __( 'No relay URL or API token is configured.', 'relaypress' ), array( 'relay_status' => null, 'relay_code' => 'not_configured' ) ) );
		}

		if ( null !== $state['endpoint_id'] && $this->settings->relay_url() === $state['relay_url'] ) {
			$deleted = $this->client->send_json( 'DELETE', '/v1/webhooks/' . rawurlencode( (string) $state['endpoint_id'] ) );
			if ( is_wp_error( $deleted ) && Relay_Client::is_temporary( $deleted ) ) {
				return $this->failed( $state, $deleted ); // The old endpoint may still be there: keep its secret.
			}
			// Deleted, already gone (404), or not this token's to delete (401/403, a token of
			// another account): either way it is not ours to keep. One left behind fails our
			// signature check and the relay disables it after RELAY_WEBHOOK_MAX_AGE.
			$state = array_merge( $state, array( 'endpoint_id' => null, 'secret' => null ) );
		}

		$created = $this->client->send_json( 'POST', '/v1/webhooks', array( 'url' => $this->receiver_url() ) );
		if ( is_wp_error( $created ) ) {
			return $this->failed( $state, $created );
		}
		$id     = isset( $created['id'] ) && is_string( $created['id'] ) && preg_match( '/^[A-Za-z0-9_-]{1,100}$/', $created['id'] ) ? $created['id'] : null;
		$secret = isset( $created['secret'] ) && is_string( $created['secret'] ) && '' !== $created['secret'] ? $created['secret'] : null;
		if ( null === $id || null === $secret ) {
			return $this->failed( $state, new \WP_Error( 'relaypress_relay_unexpected_response', __( 'The relay answered without a webhook id and secret.', 'relaypress' ), array( 'relay_status' => 201, 'relay_code' => 'unexpected_response' ) ) );
		}
		$this->store(
			array(
				'endpoint_id'   => $id,
				'secret'        => $this->box->seal( $secret ),
				'url'           => $this->receiver_url(),
				'relay_url'     => $this->settings->relay_url(),
				'connection'    => $this->connection(),
				'registered_at' => $this->clock->mysql(),
				'error'         => null,
			)
		);
		wp_clear_scheduled_hook( self::RETRY_HOOK );
		return array(
			'ok'      => true,
			'code'    => 'registered',
			'message' => __( 'The relay will report deliveries, bounces and complaints to this site.', 'relaypress' ),
		);
	}

	/**
	 * `admin_init`: a connection set in wp-config.php is never "saved", so the first admin
	 * page load after it changed registers it. Tried once per connection; after a failure,
	 * the retries are the settings save, the admin route and cron, not every page load.
	 */
	public function ensure_for_admin(): void {
		if ( wp_doing_ajax() || ! current_user_can( Rest::capability() ) || ! $this->settings->is_configured() || $this->is_current() ) {
			return;
		}
		$error = $this->state()['error'];
		if ( null !== $error && ( $error['connection'] ?? null ) === $this->connection() ) {
			return;
		}
		$this->register();
	}

	/**
	 * WP-Cron's retry after a temporary failure.
	 */
	public function retry(): void {
		if ( null !== $this->state()['error'] ) {
			$this->ensure();
		}
	}

	/**
	 * Deletes the relay's endpoint (best effort) and forgets it: for uninstall.
	 */
	public function deregister(): void {
		$state = $this->state();
		if ( null !== $state['endpoint_id'] && $this->settings->is_configured() && $this->settings->relay_url() === $state['relay_url'] ) {
			$this->client->send_json( 'DELETE', '/v1/webhooks/' . rawurlencode( (string) $state['endpoint_id'] ) );
		}
		delete_option( self::OPTION );
		wp_clear_scheduled_hook( self::RETRY_HOOK );
	}

	/**
	 * What the settings screen shows (never the secret).
	 *
	 * @return array{registered: bool, endpoint_id: string|null, url: string, registered_at: string|null, error: array{code: string, message: string, http_status: int|null, at: string|null, retry_at: string|null}|null}
	 */
	public function view(): array {
		$state = $this->state();
		$next  = wp_next_scheduled( self::RETRY_HOOK );
		return array(
			'registered'    => $this->is_current(),
			'endpoint_id'   => null === $state['endpoint_id'] ? null : (string) $state['endpoint_id'],
			'url'           => $this->receiver_url(),
			'registered_at' => $state['registered_at'],
			'error'         => null === $state['error'] ? null : array(
				'code'        => (string) ( $state['error']['code'] ?? '' ),
				'message'     => (string) ( $state['error']['message'] ?? '' ),
				'http_status' => isset( $state['error']['http_status'] ) ? (int) $state['error']['http_status'] : null,
				'at'          => $state['error']['at'] ?? null,
				'retry_at'    => false === $next ? null : gmdate( 'Y-m-d H:i:s', (int) $next ),
			),
		);
	}

	/**
	 * Which relay and token a registration belongs to, without storing the token again.
	 */
	private function connection(): string {
		return hash( 'sha256', $this->settings->relay_url() . "\n" . $this->settings->api_token() );
	}

	/**
	 * Records the failure (keeping whatever endpoint is still valid) and schedules a retry
	 * when waiting can help.
	 *
	 * @param array<string, mixed> $state State to keep.
	 * @return array{ok: bool, code: string, message: string}
	 */
	private function failed( array $state, \WP_Error $error ): array {
		$data = (array) $error->get_error_data();
		$code = (string) ( $data['relay_code'] ?? $error->get_error_code() );
		/* translators: %s: the relay's error */
		$message        = sprintf( __( 'The webhook could not be registered with the relay: %s', 'relaypress' ), $error->get_error_message() );
		$state['error'] = array(
			'code'        => $code,
			'message'     => $message,
			'http_status' => $data['relay_status'] ?? null,
			'at'          => $this->clock->mysql(),
			'connection'  => $this->connection(),
		);
		$this->store( $state );
		if ( Relay_Client::is_temporary( $error ) && ! wp_next_scheduled( self::RETRY_HOOK ) ) {
			wp_schedule_single_event( $this->clock->now() + self::RETRY_IN, self::RETRY_HOOK );
		}
		return array(
			'ok'      => false,
			'code'    => $code,
			'message' => $message,
		);
	}

	/**
	 * @param array<string, mixed> $state State.
	 */
	private function store( array $state ): void {
		update_option( self::OPTION, array_intersect_key( $state, self::EMPTY_STATE ), false );
	}
}
