import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KopplaUserError, formatDiagnostic } from '../../../core/diagnostics/index.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';
import { secretValues } from '../../../runtime/tenants/tenant.ts';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'koppla-tenants-'));
  const path = join(dir, 'koppla.yaml');
  writeFileSync(path, text);
  return path;
}

const valid = `apiVersion: koppla/v1
kind: Tenants
tenants:
  - id: acme
    name: Acme AB
    pipelines:
      - { pipeline: ./pipelines/orders.yaml, every: 5 minutes }
      - { pipeline: ./pipelines/stock.yaml, enabled: false }
    toggles: { rules: { se-vat/eu-b2c: false } }
    params: { se-vat: { ossRegistered: true } }
    connections:
      shop: { settings: { url: 'https://shop.example' }, secrets: { consumerKey: ck_plain, consumerSecret: { env: ACME_WOO_SECRET } } }
`;

function failure(run: () => unknown): KopplaUserError {
  try {
    run();
  } catch (error) {
    if (error instanceof KopplaUserError) return error;
    throw error;
  }
  throw new Error('expected a KopplaUserError');
}

describe('loadTenantsFile (koppla.yaml)', () => {
  it('reads tenants, resolves pipeline paths and secrets from the environment', () => {
    const path = file(valid);
    const [acme] = loadTenantsFile(path, { ACME_WOO_SECRET: 'cs_from_env' });
    expect(acme).toMatchObject({
      id: 'acme',
      name: 'Acme AB',
      enabled: true,
      toggles: { packs: {}, rules: { 'se-vat/eu-b2c': false } },
      params: { 'se-vat': { ossRegistered: true } },
    });
    expect(acme?.pipelines).toEqual([
      { file: join(path, '..', 'pipelines/orders.yaml'), enabled: true, everyMs: 300_000 },
      { file: join(path, '..', 'pipelines/stock.yaml'), enabled: false, everyMs: undefined },
    ]);
    expect(acme?.connections.shop?.secrets).toEqual({
      consumerKey: 'ck_plain',
      consumerSecret: 'cs_from_env',
    });
    expect(secretValues(acme!).sort()).toEqual(['ck_plain', 'cs_from_env']);
  });

  it('a missing environment secret names tenant, connection and key, never a value', () => {
    const error = failure(() => loadTenantsFile(file(valid), {}));
    const [d] = error.diagnostics;
    expect(formatDiagnostic(d!)).toMatch(
      /koppla\.yaml:12:\d+ error missing-secret tenant "acme", connection "shop": secret "consumerSecret" comes from \$ACME_WOO_SECRET, which is not set$/,
    );
    expect(JSON.stringify(error.diagnostics)).not.toContain('ck_plain');
  });

  it('schema errors and duplicate tenants are reported with positions', () => {
    const schema = failure(() =>
      loadTenantsFile(file(valid.replace('id: acme', 'id: Acme Shop')), { ACME_WOO_SECRET: 'x' }),
    );
    expect(schema.diagnostics[0]).toMatchObject({ rule: 'schema', line: 4, col: 9 });
    const twice = `${valid}  - { id: acme, pipelines: [], connections: {} }\n`;
    const duplicate = failure(() => loadTenantsFile(file(twice), { ACME_WOO_SECRET: 'x' }));
    expect(duplicate.diagnostics[0]).toMatchObject({ rule: 'duplicate-id', line: 13, col: 11 });
  });
});
