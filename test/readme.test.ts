/**
 * The generated README is a program: these tests run it, with stand-ins for the cluster
 * tools, and check what it does for small meshes (explicit commands) and large ones
 * (a table of clusters and loops), in sidecar and ambient mode, how its verification
 * behaves, and that it grows linearly with the number of clusters.
 */
import { describe, expect, it } from 'vitest';
import { DataPlaneMode, EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS, FluxMode, MeshFile, MeshSpec, verificationCallBound } from '../src';
import { largeMesh } from '../src/examples/large-meshes';
import { gatewayApiVersion } from '../src/render/readme';
import { expectMeshInvariants } from './invariants';
import { contextOf, executeReadme, expectReadmeOrder } from './readme-order';
import { argsWithoutContext, formatRun, isCall, ReadmeRun } from './readme-shell';
import { ECP_CONFIG_ONLY, guideTopologies, LOOPED, MIXED_MESH, synth } from './support';

/** Ambient mode across three primaries on two networks, cluster1 and cluster2 sharing one. */
const AMBIENT: MeshSpec = {
  dataPlaneMode: DataPlaneMode.AMBIENT, istioVersion: '1.30.3',
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
};

describe('a large mesh\'s README', () => {
  it('is driven by a table of clusters and loops', () => {
    const { files } = synth(LOOPED);
    expect(LOOPED.clusters.length).toBeGreaterThan(EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS);
    const readme = files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('declare -A CONTEXT=(');
    expect(readme).toContain('  [west-3]="admin@west-3"');
    expect(readme).toContain('for read in "${CLUSTERS[@]}"; do');
  });

  it('does what the explicit instructions do, in a working order', async () => {
    // The custom context of west-3 is used as is: the stand-ins see it under its own name.
    const spec = { ...LOOPED, clusters: LOOPED.clusters.map((c) => (c.kubeContext ? { ...c, kubeContext: contextOf(c.name) } : c)) };
    const { mesh, files } = synth(spec);
    expectMeshInvariants(mesh.plan!, files);
    await expectReadmeOrder(mesh.plan!, files);
  });

  it('creates remote secrets with the API server address other clusters use', async () => {
    const { mesh, files } = synth(LOOPED);
    const run = await executeReadme(mesh.plan!, files);
    const creates = run.calls.filter(isCall('istioctl', 'create-remote-secret'));
    expect(creates.find((c) => c.args.includes('--name=east-3'))!.args).toContain('--server=https://east-3.example.com:6443');
    expect(creates.find((c) => c.args.includes('--name=solo'))!.args).toContain('--server=https://10.0.0.7');
    expect(creates.find((c) => c.args.includes('--name=east-1'))!.args.some((a) => a.startsWith('--server'))).toBe(false);
  });
});

describe('an API server reached under a name its certificate does not list (apiServerTlsName)', () => {
  const withTlsName = (spec: MeshSpec): MeshSpec => ({
    ...spec,
    istioVersion: '1.26.0',
    clusters: spec.clusters.map((c, i) => (i === 1 ? { ...c, apiServer: 'https://10.0.0.9:6443', apiServerTlsName: 'api.internal.example.com' } : c)),
  });

  it.each<[string, MeshSpec]>([['explicit commands', MIXED_MESH], ['loops', LOOPED]])(
    'gives istioctl create-remote-secret the name, with %s, and no other cluster\'s secret a name', async (_how, spec) => {
      const described = withTlsName(spec);
      const { mesh, files } = synth(described);
      const run = await executeReadme(mesh.plan!, files);
      const creates = run.calls.filter(isCall('istioctl', 'create-remote-secret'));
      const named = described.clusters[1].name;
      expect(creates.length).toBeGreaterThan(0);
      const ofNamed = creates.filter((c) => c.args.includes(`--name=${named}`));
      expect(ofNamed.length, formatRun(run)).toBeGreaterThan(0);
      for (const create of ofNamed) {
        expect(create.args).toEqual(expect.arrayContaining(['--server=https://10.0.0.9:6443', '--tls-server-name=api.internal.example.com']));
      }
      for (const create of creates.filter((c) => !ofNamed.includes(c))) {
        expect(create.args.some((a) => a.startsWith('--tls-server-name')), formatRun(run)).toBe(false);
      }
    });
});

/** Every delivery tool, at a version the Sail Operator lists. */
const DELIVERED: Pick<MeshSpec, 'istioVersion' | 'delivery'> = {
  istioVersion: '1.30.3',
  delivery: { repository: { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' }, argoCd: {}, flux: {}, sailOperator: true },
};

describe('every section of the README', () => {
  it.each<[string, MeshSpec]>([
    ['a small mesh', MIXED_MESH],
    ['a large mesh', LOOPED],
    ['a small mesh delivered with Argo CD, Flux (hub) and the Sail Operator', { ...MIXED_MESH, ...DELIVERED }],
    ['a large mesh delivered with Flux in every cluster', { ...LOOPED, delivery: { repository: DELIVERED.delivery!.repository, flux: { mode: FluxMode.PER_CLUSTER } } }],
    ['an ambient mesh delivered with Argo CD, Flux (hub) and the Sail Operator', { ...AMBIENT, delivery: DELIVERED.delivery }],
  ])('runs to the end for %s, troubleshooting, upgrade, pruning, uninstall and delivery included', async (_name, spec) => {
    const { mesh, files } = synth(spec);
    const run = await executeReadme(mesh.plan!, files);
    expect(run.ok, formatRun(run)).toBe(true);
    // Pruning applies only mesh-object directories, never the namespace, and always has an ApplySet.
    const prunes = run.calls.filter((c) => isCall('kubectl')(c) && c.args.includes('--prune'));
    expect(prunes.length).toBeGreaterThan(0);
    for (const p of prunes) {
      const applied = p.args.filter((_a, i) => p.args[i - 1] === '-f');
      expect(applied.length, p.args.join(' ')).toBeGreaterThan(0);
      expect(applied.every((a) => /^clusters\/[^/]+\/mesh\/$/.test(a)), p.args.join(' ')).toBe(true);
      expect(p.args).toContain(`--applyset=configmaps/cdk8s-istio-multicluster-${mesh.plan!.meshId}`);
    }
    // The uninstall removes remote secrets before the remotes' control plane, and namespaces last.
    const lastHelm = run.calls.map((c, i) => (isCall('helm', 'uninstall')(c) ? i : -1)).filter((i) => i >= 0).pop()!;
    const firstNamespaceDelete = run.calls.findIndex(isCall('kubectl', 'delete', 'namespace', 'istio-system'));
    expect(lastHelm).toBeLessThan(firstNamespaceDelete);
  });
});

describe('the verification step', () => {
  const { mesh, files } = synth(MIXED_MESH);
  const verifyOnly = (readme: string) => {
    // The definitions block and the verification section, as a person would run them.
    const definitions = readme.slice(readme.indexOf('Run the commands below'), readme.indexOf('## 2.'));
    const verify = readme.slice(readme.indexOf('Verify cross-cluster load balancing'), readme.indexOf('## Troubleshooting'));
    return `${definitions}\n${verify}`;
  };
  const readme = files.find((f) => f.path === 'README.md')!.content;

  it('passes once every version has answered from every cluster', async () => {
    const run = await executeReadme(mesh.plan!, files, { markdown: verifyOnly(readme) });
    expect(run.ok, formatRun(run)).toBe(true);
    expect(run.stdout).toContain(`${contextOf('east-1')}: all 4 versions answered`);
  });

  it('fails, naming the version that never answered, after a bounded number of calls', async () => {
    const run = await executeReadme(mesh.plan!, files, {
      markdown: verifyOnly(readme),
      answers: (context) => (context === contextOf('west-1') ? ['v1', 'v2', 'v3'] : ['v1', 'v2', 'v3', 'v4']),
    });
    expect(run.ok).toBe(false);
    expect(run.stderr).toContain(`${contextOf('west-1')}: no reply from v4 in ${verificationCallBound(4)} calls`);
    const execs = run.calls.filter((c) => c.context === contextOf('west-1') && c.args.includes('exec'));
    expect(execs).toHaveLength(verificationCallBound(4) / 20);
  });

  it('gives many versions enough calls to answer, and a bound that grows like n·log n', () => {
    expect(verificationCallBound(2)).toBe(40);
    expect(verificationCallBound(10)).toBeGreaterThanOrEqual(3 * 10 * 2.9);
    expect(verificationCallBound(1000)).toBeLessThan(30_000);
    expect(verificationCallBound(1000)).toBeGreaterThan(3 * 1000 * 7);
  });
});

describe('size', () => {
  const lines = (spec: MeshSpec) => synth(spec).files.find((f) => f.path === 'README.md')!.content.split('\n').length;

  it.each(['multi-primary', 'primary-remote'] as const)('grows linearly with the number of clusters (%s)', (shape) => {
    const small = lines(largeMesh(shape, 100));
    const large = lines(largeMesh(shape, 400));
    // Quadratic growth would multiply by 16; linear, by at most 4.
    expect(large / small).toBeLessThan(4.5);
  });

  it('renders 200 primaries on one network, where a spread of thousands of lines once overflowed the stack', () => {
    const spec: MeshSpec = { clusters: Array.from({ length: 200 }, (_, i) => ({ name: `c${i}`, network: 'n1' })) };
    expect(() => synth(spec)).not.toThrow();
  });
});

describe('the delivery sections of the README', () => {
  it('register every cluster with Argo CD under its destination, configure the health check, then apply the root once', async () => {
    const spec: MeshSpec = {
      ...MIXED_MESH, ...DELIVERED,
      clusters: MIXED_MESH.clusters.map((c) => (c.name === 'west-1' ? { ...c, delivery: { argoCdClusterName: 'prod-west' } } : c)),
    };
    const { mesh, files } = synth(spec);
    const run = await executeReadme(mesh.plan!, files);
    expect(run.ok, formatRun(run)).toBe(true);
    const adds = run.calls.filter(isCall('argocd', 'cluster', 'add'));
    expect(adds.map((c) => [c.args[2], c.args[4]])).toEqual(mesh.plan!.clusters.map((c) => [contextOf(c.name), c.name === 'west-1' ? 'prod-west' : c.name]));
    const patch = run.calls.findIndex((c) => c.cmd === 'kubectl' && c.args.includes('patch') && c.args.includes('argocd-cm'));
    const root = run.calls.findIndex((c) => c.cmd === 'kubectl' && c.args.includes('argocd/root/'));
    expect(patch, 'the health check is configured').toBeGreaterThanOrEqual(0);
    expect(run.calls[patch].stdin).toContain('resource.customizations.health.argoproj.io_Application: |');
    expect(root).toBeGreaterThan(patch);
    expect(run.calls[root].context).toBe('ctx-argocd');
  });

  it('give the hub Flux a kubeconfig Secret per cluster, read from each cluster\'s context, then apply the hub entry', async () => {
    const { mesh, files } = synth({ ...MIXED_MESH, ...DELIVERED });
    const run = await executeReadme(mesh.plan!, files);
    expect(run.ok, formatRun(run)).toBe(true);
    const secrets = run.calls.filter((c) => c.cmd === 'kubectl' && c.args.includes('secret') && c.args.includes('generic') && c.context === 'ctx-flux');
    expect(secrets.map((c) => c.args.find((a) => a.endsWith('-kubeconfig')))).toEqual(mesh.plan!.clusters.map((c) => `${c.name}-kubeconfig`));
    const views = run.calls.filter(isCall('kubectl', 'config', 'view'));
    expect(views.map((c) => c.context)).toEqual(mesh.plan!.clusters.map((c) => contextOf(c.name)));
    expect(run.calls.some((c) => c.context === 'ctx-flux' && c.args.includes('flux/hub/'))).toBe(true);
  });
});

const readmeOf = (files: MeshFile[]) => files.find((f) => f.path === 'README.md')!.content;
/** The Helm releases a run installs or deletes in one cluster, in order. */
const helmReleases = (run: ReadmeRun, context: string, verb: 'upgrade' | 'uninstall') =>
  run.calls.filter((c) => c.context === context && isCall('helm', verb)(c)).map((c) => c.args[verb === 'upgrade' ? 2 : 1]);

describe('an ambient mesh\'s README', () => {
  const { mesh, files } = synth(AMBIENT);
  const plan = mesh.plan!;
  const readme = readmeOf(files);

  it('installs every cluster on the istioctl and the Helm path in an order that works on empty clusters', async () => {
    await expectReadmeOrder(plan, files);
  });

  it('runs to the end: ambient checks instead of sidecar ones, and an uninstall in the reverse order of the charts', async () => {
    const run = await executeReadme(plan, files);
    expect(run.ok, formatRun(run)).toBe(true);
    for (const c of plan.clusters) {
      const ctx = contextOf(c.name);
      expect(helmReleases(run, ctx, 'upgrade').slice(0, 4)).toEqual(['istio-base', 'istiod', 'istio-cni', 'ztunnel']);
      expect(helmReleases(run, ctx, 'uninstall')).toEqual(['ztunnel', 'istio-cni', 'istiod', 'istio-base']);
      expect(run.stdout).toContain(`${ctx}: no pod of sample has a sidecar`);
      expect(run.stdout).toContain(`${ctx}: all 3 versions answered`);
    }
    // Nothing that only sidecars answer: no proxy-config, proxy-status or injection restarts.
    expect(run.calls.filter((c) => c.cmd === 'istioctl' && /^proxy-|^x$/.test(argsWithoutContext(c.args)[0]))).toEqual([]);
    expect(run.calls.some((c) => isCall('istioctl', 'ztunnel-config', 'services')(c))).toBe(true);
    expect(readme).not.toMatch(/istio-injection=enabled|rollout restart deployment -n <namespace>|15443/);
  });

  it('fails the verification where a pod runs a sidecar, naming it', async () => {
    const verify = readme.slice(readme.indexOf('Run the commands below'), readme.indexOf('## Troubleshooting'))
      .replace(/^## \d+\. Create the istio-system[\s\S]*(?=## \d+\. Verify)/m, '');
    const run = await executeReadme(plan, files, {
      markdown: verify,
      samplePods: (ctx) => (ctx === contextOf('cluster2') ? 'helloworld-v2-5d8f: istio-init helloworld istio-proxy\ncurl-7c9f:  curl\n' : 'curl-7c9f:  curl\n'),
    });
    expect(run.ok).toBe(false);
    expect(run.stderr).toContain('helloworld-v2-5d8f: istio-init helloworld istio-proxy');
    expect(run.stderr).toContain(`${contextOf('cluster2')}: these pods have a sidecar`);
  });

  it('says what ambient multicluster supports in the mesh\'s release, and installs the Gateway API CRDs that release goes with', () => {
    expect(readme).toContain('# Istio mesh `mesh1`: multi-primary, 2 networks, ambient mode');
    expect(readme).toContain('In Istio 1.30.3 ambient multicluster is beta');
    expect(readme).toContain('`istio.io/global=true`');
    expect(readme).toContain('no waypoint proxies');
    expect(readme).toContain('cluster1 and cluster2 on `network1`');
    expect(readme).toContain('/gateway-api/releases/download/v1.5.1/standard-install.yaml');
    const alpha = readmeOf(synth({ ...AMBIENT, istioVersion: '1.27.2' }).files);
    expect(alpha).toContain('In Istio 1.27.2 ambient multicluster is alpha');
    expect(alpha).toContain('Istio advises against alpha features in production');
    expect(alpha).toContain('/download/v1.3.0/standard-install.yaml');
    expect(gatewayApiVersion(28)).toBe('v1.4.0');
    expect(gatewayApiVersion(31)).toBe('v1.5.1');
  });

  it('does the same for a large mesh, with loops', async () => {
    const spec: MeshSpec = {
      ...AMBIENT,
      clusters: Array.from({ length: EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS + 2 }, (_, i) => ({ name: `c${i + 1}`, network: `network${(i % 3) + 1}` })),
    };
    const large = synth(spec);
    expect(readmeOf(large.files)).toContain('for c in "${CLUSTERS[@]}"; do');
    await expectReadmeOrder(large.mesh.plan!, large.files);
    const run = await executeReadme(large.mesh.plan!, large.files);
    expect(run.ok, formatRun(run)).toBe(true);
    expect(helmReleases(run, contextOf('c7'), 'uninstall')).toEqual(['ztunnel', 'istio-cni', 'istiod', 'istio-base']);
  });
});

describe('a sidecar mesh\'s README', () => {
  it('has nothing of ambient mode', () => {
    const readme = readmeOf(synth(MIXED_MESH).files);
    expect(readme).not.toMatch(/ztunnel|istio-cni|Gateway API|## Ambient mode|istio\.io\/global/);
  });
});

describe('the README\'s Helm commands, by Istio release', () => {
  /** Every `helm upgrade --install` command of a README, continuation lines joined. */
  const helmCommands = (spec: MeshSpec) => {
    const readme = synth(spec).files.find((f) => f.path === 'README.md')!.content.replace(/\\\n\s*/g, '');
    return readme.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('helm upgrade --install '));
  };
  // Istio's charts leave the validating webhooks' failurePolicy to istiod on upgrade from these
  // releases on (istio/istio#59367); before, Helm 4's server-side apply conflicts with istiod.
  const releases: Array<[string, boolean]> = [
    ['1.24.6', true], ['1.25.5', true], ['1.26', true], ['1.27.9', true], ['1.28.5', true], ['1.28.6', false], ['1.28', false],
    ['1.29.0-beta.1', true], ['1.29.1', true], ['1.29.2', false], ['1.30.0', false], ['1.30.3', false], ['1.31', false], ['1.33.0', false],
  ];

  it.each(releases)('Istio %s: applied client-side by every command (%s), and the README says why and what Helm 3 does', (istioVersion, clientSide) => {
    for (const spec of [{ ...guideTopologies()['primary-remote-multi-network'], istioVersion }, { ...LOOPED, istioVersion }, { ...ECP_CONFIG_ONLY, istioVersion }]) {
      const commands = helmCommands(spec);
      expect(commands.length).toBeGreaterThan(0);
      for (const c of commands) expect(c.includes(' --server-side=false'), c).toBe(clientSide);
      const readme = synth(spec).files.find((f) => f.path === 'README.md')!.content;
      expect(readme.includes('Helm 3 has no such flag: leave it out there.')).toBe(clientSide);
    }
  });
});
