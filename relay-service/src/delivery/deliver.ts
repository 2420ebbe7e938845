import type { DnsResolver } from '../dns/resolver.ts';
import { resolveMxHosts, type MxCache, type RouteTable } from './mx.ts';
import { lookupFailureResults, type Sender } from './sender.ts';
import type { DeliverFn } from './processor.ts';
import type { SendResult } from './types.ts';

/**
 * Where a message goes (static route, MX records, or the domain's own address) and one
 * SMTP transaction through the sender: the DeliverFn the processor calls.
 */
export function createDeliverFn(deps: { resolver: DnsResolver; sender: Sender; routes: RouteTable; mxCache: MxCache }): DeliverFn {
  return async (message) => {
    const lookup = await resolveMxHosts(message.domain, deps.resolver, { routes: deps.routes, cache: deps.mxCache });
    const results = lookup.ok ? await deps.sender.send(message, lookup.hosts) : lookupFailureResults(message, lookup);
    const byRecipient = new Map(results.map((r) => [r.recipient, r.result]));
    return message.recipients.map((rcpt): SendResult => byRecipient.get(rcpt) ?? {
      action: 'deferred', category: 'internal', response: 'no result for this recipient', responseCode: null,
      enhancedStatus: null, mxHost: null, mxIp: null, tls: false, durationMs: 0,
    });
  };
}
