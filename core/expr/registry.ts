import jsonLogic from 'json-logic-js';
import {
  ALLOWED_BUILTINS,
  DISALLOWED_BUILTINS,
  type BuiltinOperator,
  type DisallowedBuiltin,
} from './builtins.ts';
import { DATE_OPERATORS } from './date/operators.ts';
import { euMember } from './eu/membership.ts';
import { lookup } from './lookup.ts';
import { moneyAllocate } from './money/allocate.ts';
import { MONEY_ARITHMETIC_OPERATORS } from './money/arithmetic.ts';
import { MONEY_COMPARE_OPERATORS } from './money/compare.ts';
import { MONEY_VAT_OPERATORS } from './money/vat.ts';
import type { OperatorSpec } from './operator-spec.ts';
import { STRING_OPERATORS } from './string/operators.ts';
import { readVar } from './var-operator.ts';
import { vatValidNumber } from './vat/valid-number.ts';

/**
 * The one place that touches json-logic-js's process-global operator table (a unit test greps
 * the repository to keep it that way). Importing this module registers Koppla's operators once,
 * replaces `var` with a stricter, faster reader (var-operator.ts), and removes the built-ins
 * Koppla refuses, so even a raw `jsonLogic.apply` cannot use them.
 */

export const CUSTOM_OPERATORS: readonly OperatorSpec[] = Object.freeze([
  ...MONEY_ARITHMETIC_OPERATORS,
  ...MONEY_COMPARE_OPERATORS,
  moneyAllocate,
  ...MONEY_VAT_OPERATORS,
  ...DATE_OPERATORS,
  ...STRING_OPERATORS,
  lookup,
  vatValidNumber,
  euMember,
]);

const customByName: ReadonlyMap<string, OperatorSpec> = new Map(CUSTOM_OPERATORS.map((op) => [op.name, op]));
const builtinByName: ReadonlyMap<string, BuiltinOperator> = new Map(
  ALLOWED_BUILTINS.map((op) => [op.name, op]),
);

if (
  customByName.size !== CUSTOM_OPERATORS.length ||
  CUSTOM_OPERATORS.some((op) => builtinByName.has(op.name))
) {
  throw new Error('core/expr: two operators share a name');
}

for (const op of CUSTOM_OPERATORS) jsonLogic.add_operation(op.name, op.fn);
jsonLogic.add_operation('var', readVar);
for (const name of DISALLOWED_BUILTINS.keys()) jsonLogic.rm_operation(name);

function frozenSet<T>(values: Iterable<T>): ReadonlySet<T> {
  const set = new Set(values);
  const refuse = (): never => {
    throw new TypeError('OPERATORS is frozen');
  };
  // A frozen Set object still mutates through its methods; shadow them.
  Object.defineProperties(set, {
    add: { value: refuse },
    delete: { value: refuse },
    clear: { value: refuse },
  });
  return Object.freeze(set);
}

/** Every operator name a Koppla expression may use: the allowed built-ins and the custom ones. */
export const OPERATORS: ReadonlySet<string> = frozenSet([...builtinByName.keys(), ...customByName.keys()]);

export function customOperator(name: string): OperatorSpec | undefined {
  return customByName.get(name);
}

export function builtinOperator(name: string): BuiltinOperator | undefined {
  return builtinByName.get(name);
}

/** Why Koppla refuses a json-logic-js built-in; undefined for anything else. */
export function disallowedBuiltin(name: string): DisallowedBuiltin | undefined {
  return DISALLOWED_BUILTINS.get(name);
}

/** What a user (or `koppla explain`, or an editor hover) needs to know about one operator. */
export interface OperatorInfo {
  readonly name: string;
  readonly kind: 'builtin' | 'custom';
  readonly signature: string;
  readonly description: string;
  readonly minArgs: number;
  /** `Infinity` for variadic operators. */
  readonly maxArgs: number;
}

export function describeOperator(name: string): OperatorInfo | undefined {
  const op = customByName.get(name) ?? builtinByName.get(name);
  if (op === undefined) return undefined;
  const { signature, description, minArgs, maxArgs } = op;
  return {
    name,
    kind: customByName.has(name) ? 'custom' : 'builtin',
    signature,
    description,
    minArgs,
    maxArgs,
  };
}
