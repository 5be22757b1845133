import type { ExpressionProblem } from './errors.ts';
import { childPointer } from './pointer.ts';
import { CUSTOM_OPERATORS, OPERATORS, disallowedBuiltin } from './registry.ts';
import { unknownOperator } from './validate.ts';

/** What one node of a template is. Rendering, validation and var collection all start here. */
export type TemplateNode =
  | { readonly kind: 'scalar'; readonly value: unknown }
  | { readonly kind: 'array'; readonly items: readonly unknown[] }
  | { readonly kind: 'expression'; readonly expression: object }
  | {
      readonly kind: 'each';
      readonly source: unknown;
      readonly as: string;
      readonly emit: unknown;
      /** Absent when there is no `if` key. */
      readonly condition?: unknown;
    }
  | { readonly kind: 'ref'; readonly name: string }
  /** `{ $omit: <condition>, value: <template> }`: the key (or array element) is left out when the condition holds. */
  | { readonly kind: 'omit'; readonly condition: unknown; readonly value: unknown }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'object'; readonly keys: readonly string[] }
  | { readonly kind: 'invalid'; readonly problems: readonly ExpressionProblem[] };

const EACH_KEYS: ReadonlySet<string> = new Set(['$each', 'as', 'emit', 'if']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `money`, `date`, `str`, …: a single key in one of these namespaces is a mistyped operator. */
const OPERATOR_NAMESPACES: ReadonlySet<string> = new Set(
  CUSTOM_OPERATORS.filter((op) => op.name.includes('.')).map((op) => op.name.slice(0, op.name.indexOf('.'))),
);

/**
 * Decides what a template node is. A plain object whose single key is an allowed operator is an
 * expression; `$each`, `$ref` and `$literal` are directives; any other object has literal keys.
 * Mistakes that would otherwise render silently as data — `{"money.ad": …}`, `{"+": …}`, an
 * unknown `$`-key — are problems, so a typo cannot reach Fortnox as a literal object.
 */
export function classifyTemplateNode(node: unknown, pointer: string): TemplateNode {
  if (Array.isArray(node)) return { kind: 'array', items: node };
  if (node === null || typeof node !== 'object') return { kind: 'scalar', value: node };
  const record = node as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record);

  if (keys.length === 1) {
    const key = keys[0]!;
    if (OPERATORS.has(key)) return { kind: 'expression', expression: node };
    if (disallowedBuiltin(key) !== undefined || looksLikeOperator(key)) {
      const problem = unknownOperator(key, childPointer(pointer, key));
      return {
        kind: 'invalid',
        problems: [
          { ...problem, message: `${problem.message} (wrap the object in $literal if it is meant as data)` },
        ],
      };
    }
  }
  if (Object.hasOwn(record, '$each')) return classifyEach(record, keys, pointer);
  if (Object.hasOwn(record, '$ref')) {
    const name = record.$ref;
    const problems: ExpressionProblem[] = [];
    if (keys.length !== 1) problems.push(invalid(pointer, '$ref must be the only key of its object'));
    if (typeof name !== 'string' || name === '') {
      problems.push(invalid(childPointer(pointer, '$ref'), '$ref must name a template (a non-empty string)'));
    }
    return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'ref', name: name as string };
  }
  if (Object.hasOwn(record, '$omit')) return classifyOmit(record, keys, pointer);
  if (Object.hasOwn(record, '$literal')) {
    if (keys.length !== 1)
      return { kind: 'invalid', problems: [invalid(pointer, '$literal must be the only key of its object')] };
    return { kind: 'literal', value: record.$literal };
  }
  const directive = keys.find((key) => key.startsWith('$'));
  if (directive !== undefined) {
    return {
      kind: 'invalid',
      problems: [
        invalid(
          childPointer(pointer, directive),
          `unknown template directive "${directive}" (known: $each, $ref, $omit, $literal; wrap the object in $literal if it is meant as data)`,
        ),
      ],
    };
  }
  return { kind: 'object', keys };
}

function classifyEach(
  record: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  pointer: string,
): TemplateNode {
  const problems: ExpressionProblem[] = [];
  for (const key of keys) {
    if (!EACH_KEYS.has(key)) {
      problems.push(
        invalid(
          childPointer(pointer, key),
          `unexpected key "${key}" next to $each (allowed: $each, as, emit, if)`,
        ),
      );
    }
  }
  const as = record.as;
  if (typeof as !== 'string' || !IDENTIFIER.test(as)) {
    problems.push(
      invalid(
        childPointer(pointer, 'as'),
        '$each needs `as`: a name such as row (letters, digits, _), bound to each element',
      ),
    );
  }
  if (!Object.hasOwn(record, 'emit')) {
    problems.push(invalid(pointer, '$each needs `emit`: the template rendered for each element'));
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  return {
    kind: 'each',
    source: record.$each,
    as: as as string,
    emit: record.emit,
    ...(Object.hasOwn(record, 'if') ? { condition: record.if } : {}),
  };
}

function classifyOmit(
  record: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  pointer: string,
): TemplateNode {
  const problems = keys
    .filter((key) => key !== '$omit' && key !== 'value')
    .map((key) =>
      invalid(childPointer(pointer, key), `unexpected key "${key}" next to $omit (allowed: $omit, value)`),
    );
  if (!Object.hasOwn(record, 'value')) {
    problems.push(
      invalid(pointer, '$omit needs `value`: the template rendered when the condition does not hold'),
    );
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'omit', condition: record.$omit, value: record.value };
}

function looksLikeOperator(key: string): boolean {
  const dot = key.indexOf('.');
  return dot > 0 && OPERATOR_NAMESPACES.has(key.slice(0, dot));
}

function invalid(pointer: string, message: string): ExpressionProblem {
  return { code: 'invalid-template', pointer, message };
}
