/**
 * Every injection token of the runtime, in one place. Constructors name them with `@inject(TOKEN)`
 * explicitly: vitest's esbuild emits no decorator metadata, so tsyringe cannot infer types.
 */
export const TOKENS = {
  Db: Symbol('Db'),
  Connectors: Symbol('ConnectorRegistry'),
  Workspace: Symbol('Workspace'),
  Tenants: Symbol('TenantDirectory'),
  Cursors: Symbol('CursorStore'),
  Runs: Symbol('RunStore'),
  Leases: Symbol('LeaseStore'),
  Ledger: Symbol('EffectsLedger'),
  DeadLetters: Symbol('DeadLetterStore'),
  Logger: Symbol('Logger'),
  WorkerName: Symbol('WorkerName'),
  Timings: Symbol('RuntimeTimings'),
  DeliveryDedupe: Symbol('MongoDeliveryDedupe'),
  TenantCatalog: Symbol('TenantCatalog'),
} as const;
