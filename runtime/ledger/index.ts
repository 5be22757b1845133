export {
  asInvoke,
  type BoundOperation,
  type RecordEffectContext,
  type ResolveOperation,
} from './as-invoke.ts';
export { attemptId, effectKey, type EffectAddress } from './effect-key.ts';
export {
  EffectsLedger,
  type Effect,
  type EffectAttempt,
  type EffectError,
  type EffectOutcome,
  type EffectSource,
  type EffectState,
  type EffectsLedgerOptions,
  type PerformOptions,
} from './effects-ledger.ts';
export { InFlightError } from './in-flight-error.ts';
export { hashInput } from './input-hash.ts';
