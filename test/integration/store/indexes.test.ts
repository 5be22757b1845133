import { describe, expect, it } from 'vitest';
import { COLLECTIONS, INDEXES, ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);

describe('ensureIndexes', () => {
  it('creates every index of every collection, and running it again changes nothing', async () => {
    await ensureIndexes(mongo.db());
    const first = await describeIndexes();
    await ensureIndexes(mongo.db());
    expect(await describeIndexes()).toEqual(first);

    for (const [collection, indexes] of Object.entries(INDEXES)) {
      for (const index of indexes) {
        expect(first[collection]).toContainEqual({ name: index.name, unique: index.unique === true });
      }
    }
    expect(Object.keys(first).sort()).toEqual(Object.values(COLLECTIONS).sort());
  });

  it('makes the claim keys unique', async () => {
    await ensureIndexes(mongo.db());
    const cursors = mongo.db().collection(COLLECTIONS.cursors);
    await cursors.insertOne({ tenant: 't', pipeline: 'p' });
    await expect(cursors.insertOne({ tenant: 't', pipeline: 'p' })).rejects.toMatchObject({ code: 11000 });
    const effects = mongo.db().collection(COLLECTIONS.effects);
    await effects.insertOne({ _id: 'a' as never, key: 'k', attempt: 2 });
    await expect(effects.insertOne({ _id: 'b' as never, key: 'k', attempt: 2 })).rejects.toMatchObject({
      code: 11000,
    });
  });
});

async function describeIndexes(): Promise<Record<string, { name: string; unique: boolean }[]>> {
  const result: Record<string, { name: string; unique: boolean }[]> = {};
  for (const collection of Object.values(COLLECTIONS)) {
    const indexes = await mongo.db().collection(collection).indexes();
    result[collection] = indexes
      .filter((index) => index.name !== '_id_')
      .map((index) => ({ name: String(index.name), unique: index.unique === true }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  return result;
}
