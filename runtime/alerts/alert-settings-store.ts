import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../store/collections.ts';
import type { SealedSecret, SecretBox } from '../secrets/secret-box.ts';
import type { AlertSettings, SmtpSettings, TenantAlertSettings } from './alert-settings.ts';

interface StoredSmtp extends Omit<SmtpSettings, 'password'> {
  password?: SealedSecret;
}

interface StoredSettings {
  /** A tenant id, or `*` for the installation's defaults (tenant ids never contain `*`). */
  _id: string;
  email?: { to: string[]; from?: string; smtp?: StoredSmtp };
  webhook?: { url: string; secret?: SealedSecret };
  smtp?: StoredSmtp;
  from?: string;
  updatedAt: Date;
}

export type InstallationAlertDefaults = Pick<AlertSettings, 'smtp' | 'from'>;

const INSTALLATION = '*';

/**
 * Alert settings kept in MongoDB (set through an admin API rather than koppla.yaml); they win over
 * the file's. The SMTP password and the webhook secret are sealed with the master key like every
 * other stored credential (AES-256-GCM; the tenant and field are the authenticated context, so a
 * sealed value copied to another tenant or field does not open).
 */
export class MongoAlertSettingsStore {
  private readonly collection: Collection<StoredSettings>;

  constructor(
    db: Db,
    private readonly box: SecretBox,
  ) {
    this.collection = db.collection<StoredSettings>(COLLECTIONS.alertSettings);
  }

  async putTenant(tenant: string, settings: TenantAlertSettings): Promise<void> {
    const email = settings.email
      ? {
          to: [...settings.email.to],
          ...(settings.email.from === undefined ? {} : { from: settings.email.from }),
          ...(settings.email.smtp ? { smtp: this.#sealSmtp(settings.email.smtp, tenant) } : {}),
        }
      : undefined;
    const secret = settings.webhook?.secret;
    const webhook = settings.webhook
      ? {
          url: settings.webhook.url,
          ...(secret === undefined
            ? {}
            : { secret: this.box.seal(secret, context(tenant, 'webhook.secret')) }),
        }
      : undefined;
    await this.collection.replaceOne(
      { _id: tenant },
      { ...(email ? { email } : {}), ...(webhook ? { webhook } : {}), updatedAt: new Date() },
      { upsert: true },
    );
  }

  async tenant(tenant: string): Promise<TenantAlertSettings | undefined> {
    const stored = await this.collection.findOne({ _id: tenant });
    if (!stored) return undefined;
    const smtp = stored.email?.smtp ? this.#openSmtp(stored.email.smtp, tenant) : undefined;
    const secret = stored.webhook?.secret
      ? this.box.open(stored.webhook.secret, context(tenant, 'webhook.secret'))
      : undefined;
    return {
      ...(stored.email
        ? {
            email: {
              to: stored.email.to,
              ...(stored.email.from === undefined ? {} : { from: stored.email.from }),
              ...(smtp ? { smtp } : {}),
            },
          }
        : {}),
      ...(stored.webhook
        ? { webhook: { url: stored.webhook.url, ...(secret === undefined ? {} : { secret }) } }
        : {}),
    };
  }

  async deleteTenant(tenant: string): Promise<void> {
    await this.collection.deleteOne({ _id: tenant });
  }

  async putInstallation(defaults: InstallationAlertDefaults): Promise<void> {
    await this.collection.replaceOne(
      { _id: INSTALLATION },
      {
        ...(defaults.smtp ? { smtp: this.#sealSmtp(defaults.smtp, INSTALLATION) } : {}),
        ...(defaults.from === undefined ? {} : { from: defaults.from }),
        updatedAt: new Date(),
      },
      { upsert: true },
    );
  }

  async installation(): Promise<InstallationAlertDefaults | undefined> {
    const stored = await this.collection.findOne({ _id: INSTALLATION });
    if (!stored) return undefined;
    return {
      ...(stored.smtp ? { smtp: this.#openSmtp(stored.smtp, INSTALLATION) } : {}),
      ...(stored.from === undefined ? {} : { from: stored.from }),
    };
  }

  #sealSmtp(smtp: SmtpSettings, scope: string): StoredSmtp {
    const { password, ...rest } = smtp;
    return password === undefined
      ? rest
      : { ...rest, password: this.box.seal(password, context(scope, 'smtp.password')) };
  }

  #openSmtp(stored: StoredSmtp, scope: string): SmtpSettings {
    const { password, ...rest } = stored;
    return password === undefined
      ? rest
      : { ...rest, password: this.box.open(password, context(scope, 'smtp.password')) };
  }
}

function context(scope: string, field: string): string {
  return `alerts/${scope}/${field}`;
}
