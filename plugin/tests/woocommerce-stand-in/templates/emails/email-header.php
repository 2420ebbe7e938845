<?php
/**
 * Mirrors templates/emails/email-header.php (shortened: no inline styles).
 *
 * @package RelayPress\Tests\WooCommerce
 */

defined( 'ABSPATH' ) || exit;
?>
<!DOCTYPE html>
<html lang="en"><head><meta charset="<?php bloginfo( 'charset' ); ?>"><title><?php echo esc_html( get_bloginfo( 'name', 'display' ) ); ?></title></head>
<body><div id="wrapper"><table id="template_container"><tr><td id="template_header"><h1><?php echo esc_html( $email_heading ); ?></h1></td></tr><tr><td id="body_content">
