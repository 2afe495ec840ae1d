/**
 * The Sail Operator's `Istio` schema, validated with ajv against the CRD's OpenAPI schema, which
 * scripts/import-sail-schema.ts takes into test/fixtures at import time (never from ../shared here).
 */
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';

type Schema = Record<string, unknown>;

/**
 * The fixture as the API server applies it: an object schema with `properties` prunes every
 * other field unless it preserves unknown fields, so a value the CRD does not know would be
 * silently dropped; here it is an error instead. `x-kubernetes-int-or-string` takes both types.
 */
function asApiServerSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asApiServerSchema);
  if (node === null || typeof node !== 'object') return node;
  const schema: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    // Only subschemas are rewritten; defaults and enums are data.
    schema[key] = ['properties', 'patternProperties'].includes(key)
      ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, asApiServerSchema(v)]))
      : ['items', 'additionalProperties', 'anyOf', 'allOf', 'oneOf', 'not'].includes(key) ? asApiServerSchema(value) : value;
  }
  if (schema['x-kubernetes-int-or-string'] === true && schema.anyOf === undefined) {
    delete schema.type;
    schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.properties !== undefined && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    schema.additionalProperties = false;
  }
  return schema;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sail-istio.schema.json'), 'utf8')) as Schema;
const ajv = new Ajv({ strict: false, allErrors: true });
// Formats the API server knows and ajv does not: the integers' types already check them, and
// `date-time` is only in the status, which the operator writes.
for (const format of ['int32', 'int64', 'date-time']) ajv.addFormat(format, true);
const validateIstio: ValidateFunction = ajv.compile(asApiServerSchema(fixture) as Schema);

/** What the API server would refuse (or silently prune) in an `Istio` object; empty when valid. */
export function sailSchemaErrors(obj: unknown): string[] {
  return validateIstio(obj) ? [] : (validateIstio.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

