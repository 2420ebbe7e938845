<?php
/**
 * The PHPMailer class core wp_mail() would build: WP_PHPMailer on WordPress 6.8+, else
 * PHPMailer\PHPMailer\PHPMailer. Declared conditionally so Relay_Mailer keeps whatever core
 * adds in its own subclass (translated error messages on 6.8+).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

// The same files, by the same paths, that wp_mail() require_once's itself.
if ( ! class_exists( '\PHPMailer\PHPMailer\PHPMailer' ) ) {
	require_once ABSPATH . WPINC . '/PHPMailer/PHPMailer.php';
	require_once ABSPATH . WPINC . '/PHPMailer/SMTP.php';
	require_once ABSPATH . WPINC . '/PHPMailer/Exception.php';
}
if ( ! class_exists( '\WP_PHPMailer' ) && file_exists( ABSPATH . WPINC . '/class-wp-phpmailer.php' ) ) {
	require_once ABSPATH . WPINC . '/class-wp-phpmailer.php';
}

if ( class_exists( '\WP_PHPMailer' ) ) {
	/**
	 * Base on WordPress 6.8+.
	 */
	abstract class Mailer_Base extends \WP_PHPMailer {} // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound
} else {
	/**
	 * Base before WordPress 6.8.
	 */
	abstract class Mailer_Base extends \PHPMailer\PHPMailer\PHPMailer {} // phpcs:ignore Generic.Files.OneObjectStructurePerFile.MultipleFound
}
