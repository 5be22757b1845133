/**
 * The shape of an EU VAT identification number after its two-letter prefix, per prefix, as the
 * European Commission's VIES documentation lists them. Syntax only: whether the number is
 * registered is VIES's question (reverse charge needs both, see docs/bookkeeping.md §1.1).
 *
 * The prefix is the country's ISO 3166 code except for Greece (EL) and Northern Ireland (XI,
 * which stays inside the EU VAT rules for goods).
 */
export const VAT_NUMBER_FORMATS: Readonly<Record<string, RegExp>> = Object.freeze({
  AT: /^U\d{8}$/, // U + 8 digits
  BE: /^[01]\d{9}$/, // 10 digits, first 0 or 1
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/, // 8 digits + a check letter
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/, // Greece
  ES: /^(?!\d{9}$)[A-Z0-9]\d{7}[A-Z0-9]$/, // first and last may be letters, but not both digits
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/, // 2-character key (no I or O) + SIREN
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/, // organisation or personal number + 01
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/, // Northern Ireland: standard, branch, government, health
});

/** The VAT prefix that belongs to a country code, where the two differ. */
export const VAT_PREFIX_FOR_COUNTRY: Readonly<Record<string, string>> = Object.freeze({
  GR: 'EL',
  // A Northern Ireland business has country GB and an XI number.
  GB: 'XI',
});
