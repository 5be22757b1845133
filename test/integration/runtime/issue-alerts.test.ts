/**
 * Issue alerts beyond dead letters, to a local SMTP server and a webhook: a flow that has not
 * succeeded for 3 intervals, a refused Fortnox connection, stock Fortnox did not deliver. One message
 * per tenant per tick, each issue at most once an hour, even with two workers ticking at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueAlerts, type IssuePayload } from '../../../runtime/alerts/issue-alerts.ts';
import { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { createLogger } from '../../../runtime/logging/logger.ts';
import { RunStore } from '../../../runtime/store/run-store.ts';
import { TenantDirectory } from '../../../runtime/tenants/tenant-directory.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import {
  startSmtpSink,
  startWebhookReceiver,
  type SmtpSink,
  type WebhookReceiver,
} from './workers/alert-sinks.ts';

const mongo = useTestDatabase(import.meta.filename);
const EVERY = 5 * 60_000;
const HOUR = 3600_000;
const position = { file: 'pipelines/orders-to-fortnox.yaml', line: 512, col: 5 };

const tenant: Tenant = {
  id: 'alert-shop',
  name: 'Larmbutiken AB',
  enabled: true,
  pipelines: [{ file: '/nonexistent/orders.yaml', enabled: true, everyMs: EVERY }],
  toggles: { packs: {}, rules: {} },
  params: {},
  connections: { ledger: { settings: {}, secrets: { clientSecret: 'fortnox-client-secret-value' } } },
};

describe('issue alerts', () => {
  let smtp: SmtpSink;
  let hook: WebhookReceiver;
  let clock = Date.now();
  const workers: IssueAlerts[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink({ user: 'koppla', password: 'smtp-pass' });
    hook = await startWebhookReceiver();
    const db = mongo.db();
    const runs = new RunStore(db);
    const deadLetters = new DeadLetterStore(db);
    // the orders flow succeeded once, then failed on every run since
    const ok = await runs.start({ tenant: tenant.id, pipeline: 'orders-to-fortnox', trigger: 'schedule' });
    await runs.finish(ok.id, {
      status: 'succeeded',
      counts: { read: 1, processed: 1, skipped: 0, failed: 0 },
    });
    const failed = await runs.start({
      tenant: tenant.id,
      pipeline: 'orders-to-fortnox',
      trigger: 'schedule',
    });
    await runs.finish(failed.id, {
      status: 'failed',
      counts: { read: 0, processed: 0, skipped: 0, failed: 0 },
      error: { message: 'Fortnox token (refresh_token) → 400: invalid_grant' },
    });
    await deadLetters.put({
      tenant: tenant.id,
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:7001',
      record: { id: '7001' },
      failedStep: 'orderStockShort',
      position,
      error: {
        message:
          'order 7001: stock short at stock point LAGER - Fortnox order 12 was created but delivered 0 of: MUG-1 ',
        kind: 'validation',
        field: 'OrderRows.DeliveredQuantity',
      },
      attempts: 1,
    });
    await deadLetters.put({
      tenant: tenant.id,
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:7002',
      record: { id: '7002' },
      failedStep: 'customer',
      position,
      error: { message: 'Fortnox GET /3/customers → 401: unauthorized', kind: 'auth' },
      attempts: 1,
    });
    for (let i = 0; i < 2; i++)
      workers.push(
        new IssueAlerts({
          db,
          tenants: new TenantDirectory([tenant]),
          runs,
          deadLetters,
          logger: createLogger(),
          channels: async () => ({
            email: {
              to: ['ops@larmbutiken.example'],
              from: 'Koppla <koppla@example.se>',
              smtp: { host: '127.0.0.1', port: smtp.port, user: 'koppla', password: 'smtp-pass' },
            },
            webhook: { url: hook.url, secret: 'hook-secret' },
          }),
          schedules: () => [{ pipeline: 'orders-to-fortnox', everyMs: EVERY }],
          now: () => clock,
        }),
      );
  });
  afterAll(async () => {
    await smtp?.stop();
    await hook?.stop();
  });

  it('sends one message with every issue, then nothing for an hour, then again while they last', async () => {
    // 20 minutes later: about 4 intervals without success
    clock += 20 * 60_000;
    const [a, b] = workers;
    const reports = await Promise.all([a!.tick(), b!.tick()]);
    expect(reports.map((r) => r.detected)).toEqual([3, 3]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(3);
    expect(smtp.mails).toHaveLength(1);
    expect(hook.posts).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('Koppla: 3 issues for Larmbutiken AB');
    expect(mail.text).toMatch(/orders-to-fortnox has not succeeded for [34] intervals/);
    expect(mail.text).toMatch(/Fortnox refuses the connection/);
    expect(mail.text).toMatch(/koppla connect fortnox --tenant alert-shop/);
    expect(mail.text).toMatch(/did not deliver the stock of 1 order/);
    expect(mail.text).not.toContain('fortnox-client-secret-value');
    const payload = JSON.parse(hook.posts[0]!.body) as IssuePayload;
    expect(payload.type).toBe('koppla.issues');
    expect(payload.issues.map((i) => i.kind).sort()).toEqual([
      'flow-stale',
      'fortnox-connection',
      'stock-not-delivered',
    ]);
    expect(hook.posts[0]!.headers['x-koppla-signature']).toMatch(/^sha256=/);

    // the same issues 10 and 59 minutes later: nothing more
    for (const later of [10 * 60_000, 49 * 60_000]) {
      clock += later;
      await Promise.all(workers.map((w) => w.tick()));
    }
    expect(smtp.mails).toHaveLength(1);
    expect(hook.posts).toHaveLength(1);

    // past the hour, still there: announced again, once
    clock += HOUR - 59 * 60_000 + 60_000;
    await Promise.all(workers.map((w) => w.tick()));
    expect(smtp.mails).toHaveLength(2);
    expect(hook.posts).toHaveLength(2);
  });

  it('gives the claim back when sending fails, so the next tick tries again', async () => {
    clock += 2 * HOUR;
    hook.failNext(1, 503);
    const failed = await workers[0]!.tick();
    expect(failed.sent).toBe(0);
    const retried = await workers[0]!.tick();
    expect(retried.sent).toBe(3);
  });
});
