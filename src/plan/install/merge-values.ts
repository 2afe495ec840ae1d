/** A values object: Helm values, or a part of them. */
export type ValuesObject = { readonly [key: string]: unknown };

/** True for an object of values (not a list, not null). */
export function isValuesObject(value: unknown): value is ValuesObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value of an own key only: a key such as `__proto__` or `constructor` is data here. */
export function ownValue(values: ValuesObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
}

/** Sets a key as data, even `__proto__`, which plain assignment would take as the prototype. */
function setKey(values: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Merges `override` over `base` as Helm merges values given with `-f` over a chart's: objects
 * merge key by key, a list or any other value replaces what was there, and `null` deletes the
 * key. A `null` with nothing to delete is dropped, so the result holds no `null`: every format
 * (IstioOperator, Helm values, Argo CD, Flux, the Sail Operator's typed `spec.values`) then
 * reads the same values. Neither argument is changed; the result shares nothing with `override`.
 */
export function mergeValues(base: ValuesObject, override: ValuesObject): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) {
      delete merged[key];
    } else if (isValuesObject(value)) {
      const below = ownValue(merged, key);
      setKey(merged, key, mergeValues(isValuesObject(below) ? below : {}, value));
    } else {
      setKey(merged, key, structuredClone(value));
    }
  }
  return merged;
}
