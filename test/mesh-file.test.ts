/**
 * Mesh files: the examples are the seed topologies, written by hand; the loader reads YAML
 * 1.2 strictly, reports through validateMesh, and never throws for any text.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedTopologySpecs } from '../src/examples/seed-topologies';
import { formatMeshFileProblem } from '../src/model/mesh-file';
import { loadMeshFile, parseMeshFile } from '../src/plan/mesh-file-analysis';

const examples = path.join(__dirname, '..', 'examples');

describe('the example mesh files', () => {
  const specs = seedTopologySpecs();

  it('are one per seed topology', () => {
    expect(fs.readdirSync(examples).filter((f) => f.endsWith('.yaml')).sort()).toEqual(Object.keys(specs).map((n) => `${n}.yaml`).sort());
  });

  it.each(Object.keys(specs))('%s.yaml describes exactly the seed topology of the same name', (name) => {
    const loaded = loadMeshFile(path.join(examples, `${name}.yaml`));
    expect(loaded.problems.map(formatMeshFileProblem)).toEqual([]);
    expect(loaded.spec).toStrictEqual(specs[name]);
  });

  it.each(Object.keys(specs))('%s.yaml names the shipped schema for editors on its first line', (name) => {
    const first = fs.readFileSync(path.join(examples, `${name}.yaml`), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../schema/mesh.schema.json');
    expect(fs.existsSync(path.join(examples, '..', 'schema', 'mesh.schema.json'))).toBe(true);
  });
});

describe('loading a mesh file', () => {
  it('reads JSON too, with a top-level $schema that is not part of the description', () => {
    const spec = seedTopologySpecs()['multi-primary'];
    const loaded = parseMeshFile(JSON.stringify({ $schema: 'node_modules/cdk8s-istio-multicluster/schema/mesh.schema.json', ...spec }, null, 2), 'mesh.json');
    expect(loaded.problems).toEqual([]);
    expect(loaded.spec).toStrictEqual(spec);
    const wrong = parseMeshFile('{"$schema": 7, "clusters": [{"name": "a", "network": "n"}]}', 'mesh.json');
    expect(wrong.problems.map(formatMeshFileProblem)).toEqual(['mesh.json:1:2: $schema: must be a string, the address of the mesh file\'s JSON Schema, not the number 7']);
  });

  it('reads YAML 1.2: yes, no and on are strings, so a boolean field refuses them', () => {
    const loaded = parseMeshFile('verification: no\nclusters:\n  - name: a\n    network: n\n', 'm.yaml');
    expect(loaded.problems.map(formatMeshFileProblem)).toEqual(['m.yaml:1:1: verification: must be true or false, not the string "no"']);
  });

  it('refuses an unknown tag, and writes no process warning for a key that is a collection', () => {
    expect(parseMeshFile('clusters: !cluster x\n', 'm.yaml').problems.map(formatMeshFileProblem))
      .toEqual([expect.stringMatching(/^m\.yaml:1:11: YAML: .*!cluster.*; a mesh file holds plain values: remove the tag$/)]);
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      expect(parseMeshFile('? [a, b]\n: 1\nclusters: []\n', 'm.yaml').problems.length).toBeGreaterThan(0);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('advises quoting only where text is expected', () => {
    expect(parseMeshFile('clusters: 3\n', 'm.yaml').problems.map(formatMeshFileProblem)).toEqual(['m.yaml:1:1: clusters: must be a list, not the number 3']);
    expect(parseMeshFile('meshId: 1\nclusters: []\n', 'm.yaml').problems.map(formatMeshFileProblem)[0])
      .toBe('m.yaml:1:1: meshId: must be a string, not the number 1: quote it, so that it is read as text');
  });

  it('locates a missing required field at the entry that lacks it', () => {
    const loaded = parseMeshFile('clusters:\n  - name: a\n    network: n\n  - name: b\n', 'm.yaml');
    expect(loaded.problems.map(formatMeshFileProblem)).toEqual(['m.yaml:4:5: cluster "b" (clusters[1].network): is required']);
  });

  it('locates fields with keys that are not identifiers, and fields reached through an alias', () => {
    const content = 'gw: &gw\n  serviceAnnotations:\n    "Not A/key": x\nclusters:\n  - name: a\n    network: n\n  - name: b\n    network: m\n    eastWestGateway: *gw\n';
    const loaded = parseMeshFile(content, 'm.yaml');
    expect(loaded.problems.map(formatMeshFileProblem)).toEqual([
      expect.stringMatching(/^m\.yaml:1:1: gw: is not a field of the mesh description .*the fields here are: meshId, /),
      expect.stringMatching(/^m\.yaml:3:5: cluster "b" \(clusters\[1\]\.eastWestGateway\.serviceAnnotations\["Not A\/key"\]\): annotation key /),
    ]);
  });

  it('never throws, and reports every problem in one line, whatever the text', () => {
    const tokens = ['clusters', 'name', 'network', 'controlPlaneCluster', ':', ': ', ' ', '  ', '\n', '- ', '[', ']', '{', '}', ',', '"', '\'',
      '&a ', '*a', '!!binary ', '!x ', '---\n', '...\n', '# c', '? ', 'null', '~', '1.25', 'true', '\t', '%YAML 1.1\n', '<<: ', '__proto__', '\u00ff'];
    const yamlish = fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((t) => t.join(''));
    fc.assert(fc.property(fc.oneof(yamlish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      const result = parseMeshFile(text, 'fuzz.yaml');
      expect(result.spec === undefined).toBe(result.problems.length > 0);
      for (const problem of result.problems) expect(formatMeshFileProblem(problem)).toMatch(/^fuzz\.yaml(:\d+:\d+)?: [^\n]+$/);
    }), { numRuns: 400 });
  });

  it('throws the file system\'s error for a file it cannot read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-file-'));
    try {
      expect(() => loadMeshFile(path.join(dir, 'missing.yaml'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => loadMeshFile(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the README\'s mesh file', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Mesh files and the command line'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const problemLine = /```\n(prod\.yaml:[^\n]*)\n```/.exec(section)![1];

  it('is valid', () => {
    expect(parseMeshFile(example, 'prod.yaml').problems.map(formatMeshFileProblem)).toEqual([]);
  });

  it('gives the problem the README shows when controlPlaneCluster is misspelt', () => {
    const typo = example.replace('controlPlaneCluster:', 'controlPlane:');
    expect(parseMeshFile(typo, 'prod.yaml').problems.map(formatMeshFileProblem)).toEqual([problemLine]);
  });
});
