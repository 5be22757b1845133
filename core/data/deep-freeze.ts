/**
 * Freezes a plain-data tree in place, so a compiled plan, pack or resolved params cannot be changed by a
 * rule, a step or a caller. Functions are left alone (ajv validators write `.errors` on every call).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
