import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatProblem, IstioMulticlusterMesh, MeshFile, MeshSpec, MeshValidationError, renderMeshFiles, Topology, validateMesh,
  writeMeshDirectories, writeMeshDirectory,
} from '../src';
import {
  GENERATED_FILES_MANIFEST, MeshWriteError, recoverMeshDirectory, WriterFs, writeRenderedMeshes,
} from '../src/writer/write';
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

/** What the writer writes for these files: them, and the manifest listing them. */
const writtenTree = (files: MeshFile[]): Record<string, string> => ({
  ...Object.fromEntries(files.map((f) => [f.path, Buffer.from(f.content).toString('base64')])),
  [GENERATED_FILES_MANIFEST]: Buffer.from(files.map((f) => `${f.path}\n`).sort().join('')).toString('base64'),
});

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
      for (const file of ['istio-operator.yaml', 'helm/base.values.yaml', 'helm/istiod.values.yaml']) {
        expect(fs.statSync(path.join(dir, 'install', cluster, file)).size, `install/${cluster}/${file}`).toBeGreaterThan(0);
      }
      const verify = fs.readdirSync(path.join(dir, 'verify', cluster));
      expect(verify.length, `verify/${cluster}`).toBeGreaterThan(0);
      expect(verify.every((f) => f.endsWith('.yaml') || f === 'Kustomization')).toBe(true);
    }
  });

  it('writes exactly the files renderMeshFiles lays out, byte for byte, and the manifest listing them', () => {
    const dir = path.join(tmp, 'mixed');
    writeMeshDirectory(dir, meshOf(MIXED_MESH));
    expect(snapshot(dir)).toEqual(writtenTree(renderMeshFiles(meshOf(MIXED_MESH))));
  });

  it('lists every generated file in the manifest, sorted, one `/`-separated path a line, but not the manifest itself', () => {
    const dir = path.join(tmp, 'mixed');
    writeMeshDirectory(dir, meshOf(MIXED_MESH));
    const lines = fs.readFileSync(path.join(dir, GENERATED_FILES_MANIFEST), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(Object.keys(readTree(dir)).filter((p) => p !== GENERATED_FILES_MANIFEST).sort());
    expect(lines).toContain('README.md');
    expect(lines).toContain('install/east-1/helm/istiod.values.yaml');
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
    it('removes generated files the mesh no longer has, such as a dropped cluster\'s directory', () => {
      writeMeshDirectories(tmp, { a: meshOf(Topology.multiPrimary({ clusters: ['cluster1', 'cluster2', 'cluster3'] })) });
      expect(fs.existsSync(path.join(tmp, 'a', 'clusters', 'cluster3'))).toBe(true);

      writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });

      expect(fs.existsSync(path.join(tmp, 'a', 'clusters', 'cluster3'))).toBe(false);
      expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
    });

    it('replaces a directory with a different mesh\'s files', () => {
      writeMeshDirectories(tmp, { a: meshOf(MIXED_MESH) });
      writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });
      expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
    });

    it('replaces generated files that were edited', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      const before = snapshot(tmp);
      fs.appendFileSync(path.join(tmp, 'a', 'install', 'cluster1', 'istio-operator.yaml'), '# my edit\n');
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      expect(snapshot(tmp)).toEqual(before);
    });

    it('replaces a directory generated by a version without the manifest as a whole, added files too', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      fs.rmSync(path.join(tmp, 'a', GENERATED_FILES_MANIFEST));
      fs.writeFileSync(path.join(tmp, 'a', 'clusters', 'cluster1', 'old.yaml'), 'kind: Stale\n');

      writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });

      expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
    });

    it('replaces a generated directory into which only empty directories were added', () => {
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      fs.mkdirSync(path.join(tmp, 'a', 'scratch'));
      fs.mkdirSync(path.join(tmp, 'a', 'clusters', 'cluster1', 'empty'));
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      expect(fs.existsSync(path.join(tmp, 'a', 'scratch'))).toBe(false);
      expect(fs.existsSync(path.join(tmp, 'a', 'clusters', 'cluster1', 'empty'))).toBe(false);
    });

    describe('when files were added to a generated directory', () => {
      it('refuses with a MeshWriteError that names them and says to keep own files elsewhere, and writes nothing', () => {
        writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE), b: meshOf(PRIMARY_REMOTE) });
        fs.mkdirSync(path.join(tmp, 'a', 'clusters', 'cluster9'));
        fs.writeFileSync(path.join(tmp, 'a', 'clusters', 'cluster9', 'old.yaml'), 'kind: Mine\n');
        fs.writeFileSync(path.join(tmp, 'a', 'clusters', 'cluster1', 'notes.md'), 'mine\n');
        fs.writeFileSync(path.join(tmp, 'a', 'NOTES.md'), 'mine\n');
        const before = snapshot(tmp);

        const error = thrown(() => writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY), b: meshOf(MULTI_PRIMARY) }));

        expect(error).toBeInstanceOf(MeshWriteError);
        const { message, directory, unexpectedPaths } = error as MeshWriteError;
        expect(directory).toBe(path.join(tmp, 'a'));
        expect(unexpectedPaths).toEqual(['NOTES.md', 'clusters/cluster1/notes.md', 'clusters/cluster9/']);
        expect(message).toBe(
          `Refusing to replace ${path.join(tmp, 'a')}: it holds 3 files that cdk8s-istio-multicluster did not generate: `
          + 'NOTES.md, clusters/cluster1/notes.md, clusters/cluster9/. Generated directories are replaced whole on every synth: '
          + `move them out of ${path.join(tmp, 'a')} and keep your own files elsewhere. Nothing was written.`,
        );
        expect(message).not.toContain('\n');
        expect(snapshot(tmp)).toEqual(before);
      });

      it('names at most ten of them, and how many more there are', () => {
        writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
        for (let i = 10; i < 35; i++) fs.writeFileSync(path.join(tmp, 'a', `mine-${i}.txt`), 'mine\n');
        const error = thrown(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) })) as MeshWriteError;
        expect(error.unexpectedPaths).toHaveLength(25);
        expect(error.message).toContain('it holds 25 files');
        expect(error.message).toContain('mine-10.txt, mine-11.txt, mine-12.txt, mine-13.txt, mine-14.txt, mine-15.txt, '
          + 'mine-16.txt, mine-17.txt, mine-18.txt, mine-19.txt (and 15 more).');
      });

      it('counts an added symbolic link as an added file, and leaves what it points to alone', () => {
        writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
        fs.mkdirSync(path.join(tmp, 'elsewhere'));
        fs.writeFileSync(path.join(tmp, 'elsewhere', 'kept.txt'), 'mine\n');
        fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(tmp, 'a', 'link-to-dir'));
        fs.symlinkSync(path.join(tmp, 'elsewhere', 'kept.txt'), path.join(tmp, 'a', 'clusters', 'cluster1', 'link-to-file'));

        const error = thrown(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) }));

        expect(error).toBeInstanceOf(MeshWriteError);
        expect((error as MeshWriteError).unexpectedPaths).toEqual(['clusters/cluster1/link-to-file', 'link-to-dir']);
        expect(fs.readFileSync(path.join(tmp, 'elsewhere', 'kept.txt'), 'utf8')).toBe('mine\n');
      });

      it('replaces the directory once the added files are moved out', () => {
        writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
        fs.writeFileSync(path.join(tmp, 'a', 'NOTES.md'), 'mine\n');
        expect(() => writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) })).toThrow(MeshWriteError);
        fs.renameSync(path.join(tmp, 'a', 'NOTES.md'), path.join(tmp, 'NOTES.md'));
        writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });
        expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
      });
    });

    it('refuses to replace a non-empty directory it did not generate, and leaves it untouched', () => {
      fs.mkdirSync(path.join(tmp, 'a'));
      fs.writeFileSync(path.join(tmp, 'a', 'README.md'), '# My own notes\n');
      fs.writeFileSync(path.join(tmp, 'a', 'cluster1.yaml'), 'kind: Mine\n');
      const before = snapshot(tmp);

      const error = thrown(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) }));
      expect(error).toBeInstanceOf(MeshWriteError);
      expect((error as MeshWriteError).message)
        .toMatch(/^Refusing to replace .*a: it is not empty and was not generated by cdk8s-istio-multicluster/);
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

    it('refuses to replace a file', () => {
      fs.writeFileSync(path.join(tmp, 'a'), 'mine\n');
      expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) })).toThrow(/Refusing to replace .*a: it is not a directory/);
      expect(fs.readFileSync(path.join(tmp, 'a'), 'utf8')).toBe('mine\n');
    });

    it('writes into an existing empty directory', () => {
      fs.mkdirSync(path.join(tmp, 'a'));
      writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) });
      expect(fs.existsSync(path.join(tmp, 'a', 'README.md'))).toBe(true);
      expect(fs.existsSync(path.join(tmp, 'a', 'install', 'cluster1', 'istio-operator.yaml'))).toBe(true);
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

describe('symbolic links', () => {
  it('writes through a mesh directory that is a link to a directory: the link stays, its target gets the tree', () => {
    fs.mkdirSync(path.join(tmp, 'real'));
    writeMeshDirectories(path.join(tmp, 'real'), { target: meshOf(PRIMARY_REMOTE) });
    fs.mkdirSync(path.join(tmp, 'out'));
    fs.symlinkSync(path.join('..', 'real', 'target'), path.join(tmp, 'out', 'a'));

    writeMeshDirectories(path.join(tmp, 'out'), { a: meshOf(MULTI_PRIMARY) });

    expect(fs.lstatSync(path.join(tmp, 'out', 'a')).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(tmp, 'out', 'a'))).toBe(path.join('..', 'real', 'target'));
    expect(snapshot(path.join(tmp, 'real', 'target'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
    expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['a']);
    expect(fs.readdirSync(path.join(tmp, 'real'))).toEqual(['target']);
  });

  it('writes a first tree into the empty directory a link points to', () => {
    fs.mkdirSync(path.join(tmp, 'real'));
    fs.mkdirSync(path.join(tmp, 'out'));
    fs.symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'out', 'a'));
    writeMeshDirectories(path.join(tmp, 'out'), { a: meshOf(PRIMARY_REMOTE) });
    expect(fs.lstatSync(path.join(tmp, 'out', 'a')).isSymbolicLink()).toBe(true);
    expect(snapshot(path.join(tmp, 'real'))).toEqual(writtenTree(renderMeshFiles(meshOf(PRIMARY_REMOTE))));
  });

  it('writes below an output directory that is a link', () => {
    fs.mkdirSync(path.join(tmp, 'real'));
    fs.symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'out'));
    writeMeshDirectories(path.join(tmp, 'out'), { a: meshOf(PRIMARY_REMOTE) });
    writeMeshDirectories(path.join(tmp, 'out'), { a: meshOf(MULTI_PRIMARY) });
    expect(fs.lstatSync(path.join(tmp, 'out')).isSymbolicLink()).toBe(true);
    expect(snapshot(path.join(tmp, 'real', 'a'))).toEqual(writtenTree(renderMeshFiles(meshOf(MULTI_PRIMARY))));
    expect(fs.readdirSync(path.join(tmp, 'real'))).toEqual(['a']);
  });

  it('refuses a link to a directory it did not generate, like the directory itself', () => {
    fs.mkdirSync(path.join(tmp, 'mine'));
    fs.writeFileSync(path.join(tmp, 'mine', 'notes.txt'), 'mine\n');
    fs.symlinkSync(path.join(tmp, 'mine'), path.join(tmp, 'a'));
    expect(() => writeMeshDirectories(tmp, { a: meshOf(PRIMARY_REMOTE) })).toThrow(MeshWriteError);
    expect(fs.readdirSync(path.join(tmp, 'mine'))).toEqual(['notes.txt']);
  });
});

describe('recoverMeshDirectory, after a write was killed', () => {
  const OLD = () => renderMeshFiles(meshOf(PRIMARY_REMOTE));
  const NEW = () => renderMeshFiles(meshOf(MULTI_PRIMARY));
  /** A complete tree, as a killed write leaves one beside the directory. */
  const treeAt = (dir: string, files: MeshFile[]) => {
    const scratch = fs.mkdtempSync(path.join(tmp, 'scratch-'));
    writeRenderedMeshes(scratch, { t: files });
    fs.renameSync(path.join(scratch, 't'), dir);
    fs.rmSync(scratch, { recursive: true });
  };

  it('removes an unfinished staging directory and keeps the old tree', () => {
    treeAt(path.join(tmp, 'a'), OLD());
    treeAt(path.join(tmp, '.a.new-Xy12ab'), NEW());
    fs.rmSync(path.join(tmp, '.a.new-Xy12ab', GENERATED_FILES_MANIFEST));
    recoverMeshDirectory(path.join(tmp, 'a'));
    expect(fs.readdirSync(tmp)).toEqual(['a']);
    expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(OLD()));
  });

  it('puts the old tree back when the kill fell between the two renames of the swap', () => {
    treeAt(path.join(tmp, '.a.old-0123456789ab'), OLD());
    treeAt(path.join(tmp, '.a.new-Xy12ab'), NEW());
    recoverMeshDirectory(path.join(tmp, 'a'));
    expect(fs.readdirSync(tmp)).toEqual(['a']);
    expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(OLD()));
  });

  it('removes the swapped-out old tree when the new one is in place, even half deleted', () => {
    treeAt(path.join(tmp, 'a'), NEW());
    treeAt(path.join(tmp, '.a.old-0123456789ab'), OLD());
    fs.rmSync(path.join(tmp, '.a.old-0123456789ab', 'clusters'), { recursive: true });
    recoverMeshDirectory(path.join(tmp, 'a'));
    expect(fs.readdirSync(tmp)).toEqual(['a']);
    expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(NEW()));
  });

  it('touches nothing but the debris of that directory', () => {
    treeAt(path.join(tmp, 'a'), NEW());
    const others = ['.b.new-abc123', '.b.old-abc123', '.a.new', '.a.newer-abc', '.a.old-abc.d', '.ab.old-abc123', 'a.old-abc123'];
    for (const other of others) fs.mkdirSync(path.join(tmp, other));
    fs.mkdirSync(path.join(tmp, '.a.new-abc123'));
    recoverMeshDirectory(path.join(tmp, 'a'));
    expect(fs.readdirSync(tmp).sort()).toEqual([...others, 'a'].sort());
  });

  it('leaves a directory without debris as it is, and a missing one missing', () => {
    treeAt(path.join(tmp, 'a'), NEW());
    const before = snapshot(tmp);
    recoverMeshDirectory(path.join(tmp, 'a'));
    recoverMeshDirectory(path.join(tmp, 'b'));
    recoverMeshDirectory(path.join(tmp, 'no', 'such', 'c'));
    expect(snapshot(tmp)).toEqual(before);
  });

  it('is done by every write before it checks and replaces the directory', () => {
    treeAt(path.join(tmp, '.a.old-0123456789ab'), OLD());
    treeAt(path.join(tmp, '.a.new-Xy12ab'), NEW());
    fs.writeFileSync(path.join(tmp, '.a.old-0123456789ab', 'mine.txt'), 'mine\n');
    // The old tree comes back first, so the write sees (and refuses) the file added to it.
    expect(() => writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) })).toThrow(MeshWriteError);
    expect(fs.readdirSync(tmp)).toEqual(['a']);
    fs.rmSync(path.join(tmp, 'a', 'mine.txt'));
    writeMeshDirectories(tmp, { a: meshOf(MULTI_PRIMARY) });
    expect(fs.readdirSync(tmp)).toEqual(['a']);
    expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(NEW()));
  });

  it('follows a link whose target a killed write had renamed aside', () => {
    fs.mkdirSync(path.join(tmp, 'real'));
    treeAt(path.join(tmp, 'real', '.target.old-0123456789ab'), OLD());
    fs.symlinkSync(path.join(tmp, 'real', 'target'), path.join(tmp, 'a'));
    recoverMeshDirectory(path.join(tmp, 'a'));
    expect(fs.readdirSync(path.join(tmp, 'real'))).toEqual(['target']);
    expect(snapshot(path.join(tmp, 'a'))).toEqual(writtenTree(OLD()));
  });
});

describe('when a file system operation fails', () => {
  /** Which of the writer's file system operations change anything; the compiler checks that all are named. */
  const OPERATIONS: Record<keyof WriterFs, 'reads' | 'mutates'> = {
    mkdirSync: 'mutates', mkdtempSync: 'mutates', writeFileSync: 'mutates', renameSync: 'mutates', unlinkSync: 'mutates', rmdirSync: 'mutates',
    readdirSync: 'reads', readFileSync: 'reads', lstatSync: 'reads', realpathSync: 'reads', readlinkSync: 'reads',
  };

  /**
   * Node's file system, in which the mutating operation number `failAt` (from 0) throws, and
   * with `crash` every one after it too, as if the process had died there.
   */
  function failingFs(failAt: number, crash: boolean): { fs: WriterFs; mutations: () => number } {
    let mutations = 0;
    const io: Record<string, unknown> = {};
    for (const [name, kind] of Object.entries(OPERATIONS)) {
      const real = (fs as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      io[name] = kind === 'reads' ? real : (...args: unknown[]) => {
        const k = mutations++;
        if (k === failAt || (crash && k > failAt)) throw Object.assign(new Error(`injected failure of ${name} (operation ${k})`), { code: 'EIO' });
        return real(...args);
      };
    }
    return { fs: io as unknown as WriterFs, mutations: () => mutations };
  }

  // A sizeable mesh replacing a different one: clusters that stay, go and come, files that change.
  const OLD_FILES = renderMeshFiles(meshOf(MIXED_MESH));
  const NEW_FILES = renderMeshFiles(meshOf(Topology.multiPrimaryMultiNetwork({
    clusters: ['east-1', 'west-1', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'].map((name, i) => ({ name, network: `net${i % 3}` })),
  })));

  // These tests write hundreds of trees: on a RAM file system where there is one, as the
  // outcome of a failed operation does not depend on the medium.
  let ramTmp: string;
  beforeEach(() => {
    const base = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
    ramTmp = fs.mkdtempSync(path.join(base, 'mesh-writer-faults-'));
  });
  afterEach(() => {
    fs.rmSync(ramTmp, { recursive: true, force: true });
  });

  /** The trees clean writes leave: the old mesh, and the new one written over it. */
  function cleanTrees() {
    const root = fs.mkdtempSync(path.join(ramTmp, 'clean-'));
    writeRenderedMeshes(root, { mesh: OLD_FILES });
    const oldTree = snapshot(path.join(root, 'mesh'));
    writeRenderedMeshes(root, { mesh: NEW_FILES });
    const newTree = snapshot(path.join(root, 'mesh'));
    const { fs: counting, mutations } = failingFs(Infinity, false);
    writeRenderedMeshes(root, { mesh: OLD_FILES });
    writeRenderedMeshes(root, { mesh: NEW_FILES }, { fs: counting });
    fs.rmSync(root, { recursive: true });
    return { oldTree, newTree, operations: mutations() };
  }

  /** A fresh output directory holding the old mesh. */
  function oldOutput(k: number): string {
    const root = path.join(ramTmp, `run-${k}`);
    writeRenderedMeshes(root, { mesh: OLD_FILES });
    return root;
  }

  const which = (tree: Record<string, string>, trees: { oldTree: Record<string, string>; newTree: Record<string, string> }) =>
    (isDeepStrictEqual(tree, trees.oldTree) ? 'old' : isDeepStrictEqual(tree, trees.newTree) ? 'new' : 'neither');

  it('after a crash at any operation, recovery leaves the complete old or new tree, and the next write the new one, without debris', () => {
    const trees = cleanTrees();
    expect(trees.operations).toBeGreaterThan(150);
    const outcomes = new Set<string>();
    for (let k = 0; k <= trees.operations; k++) {
      const root = oldOutput(k);
      const dir = path.join(root, 'mesh');
      const failing = failingFs(k, true);
      if (k < trees.operations) expect(() => writeRenderedMeshes(root, { mesh: NEW_FILES }, { fs: failing.fs }), `k=${k}`).toThrow(/injected failure/);
      else writeRenderedMeshes(root, { mesh: NEW_FILES }, { fs: failing.fs });

      recoverMeshDirectory(dir);
      const outcome = which(snapshot(dir), trees);
      expect(outcome, `after a crash at operation ${k} and recovery`).not.toBe('neither');
      expect(fs.readdirSync(root), `debris after a crash at operation ${k} and recovery`).toEqual(['mesh']);
      outcomes.add(outcome);

      writeRenderedMeshes(root, { mesh: NEW_FILES });
      expect(which(snapshot(dir), trees), `after a crash at operation ${k} and the next write`).toBe('new');
      expect(fs.readdirSync(root), `debris after a crash at operation ${k} and the next write`).toEqual(['mesh']);
      fs.rmSync(root, { recursive: true });
    }
    expect([...outcomes].sort()).toEqual(['new', 'old']);
  });

  it('after an I/O error at any operation, the write throws it and leaves the complete old or new tree without debris', () => {
    const trees = cleanTrees();
    for (let k = 0; k < trees.operations; k++) {
      const root = oldOutput(k);
      const failing = failingFs(k, false);
      expect(() => writeRenderedMeshes(root, { mesh: NEW_FILES }, { fs: failing.fs }), `k=${k}`).toThrow(/injected failure/);
      expect(which(snapshot(path.join(root, 'mesh')), trees), `after an error at operation ${k}`).not.toBe('neither');
      expect(fs.readdirSync(root), `debris after an error at operation ${k}`).toEqual(['mesh']);
      fs.rmSync(root, { recursive: true });
    }
  });

  it('a crash during recovery leaves a state the next recovery completes', () => {
    const trees = cleanTrees();
    // Crash the write between the swap's renames (the old tree aside, a complete new one staged), then crash recovery.
    let j = 0;
    for (; ; j++) {
      const root = oldOutput(j);
      const dir = path.join(root, 'mesh');
      let swapped = 0;
      const crashing = failingFs(Infinity, false).fs;
      const betweenRenames: WriterFs = {
        ...crashing,
        renameSync: (from, to) => {
          if (swapped++ === 1) throw Object.assign(new Error('injected failure of the second rename'), { code: 'EIO' });
          crashing.renameSync(from, to);
        },
        unlinkSync: () => { throw new Error('injected: dead'); },
        rmdirSync: () => { throw new Error('injected: dead'); },
      };
      expect(() => writeRenderedMeshes(root, { mesh: NEW_FILES }, { fs: betweenRenames })).toThrow(/injected/);
      expect(fs.existsSync(dir)).toBe(false);

      const failing = failingFs(j, true);
      let crashed = true;
      try {
        recoverMeshDirectory(dir, { fs: failing.fs });
        crashed = false;
      } catch (e) {
        expect(String(e)).toMatch(/injected failure/);
      }
      recoverMeshDirectory(dir);
      expect(which(snapshot(dir), trees), `after recovery crashed at operation ${j}`).toBe('old');
      expect(fs.readdirSync(root)).toEqual(['mesh']);
      fs.rmSync(root, { recursive: true });
      if (!crashed) break;
    }
    // Recovery removed the staged tree file by file before putting the old one back.
    expect(j).toBeGreaterThan(NEW_FILES.length);
  });

  it('the public writer goes through the same file system operations', () => {
    const { fs: failing } = failingFs(0, true);
    expect(() => writeMeshDirectory(path.join(tmp, 'a'), meshOf(PRIMARY_REMOTE), { fs: failing })).toThrow(/injected failure/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('npm run synth', () => {
  /** Runs src/main.ts as `npm run synth` does, writing to `outdir`. */
  const synth = (outdir: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'src', 'main.ts')], {
    cwd: path.join(__dirname, '..'), env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8',
  });

  it('prints a refusal as one line, without a stack trace, and exits with 1', () => {
    fs.mkdirSync(path.join(tmp, 'out', 'multi-primary'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'out', 'multi-primary', 'notes.txt'), 'mine\n');
    const { status, stderr } = synth(path.join(tmp, 'out'));
    expect(stderr).toMatch(/^Refusing to replace .*multi-primary: it is not empty and was not generated by cdk8s-istio-multicluster.*\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(status).toBe(1);
  });

  it('prints a failed system call as one `error: <code>: <message>` line and exits with 2', () => {
    fs.writeFileSync(path.join(tmp, 'file'), 'not a directory\n');
    const { status, stderr } = synth(path.join(tmp, 'file', 'out'));
    expect(stderr).toMatch(/^error: ENOTDIR: not a directory, \w+ '.*file\/out.*'\n$/);
    expect(status).toBe(2);
  });
});
