import type { Store } from '../store/index.ts';
import { isoTime } from '../iso-time.ts';

/** `relaypress-relay queue …`: the relay's postqueue/postsuper. */
export const QUEUE_USAGE = `  queue list [--domain D] [--account ID] [--status queued|deferred|sending] [--limit N]
                                          Messages with recipients still to deliver, oldest first
  queue show --id MESSAGE_ID              One message's pending recipients, attempts and last replies
  queue retry (--id MESSAGE_ID | --domain D | --account ID | --all)
                                          Send deferred mail now instead of at its next retry
  queue delete (--id MESSAGE_ID | --domain D | --account ID) [--note TEXT]
                                          Cancel pending recipients (recorded as failed with the note)`;

export class QueueUsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

const text = (v: Values, name: string) => (typeof v[name] === 'string' && v[name] !== '' ? (v[name] as string) : undefined);

function view(entry: Awaited<ReturnType<Store['queueAdmin']['list']>>[number]) {
  return {
    ...entry,
    created_at: isoTime(entry.created_at),
    recipients: entry.recipients.map((r) => ({ ...r, next_attempt_at: isoTime(r.next_attempt_at) })),
  };
}

export async function queueCommand(store: Store, sub: string, v: Values, print: (value: unknown) => void): Promise<number> {
  const scope = { messageId: text(v, 'id'), domain: text(v, 'domain'), account: text(v, 'account') };
  switch (sub) {
    case 'list': {
      const status = text(v, 'status');
      if (status !== undefined && !['queued', 'deferred', 'sending'].includes(status)) throw new QueueUsageError('--status must be queued, deferred or sending');
      const limit = text(v, 'limit') === undefined ? 100 : Number(text(v, 'limit'));
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new QueueUsageError('--limit must be an integer from 1 to 10000');
      print((await store.queueAdmin.list({ domain: scope.domain, account: scope.account, status: status as 'queued' | undefined, limit })).map(view));
      return 0;
    }
    case 'show': {
      if (!scope.messageId) throw new QueueUsageError('--id is required');
      const entry = await store.queueAdmin.show(scope.messageId);
      if (!entry) throw new QueueUsageError(`no message ${scope.messageId}`);
      print({ ...view(entry), attempts: (await store.messages.attemptsOf(scope.messageId)).map((a) => ({ ...a, created_at: isoTime(a.created_at) })) });
      return 0;
    }
    case 'retry': {
      if (!scope.messageId && !scope.domain && !scope.account && v.all !== true) throw new QueueUsageError('say what to retry: --id, --domain, --account or --all');
      print({ retried: await store.queueAdmin.retryNow(scope) });
      return 0;
    }
    case 'delete': {
      if (!scope.messageId && !scope.domain && !scope.account) throw new QueueUsageError('say what to delete: --id, --domain or --account');
      print({ cancelled: await store.queueAdmin.cancel(scope, `cancelled by the operator${text(v, 'note') ? `: ${text(v, 'note')}` : ''}`) });
      return 0;
    }
    default:
      throw new QueueUsageError(`unknown command "queue ${sub}"`);
  }
}
