<?php
/**
 * Other mail plugins are noticed and named.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Tests\Mail;

use RelayPress\Tests\Test_Case;

final class ConflictDetectorTest extends Test_Case {

	public function test_this_install_has_no_conflicts(): void {
		$this->assertSame( array(), $this->plugin->conflicts->detect() );
	}

	public function test_wp_mail_defined_outside_pluggable_php_is_reported(): void {
		$conflicts = $this->plugin->conflicts->detect( '/srv/wp-content/plugins/other-smtp/other-smtp.php' );

		$this->assertSame( array( 'wp_mail_redefined' ), array_column( $conflicts, 'code' ) );
		$this->assertStringContainsString( 'other-smtp.php', $conflicts[0]['message'] );
	}

	public function test_another_pre_wp_mail_callback_is_reported(): void {
		add_filter( 'pre_wp_mail', 'other_plugin_short_circuit', 5 );

		$conflicts = $this->plugin->conflicts->detect();

		$this->assertSame( array( 'pre_wp_mail_callback' ), array_column( $conflicts, 'code' ) );
		$this->assertStringContainsString( 'other_plugin_short_circuit (priority 5)', $conflicts[0]['message'] );
	}

	public function test_a_replaced_phpmailer_is_reported_and_taken_back_before_sending(): void {
		$relay                 = $this->relay();
		$GLOBALS['phpmailer'] = new Other_Plugin_Mailer( true ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited

		$this->assertSame( array( 'phpmailer_replaced' ), array_column( $this->plugin->conflicts->detect(), 'code' ) );
		wp_mail( 'a@example.com', 'Subject', 'Body' );

		$this->assertCount( 1, $relay->sends() );
		$conflicts = $this->plugin->conflicts->detect();
		$this->assertSame( array( 'phpmailer_replaced' ), array_column( $conflicts, 'code' ) );
		$this->assertStringContainsString( Other_Plugin_Mailer::class, $conflicts[0]['message'] );
	}

	public function test_admin_notices_escape_what_they_show(): void {
		add_filter( 'pre_wp_mail', static fn( $r ) => $r );
		wp_set_current_user( 1 );
		$notices = new \RelayPress\Admin\Admin_Notices( $this->plugin->conflicts, $this->plugin->settings );
		ob_start();
		$notices->render();
		$html = (string) ob_get_clean();
		wp_set_current_user( 0 );

		$this->assertStringContainsString( 'closure in', $html );
		$this->assertStringNotContainsString( '<script', $html );
	}
}

/**
 * Stands in for another plugin's PHPMailer subclass (as WP Mail SMTP installs).
 */
class Other_Plugin_Mailer extends \PHPMailer\PHPMailer\PHPMailer {}
