/** Every collection Koppla owns. Agenda's own collections are named in runtime/scheduler. */
export const COLLECTIONS = {
  cursors: 'koppla_cursors',
  runs: 'koppla_runs',
  leases: 'koppla_leases',
  rateEvents: 'koppla_rate_events',
  effects: 'koppla_effects',
  deadLetters: 'koppla_dead_letters',
  webhookDeliveries: 'koppla_webhook_deliveries',
  alertClaims: 'koppla_alert_claims',
  alertBatches: 'koppla_alert_batches',
  alertState: 'koppla_alert_state',
  alertSettings: 'koppla_alert_settings',
  tenantRevisions: 'koppla_tenant_revisions',
  adminKeys: 'koppla_admin_keys',
  adminUsers: 'koppla_admin_users',
  adminSessions: 'koppla_admin_sessions',
  oauthStates: 'koppla_oauth_states',
  connectorValues: 'koppla_connector_values',
  eventOffsets: 'koppla_event_offsets',
  backfills: 'koppla_backfills',
  migrations: 'koppla_migrations',
  alertIssues: 'koppla_alert_issues',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
