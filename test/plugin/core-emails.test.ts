import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { verifyWithDkimpy } from '../../relay-service/test/dkim/helpers.ts';
import { api } from '../../relay-service/test/helpers/relay.ts';
import { waitUntil } from '../support/wait.ts';
import type { ReceivedMessage } from '../../relay-service/test/helpers/smtp-sink.ts';
import { createRelayedSite, deliveriesByMessageId, header, messageIdOf, relayMessages, startMailWorld, waitDelivered, wpMailMs, type MailWorld, type RelayedSite } from './harness.ts';
import { makeAttachments, notifyNewUser, PLUGIN_MAIL, requestPasswordReset, sendPluginMail, type Attachments } from './mail-fixtures.ts';

/**
 * Real WordPress 6.1 (php -S, MariaDB) with RelayPress → the relay process → DNS-resolved MX
 * sink. What WordPress core and a plugin send arrives as WordPress built it, DKIM-signed.
 */
describe('WordPress core emails through RelayPress', { timeout: 90_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;
  let files: Attachments;
  const timings: string[] = [];

  before(async () => {
    world = await startMailWorld();
    rs = await createRelayedSite(world.relay.baseUrl, world.account.token);
    files = makeAttachments();
  });
  after(async () => {
    if (timings.length) console.log(`core-emails timings:\n  ${timings.join('\n  ')}`);
    await rs?.destroy();
    await world?.close();
    files?.remove();
  });

  /** The newest log rows since `count` rows, with what the relay and sink got for each. */
  async function newLogRows(count: number, expected: number) {
    const rows = await rs.log();
    assert.equal(rows.length, count + expected, `log rows: ${JSON.stringify(rows.slice(count))}`);
    return rows.slice(count);
  }

  /** Sink copies of one message, once every expected recipient got it; checks each exactly once. */
  async function arrived(messageId: string, recipients: string[]): Promise<ReceivedMessage[]> {
    const id = messageId.replace(/^<|>$/g, '');
    await waitUntil(`sink to receive ${id} for ${recipients.join(', ')}`, () => {
      const got = deliveriesByMessageId(world.sink.messages).get(id);
      return got && recipients.every((r) => got.has(r)) ? true : undefined;
    }, 20_000);
    const perRcpt = deliveriesByMessageId(world.sink.messages).get(id)!;
    assert.deepEqual(Object.fromEntries(perRcpt), Object.fromEntries(recipients.map((r) => [r, 1])), 'each envelope recipient exactly once, nobody else');
    return world.sink.messages.filter((m) => messageIdOf(m.raw) === id);
  }

  async function assertSignedFromWordPress(copy: ReceivedMessage) {
    assert.equal(header(copy.raw, 'From'), 'WordPress <wordpress@example.test>', 'core default From as WordPress set it');
    assert.equal(copy.mailFrom, 'wordpress@example.test');
    const verdict = await verifyWithDkimpy(copy.raw, world.dkimZone);
    assert.deepEqual(verdict.results.map((r) => [r.algorithm, r.ok, r.error]), [['rsa-sha256', true, null]], 'one RSA DKIM signature that dkimpy verifies');
    assert.match(header(copy.raw, 'DKIM-Signature')!, /\bd=example\.test;/);
  }

  /** The log row says sent with the relay's id, and the relay's message is this one. */
  async function assertLoggedAsSent(row: Record<string, any>) {
    assert.equal(row.status, 'sent', `log row ${row.id}: ${row.last_error}`);
    assert.match(row.relay_message_id ?? '', /^msg_[0-9a-z]{26}$/);
    const detail = await api(world.relay.baseUrl, 'GET', `/v1/messages/${row.relay_message_id}`, { token: world.account.token });
    assert.equal(detail.status, 200);
    assert.equal(String(detail.body.message_id_header).replace(/^<|>$/g, ''), String(row.message_id_header).replace(/^<|>$/g, ''), 'the relay message is the logged one');
  }

  test('password reset through a real POST to wp-login.php', async () => {
    const count = (await rs.log()).length;
    const answer = await requestPasswordReset(rs);
    timings.push(`password reset POST wp-login.php: ${answer.ms.toFixed(0)} ms (its wp_mail() ${wpMailMs(rs.events(), /Password Reset/)?.toFixed(0)} ms)`);
    assert.equal(answer.status, 302, `wp-login.php answered ${answer.status}: ${answer.body.slice(0, 800)}`);
    assert.match(String(answer.headers.location), /checkemail=confirm/, 'WordPress reports the email as sent');

    const [row] = await newLogRows(count, 1);
    assert.equal(row!.to_addresses, 'admin@example.test');
    await assertLoggedAsSent(row!);
    const [copy] = await arrived(row!.message_id_header, ['admin@example.test']);
    await assertSignedFromWordPress(copy!);
    const parsed = await simpleParser(copy!.raw);
    assert.equal(parsed.subject, '[RelayPress Test] Password Reset');
    assert.match(parsed.text ?? '', /wp-login\.php\?action=rp&key=[A-Za-z0-9]+&login=admin/, 'the reset link WordPress generated');
  });

  test('new-user notification (admin and user) from wp_new_user_notification()', async () => {
    const count = (await rs.log()).length;
    const { ms } = await notifyNewUser(rs, 'newbie', 'newbie@example.org');
    timings.push(`wp_new_user_notification (2 mails): ${ms.toFixed(0)} ms`);
    const rows = await newLogRows(count, 2);
    const toAdmin = rows.find((r) => r.to_addresses === 'admin@example.test')!;
    const toUser = rows.find((r) => r.to_addresses === 'newbie@example.org')!;
    assert.ok(toAdmin && toUser, JSON.stringify(rows));
    for (const row of [toAdmin, toUser]) await assertLoggedAsSent(row);

    const [adminCopy] = await arrived(toAdmin.message_id_header, ['admin@example.test']);
    const [userCopy] = await arrived(toUser.message_id_header, ['newbie@example.org']);
    for (const copy of [adminCopy!, userCopy!]) await assertSignedFromWordPress(copy);
    assert.equal((await simpleParser(adminCopy!.raw)).subject, '[RelayPress Test] New User Registration');
    const user = await simpleParser(userCopy!.raw);
    assert.equal(user.subject, '[RelayPress Test] Login Details');
    assert.match(user.text ?? '', /Username: newbie/);
  });

  test("a plugin's wp_mail() with Cc, Bcc, Reply-To, HTML + AltBody and two attachments", async () => {
    const count = (await rs.log()).length;
    const sent = await sendPluginMail(rs, files);
    timings.push(`plugin wp_mail with attachments: ${sent.ms.toFixed(0)} ms`);
    assert.equal(sent.ok, true);
    const [row] = await newLogRows(count, 1);
    assert.equal(Number(row!.id), sent.logId);
    assert.equal(row!.cc_addresses, 'manager@example.net');
    assert.equal(row!.bcc_addresses, 'archive@example.com');
    assert.equal(Number(row!.has_attachments), 1);
    await assertLoggedAsSent(row!);

    const recipients = ['customer@example.org', 'manager@example.net', 'archive@example.com'];
    const copies = await arrived(row!.message_id_header, recipients);
    for (const copy of copies) {
      await assertSignedFromWordPress(copy);
      assert.equal(header(copy.raw, 'Bcc'), undefined, 'Bcc only in the envelope');
      assert.equal(header(copy.raw, 'To'), PLUGIN_MAIL.to);
      assert.equal(header(copy.raw, 'Cc'), PLUGIN_MAIL.cc);
      assert.equal(header(copy.raw, 'Reply-To'), PLUGIN_MAIL.replyTo);
      assert.ok(!copy.raw.includes('archive@example.com'), 'the Bcc address appears nowhere in the message');

      const parsed = await simpleParser(copy.raw);
      assert.equal(parsed.subject, PLUGIN_MAIL.subject);
      assert.equal(String(parsed.html).trim(), PLUGIN_MAIL.html);
      assert.equal((parsed.text ?? '').trim(), PLUGIN_MAIL.altBody);
      assert.deepEqual(parsed.attachments.map((a) => a.filename), files.files.map((f) => f.name), "WordPress 6.1 names attachments by the file's basename");
      for (const [i, a] of parsed.attachments.entries()) {
        assert.ok(a.content.equals(files.files[i]!.bytes), `${a.filename} byte-identical`);
      }
    }
  });

  test('a From domain not on the relay account: wp_mail() returns false and wp_mail_failed carries the relay error', async () => {
    const count = (await rs.log()).length;
    const relayCount = (await relayMessages(world)).length;
    const failedBefore = rs.events().filter((e) => e.type === 'wp_mail_failed').length;
    const sent = await sendPluginMail(rs, files, { from: 'Shop <shop@notmine.test>' });
    timings.push(`rejected wp_mail: ${sent.ms.toFixed(0)} ms`);
    assert.equal(sent.ok, false);

    const failures = rs.events().filter((e) => e.type === 'wp_mail_failed').slice(failedBefore);
    assert.equal(failures.length, 1, 'wp_mail_failed fired once');
    assert.equal(failures[0]!.message, 'HTTP 403 sender_domain_not_allowed: The From domain notmine.test does not belong to this account (from)');
    const [row] = await newLogRows(count, 1);
    assert.equal(row!.status, 'failed');
    assert.equal(row!.last_error, failures[0]!.message);
    assert.equal(row!.relay_message_id, null);
    const outboxRow = (await rs.outbox()).find((r) => Number(r.log_id) === Number(row!.id))!;
    assert.equal(outboxRow.status, 'failed');
    assert.equal((await relayMessages(world)).length, relayCount, 'the relay stored nothing');
  });

  test('nothing was delivered twice', async () => {
    const rows = (await rs.log()).filter((r) => r.status === 'sent');
    await waitDelivered(world, rows.map((r) => r.relay_message_id));
    for (const [id, perRcpt] of deliveriesByMessageId(world.sink.messages)) {
      for (const [rcpt, n] of perRcpt) assert.equal(n, 1, `${id} → ${rcpt} delivered ${n} times`);
    }
    assert.equal((await relayMessages(world)).length, rows.length);
  });
});
