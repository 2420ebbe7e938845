import type { RecipientRow } from '../messages.ts';
import { prepared, type SqliteConnection } from '../sqlite-connection.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { acceptedMessageRows, attemptRows, byDueTime, claimSql, idempotencyRow } from './rows.ts';
import type { AcceptOutcome, HotWrites } from './types.ts';

// Constant SQL, prepared once per connection (see sqlite-connection.ts). Column lists are
// spelled out so a statement binds exactly the values the knex path would insert.
const FIND_IDEMPOTENCY = 'SELECT request_hash, response FROM idempotency_keys WHERE account_id = ? AND key = ?';
const INSERT_MESSAGE = `INSERT INTO messages (id, account_id, source, mail_from, envelope_from, from_domain, from_header, subject, message_id_header, size, raw, tags, metadata, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_RECIPIENT = `INSERT INTO recipients (id, message_id, account_id, email, domain, status, attempts, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_RECIPIENT_WITH_PREFIX = `INSERT INTO recipients (id, message_id, account_id, email, domain, status, attempts, next_attempt_at, created_at, updated_at, header_prefix)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_EVENT = 'INSERT INTO events (id, account_id, message_id, recipient_id, recipient, type, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_IDEMPOTENCY = 'INSERT INTO idempotency_keys (account_id, key, request_hash, message_id, response, created_at) VALUES (?, ?, ?, ?, ?, ?)';
const CLAIM = claimSql('sqlite');
const FINISH_LEASE = `UPDATE recipients SET status = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, last_response = ?, updated_at = ?
  WHERE id = ? AND lease_owner = ? AND status = 'sending'`;
const INSERT_ATTEMPT = `INSERT INTO attempts (id, recipient_id, message_id, outcome, category, response, response_code, enhanced_status, mx_host, mx_ip, tls, duration_ms, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

type EventRow = ReturnType<typeof acceptedMessageRows>['events'][number];

function insertEvents(conn: SqliteConnection, events: EventRow[]): void {
  const insert = prepared(conn, INSERT_EVENT);
  for (const e of events) insert.run(e.id, e.account_id, e.message_id, e.recipient_id, e.recipient, e.type, e.data, e.created_at);
}

/**
 * The hot writes as synchronous units on the raw better-sqlite3 connection: no query
 * building, no per-query prepare, no promise per statement. Same rows, same guards, same
 * group commit and WAL fsync as the knex path (write-batcher.ts).
 */
export function createSqliteHotWrites(writes: WriteBatcher): HotWrites {
  return {
    acceptMessage(message, idempotency, now) {
      // Ids, JSON and row shapes are built before the batch, off the write transaction.
      const rows = acceptedMessageRows(message, now);
      return writes.runSqlite((conn): AcceptOutcome => {
        if (idempotency) {
          const previous = prepared(conn, FIND_IDEMPOTENCY).get(message.accountId, idempotency.key) as { request_hash: string; response: string } | undefined;
          if (previous) {
            return previous.request_hash === idempotency.requestHash ? { kind: 'replayed', response: JSON.parse(previous.response) } : { kind: 'conflict' };
          }
        }
        const m = rows.message;
        prepared(conn, INSERT_MESSAGE).run(m.id, m.account_id, m.source, m.mail_from, m.envelope_from, m.from_domain, m.from_header, m.subject, m.message_id_header, m.size, m.raw, m.tags, m.metadata, m.created_at);
        if (message.perRecipient) {
          const insertRecipient = prepared(conn, INSERT_RECIPIENT_WITH_PREFIX);
          for (const r of rows.recipients) {
            insertRecipient.run(r.id, r.message_id, r.account_id, r.email, r.domain, r.status, r.attempts, r.next_attempt_at, r.created_at, r.updated_at, r.header_prefix ?? null);
          }
        } else {
          const insertRecipient = prepared(conn, INSERT_RECIPIENT);
          for (const r of rows.recipients) {
            insertRecipient.run(r.id, r.message_id, r.account_id, r.email, r.domain, r.status, r.attempts, r.next_attempt_at, r.created_at, r.updated_at);
          }
        }
        insertEvents(conn, rows.events);
        if (idempotency) {
          const k = idempotencyRow(message.accountId, idempotency.key, idempotency.requestHash, rows.inserted, now);
          prepared(conn, INSERT_IDEMPOTENCY).run(k.account_id, k.key, k.request_hash, k.message_id, k.response, k.created_at);
        }
        return { kind: 'inserted', inserted: rows.inserted };
      });
    },

    claimDue(owner, limit, leaseMs, now, excludedDomains = []) {
      const sql = excludedDomains.length === 0 ? CLAIM : claimSql('sqlite', excludedDomains.length);
      return writes.runSqlite((conn) => byDueTime(prepared(conn, sql).all(owner, now + leaseMs, now, now, now, ...excludedDomains, limit) as RecipientRow[]));
    },

    recordAttempt(row, owner, result, decision, now) {
      const { recipient: r, attempt: a, events } = attemptRows(row, result, decision, now);
      return writes.runSqlite((conn) => {
        const updated = prepared(conn, FINISH_LEASE).run(r.status, r.attempts, r.next_attempt_at, r.last_response, r.updated_at, row.id, owner);
        if (updated.changes === 0) return false;
        prepared(conn, INSERT_ATTEMPT).run(
          a.id, a.recipient_id, a.message_id, a.outcome, a.category ?? null, a.response, a.response_code ?? null, a.enhanced_status ?? null,
          a.mx_host ?? null, a.mx_ip ?? null, a.tls ? 1 : 0, a.duration_ms, a.created_at,
        );
        insertEvents(conn, events);
        return true;
      });
    },
  };
}
