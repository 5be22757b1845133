/**
 * SECURITY.md, control "admin auth — brute-force throttling": after maxFailures refused keys from
 * one address within the window, that address is refused (429) until the window has passed; other
 * addresses are unaffected; memory is bounded.
 */
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../../runtime/admin/auth-throttle.ts';

describe('AuthThrottle', () => {
  it('blocks an address after maxFailures refusals until the window has passed', () => {
    let now = 1_000_000;
    const throttle = new AuthThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 2; i++) throttle.failed('198.51.100.7');
    expect(throttle.retryAfter('198.51.100.7')).toBe(0);
    throttle.failed('198.51.100.7');
    expect(throttle.retryAfter('198.51.100.7')).toBe(60);
    expect(throttle.retryAfter('203.0.113.9')).toBe(0);
    now += 59_000;
    expect(throttle.retryAfter('198.51.100.7')).toBe(1);
    now += 1_000;
    expect(throttle.retryAfter('198.51.100.7')).toBe(0);
  });

  it('remembers a bounded number of addresses', () => {
    const throttle = new AuthThrottle({ maxFailures: 1, maxClients: 100 });
    for (let i = 0; i < 10_000; i++) throttle.failed(`10.0.${i >> 8}.${i & 255}`);
    // the newest are remembered, the oldest forgotten
    expect(throttle.retryAfter('10.0.39.15')).toBeGreaterThan(0);
    expect(throttle.retryAfter('10.0.0.0')).toBe(0);
  });
});
