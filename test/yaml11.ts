import { parseAllDocuments } from 'yaml';

/**
 * Reads a multi-document YAML text as a YAML 1.1 reader does (the `yaml` package with
 * `version: '1.1'`: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0b1`, `0o7`, `017`, `1_000`,
 * `1:20` and `.inf` are numbers, `<<` merges, and so on), one value per document.
 *
 * It is strict, so that tests can rely on "reads back equal" meaning "every string came back
 * as the same string": any parse error or warning throws, and so does a map key that is not
 * read as a string (a plain `0_9:` key would otherwise turn into the object key "9", or a
 * plain `1:` key into "1", and hide the change).
 */
export function loadAllYaml11(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1', uniqueKeys: true }).map((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`YAML 1.1 reader: ${problems.map((p) => p.message).join('; ')}`);
    return toPlain(doc.toJS({ mapAsMap: true }));
  });
}

function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      if (typeof key !== 'string') throw new Error(`YAML 1.1 reader: map key ${String(key)} is read as a ${typeof key}, not a string`);
      // defineProperty, so that a `__proto__` key is an own key like any other
      Object.defineProperty(out, key, { value: toPlain(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}
