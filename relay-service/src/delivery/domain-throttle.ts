/**
 * How fast the relay sends to one destination domain. Mailbox providers limit senders per
 * IP, and a sender that ignores "slow down" replies gets blocked; so each domain has a
 * rate (RELAY_DOMAIN_RATES, messages a minute, or none) and every "rate limited" reply
 * pauses it (1 minute, doubling to 30 while they keep coming) and halves its rate for the
 * next ten minutes. A paused or exhausted domain is left out of queue claims altogether, so
 * its backlog never occupies the delivery slots that fresh mail to other domains needs.
 * Per relay instance: with several instances each applies the rates on its own.
 */
export interface ThrottleOptions {
  /** Messages a minute per domain (lower-case), e.g. gmail.com → 600. */
  rates: Map<string, number>;
  /** For domains not listed; null sends as fast as the queue goes. */
  defaultRate: number | null;
}

interface DomainState {
  tokens: number;
  at: number;
  pausedUntil: number;
  backoffMs: number;
  slowUntil: number;
}

const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 30 * 60_000;
const SLOW_FOR_MS = 10 * 60_000;
const MAX_TRACKED = 10_000;

export function parseDomainRates(entries: string[]): Map<string, number> {
  const rates = new Map<string, number>();
  for (const entry of entries) {
    const match = /^([a-z0-9.-]+)=(\d+)$/i.exec(entry.trim());
    if (!match || Number(match[2]) < 1) throw new Error(`"${entry}" is not domain=messages-per-minute (e.g. gmail.com=600)`);
    rates.set(match[1]!.toLowerCase(), Number(match[2]));
  }
  return rates;
}

export class DomainThrottle {
  private readonly options: ThrottleOptions;
  private readonly states = new Map<string, DomainState>();
  constructor(options: ThrottleOptions) {
    this.options = options;
  }

  private rate(domain: string, state: DomainState | undefined, now: number): number | null {
    const base = this.options.rates.get(domain) ?? this.options.defaultRate;
    if (state && state.slowUntil > now) return Math.max(1, Math.floor((base ?? 60) / 2));
    return base;
  }

  private state(domain: string, now: number): DomainState {
    let state = this.states.get(domain);
    if (!state) {
      state = { tokens: this.rate(domain, undefined, now) ?? 0, at: now, pausedUntil: 0, backoffMs: 0, slowUntil: 0 };
      this.states.set(domain, state);
    }
    return state;
  }

  /** Domains that may not be sent to now (paused, or their minute's allowance used up). */
  blocked(now: number): string[] {
    const out: string[] = [];
    for (const [domain, state] of this.states) if (state.pausedUntil > now) out.push(domain);
    // Bounded memory: a domain idle long enough to have a full allowance again has nothing to remember.
    if (this.states.size > MAX_TRACKED) {
      for (const [domain, state] of this.states) if (state.pausedUntil <= now && state.slowUntil <= now && state.backoffMs === 0 && now - state.at > 60_000) this.states.delete(domain);
    }
    return out;
  }

  /** When the next held-back domain may be sent to again, or undefined when none is held back. */
  nextRelease(now: number): number | undefined {
    let next: number | undefined;
    for (const state of this.states.values()) if (state.pausedUntil > now && (next === undefined || state.pausedUntil < next)) next = state.pausedUntil;
    return next;
  }

  /**
   * Takes one message's worth of allowance; false (with when to try again) when the
   * domain is paused or out of allowance for now.
   */
  take(domain: string, now: number): { ok: true } | { ok: false; retryAt: number } {
    const state = this.state(domain, now);
    if (state.pausedUntil > now) return { ok: false, retryAt: state.pausedUntil };
    const rate = this.rate(domain, state, now);
    if (rate === null) return { ok: true };
    state.tokens = Math.min(rate, state.tokens + (Math.max(0, now - state.at) * rate) / 60_000);
    state.at = Math.max(state.at, now);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return { ok: true };
    }
    const retryAt = now + Math.ceil(((1 - state.tokens) * 60_000) / rate);
    state.pausedUntil = retryAt;
    return { ok: false, retryAt };
  }

  /** The domain answered "slow down": pause it (longer each time) and halve its rate for a while. */
  rateLimited(domain: string, now: number): number {
    const state = this.state(domain, now);
    state.backoffMs = state.backoffMs === 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, state.backoffMs * 2);
    state.pausedUntil = now + state.backoffMs;
    state.slowUntil = now + SLOW_FOR_MS;
    // The allowance starts filling when the pause ends, not during it.
    state.tokens = 0;
    state.at = state.pausedUntil;
    return state.pausedUntil;
  }

  /** A delivery went through: the next "slow down" starts the backoff from the beginning. */
  succeeded(domain: string): void {
    const state = this.states.get(domain);
    if (state) state.backoffMs = 0;
  }
}
