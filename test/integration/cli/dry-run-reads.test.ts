/**
 * `koppla dry-run` of the shipped orders and stock pipelines against both sandboxes: the source and
 * every operation flagged `readOnly` run for real (the shop's SKU look-up, the refunds listing), every
 * write is refused and printed with its payload, and neither sandbox receives a single request that
 * is not a GET (the Fortnox token exchange aside, which is how any read is authorised).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = `${root}runtime/cli/bin.js`;
const seed = (file: string) =>
  JSON.parse(readFileSync(`${root}scripts/demo/seed/${file}`, 'utf8')) as Record<string, unknown>;
const MASTER_KEY = randomBytes(32).toString('base64');

let woo: Awaited<ReturnType<typeof startWooSandbox>>;
let fortnox: RunningFortnoxSandbox;
let dir: string;

function koppla(args: readonly string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, '--config', join(dir, 'koppla.yaml')], {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
        KOPPLA_MASTER_KEY: MASTER_KEY,
        KOPPLA_LOG_LEVEL: 'silent',
        DRY_SHOP_KEY: SANDBOX_CONSUMER_KEY,
        DRY_SHOP_SECRET: SANDBOX_CONSUMER_SECRET,
        DRY_LEDGER_SECRET: DEFAULT_CLIENT.clientSecret,
        DRY_LEDGER_REFRESH: 'dry-run-refresh',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end('');
  });
}

/** Requests per method that reached each sandbox's API (not its admin surface, not the token endpoint). */
function methods() {
  const count = (list: readonly string[]) =>
    list.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m]: (acc[m] ?? 0) + 1 }), {});
  return {
    fortnox: count(fortnox.state.requests.filter((r) => r.url.startsWith('/3/')).map((r) => r.method)),
    shop: count(woo.state.calls.map((c) => c.method)),
  };
}

beforeAll(async () => {
  const store = seed('woocommerce-store.json');
  woo = await startWooSandbox({ seed: store as never });
  const tee = (store.products as { sku: string; stock_quantity: number | null }[]).find(
    (p) => p.sku === 'PUB-TEE',
  );
  fortnox = await startFortnoxSandbox({
    seed: {
      ...DEFAULT_SEED,
      articles: [
        // differs from the shop's quantity: a write the dry run must refuse and print
        {
          ArticleNumber: 'PUB-TEE',
          Description: 'T-shirt',
          QuantityInStock: Number(tee?.stock_quantity ?? 0) + 7,
          StockGoods: true,
        },
        { ArticleNumber: 'FORTNOX-ONLY', Description: 'Only here', QuantityInStock: 3, StockGoods: true },
      ] as never,
      refreshTokens: [{ token: 'dry-run-refresh', clientId: DEFAULT_CLIENT.clientId }],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'koppla-dry-run-'));
  writeFileSync(
    join(dir, 'koppla.yaml'),
    JSON.stringify({
      apiVersion: 'koppla/v1',
      kind: 'Tenants',
      tenants: [
        {
          id: 'dry-shop',
          name: 'Torrkörning AB',
          pipelines: [
            { pipeline: `${root}pipelines/orders-to-fortnox.yaml`, every: '1 hour' },
            { pipeline: `${root}pipelines/stock-to-woocommerce.yaml`, every: '1 hour' },
          ],
          connections: {
            shop: {
              settings: { url: woo.url, auth: 'basic' },
              secrets: { consumerKey: { env: 'DRY_SHOP_KEY' }, consumerSecret: { env: 'DRY_SHOP_SECRET' } },
            },
            ledger: {
              settings: { clientId: DEFAULT_CLIENT.clientId, apiUrl: fortnox.url, authUrl: fortnox.url },
              secrets: {
                clientSecret: { env: 'DRY_LEDGER_SECRET' },
                refreshToken: { env: 'DRY_LEDGER_REFRESH' },
              },
            },
          },
        },
      ],
    }),
  );
});

afterAll(async () => {
  await woo?.stop();
  await fortnox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface DryRunJson {
  refused: number;
  summary: { read: number; failed: number };
  records: { key: string; calls: { step: string; uses: string; kind: string; input: unknown }[] }[];
}

// each case spawns the CLI, which takes seconds on a busy machine
describe('koppla dry-run reads for real and sends nothing', { timeout: 180_000 }, () => {
  it('stock-to-woocommerce: reads Fortnox stock and the shop by SKU, prints the batch write it refuses', async () => {
    const before = methods();
    const text = await koppla(['dry-run', 'stock-to-woocommerce', '--tenant', 'dry-shop']);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^Dry run of stock-to-woocommerce for dry-shop: nothing is sent/);
    // the read-only SKU look-up ran against the shop, not its example answer
    expect(text.stdout).toMatch(/· products → shop\.products\.listBySku: read \{"skus":\[/);
    expect(text.stdout).toMatch(
      /✗ write → shop\.products\.batchUpdate: refused; would send\n {6}\{"updates":\[.*"stockQuantity":/,
    );
    const after = methods();
    expect(after.fortnox.GET ?? 0).toBeGreaterThan(before.fortnox.GET ?? 0);
    expect(after.shop.GET ?? 0).toBeGreaterThan(before.shop.GET ?? 0);
    // nothing but reads reached either sandbox
    expect(Object.keys(after.fortnox).filter((m) => m !== 'GET')).toEqual([]);
    expect(Object.keys(after.shop).filter((m) => m !== 'GET')).toEqual([]);

    const json = JSON.parse(
      (await koppla(['dry-run', 'stock-to-woocommerce', '--tenant', 'dry-shop', '--format', 'json'])).stdout,
    ) as DryRunJson;
    const calls = json.records.flatMap((r) => r.calls);
    const lookUp = calls.find((c) => c.uses === 'shop.products.listBySku');
    expect(lookUp?.kind).toBe('read');
    const write = calls.find((c) => c.uses === 'shop.products.batchUpdate');
    expect(write?.kind).toBe('refused');
    expect(JSON.stringify(write?.input)).toContain('"stockQuantity"');
    expect(json.refused).toBeGreaterThan(0);
    expect(Object.keys(methods().shop).filter((m) => m !== 'GET')).toEqual([]);
  });

  it('orders-to-fortnox: reads the shop orders, refuses every Fortnox write with its payload', async () => {
    const text = await koppla(['dry-run', 'orders-to-fortnox', '--tenant', 'dry-shop', '--format', 'json']);
    expect(text.stderr).toBe('');
    const result = JSON.parse(text.stdout) as DryRunJson;
    expect(result.summary.read).toBeGreaterThan(0);
    const calls = result.records.flatMap((r) => r.calls);
    // the writes a real run would send, each with its payload
    const refused = calls.filter((c) => c.kind === 'refused');
    expect(refused.length).toBe(result.refused);
    expect(refused.map((c) => c.uses)).toContain('ledger.customers.upsert');
    for (const call of refused) expect(call.input).toBeTruthy();
    // read-only operations ran for real; no read-only operation was refused
    for (const call of calls.filter((c) => c.kind === 'read'))
      expect(call.uses).toMatch(/\.(list|get|find|listRefunds|listBySku)\b|List|Get$/);
    expect(calls.some((c) => c.kind === 'refused' && /listRefunds|\.list$|\.get$/.test(c.uses))).toBe(false);

    const after = methods();
    expect(after.shop.GET ?? 0).toBeGreaterThan(0);
    expect(Object.keys(after.fortnox).filter((m) => m !== 'GET')).toEqual([]);
    expect(Object.keys(after.shop).filter((m) => m !== 'GET')).toEqual([]);
    for (const collection of ['koppla_runs', 'koppla_effects', 'koppla_cursors', 'koppla_dead_letters'])
      expect(await mongo.db().collection(collection).countDocuments(), collection).toBe(0);
  });
});
