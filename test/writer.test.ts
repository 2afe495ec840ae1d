import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatProblem, IstioMulticlusterMesh, MeshSpec, MeshValidationError, renderMeshFiles, Topology, validateMesh,
  writeMeshDirectories, writeMeshDirectory,
} from '../src';
import { MIXED_MESH, readTree, thrown } from './support';

const PRIMARY_REMOTE: MeshSpec = Topology.primaryRemote({
  primary: { name: 'cluster1', discoveryAddress: '192.0.2.10' }, remotes: ['cluster2'], network: 'network1',
});
const MULTI_PRIMARY: MeshSpec = Topology.multiPrimary({ clusters: ['cluster1', 'cluster2'] });
/** Two problems: an unsupported Istio version and a cluster name with an uppercase letter. */
const INVALID: MeshSpec = { istioVersion: '1.20', clusters: [{ name: 'Cluster1', network: 'network1' }] };

const meshOf = (spec: MeshSpec, id = 'mesh') => new IstioMulticlusterMesh(new App(), id, spec);

/** Every file below `dir`, by relative path, with its bytes. */
const snapshot = (dir: string) => readTree(dir, 'base64');

const stagingLeftovers = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith('.'));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-writer-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('writeMeshDirectory', () => {
  it('writes the README and, per cluster, the install inputs and verification workloads', () => {
    const dir = path.join(tmp, 'primary-remote');
    writeMeshDirectory(dir, meshOf(PRIMARY_REMOTE));

    expect(fs.readdirSync(tmp)).toEqual(['primary-remote']);
    expect(fs.existsSync(path.join(dir, 'README.md'))).toBe(true);
    for (const cluster of ['cluster1', 'cluster2']) {
      for (const file of ['install/istio-operator.yaml', 'install/helm/base.values.yaml', 'install/helm/istiod.values.yaml']) {
        expect(fs.statSync(path.join(dir, cluster, file)).size, `${cluster}/${file}`).toBeGreaterThan(0);
      }
      const verify = fs.readdirSync(path.join(dir, cluster, 'verify'));
      expect(verify.length, `${cluster}/verify`).toBeGreaterThan(0);
      expect(verify.every((f) => f.endsWith('.yaml'))).toBe(true);
    }
  });

  it('writes exactly the files renderMeshFiles lays out, byte for byte', () => {
    const dir = path.join(tmp, 'mixed');
    writeMeshDirectory(dir, meshOf(MIXED_MESH));
    const expected = Object.fromEntries(
      renderMeshFiles(meshOf(MIXED_MESH)).map((f) => [f.path, Buffer.from(f.content).toString('base64')]),
    );
    expect(snapshot(dir)).toEqual(expected);
  });

  it('reports an invalid directory name as a problem and writes nothing', () => {
    const error = thrown(() => writeMeshDirectory(path.join(tmp, 'Bad_Name'), meshOf(PRIMARY_REMOTE)));
    expect(error).toBeInstanceOf(MeshValidationError);
    expect((error as MeshValidationError).problems).toEqual([
      { field: 'directory "Bad_Name"', message: expect.stringMatching(/must be a DNS-1123 label/) },
    ]);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('writeMeshDirectories', () => {
  it('writes each mesh into its own directory', () => {
    writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(MULTI_PRIMARY) });
    expect(fs.readdirSync(tmp).sort()).toEqual(['a', 'b']);
    expect(fs.existsSync(path.join(tmp, 'a', 'README.md'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'b', 'README.md'))).toBe(true);
  });

  describe('when a mesh is invalid', () => {
    it('throws one MeshValidationError listing that mesh\'s problems, prefixed with its name', () => {
      const error = thrown(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(INVALID) }));
      expect(error).toBeInstanceOf(MeshValidationError);
      const { problems, message } = error as MeshValidationError;
      const expected = validateMesh(INVALID).map((p) => ({ ...p, field: `b: ${p.field}` }));
      expect(expected).toHaveLength(2);
      expect(problems).toEqual(expected);
      expect(message).toMatch(/\b2 problems\b.*; nothing was written:\n/);
      for (const problem of expected) expect(message).toContain(formatProblem(problem));
      expect(message).toContain('b: istioVersion: Istio 1.20 is not supported');
      expect(message).toContain('cluster "Cluster1" (b: clusters[0].name)');
    });

    it('writes nothing, not even the valid meshes', () => {
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(INVALID) })).toThrow(MeshValidationError);
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    it('reports invalid directory names as problems alongside the meshes\' problems', () => {
      const error = thrown(() => writeMeshDirectories(tmp, { 'Bad_Name': meshOf(PRIMARY_REMOTE), b: meshOf(INVALID) }));
      expect(error).toBeInstanceOf(MeshValidationError);
      const fields = (error as MeshValidationError).problems.map((p) => p.field);
      expect(fields).toEqual(['directory "Bad_Name"', 'b: istioVersion', 'b: clusters[0].name']);
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    it('leaves a previous good output byte-for-byte untouched', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      const before = snapshot(tmp);
      // A successful run would change a/: it now describes a different mesh.
      expect(() => writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY), b: meshOf(INVALID) })).toThrow(MeshValidationError);
      expect(snapshot(tmp)).toEqual(before);
    });
  });

  describe('replacing an earlier output', () => {
    it('replaces the directory wholly: files from an earlier run are gone', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      const readme = fs.readFileSync(path.join(tmp, 'a', 'README.md'), 'utf8');
      expect(readme.split('\n')[0]).toMatch(/^<!-- Generated by cdk8s-istio-multicluster/);
      fs.mkdirSync(path.join(tmp, 'a', 'cluster9'));
      fs.writeFileSync(path.join(tmp, 'a', 'cluster9', 'old.yaml'), 'kind: Stale\n');
      fs.writeFileSync(path.join(tmp, 'a', 'cluster1', 'old.yaml'), 'kind: Stale\n');

      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });

      expect(fs.existsSync(path.join(tmp, 'a', 'cluster9'))).toBe(false);
      expect(fs.existsSync(path.join(tmp, 'a', 'cluster1', 'old.yaml'))).toBe(false);
      expect(fs.readFileSync(path.join(tmp, 'a', 'README.md'), 'utf8')).toBe(readme);
    });

    it('replaces a directory with a different mesh\'s files', () => {
      writeMeshDirectories(tmp, { a: meshOf(MIXED_MESH) });
      writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });
      const expected = Object.fromEntries(
        renderMeshFiles(meshOf(MULTI_PRIMARY)).map((f) => [f.path, Buffer.from(f.content).toString('base64')]),
      );
      expect(snapshot(path.join(tmp, 'a'))).toEqual(expected);
    });

    it('refuses to replace a non-empty directory it did not generate, and leaves it untouched', () => {
      fs.mkdirSync(path.join(tmp, 'a'));
      fs.writeFileSync(path.join(tmp, 'a', 'README.md'), '# My own notes\n');
      fs.writeFileSync(path.join(tmp, 'a', 'cluster1.yaml'), 'kind: Mine\n');
      const before = snapshot(tmp);

      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) }))
        .toThrow(/Refusing to replace .*a: it is not empty and was not generated by cdk8s-istio-multicluster/);
      expect(snapshot(tmp)).toEqual(before);
    });

    it('refuses also when the foreign directory has no README at all', () => {
      fs.mkdirSync(path.join(tmp, 'a'));
      fs.writeFileSync(path.join(tmp, 'a', 'notes.txt'), 'mine\n');
      const before = snapshot(tmp);
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) })).toThrow(/Refusing to replace/);
      expect(snapshot(tmp)).toEqual(before);
    });

    it('writes no other mesh when it refuses one directory', () => {
      fs.mkdirSync(path.join(tmp, 'b'));
      fs.writeFileSync(path.join(tmp, 'b', 'notes.txt'), 'mine\n');
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(MULTI_PRIMARY) })).toThrow(/Refusing to replace/);
      expect(fs.readdirSync(tmp)).toEqual(['b']);
      expect(fs.readdirSync(path.join(tmp, 'b'))).toEqual(['notes.txt']);
    });

    it('writes into an existing empty directory', () => {
      fs.mkdirSync(path.join(tmp, 'a'));
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      expect(fs.existsSync(path.join(tmp, 'a', 'README.md'))).toBe(true);
      expect(fs.existsSync(path.join(tmp, 'a', 'cluster1', 'install', 'istio-operator.yaml'))).toBe(true);
    });
  });

  describe('staging directories', () => {
    it('are not left behind after a successful run', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(MULTI_PRIMARY) });
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      expect(stagingLeftovers(tmp)).toEqual([]);
      expect(fs.readdirSync(tmp).sort()).toEqual(['a', 'b']);
    });

    it('are not left behind after an invalid mesh or a refused directory', () => {
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(INVALID) })).toThrow(MeshValidationError);
      expect(stagingLeftovers(tmp)).toEqual([]);
      fs.mkdirSync(path.join(tmp, 'b'));
      fs.writeFileSync(path.join(tmp, 'b', 'notes.txt'), 'mine\n');
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(MULTI_PRIMARY) })).toThrow(/Refusing/);
      expect(stagingLeftovers(tmp)).toEqual([]);
    });
  });
});
