/**
 * Reads a mesh description handed over by any caller (TypeScript, plain JavaScript,
 * parsed JSON or YAML) into a plain-data copy: only strings, finite and non-finite
 * numbers, booleans, null, arrays and plain objects survive. Everything else (symbols,
 * BigInts, functions, class instances, cycles, getters that throw) becomes a problem
 * at its field instead of an exception later, and nothing the caller mutates after
 * validation can change what is rendered.
 */

/** A value that JSON could hold. */
export type PlainData = string | number | boolean | null | PlainData[] | { [key: string]: PlainData };

/** One value that cannot be part of a description, by its path from the root. */
export interface UnreadableValue {
  /** Path segments from the root: property names and array indices. */
  readonly path: (string | number)[];
  readonly message: string;
}

/** Deeper than any field of a mesh description: stops runaway or hostile nesting early. */
const MAX_DEPTH = 16;

/** Describes a value for an error message, without printing its content at length. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return value.length > 40 ? `the string "${value.slice(0, 40)}…"` : `the string "${value}"`;
    case 'number': return `the number ${value}`;
    case 'boolean': return `${value}`;
    case 'bigint': return 'a BigInt';
    case 'symbol': return 'a Symbol';
    case 'function': return 'a function';
    default: {
      const proto = Object.getPrototypeOf(value);
      if (proto === null || proto === Object.prototype) return 'an object';
      const name = typeof proto?.constructor?.name === 'string' ? proto.constructor.name : 'unknown';
      return `an instance of ${name}`;
    }
  }
}

/**
 * Copies `input` as plain data. Values that cannot be part of a description are left
 * out of the copy (as if the field were absent) and reported.
 */
export function readPlainData(input: unknown): { value: PlainData | undefined; unreadable: UnreadableValue[] } {
  const unreadable: UnreadableValue[] = [];
  const ancestors = new Set<object>();

  const read = (value: unknown, path: (string | number)[]): PlainData | undefined => {
    const reject = (message: string) => {
      unreadable.push({ path, message });
      return undefined;
    };
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (value === undefined || value === UNREADABLE) return undefined;
    if (typeof value !== 'object') return reject(`is ${describeValue(value)}, which a mesh description cannot hold; use plain data (strings, numbers, booleans, lists and objects)`);
    if (ancestors.has(value)) return reject('refers back to an object that contains it (a cycle); describe the mesh as plain data');
    if (path.length >= MAX_DEPTH) return reject(`is nested more than ${MAX_DEPTH} levels deep, deeper than any field of a mesh description`);
    const isArray = Array.isArray(value);
    const proto = Object.getPrototypeOf(value);
    if (!isArray && proto !== null && proto !== Object.prototype) {
      return reject(`is ${describeValue(value)}; use a plain object or list`);
    }
    ancestors.add(value);
    try {
      if (isArray) {
        const out: PlainData[] = [];
        const length = readProperty(value, 'length', path, unreadable);
        if (typeof length !== 'number') return undefined;
        for (let i = 0; i < length; i++) {
          // A hole or an unreadable item keeps its index, so later fields are named by their real position.
          out.push(read(readProperty(value, i, path, unreadable), [...path, i]) ?? (null as PlainData));
        }
        return out;
      }
      const out: { [key: string]: PlainData } = {};
      let keys: string[];
      try {
        keys = Object.keys(value);
      } catch (e) {
        return reject(`could not be read (${e instanceof Error ? e.message : 'it threw'}); use plain data`);
      }
      for (const key of keys) {
        const item = read(readProperty(value, key, path, unreadable), [...path, key]);
        // defineProperty: a key such as "__proto__" stays an ordinary key of the copy.
        if (item !== undefined) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      }
      return out;
    } finally {
      ancestors.delete(value);
    }
  };

  return { value: read(input, []), unreadable };
}

const UNREADABLE = Symbol('unreadable');

/** Reads one property, turning a getter or proxy that throws into a reported problem. */
function readProperty(object: object, key: string | number, path: (string | number)[], unreadable: UnreadableValue[]): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch (e) {
    unreadable.push({ path: [...path, key], message: `could not be read (${e instanceof Error ? e.message : 'it threw'}); use plain data` });
    return UNREADABLE;
  }
}
