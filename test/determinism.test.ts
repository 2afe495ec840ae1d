import { App } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { renderMeshFiles, seedTopologies, writeMeshDirectories } from '../src';

function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

function renderSeeds(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, mesh] of Object.entries(seedTopologies(new App()))) {
    for (const file of renderMeshFiles(mesh)) out[`${name}/${file.path}`] = file.content;
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
      const [a, b] = roots.map(readTree);
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
