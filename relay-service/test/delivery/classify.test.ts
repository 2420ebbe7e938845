import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { classifyConnectionFailure, classifyReply, loadBounceRules, parseBounceRules, parseSmtpReply } from '../../src/delivery/classify.ts';

function classify(raw: string) {
  const reply = parseSmtpReply(raw);
  assert.ok(reply, `not a reply: ${raw}`);
  return classifyReply(reply);
}

describe('classifyReply with the shipped rules file', () => {
  // [remote reply, expected action, expected category]
  const table: [string, string, string][] = [
    ['250 2.0.0 OK 1700000000 abc.123 - gsmtp', 'delivered', 'delivered'],
    ['550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient\'s email address for typos or\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser', 'bounced', 'mailbox_unknown'],
    ['550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table', 'bounced', 'mailbox_unknown'],
    ['421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating\n421 4.7.28 from your IP address.', 'deferred', 'rate_limited'],
    ['550-5.7.28 Our system has detected an unusual rate of unsolicited mail\n550 5.7.28 originating from your IP address.', 'deferred', 'rate_limited'],
    ['452-4.2.2 The email account that you tried to reach is over quota.', 'deferred', 'mailbox_full'],
    ['552 5.2.2 <full@example.test>: mailbox full', 'deferred', 'mailbox_full'],
    ['550-5.7.26 This mail has been blocked because the sender is unauthenticated.', 'bounced', 'auth_failed'],
    ['550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.', 'bounced', 'policy'],
    ['451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714)', 'deferred', 'rate_limited'],
    ['421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints', 'deferred', 'rate_limited'],
    ['554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org', 'deferred', 'blocklisted'],
    ['550 5.7.606 Access denied, banned sending IP [203.0.113.7].', 'deferred', 'blocklisted'],
    ['552 5.3.4 Message size exceeds fixed maximum message size', 'bounced', 'message_too_large'],
    ['450 4.2.0 <a@example.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html', 'deferred', 'greylisted'],
    ['554 5.7.1 <a@example.test>: Relay access denied', 'bounced', 'policy'],
    ['451 4.3.0 Internal server error', 'deferred', 'other'],
    ['554 Transaction failed', 'bounced', 'other'],
  ];
  for (const [raw, action, category] of table) {
    it(`${action}/${category}: ${raw.split('\n')[0]!.slice(0, 70)}`, () => {
      const result = classify(raw);
      assert.equal(result.action, action);
      assert.equal(result.category, category);
    });
  }

  it('never bounces a 4xx even when a bounce rule matches its text', () => {
    const result = classify('450 4.1.1 <nobody@example.test>: Recipient address rejected: User unknown (try later)');
    assert.equal(result.action, 'deferred');
    assert.equal(result.category, 'mailbox_unknown');
  });
});

describe('parseSmtpReply', () => {
  it('folds a multi-line reply into code, enhanced status and text', () => {
    assert.deepEqual(parseSmtpReply('550-5.1.1 first line\n550 5.1.1 second line'), { code: 550, enhanced: '5.1.1', text: 'first line second line' });
  });
  it('accepts a reply without enhanced status', () => {
    assert.deepEqual(parseSmtpReply('554 Transaction failed'), { code: 554, enhanced: null, text: 'Transaction failed' });
  });
  it('returns null for text that is not a reply', () => {
    assert.equal(parseSmtpReply('connect ECONNREFUSED 127.0.0.1:25'), null);
  });
});

describe('bounce rules file', () => {
  it('loads, and every rule is deferred or bounced with a category and a message', () => {
    const rules = loadBounceRules();
    assert.ok(rules.length >= 15);
    for (const rule of rules) {
      assert.ok(rule.category.length > 0 && rule.message.length > 0);
    }
  });
  it('keeps commas inside the message column', () => {
    const [rule] = parseBounceRules('x,bounced,policy,one, two, three');
    assert.equal(rule!.message, 'one, two, three');
  });
  it('names the line of a broken rule', () => {
    assert.throws(() => parseBounceRules('# c\n(unclosed,bounced,policy,msg'), /line 2/);
    assert.throws(() => parseBounceRules('x,delivered,policy,msg'), /not deferred or bounced/);
  });
  it('lets a caller pass its own rules', () => {
    const rules = parseBounceRules('custom block,deferred,custom,Custom rule');
    assert.deepEqual(classifyReply({ code: 550, enhanced: null, text: 'custom block here' }, rules), { action: 'deferred', category: 'custom', message: 'Custom rule' });
  });
});

describe('classifyConnectionFailure', () => {
  it('defers every local failure under its own category', () => {
    for (const kind of ['connection', 'timeout', 'tls', 'protocol'] as const) {
      assert.deepEqual({ ...classifyConnectionFailure(kind), message: '' }, { action: 'deferred', category: kind, message: '' });
    }
  });
});
