/**
 * The output contract: every directory that kubectl, kustomize, Argo CD or Flux is pointed at
 * holds only Kubernetes objects and a `Kustomization` that lists exactly what is there, in
 * apply order; install inputs live where no such tool looks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { FluxMode, KUSTOMIZATION_FILE, MeshFile, MeshSpec } from '../src';
import { MIXED_MESH, parseObjects, renderSeedFiles, synth } from './support';
import { kubectlBinary } from './tools';

const DELIVERED: MeshSpec = {
  ...MIXED_MESH,
  istioVersion: '1.30.3',
  delivery: {
    repository: { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' },
    argoCd: {},
    flux: {},
    sailOperator: true,
  },
};
const PER_CLUSTER_FLUX: MeshSpec = { ...DELIVERED, delivery: { ...DELIVERED.delivery, argoCd: undefined, flux: { mode: FluxMode.PER_CLUSTER } } };
const AT_ROOT: MeshSpec = { ...DELIVERED, delivery: { ...DELIVERED.delivery, repository: { url: 'ssh://git@git.example.com/platform/mesh.git', path: '.' } } };

const meshes: [string, MeshFile[]][] = [
  ...Object.entries(renderSeedFiles()),
  ['a delivered mix of primaries and remotes', synth(DELIVERED).files],
  ['per-cluster Flux', synth(PER_CLUSTER_FLUX).files],
  ['a mesh at the repository root', synth(AT_ROOT).files],
];

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');

/** Directories that have a Kustomization: the directories of objects. */
function objectDirectories(files: MeshFile[]): string[] {
  return files.filter((f) => f.path.endsWith(`/${KUSTOMIZATION_FILE}`)).map((f) => dirOf(f.path));
}

/** The directories that the README, Argo CD and Flux apply, relative to the mesh's directory. */
function pointedAt(files: MeshFile[], clusters: string[]): Set<string> {
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const dirs = new Set<string>();
  for (const m of readme.matchAll(/ -[fk] "?([A-Za-z0-9_.${}/-]+)\/"?(?=\s|;|$)/g)) {
    const target = m[1];
    const expanded = target.includes('$c') ? clusters.map((c) => target.replace('$c', c)) : [target];
    for (const d of expanded) if (!target.includes('$c') || files.some((f) => f.path.startsWith(`${d}/`))) dirs.add(d);
  }
  const objects = parseObjects(files);
  const repoPath = (p: string) => p.replace(/^\.\//, '').replace(/^meshes\/prod\//, '').replace(/^dist\/[^/]+\//, '');
  for (const o of objects) {
    if (o.kind === 'Application' && o.spec.source?.path !== undefined) dirs.add(repoPath(o.spec.source.path));
    if (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) dirs.add(repoPath(o.spec.path));
  }
  return dirs;
}

describe.each(meshes)('the output of %s', (_name, files) => {
  const dirs = objectDirectories(files);
  const clusters = [...new Set(files.filter((f) => f.path.startsWith('clusters/')).map((f) => f.path.split('/')[1]))];

  it('lists in every Kustomization exactly the files and subdirectories of its directory, in name order', () => {
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) {
      const kustomization = yaml.load(files.find((f) => f.path === `${dir}/${KUSTOMIZATION_FILE}`)!.content) as { resources: string[] };
      const own = files.filter((f) => dirOf(f.path) === dir && f.path.endsWith('.yaml')).map((f) => f.path.slice(dir.length + 1));
      const subdirs = dirs.filter((d) => dirOf(d) === dir).map((d) => d.slice(dir.length + 1));
      const listedFiles = kustomization.resources.filter((r) => r.endsWith('.yaml'));
      expect(listedFiles, dir).toEqual([...own].sort());
      expect(kustomization.resources.filter((r) => !r.endsWith('.yaml')).sort(), dir).toEqual([...subdirs].sort());
      // Nothing else sits in a directory of objects: `kubectl apply -R -f` reads every .yaml there.
      const others = files.filter((f) => dirOf(f.path) === dir && !f.path.endsWith('.yaml') && !f.path.endsWith(`/${KUSTOMIZATION_FILE}`));
      expect(others.map((f) => f.path), dir).toEqual([]);
    }
  });

  it('has only Kubernetes objects in every directory of objects and below (what kubectl apply -R -f reads)', () => {
    for (const dir of dirs) {
      for (const object of parseObjects(files, (p) => p.startsWith(`${dir}/`))) {
        const where = `${object.file}: ${object.kind}/${object.metadata?.name}`;
        expect(typeof object.apiVersion, where).toBe('string');
        expect(typeof object.kind, where).toBe('string');
        expect(object.metadata?.name, where).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      }
    }
  });

  it('builds with kustomize (the one in a real kubectl) into exactly the objects of its files', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
    try {
      for (const f of files) {
        fs.mkdirSync(path.join(root, dirOf(f.path)), { recursive: true });
        fs.writeFileSync(path.join(root, f.path), f.content);
      }
      const kubectl = kubectlBinary();
      for (const dir of dirs) {
        const built = yaml.loadAll(execFileSync(kubectl, ['kustomize', path.join(root, dir)], { encoding: 'utf8' })) as any[];
        const expected = parseObjects(files, (p) => p.startsWith(`${dir}/`));
        const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
        expect(built.map(key).sort(), dir).toEqual(expected.map(key).sort());
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('points kubectl, Argo CD and Flux only at directories of objects', () => {
    const targets = pointedAt(files, clusters);
    expect(targets.size).toBeGreaterThan(0);
    for (const target of targets) expect(dirs, `${target} is applied as a directory`).toContain(target);
  });

  it('keeps install inputs (IstioOperator, Helm values) out of every directory of objects', () => {
    const inputs = files.filter((f) => f.path.startsWith('install/') && !dirs.some((d) => f.path.startsWith(`${d}/`)));
    expect(inputs.map((f) => f.path).sort()).toEqual(expect.arrayContaining(clusters.map((c) => `install/${c}/istio-operator.yaml`)));
    for (const input of inputs) {
      for (const dir of dirs) expect(input.path.startsWith(`${dir}/`), `${input.path} is below ${dir}`).toBe(false);
    }
  });
});
