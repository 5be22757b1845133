/**
 * Dead-letter alerts: one message per tenant per tick listing its new dead letters, by e-mail (to a
 * local SMTP server) and/or webhook (to a local HTTP receiver); every dead letter announced once, also
 * when ticks race; failed sends retried; settings from koppla.yaml or sealed in MongoDB; and the
 * worker's `koppla.alerts` job doing it for a record that failed in a real run.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertDispatcher,
  MongoAlertSettingsStore,
  readAlertSettings,
} from '../../../runtime/alerts/index.ts';
import type { AlertPayload, AlertSettings } from '../../../runtime/alerts/index.ts';
import { DeadLetterStore, type PutDeadLetter } from '../../../runtime/dead-letter/index.ts';
import { createLogger } from '../../../runtime/logging/logger.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { SecretBox } from '../../../runtime/secrets/index.ts';
import { startWorker } from '../../../runtime/service/worker.ts';
import { COLLECTIONS, ensureIndexes } from '../../../runtime/store/index.ts';
import { TenantDirectory } from '../../../runtime/tenants/tenant-directory.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import { ECHO_TOKEN_EMAIL, startExampleRemote } from '../../fixtures/connectors/example-remote-server.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import {
  startSmtpSink,
  startWebhookReceiver,
  type SmtpSink,
  type WebhookReceiver,
} from './workers/alert-sinks.ts';
import { REMOTE_PIPELINES, REMOTE_PLUGIN } from './workers/spawn-worker.ts';
import { manualClock, withSeparateClients } from '../store/separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);
const SMTP_LOGIN = { user: 'koppla', password: `smtp-${randomBytes(6).toString('hex')}` };
const HOOK_SECRET = `hook-${randomBytes(6).toString('hex')}`;

function tenant(id: string, name = id): Tenant {
  return {
    id,
    name,
    enabled: true,
    pipelines: [],
    toggles: { packs: {}, rules: {} },
    params: {},
    connections: {},
  };
}

let counter = 0;
function failure(tenantId: string, overrides: Partial<PutDeadLetter> = {}): PutDeadLetter {
  counter++;
  return {
    tenant: tenantId,
    pipeline: 'orders-to-fortnox',
    recordKey: `order:${1000 + counter}`,
    record: { id: 1000 + counter, customer: { email: 'anna@example.se' } },
    failedStep: 'customer',
    position: { file: 'pipelines/orders-to-fortnox.yaml', line: 41, col: 5 },
    error: {
      message: `Ogiltig e-postadress ${counter}`,
      kind: 'validation',
      field: 'Email',
      code: '2000311',
    },
    attempts: 1,
    ...overrides,
  };
}

const payloadsOf = (receiver: WebhookReceiver, tenantId: string) =>
  receiver.posts.map((p) => JSON.parse(p.body) as AlertPayload).filter((p) => p.tenant.id === tenantId);

describe('dead-letter alerts', () => {
  let smtp: SmtpSink;
  let hooks: WebhookReceiver;
  let deadLetters: DeadLetterStore;
  let settings: AlertSettings;
  const logger = createLogger();

  beforeAll(async () => {
    await ensureIndexes(mongo.db());
    smtp = await startSmtpSink(SMTP_LOGIN);
    hooks = await startWebhookReceiver();
    deadLetters = new DeadLetterStore(mongo.db());
    const smtpSettings = { host: '127.0.0.1', port: smtp.port, ...SMTP_LOGIN };
    settings = {
      smtp: smtpSettings,
      from: 'Koppla <alerts@koppla.example>',
      tenants: {
        'shop-a': { email: { to: ['ops@shop-a.example'] }, webhook: { url: hooks.url, secret: HOOK_SECRET } },
        'shop-b': { webhook: { url: hooks.url } },
        'shop-d': { webhook: { url: hooks.url } },
        'shop-e': { email: { to: ['ops@shop-e.example'] }, webhook: { url: hooks.url } },
      },
    };
  });
  afterAll(async () => {
    await smtp?.stop();
    await hooks?.stop();
  });

  it('sends one message per tenant listing its new dead letters, and each dead letter once', async () => {
    const tenants = new TenantDirectory([tenant('shop-a', 'Shop A AB'), tenant('shop-b'), tenant('shop-c')]);
    const dispatcher = new AlertDispatcher({ db: mongo.db(), deadLetters, tenants, logger, settings });
    const a = await Promise.all([1, 2, 3].map(() => deadLetters.put(failure('shop-a'))));
    await deadLetters.put(failure('shop-b'));
    await deadLetters.put(failure('shop-b'));
    await deadLetters.put(failure('shop-c')); // no alerts configured

    expect(await dispatcher.tick()).toEqual({ claimed: 5, batches: 2, attempted: 2, delivered: 2 });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail).toMatchObject({
      user: 'koppla',
      from: 'alerts@koppla.example',
      to: ['ops@shop-a.example'],
      subject: 'Koppla: 3 new dead letters for Shop A AB',
    });
    for (const letter of a) {
      expect(mail!.text).toContain(
        `orders-to-fortnox, record ${letter.recordKey}, step customer (pipelines/orders-to-fortnox.yaml:41:5): ` +
          `validation: ${letter.error.message} [field Email, code 2000311]`,
      );
      expect(mail!.text).toContain(`dead letter ${letter.id}`);
    }
    // the record itself (personal data) is never sent
    expect(mail!.raw).not.toContain('anna@example.se');

    const [toA] = payloadsOf(hooks, 'shop-a');
    const [toB] = payloadsOf(hooks, 'shop-b');
    expect(toA).toMatchObject({
      type: 'koppla.dead-letters',
      count: 3,
      listed: 3,
      tenant: { name: 'Shop A AB' },
    });
    expect(toA!.deadLetters.map((d) => d.id).sort()).toEqual(a.map((l) => l.id).sort());
    expect(toB).toMatchObject({ count: 2, listed: 2 });
    expect(mail!.messageId).toBe(`<${toA!.id}@koppla.alerts>`);
    const postA = hooks.posts.find((p) => (JSON.parse(p.body) as AlertPayload).tenant.id === 'shop-a')!;
    expect(postA.headers['x-koppla-delivery']).toBe(toA!.id);
    expect(postA.headers['x-koppla-signature']).toBe(
      `sha256=${createHmac('sha256', HOOK_SECRET).update(postA.body).digest('hex')}`,
    );
    const postB = hooks.posts.find((p) => (JSON.parse(p.body) as AlertPayload).tenant.id === 'shop-b')!;
    expect(postB.headers['x-koppla-signature']).toBeUndefined();

    // nothing new: nothing sent
    expect(await dispatcher.tick()).toEqual({ claimed: 0, batches: 0, attempted: 0, delivered: 0 });
    // a repeat failure of an alerted record is no new dead letter; a new record is
    await deadLetters.put(failure('shop-a', { recordKey: a[0]!.recordKey }));
    const fresh = await deadLetters.put(failure('shop-a'));
    expect(await dispatcher.tick()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.subject).toBe('Koppla: 1 new dead letter for Shop A AB');
    expect(payloadsOf(hooks, 'shop-a')[1]!.deadLetters.map((d) => d.id)).toEqual([fresh.id]);
  });

  it('puts each dead letter into exactly one alert when ticks of several workers race', async () => {
    const letters = await Promise.all(Array.from({ length: 20 }, () => deadLetters.put(failure('shop-d'))));
    await withSeparateClients(mongo, 4, (dbs) =>
      Promise.all(
        dbs.map((db) =>
          new AlertDispatcher({
            db,
            deadLetters: new DeadLetterStore(db),
            tenants: new TenantDirectory([tenant('shop-d')]),
            logger,
            settings,
          }).tick(),
        ),
      ),
    );
    const alerts = payloadsOf(hooks, 'shop-d');
    const listed = alerts.flatMap((p) => p.deadLetters.map((d) => d.id));
    expect(listed.sort()).toEqual(letters.map((l) => l.id).sort());
    expect(alerts.reduce((sum, p) => sum + p.count, 0)).toBe(20);
    expect(new Set(alerts.map((p) => p.id)).size).toBe(alerts.length);
  });

  it('retries a failed send on a later tick, with the same delivery id, on the failed channel only', async () => {
    const clock = manualClock(Date.now());
    const dispatcher = new AlertDispatcher({
      db: mongo.db(),
      deadLetters,
      tenants: new TenantDirectory([tenant('shop-e')]),
      logger,
      settings,
      now: clock.now,
    });
    await deadLetters.put(failure('shop-e'));
    const mailsBefore = smtp.mails.length;
    hooks.failNext(1, 503);
    expect(await dispatcher.tick()).toMatchObject({ claimed: 1, attempted: 1, delivered: 0 });
    expect(smtp.mails.length).toBe(mailsBefore + 1);
    const batch = await mongo.db().collection(COLLECTIONS.alertBatches).findOne({ tenant: 'shop-e' });
    expect(batch).toMatchObject({ done: false, attempts: 1, channels: { email: 'sent', webhook: 'failed' } });
    expect(batch!.lastError).toBe('webhook: the alert webhook answered HTTP 503');

    expect(await dispatcher.tick()).toMatchObject({ attempted: 0 }); // backoff: not yet
    clock.advance(61_000);
    expect(await dispatcher.tick()).toMatchObject({ claimed: 0, attempted: 1, delivered: 1 });
    const posts = hooks.posts.filter((p) => (JSON.parse(p.body) as AlertPayload).tenant.id === 'shop-e');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers['x-koppla-delivery']).toBe(posts[0]!.headers['x-koppla-delivery']);
    expect(smtp.mails.length).toBe(mailsBefore + 1);
    expect(await mongo.db().collection(COLLECTIONS.alertBatches).findOne({ tenant: 'shop-e' })).toMatchObject(
      {
        done: true,
        channels: { email: 'sent', webhook: 'sent' },
      },
    );
  });

  it('reads settings from koppla.yaml, secrets from the environment, and names a missing one by file:line:col', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koppla-alerts-'));
    const file = join(dir, 'koppla.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: koppla/v1',
        'kind: Tenants',
        'alerts:',
        '  every: 5 minutes',
        '  from: koppla@shop.example',
        '  smtp: { host: smtp.shop.example, port: 587, user: koppla, password: { env: ALERT_SMTP_PASSWORD } }',
        'tenants:',
        '  - id: shop-f',
        '    pipelines: []',
        '    connections: {}',
        '    alerts:',
        '      email: { to: [ops@shop-f.example] }',
        '      webhook: { url: "https://hooks.example/f", secret: { env: SHOP_F_HOOK_SECRET } }',
        '',
      ].join('\n'),
    );
    expect(readAlertSettings(file, { ALERT_SMTP_PASSWORD: 'pw-1', SHOP_F_HOOK_SECRET: 'hs-1' })).toEqual({
      everyMs: 300_000,
      from: 'koppla@shop.example',
      smtp: { host: 'smtp.shop.example', port: 587, user: 'koppla', password: 'pw-1' },
      tenants: {
        'shop-f': {
          email: { to: ['ops@shop-f.example'] },
          webhook: { url: 'https://hooks.example/f', secret: 'hs-1' },
        },
      },
    });
    let error: unknown;
    try {
      readAlertSettings(file, { ALERT_SMTP_PASSWORD: 'pw-1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KopplaUserError);
    expect((error as KopplaUserError).diagnostics).toEqual([
      expect.objectContaining({
        line: 13,
        rule: 'missing-secret',
        message:
          'tenant "shop-f" alerts: the webhook secret comes from $SHOP_F_HOOK_SECRET, which is not set',
      }),
    ]);
  });

  it('keeps settings set through MongoDB sealed, and sends with them', async () => {
    const box = SecretBox.fromEnv({ KOPPLA_MASTER_KEY: randomBytes(32).toString('base64') });
    const store = new MongoAlertSettingsStore(mongo.db(), box);
    await store.putInstallation({
      smtp: { host: '127.0.0.1', port: smtp.port, ...SMTP_LOGIN },
      from: 'ops@koppla.example',
    });
    await store.putTenant('shop-g', {
      email: { to: ['g@shop-g.example'] },
      webhook: { url: hooks.url, secret: HOOK_SECRET },
    });

    const raw = JSON.stringify(await mongo.db().collection(COLLECTIONS.alertSettings).find({}).toArray());
    expect(raw).not.toContain(SMTP_LOGIN.password);
    expect(raw).not.toContain(HOOK_SECRET);
    expect(await store.tenant('shop-g')).toEqual({
      email: { to: ['g@shop-g.example'] },
      webhook: { url: hooks.url, secret: HOOK_SECRET },
    });
    // sealed for shop-g: a copy under another tenant does not open
    const stored = await mongo
      .db()
      .collection(COLLECTIONS.alertSettings)
      .findOne({ _id: 'shop-g' as never });
    await mongo
      .db()
      .collection(COLLECTIONS.alertSettings)
      .insertOne({ ...stored!, _id: 'shop-h' as never });
    await expect(store.tenant('shop-h')).rejects.toThrow(/failed authentication/);

    const mails = smtp.mails.length;
    const letter = await deadLetters.put(failure('shop-g'));
    const dispatcher = new AlertDispatcher({
      db: mongo.db(),
      deadLetters,
      tenants: new TenantDirectory([tenant('shop-g')]),
      logger,
      store,
    });
    expect(await dispatcher.tick()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(smtp.mails.slice(mails)).toEqual([
      expect.objectContaining({ from: 'ops@koppla.example', to: ['g@shop-g.example'], user: 'koppla' }),
    ]);
    expect(payloadsOf(hooks, 'shop-g')[0]!.deadLetters[0]!.id).toBe(letter.id);
  });

  it("the worker's koppla.alerts job announces a record that failed in a run, without the credential it echoed", async () => {
    const token = `remote-${randomBytes(6).toString('hex')}`;
    const remote = await startExampleRemote({ token });
    const [order] = remote.addOrders('shop-w', 1, { customer: { name: 'Eko', email: ECHO_TOKEN_EMAIL } });
    const connectors = new ConnectorRegistry();
    connectors.register(await loadConnectorPlugin(REMOTE_PLUGIN));
    const connection = { settings: { url: remote.tenantUrl('shop-w') }, secrets: { token } };
    const worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [
        {
          ...tenant('shop-w', 'Shop W AB'),
          pipelines: [{ file: REMOTE_PIPELINES.orders, enabled: true, everyMs: 1_000 }],
          connections: { shop: connection, ledger: connection },
        },
      ],
      workerName: 'alerting',
      processEveryMs: 100,
      alerts: {
        ...settings,
        everyMs: 1_000,
        tenants: { 'shop-w': { email: { to: ['ops@shop-w.example'] } } },
      },
    });
    try {
      const deadline = Date.now() + 20_000;
      const mailFor = () => smtp.mails.find((m) => m.to.includes('ops@shop-w.example'));
      while (Date.now() < deadline && !mailFor()) await new Promise((r) => setTimeout(r, 200));
      const mail = mailFor();
      expect(mail?.subject).toBe('Koppla: 1 new dead letter for Shop W AB');
      expect(mail?.text).toContain(`record order:${order!.id}, step customer (`);
      expect(mail?.text).toContain('[REDACTED]');
      expect(mail?.raw).not.toContain(token);
      expect(await mongo.db().collection('agendaJobs').countDocuments({ name: 'koppla.alerts' })).toBe(1);
    } finally {
      await worker.stop();
      await remote.stop();
    }
  });
});
