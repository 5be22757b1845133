import { existsSync } from 'node:fs';
import { KopplaUserError, type Diagnostic } from '../../core/diagnostics/index.ts';
import { parseDuration } from '../../core/config/index.ts';
import { schemaDiagnostics } from '../../core/validate/schema-diagnostics.ts';
import { SCHEMA_IDS, validatorFor } from '../../core/validate/schema-registry.ts';
import { readYamlFile } from '../project/read-yaml-file.ts';
import type { AlertSettings, SmtpSettings, TenantAlertSettings } from './alert-settings.ts';

type SecretValue = string | { env: string };

interface SmtpDocument extends Omit<SmtpSettings, 'password'> {
  password?: SecretValue;
}

interface TenantAlertsDocument {
  email?: { to: string[]; from?: string; smtp?: SmtpDocument };
  webhook?: { url: string; secret?: SecretValue };
}

interface TenantsDocument {
  alerts?: { every?: string; from?: string; smtp?: SmtpDocument };
  tenants: { id: string; alerts?: TenantAlertsDocument }[];
}

/**
 * The dead-letter alert settings of a tenants file (`koppla.yaml`): the top-level `alerts` (interval,
 * SMTP server, sender) and each tenant's `alerts` (e-mail recipients, webhook). Secrets written as
 * `{ env: NAME }` are read from `env`; a missing one stops with file:line:col and its name, never a
 * value.
 */
export function readAlertSettings(path: string, env: NodeJS.ProcessEnv = process.env): AlertSettings {
  const source = readYamlFile(path);
  const validate = validatorFor(SCHEMA_IDS.tenants);
  if (!validate(source.value))
    throw new KopplaUserError(
      `${source.file}: invalid tenants file`,
      schemaDiagnostics(validate.errors ?? [], source),
    );
  const document = source.value as TenantsDocument;
  const diagnostics: Diagnostic[] = [];
  const problem = (pointer: string, rule: string, message: string) =>
    diagnostics.push({ ...source.positionOf(pointer), severity: 'error', rule, message, pointer });

  const secret = (value: SecretValue | undefined, pointer: string, what: string): string | undefined => {
    if (value === undefined || typeof value === 'string') return value;
    const resolved = env[value.env];
    if (resolved === undefined || resolved === '') {
      problem(pointer, 'missing-secret', `${what} comes from $${value.env}, which is not set`);
    }
    return resolved;
  };
  const smtp = (value: SmtpDocument | undefined, pointer: string, what: string): SmtpSettings | undefined => {
    if (!value) return undefined;
    const { password, ...rest } = value;
    const resolved = secret(password, `${pointer}/password`, `${what}: the SMTP password`);
    return resolved === undefined ? rest : { ...rest, password: resolved };
  };

  const installation = document.alerts ?? {};
  const everyMs = installation.every === undefined ? undefined : parseDuration(installation.every);
  if (installation.every !== undefined && everyMs === undefined)
    problem('/alerts/every', 'invalid-schedule', `"${installation.every}" is not a duration`);

  const tenants: Record<string, TenantAlertSettings> = {};
  document.tenants.forEach((tenant, t) => {
    const alerts = tenant.alerts;
    if (!alerts) return;
    const what = `tenant "${tenant.id}" alerts`;
    const at = `/tenants/${t}/alerts`;
    const ownSmtp = smtp(alerts.email?.smtp, `${at}/email/smtp`, what);
    const email = alerts.email
      ? {
          to: alerts.email.to,
          ...(alerts.email.from === undefined ? {} : { from: alerts.email.from }),
          ...(ownSmtp ? { smtp: ownSmtp } : {}),
        }
      : undefined;
    const webhookSecret = secret(
      alerts.webhook?.secret,
      `${at}/webhook/secret`,
      `${what}: the webhook secret`,
    );
    const webhook = alerts.webhook
      ? { url: alerts.webhook.url, ...(webhookSecret === undefined ? {} : { secret: webhookSecret }) }
      : undefined;
    tenants[tenant.id] = {
      ...(email ? { email } : {}),
      ...(webhook ? { webhook } : {}),
    };
  });
  const defaultSmtp = smtp(installation.smtp, '/alerts/smtp', 'alerts');
  if (diagnostics.length > 0)
    throw new KopplaUserError(`${source.file}: invalid alert settings`, diagnostics);
  return {
    ...(everyMs === undefined ? {} : { everyMs }),
    ...(installation.from === undefined ? {} : { from: installation.from }),
    ...(defaultSmtp ? { smtp: defaultSmtp } : {}),
    tenants,
  };
}

/** `readAlertSettings` of the tenants file, or nothing when there is none (tenants in MongoDB only). */
export function readAlertSettingsIfAny(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): { readonly alerts?: AlertSettings } {
  return existsSync(path) ? { alerts: readAlertSettings(path, env) } : {};
}
