// Imports the schemas of the Sail Operator's `Istio`, `IstioCNI` and `ZTunnel` resources
// (sailoperator.io/v1) from their CRDs into test/fixtures/sail-<kind>.schema.json, against which
// the tests validate every such resource the library emits. Dev-time only:
// `npx tsx scripts/import-sail-schema.ts`, then commit the fixtures. The CRDs are the ones
// imports/sail-*.ts were generated from (cdk8s.yaml); import both together.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const VERSION = 'v1';

/** Each kind's CRD and the fixture its schema goes to. */
export const SAIL_SCHEMAS = [
  { kind: 'Istio', crd: '../shared/crds/sailoperator.io_istios.yaml', fixture: 'test/fixtures/sail-istio.schema.json' },
  { kind: 'IstioCNI', crd: '../shared/crds/sailoperator.io_istiocnis.yaml', fixture: 'test/fixtures/sail-istiocni.schema.json' },
  { kind: 'ZTunnel', crd: '../shared/crds/sailoperator.io_ztunnels.yaml', fixture: 'test/fixtures/sail-ztunnel.schema.json' },
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy with object keys in code-point order at every depth, so that a re-import diffs only what changed. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/**
 * A schema without its `description`s, which make up most of the CRD and check nothing. Walks
 * the schema keywords only, so that a property named `description` and the values of
 * `default`, `enum` or `example` stay as they are.
 */
function withoutDescriptions(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if ((key === 'properties' || key === 'patternProperties' || key === 'definitions') && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, withoutDescriptions(s)]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not' || key === 'additionalItems') && isObject(value)) {
      out[key] = withoutDescriptions(value);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf' || key === 'items') && Array.isArray(value)) {
      out[key] = value.map(withoutDescriptions);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The schema of version v1 of the CRD of sailoperator.io's `kind`, as the fixture holds it. */
export function importSailSchema(crdText: string, kind: string): string {
  const crd = parse(crdText) as JsonObject;
  const spec = crd.spec as JsonObject;
  if (crd.kind !== 'CustomResourceDefinition' || spec?.group !== 'sailoperator.io' || (spec.names as JsonObject)?.kind !== kind) {
    throw new Error(`the file is not the CRD of sailoperator.io's ${kind}`);
  }
  const version = (spec.versions as JsonObject[]).find((v) => v.name === VERSION);
  if (!version || version.served !== true || version.storage !== true) {
    throw new Error(`the CRD has no served storage version ${VERSION}`);
  }
  const schema = (version.schema as JsonObject | undefined)?.openAPIV3Schema;
  if (!isObject(schema)) throw new Error(`version ${VERSION} of the CRD has no openAPIV3Schema`);
  return `${JSON.stringify(sortKeys(withoutDescriptions(schema)), null, 2)}\n`;
}

if (require.main === module) {
  for (const { kind, crd, fixture } of SAIL_SCHEMAS) {
    fs.writeFileSync(path.join(root, fixture), importSailSchema(fs.readFileSync(path.resolve(root, crd), 'utf8'), kind));
    console.log(`wrote ${fixture} from ${crd}`);
  }
}
