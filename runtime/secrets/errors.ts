/**
 * The master-key configuration is missing or malformed. Messages name the variable and what is wrong
 * with it (e.g. its decoded length), never its value.
 */
export class MasterKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyConfigError';
  }
}

/**
 * A sealed secret could not be opened: it was altered, it belongs to another context, or the key it
 * names is not configured. Carries no plaintext and no key material.
 */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}
