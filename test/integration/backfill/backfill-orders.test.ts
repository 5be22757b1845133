/**
 * `koppla backfill orders` as an operator runs it (the CLI in a child process) over 1 000 historic
 * orders in the WooCommerce sandbox: killed with SIGKILL midway, started again, it finishes from its
 * checkpoint, and Fortnox ends with exactly one invoice per paid order of the window —
 * none missing, none twice, nothing from outside the window, no request over the rate limit.
 *
 * Time: the sandbox's rate limit and the runtime's budget are both 25 requests per 250 ms
 * (Fortnox's 25 per 5 s with the clock sped up 20 times, via the sandbox config and
 * KOPPLA_RATE_LIMITS); the lease and the ledger's claims expire after 10 s and 2 s instead of minutes
 * (KOPPLA_RUN_LEASE, KOPPLA_EFFECT_CLAIM), so the second process takes over at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { demoCompany } from '../../../scripts/demo/demo-company.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = `${root}runtime/cli/bin.js`;
const PIPELINE = fileURLToPath(new URL('./orders-backfill.yaml', import.meta.url));
const MASTER_KEY = randomBytes(32).toString('base64');
const TENANT = 'backfill-shop';
const IN_WINDOW = Number(process.env.BACKFILL_TEST_ORDERS ?? 1000);
// Fortnox's budget, 25 requests per sliding window, with the window 20× shorter (5 s → 250 ms)
const BUDGET = { requests: 25, windowMs: 250 };

type Doc = Record<string, unknown>;

/** 1 000 paid orders of 2026, 10 unpaid ones of 2026, 20 paid ones of 2025 changed in 2026. */
function historicOrders(): { orders: Doc[]; paidInWindow: Set<string> } {
  const company = demoCompany({ orders: 20 });
  const template = (company.woo.orders ?? []).find(
    (o) =>
      (o as Doc).status === 'processing' &&
      (o as Doc).currency === 'SEK' &&
      (((o as Doc).refunds as unknown[] | undefined) ?? []).length === 0,
  ) as Doc | undefined;
  if (!template) throw new Error('the demo shop has no SEK order to copy');
  const orders: Doc[] = [];
  const paidInWindow = new Set<string>();
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const make = (id: number, createdMs: number, modifiedMs: number, status: string) => {
    const billing = {
      ...(template.billing as Doc),
      email: `kund${id}@example.se`,
      first_name: 'Kund',
      last_name: String(id),
    };
    orders.push({
      ...structuredClone(template),
      id,
      number: String(id),
      status,
      billing,
      date_created_gmt: stamp(createdMs),
      date_created: stamp(createdMs + 3600_000),
      date_modified_gmt: stamp(modifiedMs),
      date_modified: stamp(modifiedMs + 3600_000),
      date_paid_gmt: status === 'pending' ? null : stamp(createdMs),
      date_paid: status === 'pending' ? null : stamp(createdMs + 3600_000),
      refunds: [],
    });
  };
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < IN_WINDOW; i++) {
    const created = start + i * 6 * 3600_000 + 60_000;
    const id = 50_000 + i;
    make(id, created, created + (i % 7) * 600_000, i % 3 === 0 ? 'completed' : 'processing');
    paidInWindow.add(String(id));
  }
  for (let i = 0; i < 10; i++) make(60_000 + i, start + i * 86_400_000, start + i * 86_400_000, 'pending');
  // before the window, changed inside it: read by the stream, left out by the window
  for (let i = 0; i < 20; i++)
    make(
      70_000 + i,
      Date.parse('2025-12-01T00:00:00Z') + i * 3600_000,
      start + i * 3600_000 + 1000,
      'completed',
    );
  return { orders, paidInWindow };
}

let woo: Awaited<ReturnType<typeof startWooSandbox>>;
let fortnox: RunningFortnoxSandbox;
let config: string;
let paidInWindow: Set<string>;

function backfill(): {
  child: ChildProcess;
  done: Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      bin,
      'backfill',
      'orders',
      '--tenant',
      TENANT,
      '--from',
      '2026-01-01',
      '--concurrency',
      '6',
      '-c',
      config,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
        KOPPLA_MASTER_KEY: MASTER_KEY,
        KOPPLA_LOG_LEVEL: 'silent',
        KOPPLA_RATE_LIMITS: `fortnox=${BUDGET.requests}/${BUDGET.windowMs}ms`,
        KOPPLA_RUN_LEASE: '10s',
        KOPPLA_EFFECT_CLAIM: '2s',
        BF_WOO_KEY: SANDBOX_CONSUMER_KEY,
        BF_WOO_SECRET: SANDBOX_CONSUMER_SECRET,
        BF_FORTNOX_SECRET: DEFAULT_CLIENT.clientSecret,
        BF_FORTNOX_REFRESH: DEFAULT_REFRESH_TOKEN,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const done = new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    },
  );
  return { child, done };
}

const invoices = () => [...fortnox.state.tenant('1').records.invoices.values()].map((r) => r.data as Doc);

describe('koppla backfill orders', () => {
  beforeAll(async () => {
    const shop = historicOrders();
    paidInWindow = shop.paidInWindow;
    woo = await startWooSandbox({ seed: { orders: shop.orders } });
    fortnox = await startFortnoxSandbox({
      config: { rateLimit: BUDGET },
      seed: { customers: [{ CustomerNumber: '1', Name: 'Historikkunder' }] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'koppla-backfill-'));
    config = join(dir, 'koppla.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: koppla/v1',
        'kind: Tenants',
        'tenants:',
        `  - id: ${TENANT}`,
        '    name: Historikbutiken AB',
        `    pipelines: [{ pipeline: ${JSON.stringify(PIPELINE)}, every: 5 minutes }]`,
        '    connections:',
        '      shop:',
        `        settings: { url: ${JSON.stringify(woo.url)}, auth: basic, currency: SEK, pricesIncludeTax: true, weightUnit: kg }`,
        '        secrets: { consumerKey: { env: BF_WOO_KEY }, consumerSecret: { env: BF_WOO_SECRET } }',
        '      ledger:',
        `        settings: { clientId: ${DEFAULT_CLIENT.clientId}, apiUrl: ${JSON.stringify(fortnox.url)}, authUrl: ${JSON.stringify(fortnox.url)} }`,
        '        secrets: { clientSecret: { env: BF_FORTNOX_SECRET }, refreshToken: { env: BF_FORTNOX_REFRESH } }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await woo?.stop();
    await fortnox?.stop();
  });

  it('resumes after SIGKILL from its checkpoint: one invoice per order, none missing, none twice', async () => {
    const started = Date.now();
    // 1. the first process, killed once about a third of the invoices exist
    const first = backfill();
    let killedAt = -1;
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        const count = invoices().length;
        if (process.env.BACKFILL_TEST_DEBUG)
          process.stderr.write(
            `${Date.now() - started} ms: ${count} invoices, ${fortnox.state.requests.length} requests\n`,
          );
        if (count >= Math.round(IN_WINDOW * 0.35)) {
          clearInterval(poll);
          killedAt = count;
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      void first.done.then((result) => {
        clearInterval(poll);
        if (killedAt < 0)
          reject(new Error(`the backfill ended before the kill:\n${result.stdout}${result.stderr}`));
      });
    });
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killedAt).toBeLessThan(IN_WINDOW);

    // 2. the same command again: it waits out the dead process's lease and goes on
    const second = await backfill().done;
    expect(second.status, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toContain('resumed from its checkpoint');

    // exactly one invoice per paid order of the window, nothing from outside it
    const byOrder = new Map<string, number>();
    for (const invoice of invoices()) {
      const order = String(invoice.YourOrderNumber);
      byOrder.set(order, (byOrder.get(order) ?? 0) + 1);
    }
    const duplicates = [...byOrder].filter(([, n]) => n > 1);
    const missing = [...paidInWindow].filter((id) => !byOrder.has(id));
    const outside = [...byOrder.keys()].filter((id) => !paidInWindow.has(id));
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(outside).toEqual([]);
    expect(byOrder.size).toBe(IN_WINDOW);

    // never over the budget: Fortnox answered no request with 429
    const api = fortnox.state.requests.filter((r) => r.url.startsWith('/3/'));
    expect(api.filter((r) => r.status === 429)).toEqual([]);

    // 3. once more, after it finished: nothing is sent again
    const writesBefore = api.filter((r) => r.method !== 'GET').length;
    const third = await backfill().done;
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/writes sent 0,/);
    const writesAfter = fortnox.state.requests.filter(
      (r) => r.url.startsWith('/3/') && r.method !== 'GET',
    ).length;
    expect(writesAfter).toBe(writesBefore);

    // the figures, for the operator's note
    process.stdout.write(
      `backfill: ${IN_WINDOW} orders, killed at ${killedAt} invoices, ${api.length} Fortnox API calls, ${writesBefore} writes, ${duplicates.length} duplicates, ${missing.length} missing, ${((Date.now() - started) / 1000).toFixed(1)} s\n${second.stdout}${third.stdout}`,
    );
  }, 600_000);
});
