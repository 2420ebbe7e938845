import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthThrottle, throttleKey } from '../../src/smtp/auth-throttle.ts';

function throttleAt(clock: { now: number }) {
  return new AuthThrottle({ baseDelayMs: 500, maxDelayMs: 4_000, maxFailures: 4, windowMs: 60_000, now: () => clock.now });
}

describe('AuthThrottle', () => {
  test('the delay doubles with each failure up to the cap', () => {
    const throttle = throttleAt({ now: 0 });
    const delays = [1, 2, 3, 4, 5].map(() => throttle.recordFailure('192.0.2.1'));
    assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 4_000]);
  });

  test('locks an address out after maxFailures and lets it back in windowMs after its last failure', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let i = 0; i < 3; i++) throttle.recordFailure('192.0.2.1');
    assert.equal(throttle.isLockedOut('192.0.2.1'), false);
    clock.now = 30_000;
    throttle.recordFailure('192.0.2.1');
    assert.equal(throttle.isLockedOut('192.0.2.1'), true);
    assert.equal(throttle.isLockedOut('192.0.2.2'), false);
    clock.now = 30_000 + 60_000;
    assert.equal(throttle.isLockedOut('192.0.2.1'), true);
    clock.now = 30_000 + 60_001;
    assert.equal(throttle.isLockedOut('192.0.2.1'), false);
    assert.equal(throttle.recordFailure('192.0.2.1'), 500, 'the count starts again');
  });

  test('success clears the record', () => {
    const throttle = throttleAt({ now: 0 });
    throttle.recordFailure('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    throttle.recordSuccess('192.0.2.1');
    assert.equal(throttle.recordFailure('192.0.2.1'), 500);
  });

  test('IPv6 addresses are counted per /64; IPv4-mapped addresses as IPv4', () => {
    assert.equal(throttleKey('2001:db8:1:2:aaaa::1'), throttleKey('2001:db8:1:2:bbbb::2'));
    assert.notEqual(throttleKey('2001:db8:1:2::1'), throttleKey('2001:db8:1:3::1'));
    assert.equal(throttleKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(throttleKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(throttleKey('192.0.2.7'), '192.0.2.7');
  });

  test('forgets the oldest addresses beyond maxTrackedAddresses', () => {
    const throttle = new AuthThrottle({ baseDelayMs: 1, maxDelayMs: 1, maxFailures: 1, windowMs: 60_000, maxTrackedAddresses: 2, now: () => 0 });
    throttle.recordFailure('192.0.2.1');
    throttle.recordFailure('192.0.2.2');
    throttle.recordFailure('192.0.2.3');
    assert.equal(throttle.isLockedOut('192.0.2.1'), false);
    assert.equal(throttle.isLockedOut('192.0.2.2'), true);
    assert.equal(throttle.isLockedOut('192.0.2.3'), true);
  });
});
