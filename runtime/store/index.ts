export { systemClock, type Clock } from './clock.ts';
export { COLLECTIONS, type CollectionName } from './collections.ts';
export { CursorStore, compareCursorValues, type Cursor, type CursorValue } from './cursor-store.ts';
export { INDEXES, ensureIndexes } from './indexes.ts';
export { MongoDeliveryDedupe, type ScopedDeliveryDedupe } from './delivery-dedupe.ts';
export { LeaseLostError, keepLease, type KeptLease } from './lease-keeper.ts';
export { LeaseStore, oauthRefreshLeaseScope, runLeaseScope, type Lease } from './lease-store.ts';
export { insertIfAbsent, isDuplicateKey } from './mongo-errors.ts';
export { MongoRateBudget, type RateBudgetOptions } from './rate-budget.ts';
export {
  MAX_RUN_TRACES,
  RunStore,
  type FinishRun,
  type Run,
  type RunCounts,
  type RunErrorSummary,
  type RunStatus,
  type RunTrigger,
  type StartRun,
} from './run-store.ts';
export { fromStoredJson, toStoredJson } from './stored-json.ts';
