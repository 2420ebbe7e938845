import type { Knex } from 'knex';

export type WriteUnit<T> = (trx: Knex.Transaction) => Promise<T>;

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

interface Pending {
  work: WriteUnit<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * Group commit. Writers that arrive while a transaction is committing wait and then share
 * the next one, so one fsync covers many messages instead of one each: the durability of
 * a commit per message at a fraction of the cost. Each unit runs in its own savepoint,
 * so a unit that fails (a duplicate key, a validation error) rolls back alone and rejects
 * only its own caller; a unit's promise settles only after the shared commit succeeded.
 */
export function createWriteBatcher(knex: Knex, options: { maxBatch?: number; sync?: () => Promise<void> } = {}) {
  const sync = options.sync ?? (() => Promise.resolve());
  const maxBatch = options.maxBatch ?? 256;
  const queue: Pending[] = [];
  let flushing = false;

  function settle(batch: Pending[], outcomes: Outcome[]): void {
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.err)));
  }

  async function flush(): Promise<void> {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: Outcome[];
      try {
        outcomes = await knex.transaction(async (trx) => {
          const results: Outcome[] = [];
          for (const item of batch) {
            try {
              results.push({ ok: true, value: await trx.transaction((savepoint) => item.work(savepoint)) });
            } catch (err) {
              results.push({ ok: false, err });
            }
          }
          return results;
        });
      } catch (err) {
        // The shared commit itself failed: nothing of this batch is durable.
        for (const item of batch) item.reject(err);
        continue;
      }
      // Callers hear back only once the commit is on disk; meanwhile the next batch is
      // already being committed, and its fsync will be shared by everything that waits.
      sync().then(
        () => settle(batch, outcomes),
        (err: unknown) => batch.forEach((item) => item.reject(err)),
      );
    }
    flushing = false;
  }

  return {
    /** Runs `work` in the next shared transaction; resolves after that transaction commits. */
    run<T>(work: WriteUnit<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
        if (!flushing) void flush();
      });
    },
  };
}

export type WriteBatcher = ReturnType<typeof createWriteBatcher>;
