import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  ApiError,
  CreateSmtpUserRequest,
  DkimKeyResponse,
  MessageDetail,
  MessageListQuery,
  MessageListResponse,
  SetDkimKeyRequest,
  formatZodError,
} from '@relaypress/shared-types';

const SUMMARY = {
  id: 'msg_1',
  created_at: '2026-03-03T10:00:00.000Z',
  source: 'http',
  from: 'shop@example.com',
  subject: 'Order',
  message_id_header: '<m@relay.example.com>',
  recipient_count: 1,
  status_counts: { delivered: 1 },
  tags: [],
  metadata: {},
};

describe('message contracts', () => {
  test('a detail carries recipients with attempts and events', () => {
    const detail = {
      ...SUMMARY,
      recipients: [
        {
          id: 'rcp_1',
          email: 'a@example.net',
          status: 'delivered',
          attempts: [{ at: '2026-03-03T10:00:01.000Z', mx_host: 'mx.example.net', mx_ip: '192.0.2.1', tls: true, response: '250 2.0.0 OK', outcome: 'delivered' }],
          events: [{ id: 'evt_1', type: 'delivered', at: '2026-03-03T10:00:01.000Z', recipient: 'a@example.net', data: {} }],
        },
      ],
    };
    assert.deepEqual(MessageDetail.parse(detail), detail);
  });

  test('an unknown recipient status or event type is refused', () => {
    assert.equal(MessageDetail.safeParse({ ...SUMMARY, recipients: [{ id: 'r', email: 'a@b.co', status: 'lost', attempts: [], events: [] }] }).success, false);
    assert.equal(
      MessageDetail.safeParse({ ...SUMMARY, recipients: [{ id: 'r', email: 'a@b.co', status: 'queued', attempts: [], events: [{ id: 'e', type: 'opened', at: SUMMARY.created_at, recipient: 'a@b.co', data: {} }] }] }).success,
      false,
    );
  });

  test('a list page has a nullable next cursor', () => {
    assert.deepEqual(MessageListResponse.parse({ data: [SUMMARY], next_cursor: null }).next_cursor, null);
  });

  test('the list query coerces limit from the query string and bounds it', () => {
    assert.equal(MessageListQuery.parse({ limit: '50' }).limit, 50);
    assert.equal(MessageListQuery.parse({}).limit, 25);
    assert.equal(formatZodError(MessageListQuery.safeParse({ limit: '1000' }).error!).field, 'limit');
  });
});

describe('admin contracts', () => {
  test('a DKIM key request defaults to RSA and needs a DNS label selector', () => {
    assert.equal(SetDkimKeyRequest.parse({ domain: 'example.com', selector: 'rp2026' }).algorithm, 'rsa');
    assert.equal(formatZodError(SetDkimKeyRequest.safeParse({ domain: 'example.com', selector: 'a.b' }).error!).field, 'selector');
    assert.equal(formatZodError(SetDkimKeyRequest.safeParse({ domain: 'not a domain', selector: 's' }).error!).field, 'domain');
  });

  test('a DKIM key response carries a TXT record', () => {
    const body = { domain: 'example.com', selector: 's', algorithm: 'ed25519', dns_record: { name: 's._domainkey.example.com', type: 'TXT', value: 'v=DKIM1; k=ed25519; p=AAAA' } };
    assert.deepEqual(DkimKeyResponse.parse(body), body);
  });

  test('an SMTP username is optional but restricted when given', () => {
    assert.deepEqual(CreateSmtpUserRequest.parse({}), {});
    assert.equal(CreateSmtpUserRequest.safeParse({ username: 'a b' }).success, false);
  });
});

describe('formatZodError', () => {
  test('produces a body that satisfies ApiError', () => {
    const error = formatZodError(z.strictObject({ a: z.string() }).safeParse({ a: 1 }).error!);
    assert.deepEqual(error, { code: 'validation_failed', message: 'a: Invalid input: expected string, received number', field: 'a' });
    assert.ok(ApiError.safeParse({ error }).success);
  });

  test('omits field for an issue at the root', () => {
    assert.equal('field' in formatZodError(z.string().safeParse(1).error!), false);
  });
});
