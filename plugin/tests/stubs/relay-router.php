<?php
/**
 * Router for `php -S`: a stand-in for the relay's HTTP API, recording every request.
 *
 * STUB_DIR holds answers.json (queue of {status, body, delay_ms}, or {status, raw,
 * content_type} for a body that is not JSON), delay_ms (default delay), requests.jsonl (one
 * JSON object per request, its query string as sent, its body decoded as JSON and raw) and
 * ids.json (Idempotency-Key → message id).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

$dir    = (string) getenv( 'STUB_DIR' );
$path   = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
$method = $_SERVER['REQUEST_METHOD'];
$body   = (string) file_get_contents( 'php://input' );
$key    = $_SERVER['HTTP_IDEMPOTENCY_KEY'] ?? null;

$lock = fopen( $dir . '/lock', 'c' );
flock( $lock, LOCK_EX );
file_put_contents(
	$dir . '/requests.jsonl',
	json_encode(
		array(
			'method'          => $method,
			'path'            => $path,
			'query'           => (string) ( $_SERVER['QUERY_STRING'] ?? '' ),
			'authorization'   => $_SERVER['HTTP_AUTHORIZATION'] ?? null,
			'content_type'    => $_SERVER['CONTENT_TYPE'] ?? null,
			'idempotency_key' => $key,
			'body'            => json_decode( $body, true ),
			'raw_body'        => $body,
			'at'              => microtime( true ),
		)
	) . "\n",
	FILE_APPEND
);
$answers = is_file( $dir . '/answers.json' ) ? (array) json_decode( (string) file_get_contents( $dir . '/answers.json' ), true ) : array();
$answer  = array_shift( $answers );
file_put_contents( $dir . '/answers.json', json_encode( $answers ) );
$ids = is_file( $dir . '/ids.json' ) ? (array) json_decode( (string) file_get_contents( $dir . '/ids.json' ), true ) : array();
if ( null === $answer && 'POST' === $method && '/v1/emails' === $path ) {
	if ( null === $key || ! isset( $ids[ $key ] ) ) {
		$ids[ $key ?? uniqid() ] = 'msg_stub' . ( count( $ids ) + 1 );
		file_put_contents( $dir . '/ids.json', json_encode( $ids ) );
	}
	$rcpt   = (array) ( json_decode( $body, true )['envelope']['rcpt_to'] ?? array() );
	$answer = array(
		'status' => 202,
		'body'   => array(
			'id'         => $ids[ $key ] ?? end( $ids ),
			'recipients' => array_map( static fn( $e ) => array( 'id' => 'rcpt_' . md5( $e ), 'email' => $e ), $rcpt ),
		),
	);
}
flock( $lock, LOCK_UN );

if ( null === $answer ) {
	$answer = '/healthz' === $path ? array( 'status' => 200, 'body' => array( 'status' => 'ok' ) ) : array( 'status' => 404, 'body' => array( 'error' => array( 'code' => 'not_found', 'message' => 'no such route' ) ) );
}
$delay = $answer['delay_ms'] ?? ( is_file( $dir . '/delay_ms' ) ? (int) file_get_contents( $dir . '/delay_ms' ) : 0 );
if ( $delay > 0 ) {
	usleep( $delay * 1000 );
}
http_response_code( (int) $answer['status'] );
if ( isset( $answer['raw'] ) ) {
	header( 'Content-Type: ' . ( $answer['content_type'] ?? 'text/plain' ) );
	echo $answer['raw'];
	return;
}
header( 'Content-Type: application/json' );
echo json_encode( $answer['body'] );
