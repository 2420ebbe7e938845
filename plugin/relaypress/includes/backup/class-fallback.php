<?php
/**
 * When the relay has been unreachable too long, a row goes out through the backup SMTP host.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Backup;

defined( 'ABSPATH' ) || exit;

use RelayPress\Alert\Alerts;
use RelayPress\Relay\Send_Result;
use RelayPress\Settings\Settings;
use RelayPress\Support\Clock;

/**
 * Only temporary relay failures qualify (a refusal is the relay's verdict on the message),
 * and only once the row has been waiting `backup_after_minutes` since it was queued. Admins
 * hear about the relay failing whether or not the backup saves the message.
 */
class Fallback {

	public const VIA_RELAY  = 'relay';
	public const VIA_BACKUP = 'backup_smtp';

	private Settings $settings;
	private Backup_Smtp $smtp;
	private Alerts $alerts;
	private Clock $clock;

	public function __construct( Settings $settings, Backup_Smtp $smtp, Alerts $alerts, Clock $clock ) {
		$this->settings = $settings;
		$this->smtp     = $smtp;
		$this->alerts   = $alerts;
		$this->clock    = $clock;
	}

	/**
	 * True when the row has waited long enough for the relay.
	 *
	 * @param array<string, mixed> $row Outbox row.
	 */
	public function overdue( array $row ): bool {
		$queued_at = strtotime( (string) $row['created_at'] . ' UTC' );
		return false !== $queued_at && $this->clock->now() - $queued_at >= $this->settings->backup_after_seconds();
	}

	/**
	 * After a failed relay attempt: the backup's result, or null when the backup does not
	 * apply (not configured, not overdue, or the relay refused the message outright).
	 *
	 * @param array<string, mixed> $row     Outbox row (raw_mime still present).
	 * @param Send_Result          $primary The relay's answer.
	 */
	public function after_relay_failure( array $row, Send_Result $primary ): ?Send_Result {
		if ( ! $primary->temporary() || ! $this->overdue( $row ) ) {
			return null;
		}
		$config = $this->settings->backup_smtp();
		/* translators: 1: minutes, 2: relay error */
		$this->alerts->notify( 'relay_unreachable', sprintf( __( 'The relay has not accepted a queued message for %1$d minutes: %2$s', 'relaypress' ), (int) round( ( $this->clock->now() - (int) strtotime( (string) $row['created_at'] . ' UTC' ) ) / 60 ), $primary->describe() ) );
		if ( null === $config ) {
			return null;
		}
		$result = $this->smtp->send( $config, (string) $row['mail_from'], (array) json_decode( (string) $row['rcpt_to'], true ), (string) $row['raw_mime'] );
		if ( ! $result->accepted() ) {
			$this->alerts->notify( 'backup_failed', $result->describe() );
		}
		return $result;
	}
}
