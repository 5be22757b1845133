/** How to reach an SMTP server. `password` is a secret: from `{ env: NAME }` or stored sealed. */
export interface SmtpSettings {
  readonly host: string;
  /** Default 587 (465 when `secure`). */
  readonly port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure?: boolean;
  /** Refuse to send when the server offers no STARTTLS. */
  readonly requireTls?: boolean;
  readonly user?: string;
  readonly password?: string;
  /** Sender address; overrides the installation's `from`. */
  readonly from?: string;
}

export interface EmailAlertSettings {
  readonly to: readonly string[];
  readonly from?: string;
  /** This tenant's own SMTP server; else the installation's. */
  readonly smtp?: SmtpSettings;
}

export interface WebhookAlertSettings {
  /** Receives a POST with the JSON batch. */
  readonly url: string;
  /** Signs the body: `X-Koppla-Signature: sha256=<hex HMAC-SHA256(body, secret)>`. */
  readonly secret?: string;
}

/** Where one tenant's dead-letter alerts go; either or both. */
export interface TenantAlertSettings {
  readonly email?: EmailAlertSettings;
  readonly webhook?: WebhookAlertSettings;
}

/** Installation-wide: the batch interval, the default SMTP server and sender, and each tenant's channels. */
export interface AlertSettings {
  /** One message per tenant per this interval at most; default one minute. */
  readonly everyMs?: number;
  readonly smtp?: SmtpSettings;
  readonly from?: string;
  readonly tenants?: Readonly<Record<string, TenantAlertSettings>>;
}

/** A tenant's channels with everything needed to send, installation defaults applied. */
export interface ResolvedChannels {
  readonly email?: { readonly to: readonly string[]; readonly from: string; readonly smtp: SmtpSettings };
  readonly webhook?: WebhookAlertSettings;
}

export const DEFAULT_ALERT_EVERY_MS = 60_000;
const FALLBACK_FROM = 'koppla@localhost';

/**
 * The channels of a tenant: its own settings (stored ones win over the file's), e-mail only when
 * some SMTP server is known. Undefined when the tenant gets no alerts.
 */
export function resolveChannels(
  installation: Pick<AlertSettings, 'smtp' | 'from'>,
  tenant: TenantAlertSettings | undefined,
): ResolvedChannels | undefined {
  if (!tenant) return undefined;
  const smtp = tenant.email?.smtp ?? installation.smtp;
  const email =
    tenant.email && tenant.email.to.length > 0 && smtp
      ? {
          to: tenant.email.to,
          from: tenant.email.from ?? smtp.from ?? installation.from ?? FALLBACK_FROM,
          smtp,
        }
      : undefined;
  const webhook = tenant.webhook?.url ? tenant.webhook : undefined;
  if (!email && !webhook) return undefined;
  return { ...(email ? { email } : {}), ...(webhook ? { webhook } : {}) };
}

/** Every secret value in alert settings, for scrubbing what is logged or stored. */
export function alertSecretValues(
  ...settings: (TenantAlertSettings | AlertSettings | undefined)[]
): string[] {
  const values: (string | undefined)[] = [];
  for (const each of settings) {
    if (!each) continue;
    if ('smtp' in each) values.push(each.smtp?.password);
    if ('email' in each) values.push(each.email?.smtp?.password);
    if ('webhook' in each) values.push(each.webhook?.secret);
    if ('tenants' in each) values.push(...alertSecretValues(...Object.values(each.tenants ?? {})));
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}
