/**
 * What a run hands the source stream: the pipeline's `source.cursor.lookback` (a cursor that is a time
 * is re-read from that far before it) and `connections.<name>.settings` (defaults under the tenant's
 * own settings, then its secrets) — through the real runner on MongoDB, with a probe connector that
 * records what it was given.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DependencyContainer } from 'tsyringe';
import { defineConnector, type StreamReadParams } from '../../../core/plugin-api/index.ts';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import { PipelineRunner } from '../../../runtime/executor/pipeline-runner.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';
import type { CursorStore } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

process.env.KOPPLA_LOG_LEVEL ??= 'error';
const mongo = useTestDatabase(import.meta.filename);

interface Seen {
  readonly params: StreamReadParams;
  readonly settings: Record<string, unknown>;
  readonly operationSettings?: Record<string, unknown>;
}
const reads: Seen[] = [];
const operationSettings: Record<string, unknown>[] = [];
/** The cursor the probe's next read ends with: the time its (pretend) read started. */
let readUpTo = '2026-03-01T12:00:00.000Z';

const probe = defineConnector({
  meta: { id: 'probe', name: 'Probe', version: '0.1.0', description: 'Test: records what it is given.' },
  credentials: { type: 'object' },
  streams: {
    changes: {
      description: 'One record per read; the cursor is a timestamp.',
      recordSchema: { type: 'object' },
      cursorField: 'at',
      async *read(ctx, params) {
        reads.push({ params, settings: ctx.settings as Record<string, unknown> });
        yield { records: [{ id: String(reads.length), at: readUpTo }], cursor: readUpTo };
      },
    },
  },
  operations: {
    'things.note': {
      description: 'Notes a thing.',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
      idempotent: true,
      examples: [{ name: 'a thing', input: {}, output: {} }],
      async run(ctx, input) {
        operationSettings.push(ctx.settings as Record<string, unknown>);
        return input as object;
      },
    },
  },
});

const PIPELINE = `
apiVersion: koppla/v1
kind: Pipeline
metadata: { id: lookback-probe }
connections:
  src:
    connector: probe
    credentials: { secretRef: src }
    settings: { region: eu, pageLimit: 50, streams: { changes: { kind: all, depth: 2 } } }
source:
  connection: src
  stream: changes
  cursor: { field: at, lookback: PT15M }
idempotency:
  key: { cat: ['thing:', { var: record.id }] }
steps:
  - id: note
    uses: src.things.note
    with: { id: { var: record.id } }
`;

let dir: string;
let container: DependencyContainer;
const tenant = (file: string): Tenant => ({
  id: 'probe-shop',
  name: 'Probe AB',
  enabled: true,
  pipelines: [{ file, enabled: true, everyMs: 300_000 }],
  toggles: { packs: {}, rules: {} },
  params: {},
  connections: {
    // the tenant overrides one setting and one stream option; the pipeline's others stay
    src: {
      settings: { pageLimit: 10, streams: { changes: { depth: 5 } } },
      secrets: { token: 'probe-secret' },
    },
  },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koppla-lookback-'));
  const file = join(dir, 'lookback-probe.yaml');
  writeFileSync(file, PIPELINE);
  const connectors = new ConnectorRegistry();
  connectors.register(probe);
  container = await createRuntimeContainer({
    db: mongo.db(),
    connectors,
    tenants: [tenant(file)],
    workerName: 'lookback-test',
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a run reads its source with the pipeline lookback and connection settings', () => {
  it('passes connections.*.settings to the stream and the operations, under the tenant settings', async () => {
    const runner = container.createChildContainer().resolve(PipelineRunner);
    const outcome = await runner.run('probe-shop', 'lookback-probe');
    expect(outcome).toMatchObject({ status: 'succeeded', summary: { read: 1, processed: 1 } });
    const expected = {
      region: 'eu',
      pageLimit: 10,
      streams: { changes: { kind: 'all', depth: 5 } },
      token: 'probe-secret',
    };
    expect(reads[0]?.settings).toEqual(expected);
    expect(operationSettings[0]).toEqual(expected);
    // the first run has no cursor: nothing to look back from
    expect(reads[0]?.params).toEqual({});
  });

  it('reads from the cursor minus the lookback, as `since`, and still moves the cursor forward', async () => {
    readUpTo = '2026-03-01T12:30:00.000Z';
    const runner = container.createChildContainer().resolve(PipelineRunner);
    await runner.run('probe-shop', 'lookback-probe');
    // the cursor was 12:00; PT15M earlier
    expect(reads[1]?.params).toEqual({ since: '2026-03-01T11:45:00.000Z' });
    const cursor = await container.resolve<CursorStore>(TOKENS.Cursors).get('probe-shop', 'lookback-probe');
    expect(String(cursor?.value)).toBe('2026-03-01T12:30:00.000Z');
  });
});
