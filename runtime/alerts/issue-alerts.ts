/**
 * Alerts about standing problems, beyond single dead letters: a flow that has not succeeded for N of
 * its intervals, a Fortnox connection that was refused (token expired or consent revoked), and
 * stock Fortnox silently did not deliver (orders created with delivered quantity 0). Per tenant, the
 * issues found in one tick go out in one message (e-mail and/or webhook, the dead-letter alerts'
 * channels); an issue is announced again at most once an hour while it lasts, however many workers
 * run: the right to announce it is claimed in MongoDB (`koppla_alert_issues`) before sending.
 */
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { LeaseStore } from '../store/lease-store.ts';
import { redact } from '../../core/plugin-api/index.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { RunStore } from '../store/run-store.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { isDuplicateKey } from '../store/mongo-errors.ts';
import { COLLECTIONS } from '../store/collections.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';
import { postAlertWebhook, sendAlertEmail } from './alert-channels.ts';
import type { ResolvedChannels } from './alert-settings.ts';

export type IssueKind = 'flow-stale' | 'fortnox-connection' | 'stock-not-delivered';

export interface Issue {
  /** Stable per issue and tenant: the once-an-hour rule counts per key. */
  readonly key: string;
  readonly kind: IssueKind;
  readonly title: string;
  readonly detail: string;
  readonly fix: string;
  readonly items?: readonly string[];
}

export interface IssuePayload {
  readonly type: 'koppla.issues';
  readonly id: string;
  readonly tenant: { readonly id: string; readonly name: string };
  readonly issues: readonly Issue[];
  readonly createdAt: string;
}

interface IssueDocument {
  /** `<tenant>|<key>` */
  _id: string;
  tenant: string;
  key: string;
  lastSentAt: Date;
}

export interface IssueAlertsOptions {
  readonly db: Db;
  readonly tenants: TenantDirectory;
  readonly runs: RunStore;
  readonly deadLetters: DeadLetterStore;
  readonly logger: RuntimeLogger;
  /** Where a tenant's alerts go (the dead-letter alerts' settings); undefined: nowhere. */
  readonly channels: (tenant: string) => Promise<ResolvedChannels | undefined>;
  /** Each enabled, scheduled pipeline of a tenant: its id and interval. */
  readonly schedules: (tenant: Tenant) => readonly { readonly pipeline: string; readonly everyMs: number }[];
  readonly now?: Clock;
  /** A flow is stale after this many intervals without a successful run; default 3. */
  readonly staleAfterIntervals?: number;
  /** An issue is announced again after this long at the earliest; default one hour. */
  readonly repeatAfterMs?: number;
  /** Dead letters younger than this count for the connection and stock issues; default 24 h. */
  readonly recentMs?: number;
}

export const ISSUES_COLLECTION = COLLECTIONS.alertIssues;
const FORTNOX_REFUSED = /\b(401|403|invalid_grant|invalid_client|unauthori[sz]ed)\b/i;

export class IssueAlerts {
  readonly #collection: Collection<IssueDocument>;
  readonly #now: Clock;
  readonly #leases: LeaseStore;
  readonly #holder = `issues-${randomUUID()}`;

  constructor(private readonly options: IssueAlertsOptions) {
    this.#collection = options.db.collection<IssueDocument>(ISSUES_COLLECTION);
    this.#now = options.now ?? systemClock;
    this.#leases = new LeaseStore(options.db);
  }

  /** The issues a tenant has now (nothing is claimed or sent). */
  async detect(tenant: Tenant): Promise<Issue[]> {
    const now = this.#now();
    const issues: Issue[] = [];
    const staleAfter = this.options.staleAfterIntervals ?? 3;
    for (const { pipeline, everyMs } of this.options.schedules(tenant)) {
      const [lastSuccess] = await this.options.runs.list({
        tenant: tenant.id,
        pipeline,
        status: 'succeeded',
        limit: 1,
      });
      const [latest] = await this.options.runs.list({ tenant: tenant.id, pipeline, limit: 1 });
      // a pipeline that never ran is not stale yet: it may have just been added
      if (!latest) continue;
      const since = lastSuccess?.startedAt.getTime();
      const limit = staleAfter * everyMs;
      if (since !== undefined && now - since <= limit) continue;
      if (since === undefined) {
        const [first] = await this.options.runs
          .list({ tenant: tenant.id, pipeline, limit: 1000 })
          .then((all) => all.slice(-1));
        if (!first || now - first.startedAt.getTime() <= limit) continue;
      }
      issues.push({
        key: `flow-stale:${pipeline}`,
        kind: 'flow-stale',
        title: `${pipeline} has not succeeded for ${since === undefined ? 'any run yet' : `${Math.floor((now - since) / everyMs)} intervals`}`,
        detail: `It runs every ${Math.round(everyMs / 1000)} s; the last run ${latest.startedAt.toISOString()} ended ${latest.status}${latest.error ? `: ${latest.error.message}` : ''}.`,
        fix: `See koppla status --tenant ${tenant.id} (or the admin page's runs) for why, fix it, and replay the dead letters.`,
      });
    }

    const recentFrom = now - (this.options.recentMs ?? 24 * 3600_000);
    const open = (
      await this.options.deadLetters.list({ tenant: tenant.id, status: 'open', limit: 1000 })
    ).filter((d) => d.lastFailedAt.getTime() >= recentFrom);
    const refused = open.filter(
      (d) =>
        /fortnox/i.test(d.error.message) &&
        (d.error.kind === 'auth' || FORTNOX_REFUSED.test(d.error.message)),
    );
    const lastRuns = await this.options.runs.list({ tenant: tenant.id, limit: 20 });
    const refusedRun = lastRuns.find(
      (r) =>
        r.status === 'failed' &&
        r.error &&
        /fortnox/i.test(r.error.message) &&
        FORTNOX_REFUSED.test(r.error.message),
    );
    if (refused.length > 0 || refusedRun)
      issues.push({
        key: 'fortnox-connection',
        kind: 'fortnox-connection',
        title: 'Fortnox refuses the connection: the token expired or the consent was revoked',
        detail: refusedRun?.error?.message ?? refused[0]?.error.message ?? '',
        fix: `Renew the consent: koppla connect fortnox --tenant ${tenant.id} (or Connections on the admin page), then replay: koppla replay --all --tenant ${tenant.id}.`,
        items: refused.slice(0, 20).map((d) => `${d.pipeline} ${d.recordKey}`),
      });

    const short = open.filter((d) => (d.error.field ?? '').endsWith('DeliveredQuantity'));
    if (short.length > 0)
      issues.push({
        key: 'stock-not-delivered',
        kind: 'stock-not-delivered',
        title: `Fortnox did not deliver the stock of ${short.length} order${short.length === 1 ? '' : 's'} (delivered quantity 0)`,
        detail: 'The orders exist in Fortnox but were not invoiced: the stock point had too little.',
        fix: `Restock, set the delivered quantity on each order in Fortnox, then replay: koppla replay --all --tenant ${tenant.id}.`,
        items: short.slice(0, 20).map((d) => d.error.message),
      });
    return issues;
  }

  /** One pass over every tenant: detect, claim what may be announced, send one message per tenant. */
  async tick(): Promise<{ readonly detected: number; readonly sent: number }> {
    let detected = 0;
    let sent = 0;
    for (const tenant of this.options.tenants.all()) {
      if (!tenant.enabled) continue;
      const issues = await this.detect(tenant);
      detected += issues.length;
      if (issues.length === 0) continue;
      const channels = await this.options.channels(tenant.id);
      if (!channels) continue;
      // one worker per tenant and tick, so the tenant's issues go out in one message, not split
      const outcome = await this.#leases.withLease(
        `issue-alerts:${tenant.id}`,
        this.#holder,
        60_000,
        async () => {
          const claimed: Issue[] = [];
          for (const issue of issues) if (await this.#claim(tenant.id, issue.key)) claimed.push(issue);
          if (claimed.length === 0) return 0;
          try {
            await this.#send(tenant, claimed, channels);
            return claimed.length;
          } catch (error) {
            // not announced: give the claims back, the next tick tries again
            for (const issue of claimed) await this.#unclaim(tenant.id, issue.key);
            this.options.logger.warn(
              { tenant: tenant.id, error: redact((error as Error).message, secretValues(tenant)) },
              'issue alert not sent; retried next tick',
            );
            return 0;
          }
        },
      );
      if (outcome.acquired) sent += outcome.value;
    }
    return { detected, sent };
  }

  /** True when this worker may announce the issue now (nobody did within the repeat period). */
  async #claim(tenant: string, key: string): Promise<boolean> {
    const now = new Date(this.#now());
    const before = new Date(now.getTime() - (this.options.repeatAfterMs ?? 3600_000));
    const _id = `${tenant}|${key}`;
    try {
      const result = await this.#collection.updateOne(
        { _id, lastSentAt: { $lte: before } },
        { $set: { lastSentAt: now } },
      );
      if (result.modifiedCount === 1) return true;
      await this.#collection.insertOne({ _id, tenant, key, lastSentAt: now });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async #unclaim(tenant: string, key: string): Promise<void> {
    await this.#collection.updateOne({ _id: `${tenant}|${key}` }, { $set: { lastSentAt: new Date(0) } });
  }

  async #send(tenant: Tenant, issues: readonly Issue[], channels: ResolvedChannels): Promise<void> {
    const createdAt = new Date(this.#now());
    const id = `issues:${tenant.id}:${createdAt.toISOString()}`;
    const payload: IssuePayload = {
      type: 'koppla.issues',
      id,
      tenant: { id: tenant.id, name: tenant.name },
      issues,
      createdAt: createdAt.toISOString(),
    };
    const secrets = secretValues(tenant);
    const text = redact(issueText(payload), secrets);
    if (channels.email)
      await sendAlertEmail(channels.email.smtp, {
        from: channels.email.from,
        to: channels.email.to,
        subject: `Koppla: ${issues.length} issue${issues.length === 1 ? '' : 's'} for ${tenant.name}`,
        text,
        messageId: `<${id.replace(/[^A-Za-z0-9.-]/g, '.')}@koppla>`,
      });
    if (channels.webhook) await postAlertWebhook(channels.webhook, id, payload);
  }
}

export function issueText(payload: IssuePayload): string {
  const lines = [`${payload.tenant.name} (tenant ${payload.tenant.id}) needs attention:`, ''];
  for (const issue of payload.issues) {
    lines.push(`- ${issue.title}`, `  ${issue.detail}`);
    for (const item of issue.items ?? []) lines.push(`    · ${item}`);
    lines.push(`  Fix: ${issue.fix}`, '');
  }
  lines.push('Each issue is repeated at most once an hour while it lasts.');
  return `${lines.join('\n')}\n`;
}
