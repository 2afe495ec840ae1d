import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IstioMulticlusterMesh, MeshSpec, renderMeshFiles, Topology } from '../src';
import { GENERATED_FILES_MANIFEST } from '../src/writer/write';
import { writeOfflineApp } from './offline-install';
import { readTree } from './support';

const repo = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** Another cdk8s app, in plain JavaScript, that installs the packed package and uses it. */
const CONSUMER_JS = `
const { App, Chart } = require('cdk8s');
const mc = require('cdk8s-istio-multicluster');

const app = new App({ outdir: 'cdk8s.out' });
const mesh = new mc.IstioMulticlusterMesh(app, 'mesh', mc.Topology.primaryRemote({
  primary: { name: 'hub', discoveryAddress: '192.0.2.50' },
  remotes: ['spoke'],
}));
// Also written by hand, where the app wants it.
mc.writeMeshDirectory('out/mesh', mesh);

// The building blocks in a chart of the app's own.
const chart = new Chart(app, 'own', { labels: { team: 'platform' } });
const gw = new mc.EastWestGateway(chart, 'gw', { network: 'net-a' });
new mc.ExposeServices(chart, 'services', { gatewaySelector: gw.gatewaySelector });
app.synth();
`;

/** The same from TypeScript, to prove the declarations ship and type-check. */
const CONSUMER_TS = `
import { App, Chart } from 'cdk8s';
import { IstioMulticlusterMesh, MeshSpec, Topology, validateMesh, EastWestGateway } from 'cdk8s-istio-multicluster';
const spec: MeshSpec = Topology.multiPrimaryMultiNetwork({ clusters: [{ name: 'a', network: 'n1' }, { name: 'b', network: 'n2' }] });
const problems: number = validateMesh(spec).length;
const mesh: IstioMulticlusterMesh = new IstioMulticlusterMesh(new App(), 'm', spec);
new EastWestGateway(new Chart(new App(), 'c'), 'gw', { minReplicas: 2 });
console.log(problems, mesh.clusters.length);
`;

/** The mesh of the app below, also rendered from this repository's source to compare. */
const INIT_APP_MESH: MeshSpec = Topology.multiPrimaryMultiNetwork({
  clusters: [{ name: 'east', network: 'east-net' }, { name: 'west', network: 'west-net' }],
});

/** main.ts as cdk8s init writes it, with a chart of the app's own and one mesh. */
const CDK8S_INIT_APP = `
import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IstioMulticlusterMesh, MeshSpec } from 'cdk8s-istio-multicluster';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new k8s.KubeService(this, 'web', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  }
}

const app = new App();
new MyChart(app, 'istio-multicluster-app');
const mesh: MeshSpec = ${JSON.stringify(INIT_APP_MESH)};
new IstioMulticlusterMesh(app, 'prod', mesh);
app.synth();
`;

/** Every file below `dir`, relative to it, with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

/**
 * The modules of a CommonJS package that its entry points load, following `require` of
 * relative paths, and the packages they require by name (`@scope/name` or `name`).
 */
function requireGraph(root: string, entries: string[]): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const [, spec] of fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (spec.startsWith('.')) {
        const target = path.posix.join(path.posix.dirname(file), spec);
        pending.push(fs.existsSync(path.join(root, `${target}.js`)) ? `${target}.js` : `${target}/index.js`);
      } else {
        packages.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  }
  return { modules, packages };
}

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

describe('the packed package, installed into another cdk8s app', () => {
  let work: string;
  let app: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-consumer-'));
    // `npm pack` runs the build (the prepare script) and packs what `files` lists.
    const packOutput = run('npm', ['pack', '--silent', '--pack-destination', work], repo).trim().split('\n');
    const tarball = path.join(work, packOutput[packOutput.length - 1]);
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    // From npm's cache alone, at the versions this repository's lockfile pins: no registry, so the
    // test does not depend on the network, nor on the clock that checks the registry's certificate.
    writeOfflineApp({ repo, app, dependencies: ['cdk8s', 'cdk8s-plus-27', 'constructs', 'cdk8s-cli', 'tsx'], tarball: { file: tarball, packageJson: pkg } });
    run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and declarations only', () => {
    const root = path.join(app, 'node_modules', 'cdk8s-istio-multicluster');
    expect(fs.existsSync(path.join(root, pkg.main))).toBe(true);
    expect(fs.existsSync(path.join(root, pkg.types))).toBe(true);
    expect(fs.existsSync(path.join(root, 'src'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('ships no module that its entry points never load, and depends on no package that they never require', () => {
    const root = path.join(app, 'node_modules', 'cdk8s-istio-multicluster');
    // A module of types alone compiles to JavaScript that nothing requires; its declarations are what is used.
    const typesOnly = (f: string) => /^"use strict";\s*Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);\s*$/
      .test(fs.readFileSync(path.join(root, f), 'utf8'));
    const shipped = listFiles(root).filter((f) => f.endsWith('.js') && !typesOnly(f));
    const entries = [pkg.main, ...Object.values(pkg.bin as Record<string, string>),
      ...Object.values(pkg.exports as Record<string, string | { default: string }>).flatMap((e) => typeof e === 'string' ? [] : [e.default])];
    const { modules, packages } = requireGraph(root, entries.map((e) => path.normalize(e)));
    expect(shipped.filter((f) => !modules.has(f)), 'shipped but never loaded').toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((d) => !packages.has(d)), 'dependencies never required').toEqual([]);
    // And the other way round: everything required at run time is a dependency or a peer.
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    expect([...packages].filter((p) => !declared.has(p) && !isBuiltin(p)), 'required but not declared').toEqual([]);
  });

  it('synthesizes a mesh directory and the building blocks from plain JavaScript', () => {
    fs.writeFileSync(path.join(app, 'main.js'), CONSUMER_JS);
    run('node', ['main.js'], app);
    const readme = fs.readFileSync(path.join(app, 'out/mesh/README.md'), 'utf8');
    expect(readme).toContain('istioctl create-remote-secret --context="${CTX_SPOKE}" --name=spoke');
    expect(fs.readFileSync(path.join(app, 'out/mesh/install/spoke/helm/istiod.values.yaml'), 'utf8')).toContain("remotePilotAddress: '192.0.2.50'");
    // app.synth() wrote the mesh's directory too, the same as by hand.
    expect(readTree(path.join(app, 'cdk8s.out/mesh'))).toEqual(readTree(path.join(app, 'out/mesh')));
    const own = fs.readdirSync(path.join(app, 'cdk8s.out')).filter((f) => f.includes('own'));
    expect(own.length).toBe(1);
    const manifest = fs.readFileSync(path.join(app, 'cdk8s.out', own[0]), 'utf8');
    expect(manifest).toContain('name: istio-eastwestgateway');
    expect(manifest).toContain('name: cross-network-gateway');
    expect(manifest).toContain('team: platform');
  });

  it('synthesizes with cdk8s synth in an app laid out as cdk8s init makes one: the per-cluster layout beside the app\'s own output', () => {
    const project = path.join(work, 'app');
    // cdk8s init typescript-app: cdk8s.yaml, main.ts with a chart of the app's own. It runs
    // main.ts with ts-node and imports k8s from the network; here tsx runs it, and the
    // Kubernetes classes come from cdk8s-plus-27.
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: npx tsx main-app.ts\n');
    fs.writeFileSync(path.join(project, 'main-app.ts'), CDK8S_INIT_APP);
    fs.mkdirSync(path.join(project, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(project, 'dist', 'stale.k8s.yaml'), 'left by an earlier synth');
    run('npx', ['--no-install', 'cdk8s', 'synth'], project);
    const dist = path.join(project, 'dist');
    expect(fs.readdirSync(dist).sort()).toEqual(['istio-multicluster-app.k8s.yaml', 'prod']);
    expect(fs.readFileSync(path.join(dist, 'istio-multicluster-app.k8s.yaml'), 'utf8')).toContain('name: web');
    // The mesh's directory is what this repository's writer renders for the same description.
    const expected = renderMeshFiles(new IstioMulticlusterMesh(new App(), 'prod', INIT_APP_MESH));
    const tree = readTree(path.join(dist, 'prod'));
    for (const f of expected) expect(tree[f.path], f.path).toBe(f.content);
    expect(Object.keys(tree).sort()).toEqual([...expected.map((f) => f.path), GENERATED_FILES_MANIFEST].sort());
  });

  it('runs the command line through npx: a shipped example mesh file validates, and synthesizes byte for byte into what dist/ holds', () => {
    const example = path.join(app, 'node_modules', 'cdk8s-istio-multicluster', 'examples', 'primary-remote.yaml');
    expect(run('npx', ['--no-install', 'cdk8s-istio-multicluster', 'validate', example], app)).toContain(`${example}: valid`);
    const out = path.join(work, 'cli-out');
    run('npx', ['--no-install', 'cdk8s-istio-multicluster', 'synth', example, '-o', out], app);
    expect(fs.readdirSync(out)).toEqual(['primary-remote']);
    expect(readTree(path.join(out, 'primary-remote'))).toEqual(readTree(path.join(repo, 'dist', 'primary-remote')));
  });

  it('runs the CA command through npx, and its output passes openssl verify', () => {
    const certs = path.join(work, 'certs');
    const out = run('npx', ['--no-install', 'cdk8s-istio-multicluster', 'ca', '--dir', certs, '--clusters', 'hub,spoke', '--key-type', 'ecdsa-p256'], app);
    expect(out).toContain('wrote spoke/cacerts.yaml');
    for (const cluster of ['hub', 'spoke']) {
      const cert = path.join(certs, cluster, 'ca-cert.pem');
      expect(run('openssl', ['verify', '-CAfile', path.join(certs, 'root-cert.pem'), cert], app).trim()).toBe(`${cert}: OK`);
    }
  });

  it('generates a CA from the API, at cdk8s-istio-multicluster/ca', () => {
    fs.writeFileSync(path.join(app, 'ca.js'), `
const { generateMeshCa, CaKeyType } = require('cdk8s-istio-multicluster/ca');
generateMeshCa({ clusters: ['east'], directory: process.argv[2], keyType: CaKeyType.ECDSA_P384 })
  .then((r) => console.log(r.written.join(' ')));
`);
    const certs = path.join(work, 'api-certs');
    expect(run('node', ['ca.js', certs], app)).toContain('east/ca-key.pem');
    const cert = path.join(certs, 'east', 'ca-cert.pem');
    expect(run('openssl', ['verify', '-CAfile', path.join(certs, 'root-cert.pem'), cert], app).trim()).toBe(`${cert}: OK`);
  });

  it('type-checks from TypeScript', () => {
    fs.writeFileSync(path.join(app, 'main.ts'), CONSUMER_TS);
    const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    run('node', [tsc, '--noEmit', '--strict', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'ES2022', '--skipLibCheck', 'main.ts'], app);
  });
});
