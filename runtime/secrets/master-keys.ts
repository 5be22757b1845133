import { MasterKeyConfigError } from './errors.ts';

/** One AES-256 key and the id stored beside every ciphertext it made. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The configured keys, newest first: the first one seals, any of them opens. */
export type MasterKeyring = readonly [MasterKey, ...MasterKey[]];

/** The key id of a single `KOPPLA_MASTER_KEY`; name the old key `default:` in `KOPPLA_MASTER_KEYS` when rotating. */
export const DEFAULT_KEY_ID = 'default';

const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
// Strict standard base64, padding included: a lenient decoder would accept typos as a shorter key.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the master keys from the environment: either `KOPPLA_MASTER_KEY` (base64 of 32 bytes, key id
 * `default`) or `KOPPLA_MASTER_KEYS` (`id1:base64,id2:base64`, newest first) for rotation.
 */
export function masterKeysFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MasterKeyring {
  const single = env.KOPPLA_MASTER_KEY?.trim();
  const list = env.KOPPLA_MASTER_KEYS?.trim();
  if (single && list) {
    throw new MasterKeyConfigError(
      'both KOPPLA_MASTER_KEY and KOPPLA_MASTER_KEYS are set: set only one (KOPPLA_MASTER_KEYS for rotation)',
    );
  }
  if (list) return parseMasterKeys(list, 'KOPPLA_MASTER_KEYS');
  if (single) return [{ id: DEFAULT_KEY_ID, key: decodeKey(single, 'KOPPLA_MASTER_KEY') }];
  throw new MasterKeyConfigError(
    'KOPPLA_MASTER_KEY is not set: it must be the base64 of 32 random bytes ' +
      '(create one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`)',
  );
}

/** Parses `id1:base64,id2:base64` (newest first). `source` names the setting in error messages. */
export function parseMasterKeys(text: string, source = 'KOPPLA_MASTER_KEYS'): MasterKeyring {
  const keys: MasterKey[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new MasterKeyConfigError(`${source} entry ${index + 1} is not of the form <id>:<base64 key>`);
    }
    const id = entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new MasterKeyConfigError(
        `${source} entry ${index + 1}: key id must be 1-64 characters of A-Z a-z 0-9 _ . -`,
      );
    }
    if (keys.some((key) => key.id === id)) {
      throw new MasterKeyConfigError(`${source}: key id "${id}" appears twice`);
    }
    keys.push({ id, key: decodeKey(entry.slice(colon + 1), `${source} key "${id}"`) });
  }
  const [newest, ...older] = keys;
  if (!newest) throw new MasterKeyConfigError(`${source} is empty: give at least one <id>:<base64 key>`);
  return [newest, ...older];
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64_PATTERN.test(trimmed)) throw new MasterKeyConfigError(`${source} is not valid base64`);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new MasterKeyConfigError(
      `${source} must decode to ${KEY_BYTES} bytes for AES-256, but decodes to ${key.length}`,
    );
  }
  return key;
}
