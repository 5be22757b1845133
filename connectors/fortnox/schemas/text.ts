import { ValidationError } from '../../../core/plugin-api/index.ts';
import { SPEC_SCHEMAS, type SpecSchema } from '../spec/spec-schema.ts';

/**
 * Fortnox's rules for text, shared by the client (which cleans or refuses before sending) and the
 * sandbox (which refuses like Fortnox). Characters: Fortnox's "formats and encoding" guide, restated
 * in fortnox-api.md §6.5 — letters a–z with å ä ö é á œ æ ø ü and their capitals, digits, space, a
 * fixed set of punctuation, NBSP, CR and LF. Anything else (emoji, straight or curly double quotes,
 * the straight apostrophe, `<`, `>`) is refused with 2000359.
 */
const ALLOWED_CHARACTERS = 'A-Za-z0-9 åäöéáœæøüÅÄÖÉÁŒÆØÜ–:.´’,;^¤#%§£$€¢¥©™°&/()=+\\-*_!?²³®½@`\\u00a0\\r\\n';
export const ALLOWED_TEXT = new RegExp(`^[${ALLOWED_CHARACTERS}]*$`, 'u');
const DISALLOWED_CHARACTER = new RegExp(`[^${ALLOWED_CHARACTERS}]`, 'gu');

/**
 * Limits the OpenAPI document leaves out but other sources give (fortnox-api.md §6.5: the Ruby gem's
 * models and its recorded 255-character row description): dotted paths without array indexes.
 */
export const EXTRA_MAX_LENGTHS: Readonly<Record<string, number>> = {
  'Order.OrderRows.Description': 255,
  'Invoice.InvoiceRows.Description': 255,
  'Order.ExternalInvoiceReference1': 80,
  'Order.ExternalInvoiceReference2': 80,
  'Order.Comments': 1024,
};

/** What to do with a text Fortnox would refuse: `clean` it (replace characters, truncate) or `fail`. */
export type TextMode = 'clean' | 'fail';

export interface TextPolicy {
  /** For every text field not named in `fields`; default `clean`. */
  readonly default?: TextMode;
  /**
   * Per field: a dotted path without indexes (`Invoice.InvoiceRows.Description`) or a bare field
   * name (`Remarks`, any wrapper). Identifiers default to `fail` (see IDENTIFIER_FIELDS).
   */
  readonly fields?: Readonly<Record<string, TextMode>>;
}

/**
 * Fields whose value identifies something (a lookup searches by it, or Fortnox matches it to a
 * register): changing them silently would break idempotency or point at the wrong object, so they
 * fail by default.
 */
export const IDENTIFIER_FIELDS: readonly string[] = [
  'CustomerNumber',
  'ArticleNumber',
  'DocumentNumber',
  'YourOrderNumber',
  'ExternalInvoiceReference1',
  'ExternalInvoiceReference2',
  'ExternalReference',
  'OCR',
  'Email',
  'OrganisationNumber',
  'VATNumber',
  'CreditInvoiceReference',
];

/** JSON Schema of the policy, for the connector's settings. */
export const textPolicySchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Texts Fortnox would refuse (characters outside its set, longer than its limit): clean them (replace, truncate) or fail with a validation error naming the field. Identifiers fail unless set here.',
  properties: {
    default: {
      enum: ['clean', 'fail'],
      default: 'clean',
      description: 'For every text field not named in fields.',
    },
    fields: {
      type: 'object',
      additionalProperties: { enum: ['clean', 'fail'] },
      description:
        'Per field: a dotted path without indexes (Invoice.InvoiceRows.Description) or a bare field name (Remarks) → clean or fail.',
    },
  },
} as const;

/** Look-alikes Fortnox accepts, for characters people type that it does not. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  "'": '’',
  '‘': '’',
  '"': '’',
  '“': '’',
  '”': '’',
  '„': '’',
  '«': '’',
  '»': '’',
  '—': '–',
  '‐': '-',
  '‑': '-',
  '−': '-',
  '<': '(',
  '>': ')',
  '[': '(',
  ']': ')',
  '{': '(',
  '}': ')',
  '|': '/',
  '\\': '/',
  '~': '-',
  '\t': ' ',
  '…': '...',
  ß: 'ss',
  Þ: 'Th',
  þ: 'th',
  Đ: 'D',
  đ: 'd',
  Ł: 'L',
  ł: 'l',
};

/**
 * The text with every character Fortnox refuses replaced by a look-alike it accepts, letters with
 * other accents reduced to their base letter (è → e, ñ → n), and anything else (emoji, control
 * characters) dropped. Idempotent: cleaning clean text changes nothing.
 */
export function cleanText(value: string): string {
  if (ALLOWED_TEXT.test(value)) return value;
  let out = '';
  for (const char of value) {
    if (ALLOWED_TEXT.test(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += base.replace(DISALLOWED_CHARACTER, '');
  }
  return out.replace(/ {2,}/g, ' ');
}

/** The first `max` characters (code points, never half a surrogate pair). */
export function truncateText(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

export interface TextChange {
  /** Where, with indexes: `Invoice.InvoiceRows[2].Description`. */
  readonly path: string;
  readonly kind: 'characters' | 'length';
  readonly max?: number;
}

export interface TextCheckResult<T> {
  readonly body: T;
  readonly changes: readonly TextChange[];
}

function resolve(schema: SpecSchema | undefined): SpecSchema | undefined {
  if (!schema?.$ref) return schema;
  return SPEC_SCHEMAS[schema.$ref.replace('#/components/schemas/', '')];
}

/** The max length of a text field: the OpenAPI document's, else a known one from other sources. */
export function maxLengthOf(schema: SpecSchema, pathWithoutIndexes: string): number | undefined {
  return schema.maxLength ?? EXTRA_MAX_LENGTHS[pathWithoutIndexes];
}

function modeFor(policy: TextPolicy, pathWithoutIndexes: string): TextMode {
  const fields = policy.fields ?? {};
  const field = pathWithoutIndexes.slice(pathWithoutIndexes.lastIndexOf('.') + 1);
  const explicit = fields[pathWithoutIndexes] ?? fields[field];
  if (explicit) return explicit;
  if (IDENTIFIER_FIELDS.includes(field)) return 'fail';
  return policy.default ?? 'clean';
}

/**
 * Checks every text of a wrapped body (`{ Invoice: {…} }`) against Fortnox's character set and the
 * max lengths of the OpenAPI schema `schemaName`. Per field the policy decides: `clean` returns the
 * body with the text cleaned and truncated (and lists the changes), `fail` throws a ValidationError
 * naming the field, its path and the limit. Enum values, `API_BLANK` and non-text fields are left
 * alone (Fortnox checks those itself).
 */
export function applyTextPolicy<T>(body: T, schemaName: string, policy: TextPolicy = {}): TextCheckResult<T> {
  const changes: TextChange[] = [];
  const walk = (value: unknown, schema: SpecSchema | undefined, path: string, bare: string): unknown => {
    const resolved = resolve(schema);
    if (resolved === undefined || value === null || value === undefined) return value;
    if (Array.isArray(value))
      return value.map((item, i) => walk(item, resolved.items, `${path}[${i}]`, bare));
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(value)) {
        const childPath = path === '' ? key : `${path}.${key}`;
        const childBare = bare === '' ? key : `${bare}.${key}`;
        out[key] = walk(member, resolved.properties?.[key], childPath, childBare);
      }
      return out;
    }
    if (typeof value !== 'string' || resolved.type !== 'string' || resolved.enum || value === 'API_BLANK')
      return value;
    const max = maxLengthOf(resolved, bare);
    const badCharacters = !ALLOWED_TEXT.test(value);
    const tooLong = max !== undefined && [...value].length > max;
    if (!badCharacters && !tooLong) return value;
    if (modeFor(policy, bare) === 'fail') {
      const problem = badCharacters
        ? 'contains characters Fortnox does not accept'
        : `is longer than Fortnox's limit of ${max} characters`;
      throw new ValidationError(`Fortnox field ${path} ${problem}`, {
        field: path,
        details: { path, ...(max === undefined ? {} : { maxLength: max }), length: [...value].length },
      });
    }
    let cleaned = value;
    if (badCharacters) {
      cleaned = cleanText(cleaned);
      changes.push({ path, kind: 'characters' });
    }
    if (max !== undefined && [...cleaned].length > max) {
      cleaned = truncateText(cleaned, max);
      changes.push({ path, kind: 'length', max });
    }
    return cleaned;
  };
  const schema = SPEC_SCHEMAS[schemaName];
  if (!schema) throw new Error(`no schema ${schemaName} in openapi-subset.json`);
  return { body: walk(body, schema, '', '') as T, changes };
}
