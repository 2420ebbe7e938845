<?php
/**
 * An in-process relay: answers wp_remote_*() through the `pre_http_request` filter.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests;

/**
 * No socket is opened: the filter returns the response WordPress's HTTP API would have
 * produced. Answers are queued with answer(); once the queue is empty every POST /v1/emails
 * gets 202, and a repeated Idempotency-Key gets the id it got the first time (as the relay).
 */
final class Relay_Stub {

	/** @var array<int, array{method: string, url: string, headers: array<string, string>, body: mixed}> */
	public array $requests = array();

	/** @var array<int, array<string, mixed>|\WP_Error> */
	private array $answers = array();

	/** @var array<string, string> Idempotency-Key → message id. */
	private array $ids = array();

	/** @var callable|null Called with the request before answering. */
	public $on_request = null;

	public function install(): self {
		add_filter( 'pre_http_request', array( $this, 'intercept' ), 10, 3 );
		return $this;
	}

	/**
	 * Queues an answer: an HTTP status with a JSON body, or a transport error.
	 *
	 * @param int|\WP_Error $status Status or error.
	 * @param mixed         $body   JSON body.
	 */
	public function answer( $status, $body = null ): self {
		$this->answers[] = $status instanceof \WP_Error ? $status : array(
			'status' => $status,
			'body'   => $body,
		);
		return $this;
	}

	/**
	 * @param false|array<string, mixed>|\WP_Error $pre  Earlier filter result.
	 * @param array<string, mixed>                 $args Request arguments.
	 * @return array<string, mixed>|\WP_Error
	 */
	public function intercept( $pre, $args, $url ) {
		$request          = array(
			'method'  => (string) $args['method'],
			'url'     => (string) $url,
			'headers' => (array) $args['headers'],
			'body'    => isset( $args['body'] ) ? json_decode( (string) $args['body'], true ) : null,
		);
		$this->requests[] = $request;
		if ( $this->on_request ) {
			( $this->on_request )( $request );
		}
		$answer = array_shift( $this->answers );
		if ( $answer instanceof \WP_Error ) {
			return $answer;
		}
		if ( null === $answer ) {
			$key    = (string) ( $request['headers']['Idempotency-Key'] ?? uniqid() );
			$id     = $this->ids[ $key ] ??= 'msg_' . count( $this->ids ) . 'stub';
			$rcpts  = (array) ( $request['body']['envelope']['rcpt_to'] ?? array() );
			$answer = array(
				'status' => 202,
				'body'   => array(
					'id'         => $id,
					'recipients' => array_map( static fn( $e, $i ) => array( 'id' => "rcpt_{$i}", 'email' => $e ), $rcpts, array_keys( $rcpts ) ),
				),
			);
		}
		return array(
			'headers'  => array( 'content-type' => 'application/json' ),
			'body'     => (string) wp_json_encode( $answer['body'] ),
			'response' => array(
				'code'    => $answer['status'],
				'message' => get_status_header_desc( $answer['status'] ),
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}

	/**
	 * @return array<int, array<string, mixed>> Only the POST /v1/emails requests.
	 */
	public function sends(): array {
		return array_values( array_filter( $this->requests, static fn( $r ) => 'POST' === $r['method'] && str_ends_with( $r['url'], '/v1/emails' ) ) );
	}
}
