import { anything, argumentError, plainObject } from './args.ts';
import { defineOperator, optional, required, type Coerce } from './operator-spec.ts';

const tableKey: Coerce<string | null> = (value, site) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw argumentError(site, 'must be a string or an integer', value);
};

export const lookup = defineOperator({
  name: 'lookup',
  description:
    'table[key] for an object table (typically from params, e.g. an account per country), or fallback (default ' +
    'null) when the key is absent or null. Only the table\'s own keys count, never inherited ones like "constructor".',
  params: [required('table', plainObject), required('key', tableKey), optional('fallback', anything, null)],
  // Object.hasOwn: a key such as "toString" must not find Object.prototype's function.
  run: (table, key, fallback) => (key !== null && Object.hasOwn(table, key) ? table[key] : fallback),
});
