<?php
/**
 * `/relaypress/v1/woocommerce/…`: the admin app's WooCommerce tab.
 *
 * @package RelayPress
 */

declare( strict_types=1 );

namespace RelayPress\Rest;

defined( 'ABSPATH' ) || exit;

use RelayPress\WooCommerce\Email_Catalog;
use RelayPress\WooCommerce\Variable_Builder;
use RelayPress\WooCommerce\Variable_Schema;

/**
 * GET  /woocommerce/emails                  every WooCommerce email with its mapping
 * PUT  /woocommerce/emails/{id}             {template_id|null, enabled}; a new template must exist on the relay
 * POST /woocommerce/emails/{id}/preview     {order_id?, template_id?} → the relay's render with that order's data
 * POST /woocommerce/emails/{id}/test        {order_id?} → sent to the current user through WooCommerce
 * GET  /woocommerce/templates               the relay's templates, by name, to map emails to
 * GET  /woocommerce/orders                  recent orders to preview with
 * POST /woocommerce/starters                install the relay's starter templates and map them
 * GET  /woocommerce/schema                  the variable schema version and document
 * Without WooCommerce every route answers 404 `relaypress_no_woocommerce`.
 */
class WooCommerce_Controller extends Controller {

	private const ID_PATTERN = '(?P<id>[a-z0-9_\-]{1,64})';

	public function register_routes(): void {
		$this->register_route(
			'/woocommerce/emails',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'list_emails' ),
				),
			)
		);
		$this->register_route(
			'/woocommerce/emails/' . self::ID_PATTERN,
			array(
				array(
					'methods'  => 'PUT',
					'callback' => array( $this, 'map_email' ),
					'args'     => array(
						'template_id' => self::arg(
							array(
								'type'        => array( 'string', 'null' ),
								'maxLength'   => 64,
								'description' => __( 'Relay template id; null or empty unmaps the email; absent keeps the template (to switch `enabled` only).', 'relaypress' ),
							)
						),
						'enabled'     => self::arg(
							array(
								'type'        => 'boolean',
								'description' => __( 'Send this email as its template (false: WooCommerce HTML, mapping kept).', 'relaypress' ),
							)
						),
					),
				),
			)
		);
		$order_arg = array(
			'order_id' => self::arg(
				array(
					'type'        => 'integer',
					'minimum'     => 1,
					'description' => __( 'Order to take the data from (default: the newest).', 'relaypress' ),
				)
			),
		);
		$this->register_route(
			'/woocommerce/emails/' . self::ID_PATTERN . '/preview',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'preview' ),
					'args'     => $order_arg + array(
						'template_id' => self::arg(
							array(
								'type'        => 'string',
								'minLength'   => 1,
								'maxLength'   => 64,
								'description' => __( 'Template to preview with (default: the mapped one), so a choice can be seen before it is saved.', 'relaypress' ),
							)
						),
					),
				),
			)
		);
		$this->register_route(
			'/woocommerce/emails/' . self::ID_PATTERN . '/test',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'send_test' ),
					'args'     => $order_arg,
				),
			)
		);
		$this->register_route(
			'/woocommerce/templates',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'list_templates' ),
				),
			)
		);
		$this->register_route(
			'/woocommerce/orders',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'recent_orders' ),
				),
			)
		);
		$this->register_route(
			'/woocommerce/starters',
			array(
				array(
					'methods'  => \WP_REST_Server::CREATABLE,
					'callback' => array( $this, 'install_starters' ),
				),
			)
		);
		$this->register_route(
			'/woocommerce/schema',
			array(
				array(
					'methods'  => \WP_REST_Server::READABLE,
					'callback' => array( $this, 'schema' ),
				),
			)
		);
	}

	private static function no_woocommerce(): \WP_Error {
		return new \WP_Error( 'relaypress_no_woocommerce', __( 'WooCommerce is not active.', 'relaypress' ), array( 'status' => 404 ) );
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function list_emails() {
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		$area     = $this->plugin->woocommerce;
		$mappings = $area->mappings->all();
		$rows     = array();
		foreach ( $area->catalog->describe() as $id => $email ) {
			$rows[] = array(
				'id'                  => $id,
				'class'               => Output::text( $email['class'] ),
				'title'               => Output::text( $email['title'] ),
				'description'         => Output::text( $email['description'] ),
				'customer_email'      => $email['customer_email'],
				'manual'              => $email['manual'],
				'woocommerce_enabled' => $email['enabled'],
				'template_id'         => $mappings[ $id ]['template_id'] ?? null,
				'mapping_enabled'     => $mappings[ $id ]['enabled'] ?? false,
			);
		}
		return new \WP_REST_Response(
			array(
				'schema_version' => Variable_Builder::SCHEMA_VERSION,
				'emails'         => $rows,
			)
		);
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function map_email( \WP_REST_Request $request ) {
		$id = (string) $request['id'];
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		if ( null === $this->plugin->woocommerce->catalog->find( $id ) ) {
			return new \WP_Error( 'relaypress_unknown_email', __( 'No such WooCommerce email.', 'relaypress' ), array( 'status' => 404 ) );
		}
		$current  = $this->plugin->woocommerce->mappings->get( $id );
		$template = $request->has_param( 'template_id' ) ? $request['template_id'] : ( $current['template_id'] ?? null );
		$template = null === $template ? null : trim( (string) $template );
		$enabled  = $request->has_param( 'enabled' ) ? (bool) $request['enabled'] : true;
		if ( null !== $template && '' !== $template && $template !== ( $current['template_id'] ?? null ) ) {
			$known = $this->known_template( $template );
			if ( is_wp_error( $known ) ) {
				return $known;
			}
		}
		$this->plugin->woocommerce->mappings->set( $id, $template, $enabled );
		$mapping = $this->plugin->woocommerce->mappings->get( $id );
		return new \WP_REST_Response(
			array(
				'id'              => $id,
				'template_id'     => $mapping['template_id'] ?? null,
				'mapping_enabled' => $mapping['enabled'] ?? false,
			)
		);
	}

	/**
	 * Asks the relay whether $template_id is one of this site's templates, so a typo is refused
	 * when it is saved instead of making every send of that email fall back to WooCommerce's
	 * HTML. Only a new choice is checked: switching `enabled` works while the relay is down.
	 *
	 * @return true|\WP_Error 422 `relaypress_unknown_template`, or the relay's error (502/503).
	 */
	private function known_template( string $template_id ) {
		$answer = $this->relay_call( 'GET', '/v1/templates/' . rawurlencode( $template_id ) );
		if ( ! is_wp_error( $answer ) ) {
			return true;
		}
		if ( 404 === ( $answer->get_error_data()['relay_status'] ?? null ) ) {
			return new \WP_Error(
				'relaypress_unknown_template',
				/* translators: %s: template id */
				sprintf( __( 'The relay has no template %s.', 'relaypress' ), Output::text( $template_id ) ),
				array(
					'status' => 422,
					'field'  => 'template_id',
				)
			);
		}
		return $answer;
	}

	/**
	 * The email with $order (or the newest order; the current user for account emails) set up as
	 * its trigger would, on a copy of WooCommerce's email object.
	 *
	 * @return \WC_Email|\WP_Error
	 */
	private function prepared_email( string $id, ?int $order_id ) {
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		$original = $this->plugin->woocommerce->catalog->find( $id );
		if ( null === $original ) {
			return new \WP_Error( 'relaypress_unknown_email', __( 'No such WooCommerce email.', 'relaypress' ), array( 'status' => 404 ) );
		}
		$email = clone $original;
		if ( $id !== $email->id ) {
			$email->id = $id; // customer_partially_refunded_order.
		}
		if ( property_exists( $email, 'partial_refund' ) ) {
			$email->partial_refund = 'customer_partially_refunded_order' === $id;
		}
		$order = null;
		if ( null !== $order_id ) {
			$order = wc_get_order( $order_id );
			if ( ! $order instanceof \WC_Order ) {
				return new \WP_Error( 'relaypress_unknown_order', __( 'No such order.', 'relaypress' ), array( 'status' => 404 ) );
			}
		} else {
			$recent = wc_get_orders( array( 'limit' => 1 ) );
			$order  = $recent[0] ?? null;
		}
		$user = wp_get_current_user();
		if ( property_exists( $email, 'reset_key' ) || property_exists( $email, 'set_password_url' ) ) {
			$email->object     = $user;
			$email->user_login = $user->user_login;
			$email->user_email = $user->user_email;
			if ( property_exists( $email, 'reset_key' ) ) {
				$email->user_id   = $user->ID;
				$email->reset_key = 'preview-reset-key';
			}
			if ( property_exists( $email, 'set_password_url' ) ) {
				$email->set_password_url   = wc_get_account_endpoint_url( 'lost-password' ) . '?action=newaccount&key=preview-key&login=' . rawurlencode( $user->user_login );
				$email->password_generated = true;
			}
		} else {
			if ( ! $order instanceof \WC_Order ) {
				return new \WP_Error( 'relaypress_no_orders', __( 'There is no order to preview this email with.', 'relaypress' ), array( 'status' => 404 ) );
			}
			$email->object = $order;
			if ( isset( $email->placeholders['{order_number}'] ) ) {
				$email->placeholders['{order_date}']   = wc_format_datetime( $order->get_date_created() );
				$email->placeholders['{order_number}'] = $order->get_order_number();
			}
			if ( property_exists( $email, 'customer_note' ) ) {
				$email->customer_note = __( 'This is how a note you add to the order for the customer appears.', 'relaypress' );
			}
			if ( property_exists( $email, 'refund' ) ) {
				$refunds       = $order->get_refunds();
				$email->refund = $refunds[0] ?? false;
			}
		}
		return $email;
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function preview( \WP_REST_Request $request ) {
		$id      = (string) $request['id'];
		$mapping = Email_Catalog::available() ? $this->plugin->woocommerce->mappings->get( $id ) : null;
		$email   = $this->prepared_email( $id, null === $request['order_id'] ? null : (int) $request['order_id'] );
		if ( is_wp_error( $email ) ) {
			return $email;
		}
		$template_id = (string) ( $request['template_id'] ?? ( $mapping['template_id'] ?? '' ) );
		if ( '' === $template_id ) {
			return new \WP_Error( 'relaypress_not_mapped', __( 'This email has no template.', 'relaypress' ), array( 'status' => 400 ) );
		}
		$data   = $this->plugin->woocommerce->variables->for_email( $email );
		$answer = $this->relay_call( 'POST', '/v1/templates/' . rawurlencode( $template_id ) . '/render', array(), (string) wp_json_encode( array( 'data' => (object) $data ) ) );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new \WP_REST_Response(
			array(
				'template_id' => $template_id,
				'subject'     => (string) $email->get_subject(), // What the send uses; the template's own subject is overridden.
				'rendered'    => $answer['json'],
				'data'        => $data,
			)
		);
	}

	/**
	 * Sends the email to the current user the way WooCommerce sends it (WC_Email::send(), so
	 * the mapping, the From filters and the fallback all apply), subject marked "[Test]".
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function send_test( \WP_REST_Request $request ) {
		$email = $this->prepared_email( (string) $request['id'], null === $request['order_id'] ? null : (int) $request['order_id'] );
		if ( is_wp_error( $email ) ) {
			return $email;
		}
		$to = (string) wp_get_current_user()->user_email;
		if ( ! is_email( $to ) ) {
			return new \WP_Error( 'relaypress_no_address', __( 'Your account has no email address.', 'relaypress' ), array( 'status' => 400 ) );
		}
		$this->plugin->outbox->last_log_id = null;
		// WooCommerce adds the text part of a multipart email in `phpmailer_init`, hooked for
		// its own object only; the copy sending here needs its own hook for the same part.
		$multipart = array( $email, 'handle_multipart' );
		$hook      = is_callable( $multipart ) && false === has_action( 'phpmailer_init', $multipart );
		if ( $hook ) {
			add_action( 'phpmailer_init', $multipart );
		}
		try {
			/* translators: %s: subject */
			$sent = $email->send( $to, sprintf( __( '[Test] %s', 'relaypress' ), $email->get_subject() ), $email->get_content(), $email->get_headers(), array() );
		} finally {
			if ( $hook ) {
				remove_action( 'phpmailer_init', $multipart );
			}
		}
		$log_id = $this->plugin->outbox->last_log_id;
		$entry  = null === $log_id ? null : $this->plugin->log_repository->find( $log_id );
		$data   = array(
			'sent'       => (bool) $sent,
			'to'         => Output::text( $to ),
			'log_id'     => $log_id,
			'log_status' => null === $entry ? null : (string) $entry['status'],
			'note'       => null === $entry || null === $entry['last_error'] ? null : Output::text( $entry['last_error'] ),
		);
		if ( ! $sent ) {
			$data['status'] = 502;
			return new \WP_Error( 'relaypress_test_email_failed', __( 'The test email was not sent.', 'relaypress' ), $data );
		}
		return new \WP_REST_Response( $data );
	}

	/**
	 * The relay's templates for the mapping dropdown, sorted by name. Names and ids are the
	 * relay's text, escaped like every relay string.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function list_templates() {
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		$answer = $this->relay_call( 'GET', '/v1/templates' );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		$templates = array();
		foreach ( (array) ( $answer['json']['data'] ?? array() ) as $template ) {
			if ( ! is_array( $template ) || ! is_string( $template['id'] ?? null ) || '' === $template['id'] ) {
				continue;
			}
			$templates[] = array(
				'id'             => Output::text( $template['id'] ),
				'name'           => Output::text( (string) ( $template['name'] ?? $template['id'] ) ),
				'starter'        => is_string( $template['starter'] ?? null ) ? Output::text( $template['starter'] ) : null,
				'active_version' => (int) ( $template['active_version'] ?? 0 ),
				'updated_at'     => is_string( $template['updated_at'] ?? null ) ? Output::text( $template['updated_at'] ) : null,
			);
		}
		usort( $templates, static fn( $a, $b ) => strnatcasecmp( $a['name'], $b['name'] ) ?: strcmp( $a['id'], $b['id'] ) );
		return new \WP_REST_Response( array( 'templates' => $templates ) );
	}

	/**
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function recent_orders() {
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		$orders = array();
		foreach ( wc_get_orders( array( 'limit' => 20 ) ) as $order ) {
			if ( ! $order instanceof \WC_Order ) {
				continue;
			}
			$orders[] = array(
				'id'           => (int) $order->get_id(),
				'order_number' => Output::text( $order->get_order_number() ),
				'status'       => Output::text( $order->get_status() ),
				'customer'     => Output::text( trim( $order->get_formatted_billing_full_name() ) ),
				'total'        => Output::text( html_entity_decode( wp_strip_all_tags( (string) $order->get_formatted_order_total() ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) ),
				'date'         => $order->get_date_created() ? $order->get_date_created()->format( DATE_ATOM ) : null,
			);
		}
		return new \WP_REST_Response( array( 'orders' => $orders ) );
	}

	/**
	 * `POST /v1/templates/starters` on the relay, then `GET /v1/templates` to find every starter
	 * (installed now, or kept from before), and each WooCommerce email whose id is a starter key
	 * is mapped to it. An email already mapped keeps its template.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function install_starters() {
		if ( ! Email_Catalog::available() ) {
			return self::no_woocommerce();
		}
		$installed = $this->relay_call( 'POST', '/v1/templates/starters', array(), '{}' );
		if ( is_wp_error( $installed ) ) {
			return $installed;
		}
		$list = $this->relay_call( 'GET', '/v1/templates' );
		if ( is_wp_error( $list ) ) {
			return $list;
		}
		$by_starter = array();
		foreach ( (array) ( $list['json']['data'] ?? array() ) as $template ) {
			$key = (string) ( $template['starter'] ?? '' );
			if ( '' !== $key && ! isset( $by_starter[ $key ] ) ) {
				$by_starter[ $key ] = (string) $template['id'];
			}
		}
		$mappings = $this->plugin->woocommerce->mappings;
		$mapped   = array();
		$kept     = array();
		foreach ( array_keys( $this->plugin->woocommerce->catalog->emails() ) as $id ) {
			if ( ! isset( $by_starter[ $id ] ) ) {
				continue;
			}
			if ( null !== $mappings->get( $id ) ) {
				$kept[] = $id;
				continue;
			}
			$mappings->set( $id, $by_starter[ $id ], true );
			$mapped[] = array(
				'id'          => $id,
				'template_id' => $by_starter[ $id ],
			);
		}
		return new \WP_REST_Response(
			array(
				'installed' => count( (array) ( $installed['json']['installed'] ?? array() ) ),
				'skipped'   => count( (array) ( $installed['json']['skipped'] ?? array() ) ),
				'mapped'    => $mapped,
				'kept'      => $kept,
			)
		);
	}

	public function schema(): \WP_REST_Response {
		return new \WP_REST_Response(
			array(
				'schema_version' => Variable_Builder::SCHEMA_VERSION,
				'document'       => 'docs/woocommerce-variables.md',
				'variables'      => Variable_Schema::rows(),
			)
		);
	}
}
