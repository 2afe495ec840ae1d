import { ChildProcess, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IstioMulticlusterMesh, MeshFile, renderMeshFiles, Topology } from '../src';
import { recoverMeshDirectory, writeRenderedMeshes } from '../src/writer/write';
import { readTree } from './support';

const REPO = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'fixtures', 'writer-child.ts');
const KILLS = 24;

/** Two large meshes of different shapes: a write replaces about a thousand files with as many others. */
function largeMeshes(): MeshFile[][] {
  const multiPrimary = Topology.multiPrimaryMultiNetwork({
    clusters: Array.from({ length: 100 }, (_, i) => ({ name: `cluster${i + 1}`, network: `network${(i % 5) + 1}` })),
  });
  const primaryRemote = Topology.primaryRemoteMultiNetwork({
    primary: { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10' },
    remotes: Array.from({ length: 120 }, (_, i) => ({ name: `cluster${i + 2}`, network: `network${(i % 3) + 1}` })),
  });
  return [multiPrimary, primaryRemote].map((spec, i) => renderMeshFiles(new IstioMulticlusterMesh(new App(), `mesh${i}`, spec)));
}

/** A digest of a whole tree: every path and its bytes. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const [file, content] of Object.entries(readTree(dir, 'base64')).sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${file}\0${content}\0`);
  }
  return hash.digest('hex');
}

interface Kill {
  /** The child's output: `write <n>` and `done <n> <ms>` lines. */
  readonly lines: string[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the child writing, kills it `delayMs` after its first write began, and resolves once it is gone. */
function writeAndKill(outdir: string, input: string, first: number, delayMs: number, started: Set<ChildProcess>): Promise<Kill> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outdir, input, String(first)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (timer === undefined && stdout.includes('write 0\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ lines: stdout.split('\n').filter((l) => l !== ''), signal, stderr });
    });
  });
}

describe('the writer, killed at random moments during large writes', () => {
  const started = new Set<ChildProcess>();
  let root: string;
  let input: string;
  /** The digests of the trees clean writes of the two meshes leave. */
  let expected: string[];

  beforeAll(() => {
    // A RAM file system where there is one, so that many kills fit in the time: what a killed
    // process leaves behind is the kernel's, whatever the medium.
    const base = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
    root = fs.mkdtempSync(path.join(base, 'mesh-writer-crash-'));
    const meshes = largeMeshes();
    input = path.join(root, 'meshes.json');
    fs.writeFileSync(input, JSON.stringify(meshes));
    expected = meshes.map((files, i) => {
      const clean = path.join(root, `clean-${i}`);
      writeRenderedMeshes(clean, { mesh: files });
      return treeDigest(path.join(clean, 'mesh'));
    });
    expect(new Set(expected).size).toBe(2);
  }, 60_000);

  afterAll(() => {
    for (const child of started) child.kill('SIGKILL');
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it(`leaves, after each of ${KILLS} kills and a recovery, exactly one of the two complete trees and no debris`, async () => {
    const outdir = path.join(root, 'out');
    const dir = path.join(outdir, 'mesh');
    const meshes = JSON.parse(fs.readFileSync(input, 'utf8')) as MeshFile[][];
    writeRenderedMeshes(outdir, { mesh: meshes[0] });
    let current = 0;
    let writeMs = 100;
    const landed = { staging: 0, betweenRenames: 0, deletingOld: 0, betweenWrites: 0 };
    const outcomes = new Set<number>();

    for (let kill = 0; kill < KILLS; kill++) {
      // Up to about three writes in: kills fall early and late in the first write and in later ones.
      const delayMs = Math.random() * 3 * writeMs;
      const { lines, signal, stderr } = await writeAndKill(outdir, input, 1 - current, delayMs, started);
      expect(signal, `the child died of something else than the kill:\n${stderr}`).toBe('SIGKILL');
      const durations = lines.filter((l) => l.startsWith('done ')).map((l) => Number(l.split(' ')[2]));
      if (durations.length > 0) writeMs = durations.reduce((a, b) => a + b) / durations.length;

      const debris = fs.readdirSync(outdir).filter((name) => name !== 'mesh');
      const hasTarget = fs.existsSync(dir);
      if (debris.some((d) => d.startsWith('.mesh.old-'))) landed[hasTarget ? 'deletingOld' : 'betweenRenames']++;
      else if (debris.some((d) => d.startsWith('.mesh.new-'))) landed.staging++;
      else landed.betweenWrites++;
      expect(debris.every((d) => /^\.mesh\.(new|old)-[A-Za-z0-9]+$/.test(d)), `unexpected entries: ${debris.join(', ')}`).toBe(true);

      recoverMeshDirectory(dir);
      const outcome = expected.indexOf(treeDigest(dir));
      expect(outcome, `after kill ${kill} (${delayMs.toFixed(0)} ms into writing; debris: ${debris.join(', ')}), the tree is neither mesh`)
        .not.toBe(-1);
      expect(fs.readdirSync(outdir), `debris after kill ${kill} and recovery`).toEqual(['mesh']);
      outcomes.add(outcome);
      current = outcome;
    }

    // Most kills must have interrupted a write, not fallen between two.
    const midWrite = landed.staging + landed.betweenRenames + landed.deletingOld;
    expect(midWrite, JSON.stringify(landed)).toBeGreaterThanOrEqual(KILLS / 2);
    expect(landed.staging, JSON.stringify(landed)).toBeGreaterThan(0);
    expect(outcomes.size, 'kills left the old tree as well as the new one').toBe(2);
  }, 120_000);
});
