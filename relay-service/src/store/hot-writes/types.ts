import type { SendResult } from '../../delivery/types.ts';
import type { InsertedMessage, NewMessage, RecipientRow } from '../messages.ts';
import type { AttemptDecision } from '../queue.ts';

/** The Idempotency-Key of an HTTP accept and the hash of the request it came with. */
export interface IdempotencyClaim {
  key: string;
  requestHash: string;
}

/**
 * What committing an accepted message did. A replay or conflict wrote nothing; `response`
 * is what the first request with that key was answered (the InsertedMessage it stored).
 */
export type AcceptOutcome =
  | { kind: 'inserted'; inserted: InsertedMessage }
  | { kind: 'replayed'; response: unknown }
  | { kind: 'conflict' };

/**
 * The three writes every message makes, each one unit of the shared group commit: it
 * resolves only after its transaction committed and (SQLite) the WAL is on disk. One
 * implementation per engine family behind this interface: prepared statements on the
 * raw SQLite connection, knex everywhere else.
 */
export interface HotWrites {
  /**
   * Message, one queue row and one `queued` event per recipient, and the idempotency
   * record, all or nothing. With a claim, an existing record for the key is checked in
   * the same transaction: a matching request replays, a different one is a conflict.
   */
  acceptMessage(message: NewMessage, idempotency: IdempotencyClaim | undefined, now: number): Promise<AcceptOutcome>;
  /** Leases up to `limit` due rows (or rows whose lease expired) to `owner`, oldest due first. */
  claimDue(owner: string, limit: number, leaseMs: number, now: number, excludedDomains?: string[]): Promise<RecipientRow[]>;
  /**
   * Records one attempt, its events and the recipient's new status atomically. False (and
   * nothing written) when `owner` no longer holds the row's lease.
   */
  recordAttempt(row: RecipientRow, owner: string, result: SendResult, decision: AttemptDecision, now: number): Promise<boolean>;
}
