import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRelayedSite, startMailWorld, type MailWorld, type RelayedSite } from './harness.ts';

/**
 * A store without WooCommerce (a real WordPress, nothing loaded in its place): the WooCommerce
 * routes say so instead of failing, and the schema stays readable for template authors.
 */
describe('the WooCommerce routes on a site without WooCommerce', { timeout: 60_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;

  before(async () => {
    world = await startMailWorld();
    rs = await createRelayedSite(world.relay.baseUrl, world.account.token);
  });
  after(async () => {
    await rs?.destroy();
    await world?.close();
  });

  test('every route but the schema answers 404 relaypress_no_woocommerce, and nothing is written', async () => {
    const answers = await rs.site.phpJson<Record<string, { status: number; code: string | null }>>(String.raw`
      wp_set_current_user( 1 );
      $answers = array();
      foreach ( array( 'GET /woocommerce/emails', 'PUT /woocommerce/emails/new_order', 'POST /woocommerce/emails/new_order/preview', 'POST /woocommerce/emails/new_order/test', 'GET /woocommerce/orders', 'GET /woocommerce/templates', 'POST /woocommerce/starters', 'GET /woocommerce/schema' ) as $route ) {
        list( $method, $path ) = explode( ' ', $route );
        $request = new WP_REST_Request( $method, '/relaypress/v1' . $path );
        if ( 'PUT' === $method ) {
          $request->set_header( 'content-type', 'application/json' );
          $request->set_body( '{"template_id":"tpl_x"}' );
        }
        $response = rest_do_request( $request );
        $data     = $response->get_data();
        $answers[ $route ] = array( 'status' => $response->get_status(), 'code' => is_array( $data ) && isset( $data['code'] ) ? $data['code'] : null );
      }
      echo wp_json_encode( $answers );
    `);
    const { 'GET /woocommerce/schema': schema, ...rest } = answers;
    assert.deepEqual(schema, { status: 200, code: null });
    assert.equal(Object.keys(rest).length, 7);
    for (const [route, answer] of Object.entries(rest)) assert.deepEqual(answer, { status: 404, code: 'relaypress_no_woocommerce' }, route);
    assert.equal((await rs.site.php(`echo wp_json_encode( get_option( 'relaypress_woocommerce_templates', 'absent' ) );`)).stdout, '"absent"', 'no mapping stored');
  });
});
