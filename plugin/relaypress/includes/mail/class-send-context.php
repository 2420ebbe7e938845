<?php
/**
 * What the next wp_mail() call carries besides the message: a relay template and its data,
 * tags, a source.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Mail;

defined( 'ABSPATH' ) || exit;

/**
 * A caller that knows more than wp_mail()'s arguments can say (the WooCommerce area: which
 * email, which template) sets it around its own wp_mail() call with during(); Relay_Mailer
 * takes it once, so a message sent from inside that call (a failure notice) does not inherit it.
 */
final class Send_Context {

	/**
	 * @var array{source?: string, tags?: string[], account_mail?: bool, template?: array{template_id: string, data: array<string, mixed>}}|null
	 */
	private ?array $pending = null;

	/**
	 * Runs $send with $context pending, and clears it afterwards whatever happens.
	 *
	 * @param array<string, mixed> $context source, tags, account_mail, template.
	 * @return mixed What $send returns.
	 */
	public function during( array $context, callable $send ) {
		$previous      = $this->pending;
		$this->pending = $context;
		try {
			return $send();
		} finally {
			$this->pending = $previous;
		}
	}

	/**
	 * The pending context, once.
	 *
	 * @return array<string, mixed>|null
	 */
	public function take(): ?array {
		$context       = $this->pending;
		$this->pending = null;
		return $context;
	}
}
