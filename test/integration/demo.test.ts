/**
 * The README's main job, `npm run demo`, end to end: WooCommerce sandbox → orders-to-fortnox →
 * Fortnox sandbox on a real database, twice. Every order reaches Fortnox once and only once.
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo/run-demo.ts';

describe('npm run demo', () => {
  it('sends every paid order to Fortnox, then re-reads all of them and sends nothing twice', async () => {
    const printed: string[] = [];
    const result = await runDemo(undefined, { print: (line) => printed.push(line) });
    expect(printed.join('\n')).toContain('nothing was sent twice');
    expect(result.first).toMatchObject({ status: 'succeeded', summary: { read: 6, failed: 0 } });
    expect(result.deadLetters).toBe(0);
    expect(result.fortnox.customers).toBeGreaterThanOrEqual(4);
    expect(result.fortnox.orders + result.fortnox.invoices).toBeGreaterThanOrEqual(5);
    expect(result.writes.first).toBeGreaterThan(0);
    expect(result.second).toMatchObject({ summary: { read: 6, failed: 0 } });
    expect(result.writes.second).toBe(0);
  });
});
