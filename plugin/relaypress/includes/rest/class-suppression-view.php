<?php
/**
 * The relay's suppression JSON reduced to known fields, typed and escaped.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * An allow-list, as Domain_View. The pattern and note are whatever an admin, an import or
 * a bounce put there: text, escaped.
 */
final class Suppression_View {

	public const ID      = '^sup_[0-9a-z]{26}$';
	public const REASONS = array( 'hard_bounce', 'complaint', 'unsubscribe', 'manual' );

	/**
	 * @param array<string, mixed> $s Relay suppression.
	 * @return array<string, mixed>
	 */
	public static function suppression( array $s ): array {
		return array(
			'id'         => Domain_View::matching( self::ID, $s['id'] ?? null ),
			'pattern'    => Output::text( $s['pattern'] ?? '' ),
			'reason'     => Domain_View::one_of( self::REASONS, $s['reason'] ?? null ),
			'note'       => Output::nullable_text( $s['note'] ?? null ),
			'created_at' => Relay_View::date( $s['created_at'] ?? null ),
		);
	}
}
