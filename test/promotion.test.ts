/**
 * Seed 001 asks for a procedure for a primary's failure: promoting a remote is one deleted line
 * of the description, and the diff of the two syntheses says, per cluster, what changes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IstioMulticlusterMesh, MeshSpec, parseMeshFile, renderMeshFiles } from '../src';
import { runCli } from '../src/cli/main';
import { meshChanges, renderMeshChanges } from '../src/writer/mesh-changes';

const root = path.join(__dirname, '..');

/** The description, rendered as the writer would, under one directory name. */
function rendered(spec: MeshSpec) {
  const mesh = new IstioMulticlusterMesh(new App(), 'mesh', spec);
  return { plan: mesh.plan!, files: renderMeshFiles(mesh) };
}

/** An example file, and the same with the remote's `controlPlaneCluster` line deleted. */
function promotion(example: string) {
  const text = fs.readFileSync(path.join(root, 'examples', `${example}.yaml`), 'utf8');
  const lines = text.split('\n');
  const promoted = lines.filter((l) => !/^\s+controlPlaneCluster:/.test(l)).join('\n');
  expect(lines.length - promoted.split('\n').length, 'one line deleted').toBe(1);
  return { before: parseMeshFile(text).spec!, after: parseMeshFile(promoted).spec!, text, promoted };
}

describe.each(['primary-remote', 'primary-remote-multi-network'])('promoting the remote of %s', (example) => {
  const { before, after } = promotion(example);
  const old = rendered(before);
  const now = rendered(after);
  const changes = meshChanges(old, now);

  it('is a valid description in which the remote is a primary', () => {
    expect(old.plan.clusters.map((c) => c.role)).toEqual(['primary', 'remote']);
    expect(now.plan.clusters.map((c) => c.role)).toEqual(['primary', 'primary']);
  });

  it('names the role change, and gives the promoted cluster its own intermediate CA, an istiod and remote secrets', () => {
    const promoted = changes.find((c) => c.cluster === 'cluster2')!;
    expect(promoted.role).toEqual({ before: 'remote of cluster1', after: 'primary' });
    const added = promoted.files.filter((f) => f.change === 'added').map((f) => f.path);
    expect(added).toEqual(expect.arrayContaining(['clusters/cluster2/trust/20-intermediate-ca.yaml', 'clusters/cluster2/remote-secrets/remote-secret-cluster1.yaml']));
    expect(promoted.files).toContainEqual({ path: 'install/cluster2/helm/istiod.values.yaml', change: 'changed' });
  });

  it('lists every file that differs, each once, under the cluster it belongs to', () => {
    const before = new Map(old.files.map((f) => [f.path, f.content]));
    const after = new Map(now.files.map((f) => [f.path, f.content]));
    const differing = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
    const listed = changes.flatMap((c) => c.files.map((f) => f.path)).sort();
    expect(listed).toEqual(differing);
    for (const c of changes.filter((k) => k.cluster !== undefined)) {
      for (const f of c.files) expect(f.path, `${f.path} under ${c.cluster}`).toContain(c.cluster!);
    }
  });

  it('is what the diff command prints, and the generated README explains the procedure', async () => {
    const { text, promoted } = promotion(example);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-promote-'));
    try {
      fs.writeFileSync(path.join(dir, 'mesh.yaml'), text);
      fs.writeFileSync(path.join(dir, 'promoted.yaml'), promoted);
      let out = '';
      const code = await runCli(['diff', path.join(dir, 'mesh.yaml'), path.join(dir, 'promoted.yaml')], { out: (t) => { out += t; }, err: () => {}, env: {} });
      expect(code).toBe(0);
      expect(out).toBe(renderMeshChanges(changes));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const readme = old.files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('## If a primary fails: promoting a remote');
    expect(readme).toContain('delete one line of the mesh description, its `controlPlaneCluster: cluster1`');
  });
});

describe('a description without remotes', () => {
  it('gets no promotion section, and an unchanged description shows no changes', () => {
    const { after } = promotion('primary-remote');
    const r = rendered(after);
    expect(r.files.find((f) => f.path === 'README.md')!.content).not.toContain('promoting a remote');
    expect(meshChanges(r, rendered(after))).toEqual([]);
    expect(renderMeshChanges([])).toBe('no changes\n');
  });
});
