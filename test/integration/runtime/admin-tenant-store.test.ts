/**
 * Tenants in MongoDB: revisions exclusive under concurrent changes, secrets sealed to their tenant,
 * and koppla.yaml + MongoDB merged with MongoDB's changes on top.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { SecretDecryptionError } from '../../../runtime/secrets/errors.ts';
import { ensureIndexes } from '../../../runtime/store/index.ts';
import {
  MongoTenantStore,
  TENANT_REVISIONS_KEPT,
  TenantExistsError,
  TenantNotStoredError,
} from '../../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../../runtime/tenants/tenant-catalog.ts';
import { TenantDirectory } from '../../../runtime/tenants/tenant-directory.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const box = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);

const fileTenant: Tenant = {
  id: 'file-shop',
  name: 'File Shop',
  enabled: true,
  pipelines: [{ file: '/srv/koppla/pipelines/a.yaml', enabled: true, everyMs: 600_000 }],
  toggles: { packs: { 'se-vat': true }, rules: { 'document-kind/paid-by-card': true } },
  params: { 'se-vat': { ossRegistered: false, threshold: '99000' } },
  connections: {
    ledger: { settings: { clientId: 'c1', apiUrl: 'https://x' }, secrets: { clientSecret: 'from-env' } },
  },
};

describe('MongoTenantStore and TenantCatalog', () => {
  it('keeps concurrent changes: each becomes its own revision, none is lost', async () => {
    const db = mongo.db();
    await ensureIndexes(db);
    const store = new MongoTenantStore(db, box);
    await store.write('busy', { spec: () => ({ name: 'Busy' }), expect: 'absent' }, 'test');
    await expect(store.write('busy', { spec: () => ({}), expect: 'absent' }, 'test')).rejects.toBeInstanceOf(
      TenantExistsError,
    );
    await expect(
      store.write('ghost', { spec: () => ({}), expect: 'present' }, 'test'),
    ).rejects.toBeInstanceOf(TenantNotStoredError);
    // five writers, each switching its own pack on, at once
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((pack) =>
        store.write(
          'busy',
          {
            spec: (current) => ({
              ...current,
              toggles: { packs: { ...current?.toggles?.packs, [pack]: true } },
            }),
          },
          `w-${pack}`,
        ),
      ),
    );
    const latest = await store.get('busy');
    expect(latest?.revision).toBe(6);
    expect(latest?.spec.toggles?.packs).toEqual({ a: true, b: true, c: true, d: true, e: true });
    expect(latest?.spec.name).toBe('Busy');
  });

  it('keeps the last revisions only', async () => {
    const store = new MongoTenantStore(mongo.db(), box);
    for (let i = 0; i < TENANT_REVISIONS_KEPT + 5; i++)
      await store.write('chatty', { spec: (current) => ({ ...current, name: `n${i}` }) }, 'test');
    const revisions = await mongo
      .db()
      .collection('koppla_tenant_revisions')
      .find({ tenant: 'chatty' })
      .toArray();
    expect(revisions).toHaveLength(TENANT_REVISIONS_KEPT);
    expect((await store.get('chatty'))?.spec.name).toBe(`n${TENANT_REVISIONS_KEPT + 4}`);
  });

  it('seals secrets to their tenant, connection and key', async () => {
    const store = new MongoTenantStore(mongo.db(), box);
    const stored = await store.write(
      'sealed',
      { spec: () => ({}), secrets: { ledger: { clientSecret: 'very-secret-value' } } },
      'test',
    );
    expect(
      JSON.stringify(
        await mongo.db().collection('koppla_tenant_revisions').find({ tenant: 'sealed' }).toArray(),
      ),
    ).not.toContain('very-secret-value');
    expect(store.open(stored)).toEqual({ ledger: { clientSecret: 'very-secret-value' } });
    // copied to another tenant, the ciphertext does not open
    expect(() => store.open({ ...stored, id: 'thief' })).toThrow(SecretDecryptionError);
    // a later change keeps the secret without re-sealing it; null removes it
    const next = await store.write('sealed', { spec: () => ({ name: 'Sealed' }) }, 'test');
    expect(next.secrets).toEqual(stored.secrets);
    const removed = await store.write(
      'sealed',
      { spec: (c) => c ?? {}, secrets: { ledger: { clientSecret: null } } },
      'test',
    );
    expect(removed.secrets).toEqual([]);
  });

  it("merges koppla.yaml and MongoDB: MongoDB's changes win field by field, the file stays the base", async () => {
    const store = new MongoTenantStore(mongo.db(), box);
    const catalog = new TenantCatalog({ fileTenants: [fileTenant], store, projectDir: '/srv/koppla' });
    expect((await catalog.entry('file-shop'))?.origin).toBe('file');
    await store.write(
      'file-shop',
      {
        spec: () => ({
          enabled: false,
          pipelines: [
            { pipeline: 'pipelines/a.yaml', enabled: false },
            { pipeline: 'pipelines/b.yaml', everyMs: 60_000 },
          ],
          toggles: { rules: { 'document-kind/paid-by-card': false } },
          params: { 'se-vat': { ossRegistered: true } },
          connections: { ledger: { settings: { apiUrl: 'https://y' } } },
        }),
        secrets: { ledger: { clientSecret: 'from-api' } },
      },
      'test',
    );
    const entry = await catalog.entry('file-shop');
    expect(entry?.origin).toBe('file+store');
    expect(entry?.tenant).toEqual({
      id: 'file-shop',
      name: 'File Shop',
      enabled: false,
      pipelines: [
        { file: '/srv/koppla/pipelines/a.yaml', enabled: false, everyMs: 600_000 },
        { file: '/srv/koppla/pipelines/b.yaml', enabled: true, everyMs: 60_000 },
      ],
      toggles: { packs: { 'se-vat': true }, rules: { 'document-kind/paid-by-card': false } },
      params: { 'se-vat': { ossRegistered: true, threshold: '99000' } },
      connections: {
        ledger: { settings: { clientId: 'c1', apiUrl: 'https://y' }, secrets: { clientSecret: 'from-api' } },
      },
    });
    expect((await catalog.load()).map((t) => t.id)).toEqual(['file-shop', 'busy', 'chatty', 'sealed']);
  });

  it('a directory with a source sees the changes on refresh', async () => {
    const store = new MongoTenantStore(mongo.db(), box);
    const catalog = new TenantCatalog({ fileTenants: [fileTenant], store, projectDir: '/srv/koppla' });
    const directory = new TenantDirectory(await catalog.load(), catalog);
    expect(directory.has('late')).toBe(false);
    await store.write('late', { spec: () => ({ name: 'Late AB' }), expect: 'absent' }, 'test');
    expect(directory.has('late')).toBe(false);
    await directory.refresh();
    expect(directory.get('late').name).toBe('Late AB');
  });
});
