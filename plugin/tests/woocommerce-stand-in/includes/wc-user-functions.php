<?php
/**
 * Mirrors includes/wc-user-functions.php: wc_create_new_customer() and the
 * `woocommerce_created_customer` action its caller's email listens for.
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * @return int|WP_Error Customer id.
 */
function wc_create_new_customer( $email, $username = '', $password = '', $args = array() ) {
	if ( empty( $email ) || ! is_email( $email ) ) {
		return new WP_Error( 'registration-error-invalid-email', 'Please provide a valid email address.' );
	}
	if ( email_exists( $email ) ) {
		return new WP_Error( 'registration-error-email-exists', 'An account is already registered with your email address.' );
	}
	if ( empty( $username ) ) {
		$username = sanitize_user( current( explode( '@', $email ) ), true );
	}
	$password_generated = false;
	if ( empty( $password ) ) {
		$password           = wp_generate_password();
		$password_generated = true;
	}
	$new_customer_data = apply_filters(
		'woocommerce_new_customer_data',
		array_merge(
			$args,
			array(
				'user_login' => $username,
				'user_pass'  => $password,
				'user_email' => $email,
				'role'       => 'subscriber',
			)
		)
	);
	$customer_id = wp_insert_user( $new_customer_data );
	if ( is_wp_error( $customer_id ) ) {
		return $customer_id;
	}
	do_action( 'woocommerce_created_customer', $customer_id, $new_customer_data, $password_generated );
	return $customer_id;
}
