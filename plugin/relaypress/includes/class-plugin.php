<?php
/**
 * Wires the areas together: each area lists its own hooks in register().
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress;

defined( 'ABSPATH' ) || exit;

use RelayPress\Admin\Admin_Notices;
use RelayPress\Admin\Admin_Page;
use RelayPress\Alert\Alerts;
use RelayPress\Backup\Backup_Smtp;
use RelayPress\Backup\Fallback;
use RelayPress\Cron\Cron;
use RelayPress\Lifecycle\Installer;
use RelayPress\Log\Event_Repository;
use RelayPress\Log\Log;
use RelayPress\Log\Log_Repository;
use RelayPress\Mail\Conflict_Detector;
use RelayPress\Mail\Mail;
use RelayPress\Mail\Send_Context;
use RelayPress\Mail\Tracking_Policy;
use RelayPress\Outbox\Outbox;
use RelayPress\Outbox\Outbox_Processor;
use RelayPress\Outbox\Outbox_Repository;
use RelayPress\Outbox\Retry_Schedule;
use RelayPress\Relay\Relay_Client;
use RelayPress\Rest\Rest;
use RelayPress\Settings\Secret_Box;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;
use RelayPress\Support\Text_Domain;
use RelayPress\Webhooks\Event_Recorder;
use RelayPress\Webhooks\Webhook_Receiver;
use RelayPress\Webhooks\Webhook_Registration;
use RelayPress\Webhooks\Webhooks;
use RelayPress\WooCommerce\WooCommerce;

/**
 * The plugin's services, built once per request. Repositories read `$wpdb->prefix` on every
 * call, so on multisite a switch_to_blog() moves them to that site's tables.
 */
final class Plugin {

	/**
	 * The one instance.
	 *
	 * @var Plugin|null
	 */
	private static ?Plugin $instance = null;

	public Settings $settings;
	public Clock $clock;
	public Outbox_Repository $outbox_repository;
	public Log_Repository $log_repository;
	public Event_Repository $event_repository;
	public Event_Recorder $event_recorder;
	public Webhook_Registration $webhook_registration;
	public Relay_Client $relay_client;
	public Outbox_Processor $processor;
	public Outbox $outbox;
	public Conflict_Detector $conflicts;
	public Log $log;
	public Alerts $alerts;
	public Fallback $fallback;
	public Send_Context $send_context;
	public WooCommerce $woocommerce;

	/**
	 * Builds the services and registers every area's hooks.
	 */
	public static function boot(): void {
		if ( null !== self::$instance ) {
			return;
		}
		self::$instance = new self();
		foreach ( self::$instance->areas() as $area ) {
			$area->register();
		}
	}

	/**
	 * The booted instance.
	 */
	public static function instance(): Plugin {
		if ( null === self::$instance ) {
			self::boot();
		}
		return self::$instance;
	}

	private function __construct() {
		$this->clock                = new Clock();
		$this->settings             = new Settings( new Secret_Box() );
		$this->outbox_repository    = new Outbox_Repository();
		$this->log_repository       = new Log_Repository();
		$this->event_repository     = new Event_Repository();
		$this->relay_client         = new Relay_Client( $this->settings );
		$this->event_recorder       = new Event_Recorder( $this->event_repository, $this->log_repository, $this->clock );
		$this->webhook_registration = new Webhook_Registration( $this->settings, $this->relay_client, new Secret_Box(), $this->clock );
		$this->alerts               = new Alerts( $this->settings, $this->clock );
		$this->fallback             = new Fallback( $this->settings, new Backup_Smtp(), $this->alerts, $this->clock );
		$this->processor            = new Outbox_Processor( $this->outbox_repository, $this->log_repository, $this->relay_client, new Retry_Schedule(), $this->clock, $this->fallback, $this->event_recorder );
		$this->outbox               = new Outbox( $this->outbox_repository, $this->log_repository, $this->processor, $this->clock, new Tracking_Policy( $this->settings ) );
		$this->conflicts            = new Conflict_Detector();
		$this->send_context         = new Send_Context();
		$this->woocommerce          = new WooCommerce( $this->settings, $this->send_context, $this->relay_client );
		$this->log                  = new Log( $this->log_repository, $this->outbox_repository, $this->settings, $this->clock, $this->event_repository );
	}

	/**
	 * The areas, in the order their hooks are registered.
	 *
	 * @return array<int, object>
	 */
	private function areas(): array {
		return array(
			new Installer(),
			$this->settings,
			new Mail( $this->settings, $this->conflicts ),
			new Cron( $this->processor ),
			$this->log,
			new Text_Domain(),
			new Admin_Notices( $this->conflicts, $this->settings, $this->webhook_registration ),
			new Admin_Page( RELAYPRESS_DIR . '/build' ),
			new Rest( $this ),
			new Webhooks( new Webhook_Receiver( $this->webhook_registration, $this->event_recorder, $this->clock ), $this->webhook_registration ),
			$this->woocommerce,
		);
	}
}
