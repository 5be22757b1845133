import { MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** The insert lost against a unique key: the way every exclusive claim in Koppla is decided. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Runs an insert; resolves false instead of throwing when the key is taken. */
export async function insertIfAbsent(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
