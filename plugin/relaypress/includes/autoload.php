<?php
/**
 * Class autoloader: RelayPress\Outbox\Outbox_Repository → includes/outbox/class-outbox-repository.php.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

defined( 'ABSPATH' ) || exit;

spl_autoload_register(
	static function ( string $class_name ): void {
		if ( 0 !== strpos( $class_name, 'RelayPress\\' ) ) {
			return;
		}
		$parts = explode( '\\', substr( $class_name, strlen( 'RelayPress\\' ) ) );
		$class = array_pop( $parts );
		$dir   = $parts ? strtolower( implode( '/', $parts ) ) . '/' : '';
		$file  = __DIR__ . '/' . $dir . 'class-' . strtolower( str_replace( '_', '-', $class ) ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
);
