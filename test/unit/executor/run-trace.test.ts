/** What a run keeps of itself: requests per connection, and its last records' traces within caps. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../../../core/plan/execute-record.ts';
import type { AnyStreamDefinition } from '../../../core/plugin-api/index.ts';
import { RunTraceCollector } from '../../../runtime/executor/run-trace.ts';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const outcome = (trace: unknown[] = [{ rule: 'se-vat/domestic' }]): RecordOutcome => ({
  decisions: { vat: '25' },
  trace,
  steps: [{ id: 'write', status: 'done' }],
});

describe('RunTraceCollector', () => {
  it('counts the HTTP requests, operation calls, pages and time of each connection', async () => {
    const collected = new RunTraceCollector();
    const stream: AnyStreamDefinition = {
      description: 'two pages, one request each',
      recordSchema: {},
      cursorField: 'at',
      async *read() {
        await fetch(url);
        yield { records: [1], cursor: '1' };
        await fetch(url);
        yield { records: [2], cursor: '2' };
      },
    };
    const pages = [];
    for await (const page of collected.stream('shop', stream).read({} as never, {})) pages.push(page);
    expect(pages).toHaveLength(2);
    await collected.within('ledger', 'operation', async () => {
      await fetch(url);
      await fetch(url, { method: 'POST', body: '{}' });
    });
    // a request outside any call of the run is not this run's
    await fetch(url);
    const usage = collected.usage();
    expect(usage.shop).toMatchObject({ requests: 2, pages: 2, operations: 0 });
    expect(usage.ledger).toMatchObject({ requests: 2, pages: 0, operations: 1 });
    expect(usage.ledger?.ms).toEqual(expect.any(Number));
  });

  it('keeps the last N records, drops a trace larger than the per-record cap, stays under the total', () => {
    const collected = new RunTraceCollector({
      limits: { records: 3, recordBytes: 500, totalBytes: 100_000 },
    });
    for (let i = 1; i <= 5; i++) collected.record(`order:${i}`, 'processed', outcome());
    expect(collected.traces().map((t) => t.key)).toEqual(['order:3', 'order:4', 'order:5']);

    collected.record('order:big', 'failed', outcome([{ note: 'x'.repeat(2_000) }]));
    const big = collected.traces().at(-1);
    expect(big).toMatchObject({ key: 'order:big', status: 'failed', steps: [{ id: 'write' }] });
    expect(big?.trace).toBeUndefined();
    expect(big?.truncated).toBeGreaterThan(2_000);

    const small = new RunTraceCollector({ limits: { records: 100, recordBytes: 10_000, totalBytes: 1_000 } });
    for (let i = 0; i < 50; i++) small.record(`r${i}`, 'processed', outcome());
    const kept = small.traces();
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(1_000 + kept.length * 2);
    expect(kept.at(-1)?.key).toBe('r49');
  });

  it('takes secrets out of the kept traces', () => {
    const collected = new RunTraceCollector({ scrub: (text) => text.replaceAll('s3cret', '[redacted]') });
    collected.record('r1', 'failed', {
      decisions: {},
      trace: [],
      steps: [{ id: 'write', status: 'failed', error: 'refused token s3cret' }],
    });
    expect(JSON.stringify(collected.traces())).not.toContain('s3cret');
  });
});
