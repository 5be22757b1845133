/**
 * `npx koppla explain pipelines/orders-to-fortnox.yaml --input <order.json>` as a consultant runs it:
 * the decisions of every shipped pack (customer-matching included), the rule trace with file:line, and
 * every payload — rows with quantity, price, VAT and account — without touching any service.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../helpers/shared.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// each case starts the command (node + TypeScript loading), which takes seconds on a busy machine
const COMMAND_TIMEOUT_MS = 60_000;
const bin = join(root, 'runtime/cli/bin.js');

function explain(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'explain', 'pipelines/orders-to-fortnox.yaml', ...args], {
    encoding: 'utf8',
    cwd: root,
  });
}

interface Explained {
  outcome: {
    decisions: Record<string, unknown>;
    trace: { pack: string; rule: string; reason: string; source: string }[];
  };
  calls: { step: string; uses: string; input: Record<string, unknown> }[];
}

describe('koppla explain pipelines/orders-to-fortnox.yaml', () => {
  it(
    'prints the rows with their quantity, price, VAT and account, the decisions and the rule trace of every pack',
    () => {
      const result = explain('--input', 'test/fixtures/orders/se-coupon-mixed-rates.json');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const out = result.stdout;
      expect(out).toContain('Decisions');
      expect(out).toMatch(/^ {2}customer: \{"strategy":"upsert".*"matchedBy":"Email"/m);
      expect(out).toMatch(/^ {2}shipping: \{.*"split":true/m);
      // the trace names each rule and where it is written
      expect(out).toMatch(
        /customer-matching@1\.0\.0 MATCHED match-by-email rules\/customer-matching\/pack\.yaml:\d+/,
      );
      expect(out).toMatch(/se-vat@1\.0\.0 line 1 MATCHED domestic rules\/se-vat\/pack\.yaml:\d+/);
      expect(out).toMatch(/document-kind@1\.0\.0 MATCHED already-paid/);
      // the order's rows, freight split 32.03 / 16.97
      expect(out).toContain(
        '{"ArticleNumber":"PUB-BOOK","Description":"Kokbok","OrderedQuantity":"1","DeliveredQuantity":"1","Price":"95.40","VAT":"6","AccountNumber":"3003"}',
      );
      expect(out).toContain(
        '"Description":"PostNord (6 %)","OrderedQuantity":"1","DeliveredQuantity":"1","Price":"16.97","VAT":"6","AccountNumber":"3520"',
      );
      expect(out).toMatch(/✓ payment → ledger\.invoicePayments\.create/);
      expect(out).toMatch(/– refunds \(skipped: its if is false\)/);
    },
    COMMAND_TIMEOUT_MS,
  );

  it(
    "takes a WooCommerce order as the shop's REST API returns it (the recorded order (b)), read as the orders stream reads it",
    () => {
      const result = explain(
        '--input',
        sharedPath('woocommerce-reference', 'orders', 'b-se-mixed-25-12-shipping.json'),
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const out = result.stdout;
      expect(out).toContain(
        "Input: the service's own record, read as the woocommerce orders stream reads it",
      );
      expect(out).toMatch(/se-vat@1\.0\.0 line 1 MATCHED domestic rules\/se-vat\/pack\.yaml:\d+/);
      // worked example (b): the goods at 25 % and 12 %, the 59.00 freight split 40.75 / 18.25
      expect(out).toContain(
        '{"ArticleNumber":"PUB-LUNCH","Description":"Lunchkupong","OrderedQuantity":"2","DeliveredQuantity":"2","Price":"112.00","VAT":"12","AccountNumber":"3002"}',
      );
      expect(out).toContain(
        '"Description":"PostNord (25 %)","OrderedQuantity":"1","DeliveredQuantity":"1","Price":"40.75","VAT":"25","AccountNumber":"3520"',
      );
      expect(out).toContain(
        '"Description":"PostNord (12 %)","OrderedQuantity":"1","DeliveredQuantity":"1","Price":"18.25","VAT":"12","AccountNumber":"3520"',
      );
    },
    COMMAND_TIMEOUT_MS,
  );

  it(
    '--format json: a refund shows its credit rows (the refunds read answers with its documented example)',
    () => {
      const result = explain(
        '--input',
        'test/fixtures/orders/se-coupon-refund-one-item.json',
        '--format',
        'json',
      );
      expect(result.status).toBe(0);
      const explained = JSON.parse(result.stdout) as Explained;
      const credit = explained.calls.find((call) => call.step === 'credits');
      expect(credit).toMatchObject({
        uses: 'ledger.invoices.credit',
        input: {
          ExternalInvoiceReference1: '60-R67',
          InvoiceRows: [
            {
              ArticleNumber: 'PUB-TEE',
              DeliveredQuantity: '1',
              Price: '179.10',
              VAT: '25',
              AccountNumber: '3001',
            },
          ],
        },
      });
    },
    COMMAND_TIMEOUT_MS,
  );

  it(
    "--params and --toggle show what a shop owner's switches change: a guest card per VAT type, the split off",
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'koppla-explain-'));
      const params = join(dir, 'params.yaml');
      writeFileSync(params, 'customer-matching:\n  guestCustomerNumbers: { SEVAT: KONTANT-SE }\n');
      const guest = explain(
        '--input',
        'test/fixtures/orders/se-guest-without-email.json',
        '--params',
        params,
        '--format',
        'json',
      );
      expect(guest.status).toBe(0);
      const explained = JSON.parse(guest.stdout) as Explained;
      expect(explained.calls.map((call) => call.step)).not.toContain('customer');
      expect(explained.calls.find((call) => call.step === 'order')?.input).toMatchObject({
        CustomerNumber: 'KONTANT-SE',
      });
      expect(explained.outcome.trace).toContainEqual(
        expect.objectContaining({ pack: 'customer-matching', rule: 'guest-shared-card', reason: 'MATCHED' }),
      );

      const toggled = explain(
        '--input',
        'rules/se-vat/records/b-se-mixed-25-12-shipping.json',
        '--toggle',
        'shipping-rows=off',
        '--format',
        'json',
      );
      expect(toggled.status).toBe(0);
      const order = (JSON.parse(toggled.stdout) as Explained).calls.find((call) => call.step === 'order');
      expect(order?.input.OrderRows).toContainEqual(
        expect.objectContaining({
          Description: 'PostNord',
          Price: '59.00',
          VAT: '25',
          AccountNumber: '3520',
        }),
      );
    },
    2 * COMMAND_TIMEOUT_MS,
  );
});
