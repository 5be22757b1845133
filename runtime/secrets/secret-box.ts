import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretDecryptionError } from './errors.ts';
import { masterKeysFromEnv, type MasterKey, type MasterKeyring } from './master-keys.ts';

/** A credential value encrypted at rest. All binary fields are base64. */
export interface SealedSecret {
  /** Which master key sealed it, so keys can rotate without re-encrypting everything at once. */
  readonly keyId: string;
  readonly iv: string;
  /** The GCM authentication tag: any change to iv, data, context or key makes `open` fail. */
  readonly tag: string;
  readonly data: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts and decrypts credential values with AES-256-GCM. `context` (e.g. `tenant/secret name`) is
 * bound as additional authenticated data, so a ciphertext copied to another tenant or field does not
 * open there. Error messages never contain plaintext or key material.
 */
export class SecretBox {
  private readonly keys: MasterKeyring;

  constructor(keys: MasterKeyring) {
    this.keys = keys;
  }

  /** A box with the keys from `KOPPLA_MASTER_KEY` or `KOPPLA_MASTER_KEYS`; throws a clear error if absent. */
  static fromEnv(env?: Readonly<Record<string, string | undefined>>): SecretBox {
    return new SecretBox(masterKeysFromEnv(env));
  }

  /** The id new secrets are sealed with. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string, context = ''): SealedSecret {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(id, context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: SealedSecret, context = ''): string {
    const { key } = this.keyFor(sealed);
    const iv = decodeField(sealed.iv, 'iv', IV_BYTES);
    const tag = decodeField(sealed.tag, 'tag', TAG_BYTES);
    const data = decodeField(sealed.data, 'data');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(sealed.keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      // Node says only "Unsupported state or unable to authenticate data"; say what it means here.
      throw new SecretDecryptionError(
        `secret sealed with key "${sealed.keyId}" failed authentication: it was altered, ` +
          'belongs to another context, or the configured key with that id is not the one that sealed it',
      );
    }
  }

  /** True when the secret was sealed with an older key than the newest configured one. */
  needsReencryption(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.currentKeyId;
  }

  /** The secret sealed with the newest key; a secret already on it is returned unchanged. */
  reencrypt(sealed: SealedSecret, context = ''): SealedSecret {
    if (!this.needsReencryption(sealed)) return sealed;
    return this.seal(this.open(sealed, context), context);
  }

  private keyFor(sealed: SealedSecret): MasterKey {
    const found = this.keys.find((candidate) => candidate.id === sealed.keyId);
    if (!found) {
      throw new SecretDecryptionError(
        `secret was sealed with key "${String(sealed.keyId)}", which is not configured ` +
          `(configured: ${this.keys.map((k) => k.id).join(', ')}); add it to KOPPLA_MASTER_KEYS`,
      );
    }
    return found;
  }
}

// The key id is authenticated too, so relabelling a ciphertext with another key id fails.
function aad(keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify([keyId, context]), 'utf8');
}

function decodeField(value: unknown, name: string, bytes?: number): Buffer {
  if (typeof value !== 'string') throw new SecretDecryptionError(`sealed secret has no ${name}`);
  const decoded = Buffer.from(value, 'base64');
  if (bytes !== undefined && decoded.length !== bytes) {
    throw new SecretDecryptionError(`sealed secret ${name} must be ${bytes} bytes, not ${decoded.length}`);
  }
  return decoded;
}
