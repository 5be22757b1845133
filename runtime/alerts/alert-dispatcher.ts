import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { redact, redactDeep } from '../../core/plugin-api/index.ts';
import type { DeadLetter, DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues } from '../tenants/tenant.ts';
import { postAlertWebhook, sendAlertEmail } from './alert-channels.ts';
import { alertPayload, alertSubject, alertText } from './alert-message.ts';
import {
  alertSecretValues,
  resolveChannels,
  type AlertSettings,
  type ResolvedChannels,
  type TenantAlertSettings,
} from './alert-settings.ts';
import type { MongoAlertSettingsStore } from './alert-settings-store.ts';

type Channel = 'email' | 'webhook';
/** `failed`: the last attempt failed, the next one retries; `dropped`: no longer configured. */
type ChannelState = 'pending' | 'sent' | 'failed' | 'dropped';

interface ClaimDocument {
  /** A dead letter's id (it is in this batch and no other), or `attempt:<batch>#<n>`. */
  _id: string;
  kind: 'dead-letter' | 'attempt';
  batchId: string;
  tenant: string;
  claimedAt: Date;
}

interface BatchDocument {
  _id: string;
  tenant: string;
  createdAt: Date;
  /** False while its dead letters are being claimed; nobody sends it before. */
  ready: boolean;
  done: boolean;
  channels: Partial<Record<Channel, ChannelState>>;
  deadLetters: number;
  attempts: number;
  nextAttemptAt: Date;
  sentAt?: Date;
  lastError?: string;
}

interface StateDocument {
  _id: string;
  /** Dead letters that first failed before this (less the overlap) were looked at already. */
  since: Date;
  updatedAt: Date;
}

export interface AlertDispatcherOptions {
  readonly db: Db;
  readonly deadLetters: DeadLetterStore;
  readonly tenants: TenantDirectory;
  readonly logger: RuntimeLogger;
  /** From koppla.yaml. */
  readonly settings?: AlertSettings;
  /** Settings kept in MongoDB (sealed secrets); they win over the file's. */
  readonly store?: MongoAlertSettingsStore;
  readonly now?: Clock;
  /**
   * Each scan looks this far behind the previous one again: a dead letter is stamped by its worker's
   * clock and may become visible late. Claims make the second look harmless.
   */
  readonly overlapMs?: number;
  /** Attempts at sending one alert before giving up on it. */
  readonly maxAttempts?: number;
  /** Dead letters listed in one message; the count covers all. */
  readonly maxListed?: number;
}

export interface AlertTickReport {
  /** Dead letters newly put into an alert. */
  readonly claimed: number;
  /** Alerts created in this tick. */
  readonly batches: number;
  /** Alert sends attempted, and how many of them delivered every channel. */
  readonly attempted: number;
  readonly delivered: number;
}

const STATE_ID = 'dead-letters';
const PAGE = 500;
const RECOVER_AFTER_MS = 10 * 60_000;

/**
 * Tells each tenant about its new dead letters, by e-mail and/or webhook: one message per tenant per
 * tick listing every dead letter since the last, each dead letter in exactly one message.
 *
 * A tick (the installation's `koppla.alerts` job) scans dead letters by first failure since the last
 * tick. Each new one is claimed for this tick's batch of its tenant by inserting a claim keyed by the
 * dead letter's id — an insert on a unique key, so however ticks overlap or workers race, a dead
 * letter lands in one batch only. Then every batch due is sent; sending is claimed per attempt the
 * same way (`attempt:<batch>#<n>`). A send that fails is retried with backoff on later ticks (the same
 * batch id, as X-Koppla-Delivery and Message-ID, so receivers can drop a duplicate), up to
 * `maxAttempts`. Records are never sent along: only where and why they failed.
 */
export class AlertDispatcher {
  readonly #claims: Collection<ClaimDocument>;
  readonly #batches: Collection<BatchDocument>;
  readonly #state: Collection<StateDocument>;
  readonly #now: Clock;
  readonly #overlapMs: number;
  readonly #maxAttempts: number;
  readonly #maxListed: number;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.#claims = options.db.collection<ClaimDocument>(COLLECTIONS.alertClaims);
    this.#batches = options.db.collection<BatchDocument>(COLLECTIONS.alertBatches);
    this.#state = options.db.collection<StateDocument>(COLLECTIONS.alertState);
    this.#now = options.now ?? systemClock;
    this.#overlapMs = options.overlapMs ?? 10 * 60_000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#maxListed = options.maxListed ?? 50;
  }

  /** Where a tenant's alerts go now (read afresh): the issue alerts use the same channels. */
  channels(tenant: string): Promise<ResolvedChannels | undefined> {
    return new SettingsCache(this.options).channels(tenant);
  }

  async tick(): Promise<AlertTickReport> {
    const started = new Date(this.#now());
    const settings = new SettingsCache(this.options);
    await this.#recoverUnready(started);
    const { claimed, batches } = await this.#collect(started, settings);
    const { attempted, delivered } = await this.#sendDue(started, settings);
    return { claimed, batches, attempted, delivered };
  }

  /** Deletes claims and finished alerts older than `before`; returns how many documents went. */
  async deleteBefore(before: Date): Promise<number> {
    // a claim must outlive the overlap (or its dead letter would be claimed again): keep `before` well past it
    const limit = new Date(Math.min(before.getTime(), this.#now() - 2 * this.#overlapMs));
    const claims = await this.#claims.deleteMany({ claimedAt: { $lt: limit } });
    const batches = await this.#batches.deleteMany({ done: true, createdAt: { $lt: limit } });
    return claims.deletedCount + batches.deletedCount;
  }

  async #collect(started: Date, settings: SettingsCache): Promise<{ claimed: number; batches: number }> {
    const state = await this.#state.findOne({ _id: STATE_ID });
    const since = state?.since ?? new Date(started.getTime() - this.#overlapMs);
    const from = new Date(since.getTime() - this.#overlapMs);
    const opened = new Map<string, { id: string; claimed: number }>();
    let claimed = 0;
    let after: DeadLetter | undefined;
    for (;;) {
      const page = await this.options.deadLetters.firstFailedFrom(from, {
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      after = page.at(-1);
      const taken = new Set(
        (
          await this.#claims
            .find({ _id: { $in: page.map((l) => l.id) } }, { projection: { _id: 1 } })
            .toArray()
        ).map((c) => c._id),
      );
      for (const letter of page) {
        if (taken.has(letter.id)) continue;
        const channels = await settings.channels(letter.tenant);
        if (!channels) continue;
        let batch = opened.get(letter.tenant);
        if (!batch) {
          batch = { id: await this.#openBatch(letter.tenant, channels, started), claimed: 0 };
          opened.set(letter.tenant, batch);
        }
        const id = batch.id;
        const won = await insertIfAbsent(() =>
          this.#claims.insertOne({
            _id: letter.id,
            kind: 'dead-letter',
            batchId: id,
            tenant: letter.tenant,
            claimedAt: started,
          }),
        );
        if (won) batch.claimed++;
      }
      if (page.length < PAGE) break;
    }
    for (const batch of opened.values()) {
      await this.#seal(batch.id, batch.claimed, started);
      claimed += batch.claimed;
    }
    await this.#state.updateOne(
      { _id: STATE_ID },
      { $set: { since: started, updatedAt: started } },
      { upsert: true },
    );
    return { claimed, batches: [...opened.values()].filter((b) => b.claimed > 0).length };
  }

  async #openBatch(tenant: string, channels: ResolvedChannels, at: Date): Promise<string> {
    const id = randomUUID();
    await this.#batches.insertOne({
      _id: id,
      tenant,
      createdAt: at,
      ready: false,
      done: false,
      channels: {
        ...(channels.email ? { email: 'pending' as const } : {}),
        ...(channels.webhook ? { webhook: 'pending' as const } : {}),
      },
      deadLetters: 0,
      attempts: 0,
      nextAttemptAt: at,
    });
    return id;
  }

  /** Makes a batch sendable once its claims are in; an empty one is deleted. Only its creator writes it. */
  async #seal(id: string, claimed: number, at: Date): Promise<void> {
    if (claimed === 0) {
      await this.#batches.deleteOne({ _id: id });
      return;
    }
    await this.#batches.updateOne(
      { _id: id },
      { $set: { ready: true, deadLetters: claimed, nextAttemptAt: at } },
    );
  }

  /** A batch whose tick died while claiming: seal it with whatever it claimed. */
  async #recoverUnready(started: Date): Promise<void> {
    const stale = await this.#batches
      .find({ ready: false, createdAt: { $lt: new Date(started.getTime() - RECOVER_AFTER_MS) } })
      .toArray();
    for (const batch of stale) {
      const claimed = await this.#claims.countDocuments({ batchId: batch._id, kind: 'dead-letter' });
      await this.#seal(batch._id, claimed, started);
    }
  }

  async #sendDue(started: Date, settings: SettingsCache): Promise<{ attempted: number; delivered: number }> {
    const due = await this.#batches
      .find({ done: false, ready: true, nextAttemptAt: { $lte: started } })
      .sort({ createdAt: 1 })
      .limit(1000)
      .toArray();
    let attempted = 0;
    let delivered = 0;
    for (const batch of due) {
      const attempt = batch.attempts + 1;
      const won = await insertIfAbsent(() =>
        this.#claims.insertOne({
          _id: `attempt:${batch._id}#${attempt}`,
          kind: 'attempt',
          batchId: batch._id,
          tenant: batch.tenant,
          claimedAt: started,
        }),
      );
      if (!won) continue;
      attempted++;
      if (await this.#send(batch, attempt, settings)) delivered++;
    }
    return { attempted, delivered };
  }

  /** One attempt at one batch; true when every channel has it. Only the attempt's claimant writes. */
  async #send(batch: BatchDocument, attempt: number, settings: SettingsCache): Promise<boolean> {
    const { logger } = this.options;
    const ids = (
      await this.#claims
        .find({ batchId: batch._id, kind: 'dead-letter' }, { projection: { _id: 1 } })
        .toArray()
    ).map((c) => c._id);
    const letters = (await this.options.deadLetters.summaries(ids)).sort(
      (a, b) => a.firstFailedAt.getTime() - b.firstFailedAt.getTime() || a.id.localeCompare(b.id),
    );
    const tenant = this.#tenant(batch.tenant);
    const channels = await settings.channels(batch.tenant);
    const secrets = [...tenant.secrets, ...(await settings.secrets(batch.tenant))];
    const payload = redactDeep(
      alertPayload(batch._id, tenant, letters.slice(0, this.#maxListed), ids.length, batch.createdAt),
      secrets,
    );
    const states = { ...batch.channels };
    const errors: string[] = [];
    for (const channel of ['email', 'webhook'] as const) {
      if (states[channel] !== 'pending' && states[channel] !== 'failed') continue;
      try {
        if (channel === 'email') {
          const email = channels?.email;
          if (!email) {
            states.email = 'dropped';
            continue;
          }
          await sendAlertEmail(email.smtp, {
            from: email.from,
            to: email.to,
            subject: alertSubject(payload),
            text: alertText(payload),
            messageId: `<${batch._id}@koppla.alerts>`,
          });
        } else {
          const webhook = channels?.webhook;
          if (!webhook) {
            states.webhook = 'dropped';
            continue;
          }
          await postAlertWebhook(webhook, batch._id, payload);
        }
        states[channel] = 'sent';
      } catch (error) {
        states[channel] = 'failed';
        errors.push(`${channel}: ${redact(error instanceof Error ? error.message : String(error), secrets)}`);
      }
    }
    const delivered = errors.length === 0;
    const done = delivered || attempt >= this.#maxAttempts;
    const now = this.#now();
    await this.#batches.updateOne(
      { _id: batch._id },
      {
        $set: {
          channels: states,
          attempts: attempt,
          done,
          nextAttemptAt: new Date(now + backoffMs(attempt)),
          ...(Object.values(states).includes('sent') ? { sentAt: new Date(now) } : {}),
          ...(errors.length > 0 ? { lastError: errors.join('; ') } : {}),
        },
      },
    );
    const fields = {
      tenant: batch.tenant,
      alert: batch._id,
      deadLetters: ids.length,
      channels: states,
      attempt,
    };
    if (delivered) logger.info(fields, 'dead-letter alert sent');
    else if (done) logger.error({ ...fields, errors }, 'dead-letter alert given up');
    else logger.warn({ ...fields, errors }, 'dead-letter alert failed; retrying later');
    return delivered;
  }

  #tenant(id: string): { id: string; name: string; secrets: string[] } {
    try {
      const tenant = this.options.tenants.get(id);
      return { id, name: tenant.name, secrets: secretValues(tenant) };
    } catch {
      return { id, name: id, secrets: [] };
    }
  }
}

/** 1, 2, 4 … minutes, at most an hour; ticks come every alert interval, so retries land on the next one due. */
function backoffMs(attempt: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** (attempt - 1));
}

/** Each tenant's resolved channels, read once per tick. */
class SettingsCache {
  readonly #resolved = new Map<string, Promise<{ channels?: ResolvedChannels; secrets: string[] }>>();
  #installation: Promise<Pick<AlertSettings, 'smtp' | 'from'>> | undefined;

  constructor(private readonly options: Pick<AlertDispatcherOptions, 'settings' | 'store' | 'logger'>) {}

  async channels(tenant: string): Promise<ResolvedChannels | undefined> {
    return (await this.#resolve(tenant)).channels;
  }

  /** The alert secrets of a tenant, the webhook URL included (a URL may carry a token). */
  async secrets(tenant: string): Promise<string[]> {
    return (await this.#resolve(tenant)).secrets;
  }

  #resolve(tenant: string) {
    let found = this.#resolved.get(tenant);
    if (!found) {
      found = (async () => {
        const installation = await this.#defaults();
        const stored = await this.options.store?.tenant(tenant).catch((error: unknown) => {
          // one tenant's unreadable settings (a key that no longer opens them) must not stop the others' alerts
          this.options.logger.error(
            { tenant, error: error instanceof Error ? error.message : String(error) },
            'alert settings unreadable; using the tenants file',
          );
          return undefined;
        });
        const own: TenantAlertSettings | undefined = stored ?? this.options.settings?.tenants?.[tenant];
        const channels = resolveChannels(installation, own);
        const secrets = [
          ...alertSecretValues(own, installation),
          ...(channels?.webhook ? [channels.webhook.url] : []),
        ];
        return { ...(channels ? { channels } : {}), secrets };
      })();
      this.#resolved.set(tenant, found);
    }
    return found;
  }

  #defaults(): Promise<Pick<AlertSettings, 'smtp' | 'from'>> {
    this.#installation ??= (async () => {
      const stored = await this.options.store?.installation();
      const file = this.options.settings;
      const smtp = stored?.smtp ?? file?.smtp;
      const from = stored?.from ?? file?.from;
      return { ...(smtp ? { smtp } : {}), ...(from === undefined ? {} : { from }) };
    })();
    return this.#installation;
  }
}
