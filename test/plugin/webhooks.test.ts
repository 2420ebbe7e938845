import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../../relay-service/test/helpers/relay.ts';
import { waitUntil } from '../support/wait.ts';
import { createRelayedSite, php, startMailWorld, type MailWorld, type RelayedSite } from './harness.ts';

/**
 * Reporting back, end to end: a real WordPress registers its webhook receiver with the real
 * relay, sends through it, and the relay's signed webhooks arrive at the site over HTTP and
 * move its log rows from `sent` to `delivered` or `bounced`, with the timeline in the log.
 */
describe('webhooks from the relay update the WordPress log', { timeout: 120_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;

  before(async () => {
    world = await startMailWorld();
    world.sink.behave({ rcpt: { 'nobody@example.org': { code: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown' } } });
    rs = await createRelayedSite(world.relay.baseUrl, world.account.token);
    // The site's canonical host (example.test) is not resolvable here; the receiver is reached on the php -S port.
    rs.site.muPlugin('relaypress-e2e-webhook-url', `<?php
add_filter( 'relaypress_webhook_url', function () {
	return ${php(`${rs.site.baseUrl}/?rest_route=/relaypress/v1/webhooks`)};
} );
`);
  });
  after(async () => {
    await rs?.destroy();
    await world?.close();
  });

  async function logRow(id: number): Promise<Record<string, any>> {
    return (await rs.log()).find((r) => Number(r.id) === id)!;
  }

  test('connecting registers the receiver with the relay; the secret stays on the server', async () => {
    const { stdout } = await rs.site.php(`echo wp_json_encode( \\RelayPress\\Plugin::instance()->webhook_registration->ensure() );`);
    const endpoints = await api(world.relay.baseUrl, 'GET', '/v1/webhooks', { token: world.account.token });
    assert.equal(endpoints.body.data.length, 1, stdout);
    assert.equal(endpoints.body.data[0].url, `${rs.site.baseUrl}/?rest_route=/relaypress/v1/webhooks`);
    assert.equal(endpoints.body.data[0].enabled, true);
    const option = await rs.site.php(`echo wp_json_encode( get_option( 'relaypress_webhook' ) );`);
    assert.doesNotMatch(option.stdout, /whsec_/, 'stored encrypted, never in plain text');
  });

  test('a delivered and a bounced email: the relay\'s webhooks set each log row\'s status, and the timeline shows why', async () => {
    const sent = await rs.site.php(`
      $a = wp_mail( 'reader@example.org', 'Delivered one', 'Hello.' );
      $a_id = \\RelayPress\\Plugin::instance()->outbox->last_log_id;
      $b = wp_mail( 'nobody@example.org', 'Bounced one', 'Hello.' );
      $b_id = \\RelayPress\\Plugin::instance()->outbox->last_log_id;
      echo wp_json_encode( array( $a, $a_id, $b, $b_id ) );
    `);
    const [okA, deliveredId, okB, bouncedId] = JSON.parse(sent.stdout) as [boolean, number, boolean, number];
    assert.equal(okA && okB, true, sent.stdout);
    const delivered = await waitUntil('the delivered webhook to reach WordPress', async () => {
      const row = await logRow(deliveredId);
      return row?.status === 'delivered' ? row : undefined;
    }, 30_000);
    assert.match(delivered.relay_message_id, /^msg_/);
    const bounced = await waitUntil('the bounce webhook to reach WordPress', async () => {
      const row = await logRow(bouncedId);
      return row?.status === 'bounced' ? row : undefined;
    }, 30_000);
    assert.match(bounced.last_error ?? '', /nobody@example\.org/);

    const events = await rs.site.phpJson(`global $wpdb; echo wp_json_encode( $wpdb->get_results( $wpdb->prepare( "SELECT event_id, type, recipient FROM {$wpdb->prefix}relaypress_log_events WHERE log_id = %d ORDER BY occurred_at, id", ${bouncedId} ), ARRAY_A ) );`);
    assert.deepEqual(events.map((e: { type: string }) => e.type), ['queued', 'sent', 'hard_bounced']);
    // Every event the relay holds for the message arrived exactly once (ids are unique in the table).
    const relayEvents = (await api(world.relay.baseUrl, 'GET', `/v1/events?message_id=${bounced.relay_message_id}`, { token: world.account.token })).body.data;
    assert.deepEqual(events.map((e: { event_id: string }) => e.event_id).sort(), relayEvents.map((e: { id: string }) => e.id).sort());
    const history = await api(world.relay.baseUrl, 'GET', `/v1/webhooks/${(await api(world.relay.baseUrl, 'GET', '/v1/webhooks', { token: world.account.token })).body.data[0].id}/deliveries?limit=100`, { token: world.account.token });
    assert.ok(history.body.data.length >= 6);
    assert.ok(history.body.data.every((a: { ok: boolean; status_code: number }) => a.ok && a.status_code === 200), JSON.stringify(history.body.data.filter((a: { ok: boolean }) => !a.ok)));
  });

  test('the admin app\'s report routes proxy the real relay: analytics totals and the activity of one recipient', async () => {
    const call = async (path: string) => JSON.parse((await rs.site.php(`
      wp_set_current_user( 1 );
      $request = new WP_REST_Request( 'GET', ${php(path.split('?')[0]!)} );
      parse_str( ${php(path.split('?')[1] ?? '')}, $query );
      $request->set_query_params( $query );
      $response = rest_do_request( $request );
      echo wp_json_encode( array( 'status' => $response->get_status(), 'data' => $response->get_data() ) );
    `)).stdout);
    const analytics = await call('/relaypress/v1/analytics?group_by=day');
    assert.equal(analytics.status, 200, JSON.stringify(analytics.data));
    assert.equal(analytics.data.totals.delivered, 1);
    assert.equal(analytics.data.totals.hard_bounced, 1);
    const activity = await call('/relaypress/v1/activity?recipient=nobody@example.org');
    assert.equal(activity.status, 200, JSON.stringify(activity.data));
    assert.deepEqual(activity.data.data.map((e: { type: string }) => e.type), ['hard_bounced', 'sent', 'queued']);
    const refused = await call('/relaypress/v1/analytics?group_by=week');
    assert.equal(refused.status, 400);
  });
});
