import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/index.ts';
import type { YamlSource } from '../config/index.ts';
import { joinPointer } from '../config/index.ts';
import { didYouMean } from './did-you-mean.ts';

/**
 * Turns ajv errors into diagnostics at file:line:col. ajv reports every failed branch of a oneOf and
 * each parent keyword; people want the deepest, most specific finding per location.
 */
export function schemaDiagnostics(errors: readonly ErrorObject[], source: YamlSource): Diagnostic[] {
  const deepest = keepMostSpecific(errors);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of deepest) {
    const { pointer, onKey, message } = describe(error);
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = onKey ? source.keyPositionOf(pointer) : source.positionOf(pointer);
    diagnostics.push({ ...position, severity: 'error', rule: 'schema', message, pointer });
  }
  return diagnostics;
}

function keepMostSpecific(all: readonly ErrorObject[]): ErrorObject[] {
  // a oneOf of single-property `required` branches says it best itself ("needs exactly one of a, b");
  // the `required` errors of its branches would only repeat it, one property at a time
  const exclusive = all.filter((e) => e.keyword === 'oneOf' && exclusiveProperties(e).length > 0);
  const errors = all.filter(
    (e) => !(e.keyword === 'required' && exclusive.some((o) => e.schemaPath.startsWith(`${o.schemaPath}/`))),
  );
  // otherwise "must match exactly one schema in oneOf" and "if/then" say nothing useful next to a deeper error
  const wrappers = new Set(['anyOf', 'if', 'allOf']);
  const specific = errors.filter(
    (e) =>
      !wrappers.has(e.keyword) && (e.keyword !== 'oneOf' || exclusive.includes(e) || errors.length === 1),
  );
  return specific.length > 0 ? specific : [...errors];
}

function describe(error: ErrorObject): { pointer: string; onKey: boolean; message: string } {
  const at = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const allowed = allowedProperties(error);
      return {
        pointer: joinPointer(error.instancePath, property),
        onKey: true,
        message: `unknown property "${property}"${didYouMean(property, allowed)}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`,
      };
    }
    case 'required':
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `missing required property "${String(params.missingProperty)}"`,
      };
    case 'enum':
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `must be ${JSON.stringify(params.allowedValue)}`,
      };
    case 'type':
      return { pointer: error.instancePath, onKey: false, message: `must be ${String(params.type)}` };
    case 'pattern':
      return {
        pointer: error.instancePath,
        onKey: false,
        message: `${describeValue(error.data)} does not match the expected format${error.parentSchema?.description ? ` (${error.parentSchema.description as string})` : ''}`,
      };
    case 'oneOf': {
      const exclusive = exclusiveProperties(error);
      return {
        pointer: error.instancePath,
        onKey: false,
        message:
          exclusive.length > 0
            ? `needs exactly one of ${exclusive.join(', ')}`
            : 'must match exactly one of its alternatives',
      };
    }
    case 'propertyNames':
      return { pointer: at, onKey: false, message: `invalid name "${String(params.propertyName)}"` };
    default:
      return {
        pointer: error.instancePath,
        onKey: false,
        message: error.message ?? `fails ${error.keyword}`,
      };
  }
}

/** For a oneOf whose branches each require one property: those properties; otherwise none. */
function exclusiveProperties(error: ErrorObject): string[] {
  const branches = (error.parentSchema?.oneOf ?? []) as { required?: string[] }[];
  const properties = branches.flatMap((b) => (b.required?.length === 1 ? b.required : []));
  return properties.length === branches.length ? properties : [];
}

function allowedProperties(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties).filter((p) => p !== '$schema') : [];
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text && text.length <= 60 ? text : 'the value';
}
