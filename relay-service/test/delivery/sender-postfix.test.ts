import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createSender } from '../../src/delivery/sender.ts';
import type { Sender } from '../../src/delivery/sender.ts';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import { postfixUnavailable, startPostfixMx } from '../helpers/postfix-mx.ts';
import type { PostfixMx } from '../helpers/postfix-mx.ts';

const unavailable = await postfixUnavailable();

describe('sender delivering to a real Postfix MX', { skip: unavailable ?? false, timeout: 60_000 }, () => {
  let postfix: PostfixMx;
  let sender: Sender;

  before(async () => {
    postfix = await startPostfixMx({ domain: 'postfix.test', users: ['alice'], starttls: true });
    sender = createSender({ helo: 'relay.sender.test', mxPort: postfix.port, connectionTimeoutMs: 5000, greetingTimeoutMs: 10_000, socketTimeoutMs: 10_000 });
  });
  after(async () => {
    sender?.close();
    await postfix?.stop();
  });

  function message(recipients: string[]): OutboundMessage {
    const raw = Buffer.from(`From: shop@sender.test\r\nTo: ${recipients.join(', ')}\r\nSubject: To Postfix\r\nMessage-ID: <postfix-1@sender.test>\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\nHello Postfix.\r\n`);
    return { queueIds: ['q1'], mailFrom: 'bounces@sender.test', recipients, domain: 'postfix.test', raw };
  }

  it('gets 250 for a known user and 550 5.1.1 (bounced, mailbox_unknown) for an unknown one, over STARTTLS', async () => {
    const hosts = [{ host: 'mx.postfix.test', priority: 10, addresses: ['127.0.0.1'] }];
    const results = await sender.send(message(['alice@postfix.test', 'nobody@postfix.test']), hosts);
    const byRecipient = Object.fromEntries(results.map((r) => [r.recipient, r.result]));

    assert.equal(byRecipient['alice@postfix.test']!.action, 'delivered');
    assert.equal(byRecipient['alice@postfix.test']!.responseCode, 250);
    assert.equal(byRecipient['alice@postfix.test']!.tls, true);

    const unknown = byRecipient['nobody@postfix.test']!;
    assert.equal(unknown.action, 'bounced');
    assert.equal(unknown.category, 'mailbox_unknown');
    assert.equal(unknown.responseCode, 550);
    assert.equal(unknown.enhancedStatus, '5.1.1');
    assert.match(unknown.response, /User unknown/);

    // Postfix delivers from its queue a moment after the 250: wait for the maildir file.
    let delivered: string[] = [];
    for (let i = 0; i < 100 && delivered.length === 0; i++) {
      delivered = await postfix.delivered('alice');
      if (delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(delivered.length, 1);
    assert.match(delivered[0]!, /Subject: To Postfix/);
  });
});
