<?php
/**
 * The plugin's tables (per site: `$wpdb->prefix`).
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Lifecycle;

defined( 'ABSPATH' ) || exit;

/**
 * dbDelta() creates and alters the tables; bump VERSION with every change to the SQL so
 * Installer::maybe_upgrade() applies it on the next request.
 */
final class Schema {

	public const VERSION        = '5'; // 2: sent_via (relay or backup_smtp). 3: relaypress_log_events (webhooks). 4: tracking (outbox, log). 5: outbox template_request, tags (WooCommerce).
	public const VERSION_OPTION = 'relaypress_db_version';

	/**
	 * @return string[] Table names for the current site.
	 */
	public static function tables(): array {
		global $wpdb;
		return array(
			$wpdb->prefix . 'relaypress_outbox',
			$wpdb->prefix . 'relaypress_log',
			$wpdb->prefix . 'relaypress_log_bodies',
			$wpdb->prefix . 'relaypress_log_events',
		);
	}

	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$collate = $wpdb->get_charset_collate();
		$p       = $wpdb->prefix;

		// dbDelta's format: one column per line, two spaces after PRIMARY KEY, KEY not INDEX.
		dbDelta(
			"CREATE TABLE {$p}relaypress_outbox (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  log_id bigint(20) unsigned NOT NULL DEFAULT 0,
  idempotency_key char(36) NOT NULL,
  mail_from varchar(320) NOT NULL DEFAULT '',
  rcpt_to longtext NOT NULL,
  raw_mime longblob NULL,
  template_request longblob NULL,
  tags text NULL,
  source varchar(100) NOT NULL DEFAULT '',
  tracking varchar(40) NOT NULL DEFAULT '',
  status varchar(20) NOT NULL DEFAULT 'pending',
  attempts int(10) unsigned NOT NULL DEFAULT 0,
  next_attempt_at datetime NOT NULL,
  lock_token char(36) NULL,
  locked_until datetime NULL,
  last_error text NULL,
  relay_message_id varchar(100) NULL,
  sent_via varchar(20) NOT NULL DEFAULT '',
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY idempotency_key (idempotency_key),
  KEY due (status,next_attempt_at),
  KEY lock_token (lock_token),
  KEY log_id (log_id)
) $collate;
CREATE TABLE {$p}relaypress_log (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'queued',
  source varchar(100) NOT NULL DEFAULT '',
  mail_from varchar(320) NOT NULL DEFAULT '',
  to_addresses text NULL,
  cc_addresses text NULL,
  bcc_addresses text NULL,
  subject text NULL,
  message_id_header varchar(255) NOT NULL DEFAULT '',
  relay_message_id varchar(100) NULL,
  sent_via varchar(20) NOT NULL DEFAULT '',
  has_attachments tinyint(1) NOT NULL DEFAULT 0,
  tracking varchar(40) NOT NULL DEFAULT '',
  attempts int(10) unsigned NOT NULL DEFAULT 0,
  last_error text NULL,
  resent_from bigint(20) unsigned NULL,
  PRIMARY KEY  (id),
  KEY created_at (created_at),
  KEY status_created (status,created_at),
  KEY relay_message_id (relay_message_id)
) $collate;
CREATE TABLE {$p}relaypress_log_bodies (
  log_id bigint(20) unsigned NOT NULL,
  raw_mime longblob NOT NULL,
  envelope longtext NOT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY  (log_id),
  KEY created_at (created_at)
) $collate;
CREATE TABLE {$p}relaypress_log_events (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  event_id varchar(100) NOT NULL,
  log_id bigint(20) unsigned NULL,
  relay_message_id varchar(100) NULL,
  type varchar(30) NOT NULL,
  recipient varchar(320) NULL,
  data longtext NOT NULL,
  occurred_at datetime(3) NOT NULL,
  received_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY event_id (event_id),
  KEY log_occurred (log_id,occurred_at),
  KEY relay_message_id (relay_message_id),
  KEY received_at (received_at)
) $collate;"
		);
		update_option( self::VERSION_OPTION, self::VERSION, true );
	}

	public static function drop(): void {
		global $wpdb;
		foreach ( self::tables() as $table ) {
			$wpdb->query( "DROP TABLE IF EXISTS `{$table}`" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared,WordPress.DB.DirectDatabaseQuery
		}
		delete_option( self::VERSION_OPTION );
	}

	public static function installed(): bool {
		return self::VERSION === get_option( self::VERSION_OPTION );
	}
}
