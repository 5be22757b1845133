import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MasterKeyConfigError,
  SecretBox,
  SecretDecryptionError,
  masterKeysFromEnv,
  type SealedSecret,
} from '../../../runtime/secrets/index.ts';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const CREDENTIAL = 'ck_live_4f1d2e3c9b8a7f6e';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** Flips one bit of a base64 field. */
function flip(field: string): string {
  const bytes = Buffer.from(field, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64');
}

describe('master keys from the environment', () => {
  it('reads KOPPLA_MASTER_KEY as the key "default"', () => {
    const [key] = masterKeysFromEnv({ KOPPLA_MASTER_KEY: keyA });
    expect(key.id).toBe('default');
    expect(key.key.equals(Buffer.from(keyA, 'base64'))).toBe(true);
  });

  it('reads KOPPLA_MASTER_KEYS newest first', () => {
    const keys = masterKeysFromEnv({ KOPPLA_MASTER_KEYS: `k2:${keyB}, k1:${keyA}` });
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('fails clearly when no key is set', () => {
    const error = errorOf(() => masterKeysFromEnv({}));
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    expect(error.message).toMatch(/KOPPLA_MASTER_KEY is not set/);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64'), /must decode to 32 bytes.*decodes to 16/],
    ['too long', randomBytes(48).toString('base64'), /decodes to 48/],
    ['not base64', 'not base64 at all!!', /not valid base64/],
  ])('rejects a key that is %s without printing it', (_label, value, message) => {
    const error = errorOf(() => masterKeysFromEnv({ KOPPLA_MASTER_KEY: value }));
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(value);
  });

  it('rejects malformed, duplicate and conflicting key lists without printing keys', () => {
    const cases: Record<string, string | undefined>[] = [
      { KOPPLA_MASTER_KEYS: keyA },
      { KOPPLA_MASTER_KEYS: `k1:${keyA},k1:${keyB}` },
      { KOPPLA_MASTER_KEYS: `bad id:${keyA}` },
      { KOPPLA_MASTER_KEYS: ' , ' },
      { KOPPLA_MASTER_KEY: keyA, KOPPLA_MASTER_KEYS: `k1:${keyB}` },
    ];
    for (const env of cases) {
      const error = errorOf(() => masterKeysFromEnv(env));
      expect(error).toBeInstanceOf(MasterKeyConfigError);
      expect(error.message).not.toContain(keyA);
      expect(error.message).not.toContain(keyB);
    }
  });
});

describe('SecretBox', () => {
  const box = SecretBox.fromEnv({ KOPPLA_MASTER_KEY: keyA });

  it('seals to base64 fields that do not contain the plaintext and opens them again', () => {
    const sealed = box.seal(CREDENTIAL, 'tenant-1/fortnox');
    expect(Object.keys(sealed).sort()).toEqual(['data', 'iv', 'keyId', 'tag']);
    expect(sealed.keyId).toBe('default');
    expect(JSON.stringify(sealed)).not.toContain(CREDENTIAL);
    expect(box.open(sealed, 'tenant-1/fortnox')).toBe(CREDENTIAL);
  });

  it('uses a fresh IV each time', () => {
    const a = box.seal(CREDENTIAL);
    const b = box.seal(CREDENTIAL);
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
  });

  it('round-trips empty and non-ASCII values', () => {
    for (const value of ['', 'lösenord-åäö-🔑', 'x'.repeat(10_000)])
      expect(box.open(box.seal(value))).toBe(value);
  });

  it.each<[string, (s: SealedSecret) => SealedSecret]>([
    ['data', (s) => ({ ...s, data: flip(s.data) })],
    ['tag', (s) => ({ ...s, tag: flip(s.tag) })],
    ['iv', (s) => ({ ...s, iv: flip(s.iv) })],
  ])('fails loudly when the %s was tampered with', (_field, tamper) => {
    const error = errorOf(() => box.open(tamper(box.seal(CREDENTIAL))));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error.message).toMatch(/failed authentication/);
    expect(error.message).not.toContain(CREDENTIAL);
  });

  it('does not open a secret in another context (copied to another tenant)', () => {
    const sealed = box.seal(CREDENTIAL, 'tenant-1/fortnox');
    expect(() => box.open(sealed, 'tenant-2/fortnox')).toThrow(SecretDecryptionError);
  });

  it('does not open with another key under the same id', () => {
    const other = SecretBox.fromEnv({ KOPPLA_MASTER_KEY: keyB });
    expect(() => other.open(box.seal(CREDENTIAL))).toThrow(SecretDecryptionError);
  });

  it('fails clearly on a truncated field', () => {
    const sealed = box.seal(CREDENTIAL);
    const error = errorOf(() => box.open({ ...sealed, tag: sealed.tag.slice(0, 8) }));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error.message).toMatch(/tag must be 16 bytes/);
  });
});

describe('key rotation', () => {
  const before = SecretBox.fromEnv({ KOPPLA_MASTER_KEYS: `k1:${keyA}` });
  const after = SecretBox.fromEnv({ KOPPLA_MASTER_KEYS: `k2:${keyB},k1:${keyA}` });

  it('opens secrets sealed with an older key, by the id the secret names', () => {
    const old = before.seal(CREDENTIAL, 'ctx');
    expect(after.open(old, 'ctx')).toBe(CREDENTIAL);
    expect(after.seal(CREDENTIAL).keyId).toBe('k2');
  });

  it('reencrypt moves a secret to the newest key and leaves current ones alone', () => {
    const old = before.seal(CREDENTIAL, 'ctx');
    expect(after.needsReencryption(old)).toBe(true);
    const moved = after.reencrypt(old, 'ctx');
    expect(moved.keyId).toBe('k2');
    expect(after.needsReencryption(moved)).toBe(false);
    expect(after.reencrypt(moved, 'ctx')).toBe(moved);
    // once k1 is retired, the moved secret still opens
    const retired = SecretBox.fromEnv({ KOPPLA_MASTER_KEYS: `k2:${keyB}` });
    expect(retired.open(moved, 'ctx')).toBe(CREDENTIAL);
  });

  it('names a missing key id, without key material', () => {
    const retired = SecretBox.fromEnv({ KOPPLA_MASTER_KEYS: `k2:${keyB}` });
    const error = errorOf(() => retired.open(before.seal(CREDENTIAL)));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error.message).toMatch(/key "k1", which is not configured \(configured: k2\)/);
    expect(error.message).not.toContain(keyA);
    expect(error.message).not.toContain(keyB);
  });

  it('refuses a secret relabelled with another key id', () => {
    const both = SecretBox.fromEnv({ KOPPLA_MASTER_KEYS: `k2:${keyA},k1:${keyA}` });
    const sealed = both.seal(CREDENTIAL);
    expect(() => both.open({ ...sealed, keyId: 'k1' })).toThrow(SecretDecryptionError);
  });
});
