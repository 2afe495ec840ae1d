import { App } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES_MANIFEST, seedTopologies, writeMeshDirectories } from '../src';
import { readTree, renderSeedFiles } from './support';

/** The seed topologies as the writer lays them out: the rendered files and, per mesh, the list of them. */
function renderSeeds(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, files] of Object.entries(renderSeedFiles())) {
    for (const file of files) out[`${name}/${file.path}`] = file.content;
    out[`${name}/${GENERATED_FILES_MANIFEST}`] = `${files.map((f) => f.path).sort().join('\n')}\n`;
  }
  return out;
}

describe('output is deterministic', () => {
  it('two syntheses of the same description give byte-identical files', () => {
    expect(renderSeeds()).toEqual(renderSeeds());
  });

  it('two writes give byte-identical directory trees, with nothing but the generated files', () => {
    const roots = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-determinism-')));
    try {
      for (const root of roots) writeMeshDirectories(root, seedTopologies(new App()));
      const [a, b] = roots.map((root) => readTree(root));
      expect(a).toEqual(b);
      expect(Object.keys(a).sort()).toEqual(Object.keys(renderSeeds()).sort());
    } finally {
      roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true }));
    }
  });

  it('no file carries a timestamp or a generated hash suffix', () => {
    for (const [file, content] of Object.entries(renderSeeds())) {
      expect(content, file).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/);
      expect(content, file).not.toMatch(/name: [a-z0-9-]+-c8[0-9a-f]{6,}/);
    }
  });
});

describe('the committed dist/ is current', () => {
  it('equals what `npm run synth` writes, file for file', () => {
    const dist = path.join(__dirname, '..', 'dist');
    expect(readTree(dist)).toEqual(renderSeeds());
  });
});
