import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_RETRY_POLICY, nextAttemptAt, parseRetryPolicy } from '../../src/delivery/retry.ts';
import type { RetryPolicy } from '../../src/delivery/retry.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 1);
const noJitter: RetryPolicy = { ...DEFAULT_RETRY_POLICY, jitter: 0 };

describe('retry schedule', () => {
  it('follows 5m, 10m, 30m, 1h, 2h, 4h after the 1st to 6th failed attempt', () => {
    const expected = [5 * MIN, 10 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR];
    expected.forEach((delay, i) => {
      const now = T0 + HOUR;
      assert.equal(nextAttemptAt(i + 1, T0, now, noJitter), now + delay);
    });
  });

  it('repeats the last delay until the maximum age', () => {
    const now = T0 + 20 * HOUR;
    assert.equal(nextAttemptAt(12, T0, now, noJitter), now + 4 * HOUR);
  });

  it('gives up (null) once the recipient has been queued for the maximum age', () => {
    assert.equal(nextAttemptAt(20, T0, T0 + 48 * HOUR, noJitter), null);
    assert.equal(nextAttemptAt(20, T0, T0 + 50 * HOUR, noJitter), null);
  });

  it('moves an attempt that would fall past the deadline to the deadline itself', () => {
    assert.equal(nextAttemptAt(10, T0, T0 + 46 * HOUR, noJitter), T0 + 48 * HOUR);
  });

  it('treats attempts below 1 as the first delay', () => {
    assert.equal(nextAttemptAt(0, T0, T0, noJitter), T0 + 5 * MIN);
  });

  it('spreads each delay by the jitter fraction, both ways', () => {
    const low = { ...DEFAULT_RETRY_POLICY, jitter: 0.1, random: () => 0 };
    const high = { ...DEFAULT_RETRY_POLICY, jitter: 0.1, random: () => 0.999999 };
    assert.equal(nextAttemptAt(1, T0, T0, low), T0 + 4.5 * MIN);
    assert.ok(nextAttemptAt(1, T0, T0, high)! > T0 + 5.49 * MIN);
    assert.ok(nextAttemptAt(1, T0, T0, high)! <= T0 + 5.5 * MIN);
  });
});

describe('parseRetryPolicy', () => {
  it('reads an operator schedule and max age', () => {
    const policy = parseRetryPolicy('1m, 2m,1h', '6h', { jitter: 0 });
    assert.deepEqual(policy.delaysMs, [MIN, 2 * MIN, HOUR]);
    assert.equal(policy.maxAgeMs, 6 * HOUR);
    assert.equal(nextAttemptAt(2, T0, T0 + MIN, policy), T0 + 3 * MIN);
    assert.equal(nextAttemptAt(3, T0, T0 + 6 * HOUR, policy), null);
  });

  it('rejects an empty schedule and unreadable durations', () => {
    assert.throws(() => parseRetryPolicy('', '48h'), /at least one delay/);
    assert.throws(() => parseRetryPolicy('5 minutes', '48h'), /not a duration/);
    assert.throws(() => parseRetryPolicy('0m', '48h'), /longer than zero/);
  });
});
