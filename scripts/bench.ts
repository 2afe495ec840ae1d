// `npm run bench`: synthesizes large meshes of 10 to 1,000 clusters, each size in a fresh
// Node process with default settings, and prints wall time, peak memory and time per object.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIZES = [10, 30, 100, 300, 1000];
const SHAPES = ['multi-primary', 'primary-remote'] as const;

interface Result { shape: string; clusters: number; objects: number; files: number; readmeLines: number; synthMs: number; writeMs: number; peakMiB: number }

function runOne(shape: string, clusters: number): Result {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, 'child', shape, String(clusters)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function child(shape: 'multi-primary' | 'primary-remote', clusters: number) {
  const { App } = await import('cdk8s');
  const { IstioMulticlusterMesh, renderMeshFiles, writeMeshDirectory } = await import('../src');
  const { largeMesh } = await import('../src/examples/large-meshes');
  const start = performance.now();
  // Delivered with Argo CD and Flux, as a GitOps user would: the whole output, not only the manifests.
  const mesh = new IstioMulticlusterMesh(new App(), 'bench', {
    ...largeMesh(shape, clusters),
    delivery: { repository: { url: 'https://git.example.com/platform/meshes.git', path: 'bench' }, argoCd: {}, flux: {} },
  });
  const files = renderMeshFiles(mesh);
  const synthMs = performance.now() - start;
  const objects = files.filter((f) => f.path.endsWith('.yaml')).reduce((n, f) => n + (f.content.match(/^kind: /gm)?.length ?? 0), 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const writeStart = performance.now();
  writeMeshDirectory(path.join(dir, 'mesh'), mesh);
  const writeMs = performance.now() - writeStart;
  fs.rmSync(dir, { recursive: true, force: true });
  const readmeLines = files.find((f) => f.path === 'README.md')!.content.split('\n').length;
  const result: Result = {
    shape, clusters, objects, files: files.length, readmeLines, synthMs, writeMs,
    peakMiB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
}

if (process.argv[2] === 'child') {
  void child(process.argv[3] as 'multi-primary' | 'primary-remote', Number(process.argv[4]));
} else {
  console.log(`Node ${process.version}, ${os.cpus().length} cores, default settings; each size in a fresh process.`);
  console.log('shape           clusters  objects   files  README lines  synth s  write s  peak MiB  ms/object');
  for (const shape of SHAPES) {
    for (const clusters of SIZES) {
      const r = runOne(shape, clusters);
      console.log([
        r.shape.padEnd(15), String(r.clusters).padStart(8), String(r.objects).padStart(8), String(r.files).padStart(7),
        String(r.readmeLines).padStart(13), (r.synthMs / 1000).toFixed(2).padStart(8), (r.writeMs / 1000).toFixed(2).padStart(8),
        r.peakMiB.toFixed(0).padStart(9), (r.synthMs / r.objects).toFixed(3).padStart(10),
      ].join(' '));
    }
  }
}
