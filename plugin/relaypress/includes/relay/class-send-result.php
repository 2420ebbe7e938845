<?php
/**
 * The outcome of one hand-over to the relay.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Relay;

defined( 'ABSPATH' ) || exit;

/**
 * Accepted (the relay committed it), temporary (try again later with the same key) or
 * permanent (the relay refused it; retrying the same request can not succeed).
 */
final class Send_Result {

	public const ACCEPTED  = 'accepted';
	public const TEMPORARY = 'temporary';
	public const PERMANENT = 'permanent';

	public string $kind;
	public ?int $http_status;
	public string $code;
	public string $message;
	public ?string $relay_message_id;

	public function __construct( string $kind, ?int $http_status, string $code, string $message, ?string $relay_message_id = null ) {
		$this->kind             = $kind;
		$this->http_status      = $http_status;
		$this->code             = $code;
		$this->message          = $message;
		$this->relay_message_id = $relay_message_id;
	}

	public function accepted(): bool {
		return self::ACCEPTED === $this->kind;
	}

	public function temporary(): bool {
		return self::TEMPORARY === $this->kind;
	}

	public function permanent(): bool {
		return self::PERMANENT === $this->kind;
	}

	/**
	 * What the log's last_error column shows.
	 */
	public function describe(): string {
		$status = null === $this->http_status ? '' : 'HTTP ' . $this->http_status . ' ';
		$code   = '' === $this->code ? '' : $this->code . ': ';
		return trim( $status . $code . $this->message );
	}
}
