/**
 * The README's main job, `npm run demo`, end to end on a smaller shop (40 generated orders besides
 * the six recorded ones, Fortnox's rate-limit clock 10× faster, so the run stays short): all four flows,
 * a failed order fixed and replayed, the Fortnox desk's changes, and round 2.
 */
import { describe, expect, it } from 'vitest';
import { runDemo, type FlowId, type FlowRun } from '../../scripts/demo/run-demo.ts';

const flow = (runs: readonly FlowRun[], id: FlowId): FlowRun => {
  const run = runs.find((r) => r.flow === id);
  if (!run) throw new Error(`no run of ${id}`);
  return run;
};
const summary = (run: FlowRun) => (run.outcome.status === 'skipped' ? undefined : run.outcome.summary);

describe('npm run demo', () => {
  it(
    'runs all four flows twice, replays the failed order, and sends nothing to Fortnox twice',
    { timeout: 600_000 },
    async () => {
      const printed: string[] = [];
      // Fortnox's rate-limit clock 10× faster, on both sides: the test proves behaviour, the demo takes the real time
      process.env.KOPPLA_RATE_LIMITS = 'fortnox=25/500ms';
      const result = await runDemo({ orders: 40, fortnoxClock: 10, print: (line) => printed.push(line) });
      const text = printed.join('\n');
      const [first, second] = result.rounds as [FlowRun[], FlowRun[]];

      // onboarding: webhooks registered, the doctor finds nothing to fix
      expect(result.doctorErrors).toBe(0);
      expect(text).toMatch(
        /Webhooks: order\.created, order\.updated → http:\/\/127\.0\.0\.1:\d+\/webhooks\/demo-shop\/shop \(created, created\)/,
      );

      // round 1: every paid order reached Fortnox but the one whose article Fortnox lacked
      const orders = summary(flow(first, 'orders-to-fortnox'));
      // failed: the order whose article Fortnox lacks, and a cash-on-delivery order (a Fortnox order only)
      // refunded in part, handed to a person by name (new in flow 1: such refunds used to go unnoticed)
      expect(orders).toMatchObject({ read: 46, failed: 2 });
      expect(orders!.processed).toBeGreaterThan(30);
      expect(text).toMatch(/failed at step "(order|invoice)".*code 2001302/);
      // fixed in Fortnox, replayed, resolved
      expect(result.replayed).toEqual([
        { recordKey: expect.stringMatching(/^order:\d+$/), status: 'resolved' },
      ]);
      // the refund handed to a person: its message is shown, the Fortnox desk does the hand work and
      // resolves the dead letter the way `koppla resolve` does (a replay would only stop it again), so
      // none is left open after round 2 either
      expect(text).toMatch(
        /Handed to a person \(order:\d+, step "orderRefundByHand"\):\n {2}order \d+: refunded [\d.]+ of [\d.]+ in the shop, and it is Fortnox order \d+, an order only and still open, .*adjust the order in Fortnox/,
      );
      expect(text).toMatch(
        /\n {2}\S+ resolved: orders-to-fortnox record order:\d+ at step orderRefundByHand\n/,
      );
      expect(result.resolvedByHand).toEqual([
        { recordKey: expect.stringMatching(/^order:\d+$/), outcome: 'resolved' },
      ]);
      expect(result.openDeadLetters).toEqual([]);
      expect(text).toContain('failures            none left open');
      expect(result.fortnox.invoices).toBeGreaterThan(0);
      expect(result.fortnox.creditInvoices).toBeGreaterThanOrEqual(1);

      // round 2: no order is sent again; the desk's changes reach the shop
      expect(flow(second, 'orders-to-fortnox').fortnoxWrites).toBe(0);
      expect(result.desk.cancelled.length).toBeGreaterThan(0);
      // what the desk did reaches the shop: invoiced → completed, cancelled → cancelled
      for (const { shopOrder } of result.desk.invoiced)
        expect(result.shop.statuses[shopOrder]).toBe('completed');
      for (const { shopOrder } of result.desk.cancelled)
        expect(result.shop.statuses[shopOrder]).toBe('cancelled');
      // changed are at most those (and the replayed order, invoiced by its export after round 1's status run)
      const deskChanges = result.desk.invoiced.length + result.desk.cancelled.length;
      const statusChanges = flow(second, 'order-status-to-woocommerce').statusChanges;
      expect(statusChanges).toBeGreaterThanOrEqual(result.desk.cancelled.length);
      expect(statusChanges).toBeLessThanOrEqual(deskChanges + result.replayed.length);
      expect(flow(second, 'stock-to-woocommerce').shopWrites).toBeGreaterThan(0);
      expect(flow(second, 'products-to-woocommerce').shopWrites).toBeGreaterThan(0);
      for (const run of [...first, ...second]) expect(run.outcome.status).not.toBe('failed');
      expect(text).toContain('Summary');
      expect(text).toContain('API calls per flow');
    },
  );
});
