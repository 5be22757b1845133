import { describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from '../../../../connectors/fortnox/client/index.ts';

/** A fake clock: sleeping advances it, so the limiter's waits are observable without real time. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

describe('SlidingWindowRateLimiter', () => {
  it('lets 25 requests through at once and makes the 26th wait until the first is 5 s old', async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter({ now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    for (let i = 0; i < 26; i++) {
      const release = await limiter.acquire('t');
      starts.push(clock.now());
      release();
    }
    expect(starts.slice(0, 25).every((at) => at === starts[0])).toBe(true);
    expect((starts[25] as number) - (starts[0] as number)).toBe(5000);
  });

  it('counts a slot from its release, so a slow response does not let the next burst in early', async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter({
      requests: 2,
      windowMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
    });
    const first = await limiter.acquire('t');
    const second = await limiter.acquire('t');
    const third = limiter.acquire('t');
    let thirdStarted: number | undefined;
    void third.then(() => (thirdStarted = clock.now()));
    await Promise.resolve();
    expect(thirdStarted).toBeUndefined(); // both slots in flight
    clock.advance(300);
    first(); // released at +300
    second();
    const release = await third;
    expect(thirdStarted).toBe(1_000_000 + 300 + 1000);
    release();
  });

  it('keeps tenants apart', async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter({
      requests: 1,
      windowMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
    });
    (await limiter.acquire('a'))();
    (await limiter.acquire('b'))();
    expect(clock.sleeps).toEqual([]);
    (await limiter.acquire('a'))();
    expect(clock.sleeps).toEqual([1000]);
  });

  it('stops waiting when the signal aborts', async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowRateLimiter({ requests: 1, windowMs: 1000, now: clock.now });
    await limiter.acquire('t'); // never released
    const controller = new AbortController();
    const waiting = limiter.acquire('t', controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
  });
});
