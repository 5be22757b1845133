/** `koppla run`: a progress bar on a terminal only, and the summary printed after it. */
import { describe, expect, it } from 'vitest';
import { defineConnector } from '../../../core/plugin-api/index.ts';
import { RunProgress } from '../../../runtime/cli/progress/run-progress.ts';
import { formatRunSummary } from '../../../runtime/cli/progress/run-summary.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';
import type { DeadLetter } from '../../../runtime/dead-letter/dead-letter-store.ts';

const shop = defineConnector({
  meta: { id: 'tiny-shop', name: 'Tiny', version: '1.0.0', description: 'Three records in two pages.' },
  credentials: { type: 'object' },
  streams: {
    orders: {
      description: 'orders',
      recordSchema: { type: 'object' },
      cursorField: 'id',
      async *read() {
        yield { records: [{ id: 1 }, { id: 2 }], cursor: '2' };
        yield { records: [{ id: 3 }], cursor: '3' };
      },
    },
  },
  operations: {
    'notes.add': {
      description: 'add a note',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
      idempotent: true,
      examples: [{ name: 'a', input: {}, output: {} }],
      run: async (_ctx, input) => input,
    },
  },
});

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 100, write: (chunk: string) => written.push(chunk) > 0 } };
}

async function drive(registry: ConnectorRegistry) {
  const connector = registry.get('tiny-shop');
  const ctx = { tenantId: 't', settings: {}, signal: new AbortController().signal, logger: console as never };
  for await (const page of connector.streams.orders!.read(ctx, {}))
    for (const record of page.records)
      await connector.operations['notes.add']!.run({ ...ctx, idempotencyKey: 'k' }, record);
}

describe('run progress', () => {
  it('draws nothing and wraps nothing when stderr is no terminal', async () => {
    const { written, stream } = fakeStream(false);
    const registry = new ConnectorRegistry();
    registry.register(shop);
    const progress = new RunProgress(stream, 'acme orders');
    expect(progress.enabled).toBe(false);
    expect(progress.watch(registry)).toBe(registry);
    await drive(registry);
    progress.stop();
    expect(written).toEqual([]);
  });

  it('on a terminal counts the records read and done and the calls made', async () => {
    const { written, stream } = fakeStream(true);
    const registry = new ConnectorRegistry();
    registry.register(shop);
    const progress = new RunProgress(stream, 'acme orders');
    const watched = progress.watch(registry);
    expect(watched).not.toBe(registry);
    await drive(watched);
    progress.stop();
    const text = written.join('');
    expect(text).toContain('acme orders');
    expect(text).toMatch(/3\/3 records \| 3 calls/);
  });
});

describe('run summary', () => {
  const outcome = {
    status: 'partial' as const,
    runId: 'r-1',
    summary: {
      read: 3,
      processed: 1,
      skipped: 1,
      failed: 1,
      pages: 2,
      report: { missingSku: { count: 1, values: ['MUG-9'] } },
    },
  };
  const dead = {
    id: 'd-1',
    tenant: 'acme',
    recordKey: 'order:7',
    failedStep: 'customer',
    position: { file: 'pipelines/orders.yaml', line: 40, col: 5 },
    error: { message: 'Ogiltig e-postadress', kind: 'validation' },
  } as DeadLetter;

  it('keeps the first line scripts read, then time, failures with file:line, report and what to do', () => {
    expect(formatRunSummary({ outcome, durationMs: 1234, deadLetters: [dead] })).toBe(
      [
        'run r-1 partial: 3 read, 1 processed, 1 skipped, 1 failed (dead letters)',
        '  took 1.2 s over 2 page(s)',
        '  failed order:7 at step customer (pipelines/orders.yaml:40): Ogiltig e-postadress  [dead letter d-1]',
        '  report missingSku: 1 (MUG-9)',
        '  replay them once fixed: koppla replay --all --tenant acme',
        '',
      ].join('\n'),
    );
    expect(
      formatRunSummary({
        outcome: { status: 'skipped', reason: 'tenant acme is disabled' },
        deadLetters: [],
      }),
    ).toBe('skipped: tenant acme is disabled\n');
  });

  it('names the records parked (dead-lettered before, read again unchanged) below the first line', () => {
    const parked = {
      ...outcome,
      status: 'succeeded' as const,
      summary: { ...outcome.summary, failed: 0, parked: 2 },
    };
    const lines = formatRunSummary({ outcome: parked, deadLetters: [] }).split('\n');
    expect(lines[0]).toBe('run r-1 succeeded: 3 read, 1 processed, 1 skipped, 0 failed (dead letters)');
    expect(lines[1]).toMatch(/^ {2}parked 2: dead-lettered before and unchanged since, not sent again/);
  });
});
