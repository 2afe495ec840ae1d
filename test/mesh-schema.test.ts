import * as fs from 'fs';
import { describe, expect, it } from 'vitest';
import { generateSchemaModule, SCHEMA_MODULE } from '../scripts/generate-schema';
import { MESH_SPEC_SCHEMA } from '../src/model/mesh-schema.gen';

describe('the JSON Schema of a mesh description', () => {
  it('is current: generated from the TypeScript types as committed (run `npm run schema` after changing them)', () => {
    expect(fs.readFileSync(SCHEMA_MODULE, 'utf8')).toBe(generateSchemaModule());
  }, 60_000);

  it('refuses unknown fields on every object, so misspellings are reported', () => {
    const definitions = (MESH_SPEC_SCHEMA as any).definitions as Record<string, any>;
    for (const [name, definition] of Object.entries(definitions)) {
      if (definition.type === 'object') expect(definition.additionalProperties, name).toBe(false);
    }
  });
});
