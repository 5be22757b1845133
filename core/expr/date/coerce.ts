import { argumentError } from '../args.ts';
import type { Coerce } from '../operator-spec.ts';
import { parseIso, type IsoDateValue, type IsoValue } from './iso.ts';

/** A parsed date or timestamp, with the text it came from for messages. */
export interface IsoArg {
  readonly iso: IsoValue;
  readonly text: string;
}

export const isoArg: Coerce<IsoArg> = (value, site) => {
  if (typeof value !== 'string')
    throw argumentError(site, 'must be an ISO 8601 date or timestamp string', value);
  const parsed = parseIso(value);
  if ('problem' in parsed) throw argumentError(site, parsed.problem, value);
  return { iso: parsed, text: value };
};

/** A bound of `date.between`: null (or absent) leaves that side open. */
export const openBound: Coerce<IsoArg | null> = (value, site) =>
  value === null || value === undefined ? null : isoArg(value, site);

export const isoDate: Coerce<IsoDateValue> = (value, site) => {
  const parsed = isoArg(value, site).iso;
  if (parsed.kind !== 'date') {
    throw argumentError(
      site,
      "must be a calendar date (YYYY-MM-DD); use date.local to get a timestamp's local date",
      value,
    );
  }
  return parsed;
};
