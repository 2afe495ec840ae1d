import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateSchemaFile, generateSchemaModule, SCHEMA_FILE, SCHEMA_MODULE } from '../scripts/generate-schema';
import { MESH_SPEC_SCHEMA } from '../src/model/mesh-schema.gen';

describe('the JSON Schema of a mesh description', () => {
  it('is current: generated from the TypeScript types as committed (run `npm run schema` after changing them)', () => {
    expect(fs.readFileSync(SCHEMA_MODULE, 'utf8')).toBe(generateSchemaModule());
  }, 60_000);

  it('refuses unknown fields on every object, so misspellings are reported', () => {
    const definitions = (MESH_SPEC_SCHEMA as any).definitions as Record<string, any>;
    for (const [name, definition] of Object.entries(definitions)) {
      // Istio's values and mesh config are free-form: Istio, not this library, knows their fields.
      if (definition.type === 'object' && name !== 'JsonObject') expect(definition.additionalProperties, name).toBe(false);
    }
  });

  it('has free-form objects only where Istio\'s values and mesh config go', () => {
    const definitions = (MESH_SPEC_SCHEMA as any).definitions as Record<string, any>;
    const freeForm = Object.entries(definitions).flatMap(([name, definition]) => Object.entries(definition.properties ?? {})
      .filter(([, property]: [string, any]) => property.$ref === '#/definitions/JsonObject')
      .map(([property]) => `${name}.${property}`));
    expect(freeForm.sort()).toEqual(['ClusterSpec.meshConfig', 'ClusterSpec.values', 'MeshSpec.meshConfig', 'MeshSpec.values']);
  });
});

describe('the JSON Schema of mesh files, shipped in schema/mesh.schema.json', () => {
  it('is current: generated from the TypeScript types as committed (run `npm run schema` after changing them)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(generateSchemaFile());
  }, 60_000);

  it('is in the package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.files).toContain(path.relative(path.join(__dirname, '..'), SCHEMA_FILE));
  });

  it('accepts the example files and refuses what an editor should flag: a misspelt field, a version as a number', () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', $id: expect.any(String), title: expect.any(String) });
    const validate = new Ajv({ strict: false }).compile(schema);
    const examples = path.join(__dirname, '..', 'examples');
    for (const file of fs.readdirSync(examples)) {
      expect(validate(parse(fs.readFileSync(path.join(examples, file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ $schema: '../schema/mesh.schema.json', clusters: [{ name: 'a', network: 'n' }] })).toBe(true);
    expect(validate({ clusters: [{ name: 'a', network: 'n' }, { name: 'b', network: 'n', controlPlane: 'a' }] })).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'controlPlane' } }));
    expect(validate({ istioVersion: 1.25, clusters: [{ name: 'a', network: 'n' }] })).toBe(false);
  });
});
