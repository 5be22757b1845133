export {
  DeadLetterStore,
  recordVersion,
  type OpenDeadLetter,
  type DeadLetter,
  type DeadLetterError,
  type DeadLetterStatus,
  type DeadLetterStoreOptions,
  type HandResolution,
  type PutDeadLetter,
} from './dead-letter-store.ts';
