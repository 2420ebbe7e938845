import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createDkimSigner, headerFromDomain, signMessage, DkimSignError, type DkimKey } from '../../src/dkim/sign.ts';
import { composeMessage } from '../../src/http/compose.ts';
import { makeKey, verifyWithDkimpy, verifyWithMailauth, zoneOf, PYTHON, type TestKey } from './helpers.ts';

const MESSAGE = Buffer.from(
  [
    'From: Shop <orders@example.com>',
    'To: Customer <customer@example.net>',
    'Subject: Your order',
    'Date: Tue, 03 Mar 2026 10:00:00 +0000',
    'Message-ID: <order-1@relay.example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'X-Mailer: test',
    '',
    'Thank you for your order.',
    '',
  ].join('\r\n'),
);

function signatureHeaders(message: Buffer): string[] {
  const head = message.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n(?=[ \t])/g, '');
  return head.split('\r\n').filter((line) => /^dkim-signature:/i.test(line));
}

function signedFields(signature: string): string[] {
  return /\bh=([^;]*)/.exec(signature)![1]!.split(':').map((name) => name.trim().toLowerCase());
}

function withHeaderAtTop(message: Buffer, header: string): Buffer {
  return Buffer.concat([Buffer.from(`${header}\r\n`), message]);
}

function withHeaderAtBottom(message: Buffer, header: string): Buffer {
  const text = message.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  return Buffer.from(`${text.slice(0, end)}\r\n${header}${text.slice(end)}`, 'latin1');
}

function withBody(message: Buffer, body: string): Buffer {
  const text = message.toString('latin1');
  return Buffer.from(text.slice(0, text.indexOf('\r\n\r\n') + 4) + body, 'latin1');
}

const dkimpyAvailable = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import dkim']);
    return true;
  } catch {
    return false;
  }
})();

describe('signMessage', () => {
  let rsa: TestKey;
  let ed: TestKey;
  before(() => {
    rsa = makeKey('example.com', 'rsa2026', 'rsa');
    ed = makeKey('example.com', 'ed2026', 'ed25519');
  });

  test('an RSA signature passes mailauth verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key]);
    assert.deepEqual(await verifyWithMailauth(signed, zoneOf(rsa)), [{ selector: 'rsa2026', ok: true }]);
  });

  test('RSA and Ed25519 signatures both pass mailauth verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key, ed.key]);
    assert.deepEqual(await verifyWithMailauth(signed, zoneOf(rsa, ed)), [
      { selector: 'rsa2026', ok: true },
      { selector: 'ed2026', ok: true },
    ]);
  });

  test('the signature uses relaxed/relaxed and the algorithm of each key', async () => {
    const [rsaSig, edSig] = signatureHeaders(await signMessage(MESSAGE, [rsa.key, ed.key]));
    assert.match(rsaSig!, /\ba=rsa-sha256;/);
    assert.match(edSig!, /\ba=ed25519-sha256;/);
    for (const sig of [rsaSig!, edSig!]) {
      assert.match(sig, /\bc=relaxed\/relaxed;/);
      assert.match(sig, /\bd=example\.com;/);
    }
  });

  test('From is over-signed and only the listed fields that are present are signed', async () => {
    const [sig] = signatureHeaders(await signMessage(MESSAGE, [rsa.key]));
    const fields = signedFields(sig!);
    assert.equal(fields.filter((f) => f === 'from').length, 2);
    assert.deepEqual(
      [...new Set(fields)].sort(),
      ['content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to'],
    );
  });

  test('a header that is not signed may be added without breaking the signature', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key]);
    const relayed = withHeaderAtTop(signed, 'Received: from relay.example.com by mx.example.net');
    assert.deepEqual(await verifyWithMailauth(relayed, zoneOf(rsa)), [{ selector: 'rsa2026', ok: true }]);
  });

  test('a tampered body fails mailauth verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key, ed.key]);
    const tampered = withBody(signed, 'Please pay to another account.\r\n');
    const outcomes = await verifyWithMailauth(tampered, zoneOf(rsa, ed));
    assert.deepEqual(outcomes.map((o) => o.ok), [false, false]);
  });

  test('a From added above or below the signed one fails mailauth verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key, ed.key]);
    for (const forged of [
      withHeaderAtTop(signed, 'From: Attacker <attacker@example.com>'),
      withHeaderAtBottom(signed, 'From: Attacker <attacker@example.com>'),
    ]) {
      const outcomes = await verifyWithMailauth(forged, zoneOf(rsa, ed));
      assert.deepEqual(outcomes.map((o) => o.ok), [false, false]);
    }
  });

  test('a composed message with unicode headers and attachments verifies', async () => {
    const composed = await composeMessage(
      {
        from: { email: 'orders@example.com', name: 'Bücher Shop' },
        to: [{ email: 'kunde@bücher.example', name: 'Zoë' }],
        subject: 'Ihre Bestellung ✓',
        text: 'Danke!',
        html: '<p>Danke!</p>',
        attachments: [{ content: Buffer.from('%PDF-1.4 fake').toString('base64'), filename: 'rechnung.pdf', disposition: 'attachment' }],
      },
      { hostname: 'relay.example.com' },
    );
    const signed = await signMessage(composed.raw, [rsa.key, ed.key]);
    const outcomes = await verifyWithMailauth(signed, zoneOf(rsa, ed));
    assert.deepEqual(outcomes.map((o) => o.ok), [true, true]);
  });

  test('a key of the parent domain signs mail from a subdomain (DMARC relaxed alignment)', async () => {
    const fromSubdomain = Buffer.from(MESSAGE.toString().replace('orders@example.com', 'orders@mail.example.com'));
    const signed = await signMessage(fromSubdomain, [rsa.key]);
    assert.deepEqual(await verifyWithMailauth(signed, zoneOf(rsa)), [{ selector: 'rsa2026', ok: true }]);
  });

  test('a key of another domain is refused rather than producing an unaligned signature', async () => {
    const other = makeKey('example.org', 's', 'ed25519');
    await assert.rejects(signMessage(MESSAGE, [other.key]), DkimSignError);
  });

  test('a message without a From field, or with two, is refused', async () => {
    const noFrom = Buffer.from(MESSAGE.toString().replace(/^From: .*\r\n/m, ''));
    await assert.rejects(signMessage(noFrom, [rsa.key]), /exactly one From/);
    const twoFroms = withHeaderAtTop(MESSAGE, 'From: other@example.com');
    await assert.rejects(signMessage(twoFroms, [rsa.key]), /exactly one From/);
  });

  test('no keys leaves the message unsigned and unchanged', async () => {
    assert.equal(await signMessage(MESSAGE, []), MESSAGE);
  });
});

describe('createDkimSigner', () => {
  test('looks up keys for the From domain as an A-label and signs with them', async () => {
    const key = makeKey('xn--bcher-kva.example', 'sel', 'rsa');
    const asked: string[] = [];
    const sign = createDkimSigner(async (domain): Promise<DkimKey[]> => {
      asked.push(domain);
      return [key.key];
    });
    const message = Buffer.from(MESSAGE.toString().replace('orders@example.com', 'orders@Bücher.example'), 'utf8');
    const signed = await sign(message);
    assert.deepEqual(asked, ['xn--bcher-kva.example']);
    assert.deepEqual(await verifyWithMailauth(signed, zoneOf(key)), [{ selector: 'sel', ok: true }]);
  });
});

describe('headerFromDomain', () => {
  test('reads a folded From field with an encoded display name', () => {
    const raw = Buffer.from('Subject: x\r\nFrom: =?UTF-8?Q?Z=C3=B6e?=\r\n <zoe@Example.COM>\r\n\r\nbody');
    assert.equal(headerFromDomain(raw), 'example.com');
  });

  test('is null for a From field with two addresses', () => {
    assert.equal(headerFromDomain(Buffer.from('From: a@example.com, b@example.org\r\n\r\n')), null);
  });
});

describe('independent verification with dkimpy', { skip: dkimpyAvailable ? false : 'python3-dkim is not installed' }, () => {
  let rsa: TestKey;
  let ed: TestKey;
  before(() => {
    rsa = makeKey('example.com', 'rsa2026', 'rsa');
    ed = makeKey('example.com', 'ed2026', 'ed25519');
  });

  test('an RSA signature passes dkimpy verification', async () => {
    const { results } = await verifyWithDkimpy(await signMessage(MESSAGE, [rsa.key]), zoneOf(rsa));
    assert.deepEqual(results.map((r) => [r.algorithm, r.ok, r.error]), [['rsa-sha256', true, null]]);
  });

  test('RSA and Ed25519 signatures both pass dkimpy verification', async (t) => {
    const { nacl, results } = await verifyWithDkimpy(await signMessage(MESSAGE, [rsa.key, ed.key]), zoneOf(rsa, ed));
    if (!nacl) return t.skip('PyNaCl is missing, dkimpy can not verify ed25519-sha256');
    assert.deepEqual(results.map((r) => [r.algorithm, r.ok, r.error]), [
      ['rsa-sha256', true, null],
      ['ed25519-sha256', true, null],
    ]);
  });

  test('a tampered body fails dkimpy verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key, ed.key]);
    const { results } = await verifyWithDkimpy(withBody(signed, 'Tampered.\r\n'), zoneOf(rsa, ed));
    assert.deepEqual(results.map((r) => r.ok), [false, false]);
  });

  test('a From added above or below the signed one fails dkimpy verification', async () => {
    const signed = await signMessage(MESSAGE, [rsa.key, ed.key]);
    for (const forged of [
      withHeaderAtTop(signed, 'From: Attacker <attacker@example.com>'),
      withHeaderAtBottom(signed, 'From: Attacker <attacker@example.com>'),
    ]) {
      const { results } = await verifyWithDkimpy(forged, zoneOf(rsa, ed));
      assert.deepEqual(results.map((r) => r.ok), [false, false]);
    }
  });

  test('a composed multipart message passes dkimpy verification', async () => {
    const composed = await composeMessage(
      {
        from: { email: 'orders@example.com', name: 'Bücher Shop' },
        to: [{ email: 'kunde@example.net' }],
        subject: 'Grüße 😀',
        text: 'Hallo  Welt ',
        html: '<p>Hallo</p>',
        attachments: [{ content: Buffer.from([0, 1, 2, 255]).toString('base64'), filename: 'a.bin', disposition: 'attachment' }],
      },
      { hostname: 'relay.example.com' },
    );
    const { results } = await verifyWithDkimpy(await signMessage(composed.raw, [rsa.key, ed.key]), zoneOf(rsa, ed));
    assert.deepEqual(results.map((r) => r.ok), [true, true]);
  });
});
