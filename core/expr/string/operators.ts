import { anything, argumentError, integer, nonEmptyText, nullableText, oneOf, text } from '../args.ts';
import { defineOperator, optional, required, type Coerce } from '../operator-spec.ts';

// The transforming operators map null to null, so an absent optional field stays absent instead
// of failing the record; str.default supplies a value where one is required.

/** Generous for any field a connector fills, small enough that a typo cannot exhaust memory. */
const MAX_PAD_LENGTH = 10_000;

const singleCharacter: Coerce<string> = (value, site) => {
  if (typeof value === 'string' && [...value].length === 1) return value;
  throw argumentError(site, 'must be exactly one character', value);
};

export const strTrim = defineOperator({
  name: 'str.trim',
  description: 'The string without leading and trailing white space. null → null.',
  params: [required('s', nullableText)],
  run: (s) => (s === null ? null : s.trim()),
});

export const strUpper = defineOperator({
  name: 'str.upper',
  description: 'The string in upper case (locale-independent), e.g. country codes. null → null.',
  params: [required('s', nullableText)],
  run: (s) => (s === null ? null : s.toUpperCase()),
});

export const strLower = defineOperator({
  name: 'str.lower',
  description: 'The string in lower case (locale-independent), e.g. e-mail addresses. null → null.',
  params: [required('s', nullableText)],
  run: (s) => (s === null ? null : s.toLowerCase()),
});

export const strTruncate = defineOperator({
  name: 'str.truncate',
  description:
    'The string cut to at most maxLength characters (never inside a surrogate pair), for fields with a length ' +
    'limit such as Fortnox names. null → null.',
  params: [required('s', nullableText), required('maxLength', integer(0, Number.MAX_SAFE_INTEGER))],
  run: (s, maxLength) => {
    if (s === null || s.length <= maxLength) return s;
    return Array.from(s).slice(0, maxLength).join('');
  },
});

export const strPad = defineOperator({
  name: 'str.pad',
  description:
    "The string padded with char (default ' ') to at least length characters, at side 'start' (default) or " +
    '\'end\', e.g. {"str.pad": [42, 6, "0"]} → "000042". null → null.',
  params: [
    required('s', nullableText),
    required('length', integer(0, MAX_PAD_LENGTH)),
    optional('char', singleCharacter, ' '),
    optional('side', oneOf(['start', 'end']), 'start' as 'start' | 'end'),
  ],
  run: (s, length, char, side) => {
    if (s === null) return null;
    const missing = length - Array.from(s).length;
    if (missing <= 0) return s;
    const padding = char.repeat(missing);
    return side === 'start' ? padding + s : s + padding;
  },
});

export const strReplace = defineOperator({
  name: 'str.replace',
  description:
    'The string with every occurrence of search (literal text, not a pattern) replaced. null → null.',
  params: [required('s', nullableText), required('search', nonEmptyText()), required('replacement', text)],
  run: (s, search, replacement) => (s === null ? null : s.split(search).join(replacement)),
});

export const strDigits = defineOperator({
  name: 'str.digits',
  description:
    'Only the digits 0–9 of the string, e.g. "556123-4567" → "5561234567" (organisation numbers). null → null.',
  params: [required('s', nullableText)],
  run: (s) => (s === null ? null : s.replace(/[^0-9]/g, '')),
});

export const strDefault = defineOperator({
  name: 'str.default',
  description: 'value, or fallback when value is null, missing or the empty string.',
  params: [required('value', anything), required('fallback', anything)],
  run: (value, fallback) => (value === null || value === undefined || value === '' ? fallback : value),
});

export const STRING_OPERATORS = [
  strTrim,
  strUpper,
  strLower,
  strTruncate,
  strPad,
  strReplace,
  strDigits,
  strDefault,
] as const;
