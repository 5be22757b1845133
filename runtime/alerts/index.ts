export { postAlertWebhook, sendAlertEmail, type AlertEmail } from './alert-channels.ts';
export { AlertDispatcher, type AlertDispatcherOptions, type AlertTickReport } from './alert-dispatcher.ts';
export {
  alertPayload,
  alertSubject,
  alertText,
  type AlertPayload,
  type AlertedDeadLetter,
} from './alert-message.ts';
export { readAlertSettings, readAlertSettingsIfAny } from './alert-settings-file.ts';
export { MongoAlertSettingsStore, type InstallationAlertDefaults } from './alert-settings-store.ts';
export {
  DEFAULT_ALERT_EVERY_MS,
  alertSecretValues,
  resolveChannels,
  type AlertSettings,
  type EmailAlertSettings,
  type ResolvedChannels,
  type SmtpSettings,
  type TenantAlertSettings,
  type WebhookAlertSettings,
} from './alert-settings.ts';
