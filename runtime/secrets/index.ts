export { MasterKeyConfigError, SecretDecryptionError } from './errors.ts';
export {
  DEFAULT_KEY_ID,
  masterKeysFromEnv,
  parseMasterKeys,
  type MasterKey,
  type MasterKeyring,
} from './master-keys.ts';
export { SecretBox, type SealedSecret } from './secret-box.ts';
