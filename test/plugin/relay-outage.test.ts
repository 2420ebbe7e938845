import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRelayedSite, deliveriesByMessageId, relayMessages, startMailWorld, waitDelivered, wpMailMs, type MailWorld, type RelayedSite } from './harness.ts';
import { makeAttachments, notifyNewUser, requestPasswordReset, sendPluginMail, type Attachments } from './mail-fixtures.ts';

/**
 * The outage: the relay is down (SIGTERM) while WordPress sends its core emails. WordPress
 * must not notice (wp_mail() true, wp-login.php redirects as usual), the messages wait in the
 * outbox, and once the relay is back a WP-Cron run delivers each exactly once; another cron
 * run sends nothing again.
 */
describe('relay outage: the outbox holds the mail and WP-Cron delivers it once', { timeout: 90_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;
  let files: Attachments;
  const timings: string[] = [];

  /** Envelope recipients per trigger, as WordPress addresses them. */
  const expectedRecipients = new Map<string, string[]>([
    ['admin@example.test', ['admin@example.test']],
    ['newbie@example.org', ['newbie@example.org']],
    ['customer@example.org', ['customer@example.org', 'manager@example.net', 'archive@example.com']],
  ]);

  before(async () => {
    world = await startMailWorld();
    rs = await createRelayedSite(world.relay.baseUrl, world.account.token);
    files = makeAttachments();
  });
  after(async () => {
    if (timings.length) console.log(`relay-outage timings (printed, not asserted):\n  ${timings.join('\n  ')}`);
    await rs?.destroy();
    await world?.close();
    files?.remove();
  });

  test('with the relay stopped, core emails are accepted quickly and stay pending', async () => {
    await world.stopRelay();

    const reset = await requestPasswordReset(rs);
    timings.push(`relay down: password reset POST wp-login.php ${reset.ms.toFixed(0)} ms (its wp_mail() ${wpMailMs(rs.events(), /Password Reset/)?.toFixed(0)} ms)`);
    assert.equal(reset.status, 302, `wp-login.php answered ${reset.status}: ${reset.body.slice(0, 800)}`);
    assert.match(String(reset.headers.location), /checkemail=confirm/, 'WordPress reports the reset email as sent');

    const newUser = await notifyNewUser(rs, 'newbie', 'newbie@example.org');
    timings.push(`relay down: wp_new_user_notification (2 mails) ${newUser.ms.toFixed(0)} ms`);

    const plugin = await sendPluginMail(rs, files);
    timings.push(`relay down: plugin wp_mail with attachments ${plugin.ms.toFixed(0)} ms`);
    assert.equal(plugin.ok, true, 'wp_mail() returns true: the message is durably queued');

    const outbox = await rs.outbox();
    assert.equal(outbox.length, 4, 'reset, two new-user notifications, plugin mail');
    for (const row of outbox) {
      assert.equal(row.status, 'pending');
      assert.equal(Number(row.attempts), 1, 'one immediate attempt');
      assert.match(String(row.last_error), /cURL error 7|Failed to connect|Connection refused/i);
      assert.equal(row.relay_message_id, null);
    }
    assert.ok((await rs.log()).every((r) => r.status === 'queued'));
    assert.equal(rs.events().filter((e) => e.type === 'wp_mail_failed').length, 0, 'no wp_mail_failed for a temporary outage');
    assert.equal(rs.events().filter((e) => e.type === 'wp_mail_succeeded').length, 4, 'core reports all four as sent');
    assert.equal(world.sink.messages.length, 0);
  });

  test('relay back on the same port: one WP-Cron run over HTTP delivers every message exactly once', async () => {
    await world.startRelayAgain();
    const cron = await rs.runCron();
    timings.push(`wp-cron.php run after the outage (4 messages): ${cron.ms.toFixed(0)} ms`);

    const outbox = await rs.outbox();
    for (const row of outbox) {
      assert.equal(row.status, 'sent', `outbox ${row.id}: ${row.last_error}`);
      assert.equal(Number(row.attempts), 2);
      assert.match(String(row.relay_message_id), /^msg_[0-9a-z]{26}$/);
    }
    const log = await rs.log();
    for (const row of log) {
      assert.equal(row.status, 'sent');
      assert.equal(row.relay_message_id, outbox.find((o) => Number(o.log_id) === Number(row.id))!.relay_message_id);
    }

    await waitDelivered(world, outbox.map((r) => r.relay_message_id));
    const byId = deliveriesByMessageId(world.sink.messages);
    assert.equal(byId.size, 4, 'four distinct Message-IDs at the sink');
    for (const row of log) {
      const perRcpt = byId.get(String(row.message_id_header).replace(/^<|>$/g, ''));
      assert.ok(perRcpt, `message ${row.message_id_header} (${row.subject}) reached the sink`);
      const want = expectedRecipients.get(row.to_addresses)!;
      assert.deepEqual(Object.fromEntries(perRcpt), Object.fromEntries(want.map((r) => [r, 1])), `${row.subject}: each recipient exactly once`);
    }
    assert.equal((await relayMessages(world)).length, 4, 'the relay holds four messages, no duplicates');
  });

  test('another WP-Cron run sends nothing again', async () => {
    const attemptsBefore = rs.events().filter((e) => e.type === 'attempt').length;
    const sinkBefore = world.sink.messages.length;
    await rs.runCron();
    assert.equal(rs.events().filter((e) => e.type === 'attempt').length, attemptsBefore, 'no delivery attempt: nothing was due');
    // Give a stray delivery time to show up before concluding none came.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(world.sink.messages.length, sinkBefore);
    assert.equal((await relayMessages(world)).length, 4);
    assert.ok((await rs.outbox()).every((r) => r.status === 'sent'));
  });
});
