import { argumentError } from '../args.ts';
import { isoDate } from '../date/coerce.ts';
import type { IsoDateValue } from '../date/iso.ts';
import { daysFromCivil } from '../date/iso.ts';
import { defineOperator, optional, required, type Coerce } from '../operator-spec.ts';

interface Membership {
  /** First day of membership. */
  readonly from: string;
  /** Last day of membership, for a state that left. */
  readonly until?: string;
}

/**
 * EU member states by ISO 3166 code, with accession (and withdrawal) dates, so a rule can ask
 * about the date an old order or credit note was supplied. This is political membership; the EU
 * VAT territory differs (Monaco in, Åland and the Canary Islands out, EU VAT rules for GB until
 * 2020-12-31): those cases belong in the rule pack.
 */
const MEMBERS: Readonly<Record<string, Membership>> = Object.freeze({
  BE: { from: '1958-01-01' },
  DE: { from: '1958-01-01' },
  FR: { from: '1958-01-01' },
  IT: { from: '1958-01-01' },
  LU: { from: '1958-01-01' },
  NL: { from: '1958-01-01' },
  DK: { from: '1973-01-01' },
  IE: { from: '1973-01-01' },
  GB: { from: '1973-01-01', until: '2020-01-31' },
  GR: { from: '1981-01-01' },
  ES: { from: '1986-01-01' },
  PT: { from: '1986-01-01' },
  AT: { from: '1995-01-01' },
  FI: { from: '1995-01-01' },
  SE: { from: '1995-01-01' },
  CY: { from: '2004-05-01' },
  CZ: { from: '2004-05-01' },
  EE: { from: '2004-05-01' },
  HU: { from: '2004-05-01' },
  LT: { from: '2004-05-01' },
  LV: { from: '2004-05-01' },
  MT: { from: '2004-05-01' },
  PL: { from: '2004-05-01' },
  SI: { from: '2004-05-01' },
  SK: { from: '2004-05-01' },
  BG: { from: '2007-01-01' },
  RO: { from: '2007-01-01' },
  HR: { from: '2013-07-01' },
});

/** Greece's code in EU texts and VAT numbers; accepted so a VAT prefix works as well. */
const ALIASES: Readonly<Record<string, string>> = Object.freeze({ EL: 'GR' });

function toDays(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return daysFromCivil(y!, m!, d!);
}

const PERIODS: ReadonlyMap<string, { from: number; until: number }> = new Map(
  Object.entries(MEMBERS).map(([code, m]) => [
    code,
    { from: toDays(m.from), until: m.until === undefined ? Infinity : toDays(m.until) },
  ]),
);

/** The current member states: the table as recorded, no clock involved. */
export const EU_MEMBER_STATES: readonly string[] = Object.freeze(
  Object.entries(MEMBERS)
    .filter(([, m]) => m.until === undefined)
    .map(([code]) => code)
    .sort(),
);

const countryCode: Coerce<string> = (value, site) => {
  if (typeof value === 'string' && /^[A-Za-z]{2}$/.test(value)) return value.toUpperCase();
  throw argumentError(site, 'must be a two-letter ISO 3166 country code such as "SE"', value);
};

export function isEuMember(country: string, on?: IsoDateValue): boolean {
  const period = PERIODS.get(ALIASES[country] ?? country);
  if (period === undefined) return false;
  if (on === undefined) return period.until === Infinity;
  return period.from <= on.days && on.days <= period.until;
}

export const euMember = defineOperator({
  name: 'eu.member',
  description:
    'True when the ISO 3166 country code is an EU member state (GR, or EL, is Greece; GB is not; XI is not a ' +
    'country). With isoDate (YYYY-MM-DD): membership on that day (GB until 2020-01-31, HR from 2013-07-01). ' +
    'Political membership: VAT-territory exceptions (Åland, Canary Islands, Monaco) are for the rule pack.',
  params: [
    required('countryCode', countryCode),
    optional<IsoDateValue | undefined>('isoDate', isoDate, undefined),
  ],
  run: (country, on) => isEuMember(country, on),
});
