export {
  DeadLetterStore,
  type DeadLetter,
  type DeadLetterError,
  type DeadLetterStatus,
  type DeadLetterStoreOptions,
  type PutDeadLetter,
} from './dead-letter-store.ts';
