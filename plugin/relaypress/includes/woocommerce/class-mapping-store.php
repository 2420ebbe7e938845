<?php
/**
 * Which WooCommerce email is sent as which relay template.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * One option, `relaypress_woocommerce_templates`: email id => {template_id, enabled}. An email
 * with no entry, or a disabled one, is sent as WooCommerce's own HTML.
 */
final class Mapping_Store {

	public const OPTION = 'relaypress_woocommerce_templates';

	/**
	 * @return array<string, array{template_id: string, enabled: bool}>
	 */
	public function all(): array {
		$mappings = array();
		foreach ( (array) get_option( self::OPTION, array() ) as $id => $mapping ) {
			if ( is_array( $mapping ) && '' !== (string) ( $mapping['template_id'] ?? '' ) ) {
				$mappings[ (string) $id ] = array(
					'template_id' => (string) $mapping['template_id'],
					'enabled'     => ! empty( $mapping['enabled'] ),
				);
			}
		}
		return $mappings;
	}

	/**
	 * @return array{template_id: string, enabled: bool}|null
	 */
	public function get( string $email_id ): ?array {
		return $this->all()[ $email_id ] ?? null;
	}

	/**
	 * The template to send $email_id with, or null (WooCommerce's own HTML).
	 */
	public function active_template( string $email_id ): ?string {
		$mapping = $this->get( $email_id );
		return null !== $mapping && $mapping['enabled'] ? $mapping['template_id'] : null;
	}

	/**
	 * Maps an email (null or '' template: unmapped).
	 */
	public function set( string $email_id, ?string $template_id, bool $enabled = true ): void {
		$mappings = $this->all();
		if ( null === $template_id || '' === $template_id ) {
			unset( $mappings[ $email_id ] );
		} else {
			$mappings[ $email_id ] = array(
				'template_id' => $template_id,
				'enabled'     => $enabled,
			);
		}
		update_option( self::OPTION, $mappings, false );
	}
}
