/**
 * A full run of a worker with every kind of credential in play — a service token a careless service
 * echoes back, WooCommerce keys and webhook secret, SMTP password and alert-webhook secret (stored
 * sealed), the master key — then every log line (pino at trace), every HTTP answer, every alert sent
 * and every document in the database is searched for them. None may be found.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { MongoAlertSettingsStore } from '../../../runtime/alerts/index.ts';
import { registryWithBuiltins } from '../../../runtime/registry/builtin-connectors.ts';
import { loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { SecretBox } from '../../../runtime/secrets/index.ts';
import { startWorker } from '../../../runtime/service/worker.ts';
import { ensureIndexes } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import {
  ECHO_TOKEN_EMAIL,
  startExampleRemote,
  type ExampleRemote,
} from '../../fixtures/connectors/example-remote-server.ts';
import { referenceDeliveries, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import {
  startSmtpSink,
  startWebhookReceiver,
  type SmtpSink,
  type WebhookReceiver,
} from './workers/alert-sinks.ts';
import { REMOTE_PIPELINES, REMOTE_PLUGIN } from './workers/spawn-worker.ts';

const mongo = useTestDatabase(import.meta.filename);
const wooPipeline = fileURLToPath(
  new URL('../../fixtures/pipelines/woo-orders-example.yaml', import.meta.url),
);
const deliveries = referenceDeliveries();
const signed = deliveries.filter((d) => d.headers['X-WC-Webhook-Signature']);

const secret = (name: string) => `${name}-${randomBytes(9).toString('base64url')}`;
const REMOTE_TOKEN = secret('remote-token');
const SMTP_PASSWORD = secret('smtp-password');
const ALERT_HOOK_SECRET = secret('alert-hook');
const MASTER_KEY = randomBytes(32).toString('base64');
const WEBHOOK_SECRET = deliveries[0]!.verify.secret;
const CREDENTIALS = {
  REMOTE_TOKEN,
  SMTP_PASSWORD,
  ALERT_HOOK_SECRET,
  MASTER_KEY,
  WEBHOOK_SECRET,
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  BASIC_AUTH: Buffer.from(`${SANDBOX_CONSUMER_KEY}:${SANDBOX_CONSUMER_SECRET}`).toString('base64'),
};

describe('secrets in a full run', () => {
  let remote: ExampleRemote;
  let shop: { url: string; stop(): Promise<void> };
  let smtp: SmtpSink;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    remote = await startExampleRemote({ token: REMOTE_TOKEN });
    shop = await startSandbox({ seed: referenceSeed() });
    smtp = await startSmtpSink({ user: 'koppla', password: SMTP_PASSWORD });
    hooks = await startWebhookReceiver();
  });
  afterAll(async () => {
    await remote?.stop();
    await shop?.stop();
    await smtp?.stop();
    await hooks?.stop();
  });

  it('finds no credential in logs, HTTP answers, alerts or stored documents', async () => {
    const logs: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const box = SecretBox.fromEnv({ KOPPLA_MASTER_KEY: MASTER_KEY });
    await ensureIndexes(mongo.db());
    // the installation's SMTP server is set through MongoDB: its password is stored sealed
    await new MongoAlertSettingsStore(mongo.db(), box).putInstallation({
      smtp: { host: '127.0.0.1', port: smtp.port, user: 'koppla', password: SMTP_PASSWORD },
      from: 'alerts@koppla.example',
    });

    remote.addOrders('secret-shop', 2);
    remote.addOrders('secret-shop', 1, { customer: { name: 'Eko', email: ECHO_TOKEN_EMAIL } });
    const remoteConnection = (id: string) => ({
      settings: { url: remote.tenantUrl(id) },
      secrets: { token: REMOTE_TOKEN },
    });
    const base = { enabled: true, toggles: { packs: {}, rules: {} }, params: {} };
    const tenants: Tenant[] = [
      {
        ...base,
        id: 'secret-shop',
        name: 'Secret Shop AB',
        pipelines: [{ file: REMOTE_PIPELINES.orders, enabled: true, everyMs: 1_000 }],
        connections: { shop: remoteConnection('secret-shop'), ledger: remoteConnection('secret-shop') },
      },
      {
        // its shop fails every read with the token in the error
        ...base,
        id: 'echo-shop',
        name: 'Echo Shop AB',
        pipelines: [{ file: REMOTE_PIPELINES.orders, enabled: true, everyMs: 1_000 }],
        connections: { shop: remoteConnection('echo-shop'), ledger: remoteConnection('echo-shop') },
      },
      {
        ...base,
        id: 'woo-shop',
        name: 'Woo Shop AB',
        pipelines: [{ file: wooPipeline, enabled: true, everyMs: undefined }],
        connections: {
          shop: {
            settings: { url: shop.url, auth: 'basic', retries: 1, retryMinTimeoutMs: 1 },
            secrets: {
              consumerKey: SANDBOX_CONSUMER_KEY,
              consumerSecret: SANDBOX_CONSUMER_SECRET,
              webhookSecret: WEBHOOK_SECRET,
            },
          },
          ledger: { settings: {}, secrets: {} },
        },
      },
    ];
    const connectors = registryWithBuiltins();
    connectors.register(await loadConnectorPlugin(REMOTE_PLUGIN));
    connectors.register(await loadConnectorPlugin(FIXTURE_PLUGINS[1]!));
    const worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants,
      workerName: 'scanned',
      processEveryMs: 100,
      logger,
      box,
      alerts: {
        everyMs: 1_000,
        tenants: {
          'secret-shop': {
            email: { to: ['ops@secret-shop.example'] },
            webhook: { url: hooks.url, secret: ALERT_HOOK_SECRET },
          },
        },
      },
      cleanup: { everyMs: 1_000 },
    });

    const answers: string[] = [];
    const request = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${worker.url}${path}`, init);
      const text = await response.text();
      answers.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
      return response.status;
    };
    const forwarded = (headers: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(headers).filter(([k]) => !['Host', 'Content-Length', 'Connection'].includes(k)),
      );
    try {
      const hook = (headers: Record<string, string>, body: string, tenant = 'woo-shop') =>
        request(`/webhooks/${tenant}/shop`, { method: 'POST', headers, body });
      const { 'X-WC-Webhook-Signature': _signature, ...unsigned } = forwarded(signed[0]!.headers);
      expect(await hook(forwarded(signed[0]!.headers), signed[0]!.body)).toBe(202);
      expect(await hook(forwarded(signed[0]!.headers), signed[0]!.body)).toBe(200);
      expect(
        await hook(forwarded(signed[1]!.headers), signed[1]!.body.replace('processing', 'completed')),
      ).toBe(401);
      expect(await hook(unsigned, signed[1]!.body)).toBe(401);
      expect(await hook(forwarded(signed[1]!.headers), signed[1]!.body, 'no-such-shop')).toBe(404);

      // until the record that echoed the token is dead-lettered and its alert has gone out both ways
      const deadline = Date.now() + 25_000;
      while (Date.now() < deadline && (smtp.mails.length === 0 || hooks.posts.length === 0)) {
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const path of ['/healthz', '/readyz', '/metrics']) expect(await request(path)).toBe(200);
    } finally {
      await worker.stop();
    }

    // the run really went through the places where credentials could leak
    const db = mongo.db();
    const deadLetter = await db.collection('koppla_dead_letters').findOne({ tenant: 'secret-shop' });
    expect(deadLetter?.error.message).toContain('[REDACTED]');
    const failedRun = await db.collection('koppla_runs').findOne({ tenant: 'echo-shop', status: 'failed' });
    expect(failedRun?.error.message).toContain('[REDACTED]');
    expect(smtp.mails[0]?.user).toBe('koppla');
    expect(hooks.posts[0]?.headers['x-koppla-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(logs.some((line) => line.includes('"msg":"record failed"'))).toBe(true);
    expect(logs.some((line) => line.includes('"msg":"cleanup done"'))).toBe(true);

    const stored: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      stored.push(JSON.stringify(await db.collection(name).find({}).toArray()));
    }
    const places = {
      logs: logs.join(''),
      answers: answers.join('\n'),
      mails: smtp.mails.map((m) => m.raw).join('\n'),
      alertPosts: hooks.posts.map((p) => `${JSON.stringify(p.headers)} ${p.body}`).join('\n'),
      database: stored.join('\n'),
    };
    const scan = (where: Record<string, string>) =>
      Object.entries(where).flatMap(([place, text]) =>
        Object.entries(CREDENTIALS)
          .filter(([, value]) => text.includes(value) || text.includes(encodeURIComponent(value)))
          .map(([name]) => `${name} in ${place}`),
      );
    expect(scan({ control: `a planted ${encodeURIComponent(WEBHOOK_SECRET)} is found` })).toEqual([
      'WEBHOOK_SECRET in control',
    ]);
    expect(scan(places)).toEqual([]);
  });
});
