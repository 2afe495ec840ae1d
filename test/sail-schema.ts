/**
 * The Sail Operator's `Istio`, `IstioCNI` and `ZTunnel` schemas, validated with ajv against the
 * CRDs' OpenAPI schemas, which scripts/import-sail-schema.ts takes into test/fixtures at import
 * time (never from ../shared here).
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

/** The kinds with a fixture, and their files. */
const FIXTURES = { Istio: 'sail-istio.schema.json', IstioCNI: 'sail-istiocni.schema.json', ZTunnel: 'sail-ztunnel.schema.json' };
export type SailKind = keyof typeof FIXTURES;

/** A kind's schema as the fixture holds it (the CRD's, without descriptions). */
export function sailSchemaFixture(kind: SailKind): Schema {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', FIXTURES[kind]), 'utf8')) as Schema;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// Formats the API server knows and ajv does not: the integers' types already check them, and
// `date-time` is only in the status, which the operator writes.
for (const format of ['int32', 'int64', 'date-time']) ajv.addFormat(format, true);
const validators = new Map<string, ValidateFunction>(
  (Object.keys(FIXTURES) as SailKind[]).map((kind) => [kind, ajv.compile(asApiServerSchema(sailSchemaFixture(kind)) as Schema)]));

/**
 * What the API server would refuse (or silently prune) in an `Istio`, `IstioCNI` or `ZTunnel`
 * object, by its kind; empty when valid. The CRDs' CEL rules are not checked (`metadata.name`
 * must be `default` for IstioCNI and ZTunnel: the tests check that themselves).
 */
export function sailSchemaErrors(obj: unknown): string[] {
  const kind = (obj as { kind?: unknown } | null)?.kind;
  const validate = validators.get(String(kind));
  if (validate === undefined) return [`no Sail Operator schema for kind ${String(kind)}`];
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

