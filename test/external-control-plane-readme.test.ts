/**
 * The README of a mesh with an external control plane, executed with stand-ins for the cluster
 * tools: namespaces, the external istiod's CA and Service, the config cluster, istio-kubeconfig,
 * the external istiod, the remotes and their secrets, then mesh objects, in the order of the
 * design note (docs/design/external-control-plane.md, section 3), on the istioctl and Helm paths.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'cdk8s';
import { IstioMulticlusterMesh, MeshFile, MeshPlan, MeshSpec, renderMeshFiles, TrustMode, validateMesh } from '../src';
import { contextOf, executeReadme, expectReadmeOrder } from './readme-order';
import { formatRun, isCall, ReadmeRun } from './readme-shell';
import { ECP_CONFIG_ONLY, synth } from './support';

/** (a) The config cluster alone. */
const CONFIG_ONLY = ECP_CONFIG_ONLY;

/** (b) The config cluster and a remote on another network, with API server addresses for the external cluster. */
const WITH_REMOTE: MeshSpec = {
  istioVersion: '1.30.3',
  externalControlPlane: { name: 'external', configCluster: 'cluster1', discoveryAddress: '192.0.2.20' },
  clusters: [
    { name: 'cluster1', network: 'network1', apiServer: 'https://cluster1.example.com:6443' },
    { name: 'cluster2', network: 'network2', apiServer: 'https://10.0.0.7:6443', apiServerTlsName: 'cluster2.internal' },
  ],
};

/** (c) Three clusters, two of them on one network, the CA brought by the user, a DNS name for istiod. */
const BYO_TRAFFIC: MeshSpec = {
  istioVersion: '1.30.3',
  trust: { mode: TrustMode.BRING_YOUR_OWN },
  externalControlPlane: { name: 'cp', configCluster: 'west', discoveryAddress: 'istiod.mesh.example.com', kubeContext: contextOf('cp') },
  clusters: [
    { name: 'west', network: 'n1', locality: { region: 'us-west-2' } },
    { name: 'east', network: 'n1', locality: { region: 'us-east-1' } },
    { name: 'south', network: 'n2', locality: { region: 'sa-east-1' } },
  ],
};

/** (c) with traffic policies, which only the config cluster holds. */
const TRAFFIC: MeshSpec = {
  ...BYO_TRAFFIC,
  trafficPolicies: [{
    host: 'helloworld.sample.svc.cluster.local',
    failover: [{ from: 'us-west-2', to: 'us-east-1' }, { from: 'us-east-1', to: 'us-west-2' }],
    outlierDetection: {},
  }],
};

/**
 * The README alone, rendered from the plan with the file names the writer would give it: the
 * writer cannot render TRAFFIC yet (the config cluster's traffic directory stays empty, as
 * `renderTrafficPolicies` fills primaries' only).
 */
/** The mesh's plan and every file of its output, the README among them. */
function readmeFromPlan(spec: MeshSpec): { plan: MeshPlan; files: MeshFile[] } {
  const mesh = new IstioMulticlusterMesh(new App(), 'mesh', spec);
  return { plan: mesh.plan!, files: renderMeshFiles(mesh) };
}

const readmeOf = (files: MeshFile[]) => files.find((f) => f.path === 'README.md')!.content;
const indexOf = (run: ReadmeRun, predicate: Parameters<ReadmeRun['calls']['findIndex']>[0]) => run.calls.findIndex(predicate);

describe('the README of a mesh with an external control plane', () => {
  it.each<[string, MeshSpec]>([
    ['the config cluster alone', CONFIG_ONLY],
    ['a config cluster and a remote on another network', WITH_REMOTE],
    ['three clusters, a CA of their own and a DNS name for istiod', BYO_TRAFFIC],
  ])('installs %s on the istioctl and the Helm path in an order that works on empty clusters', async (_name, spec) => {
    expect(validateMesh(spec)).toEqual([]);
    const { mesh, files } = synth(spec);
    await expectReadmeOrder(mesh.plan!, files);
  });

  it.each<[string, MeshSpec]>([
    ['the config cluster alone', CONFIG_ONLY],
    ['a config cluster and a remote on another network', WITH_REMOTE],
    ['three clusters, a CA of their own and a DNS name for istiod', BYO_TRAFFIC],
  ])('runs to the end for %s: troubleshooting against the external istiod, upgrade, pruning and uninstall in reverse', async (_name, spec) => {
    const { mesh, files } = synth(spec);
    const plan = mesh.plan!;
    const ecp = plan.externalControlPlane!;
    const ns = plan.istioNamespace;
    const run = await executeReadme(plan, files);
    expect(run.ok, formatRun(run)).toBe(true);
    expect(run.stderr, 'the load balancer has the discovery address').not.toContain('WARNING');
    const ext = contextOf(ecp.name);
    // istioctl asks the external istiod, in its namespace.
    for (const verb of ['remote-clusters', 'proxy-status']) {
      const call = run.calls.find((c) => c.cmd === 'istioctl' && c.args.includes(verb))!;
      expect(call.context).toBe(ext);
      expect(call.args).toContain(`--istioNamespace=${ns}`);
    }
    // Nothing in istio-system.
    expect(run.calls.filter((c) => c.args.includes('istio-system'))).toEqual([]);
    // Uninstall: the remotes' control plane, then the external istiod, then the config cluster's; the namespaces last, the external cluster's too.
    const uninstalls = run.calls.filter(isCall('helm', 'uninstall')).map((c) => `${c.context} ${c.args[1]}`);
    const remotes = plan.clusters.filter((c) => c.name !== ecp.configCluster).flatMap((c) => [`${contextOf(c.name)} istiod`, `${contextOf(c.name)} istio-base`]);
    expect(uninstalls).toEqual([...remotes, `${ext} istiod`, `${contextOf(ecp.configCluster)} istiod`, `${contextOf(ecp.configCluster)} istio-base`]);
    const lastHelm = run.calls.map((c, i) => (isCall('helm', 'uninstall')(c) ? i : -1)).filter((i) => i >= 0).pop()!;
    const namespaceDeletes = run.calls.filter(isCall('kubectl', 'delete', 'namespace', ns));
    expect(namespaceDeletes.map((c) => c.context).sort()).toEqual([ext, ...plan.clusters.map((c) => contextOf(c.name))].sort());
    expect(namespaceDeletes.every((c) => c.index > lastHelm)).toBe(true);
    // The remote secrets leave the external cluster before the remotes' control plane.
    const secrets = indexOf(run, (c) => c.context === ext && isCall('kubectl', '-n', ns, 'delete', 'secret', '-l', 'istio/multiCluster=true')(c));
    if (ecp.readsApiServersOf.length > 0) expect(secrets).toBeLessThan(indexOf(run, isCall('helm', 'uninstall')));
  });

  it('applies the traffic policies to the config cluster alone, once the external istiod runs', async () => {
    expect(validateMesh(TRAFFIC)).toEqual([]);
    const { plan, files } = readmeFromPlan(TRAFFIC);
    expect(plan.clusters.filter((c) => c.hasTrafficPolicies).map((c) => c.name)).toEqual(['west']);
    await expectReadmeOrder(plan, files);
    const run = await executeReadme(plan, files);
    expect(run.ok, formatRun(run)).toBe(true);
    const applied = run.calls.filter((c) => isCall('kubectl', 'apply')(c) && c.args.some((a) => a.endsWith('/traffic/')));
    expect(applied.map((c) => [c.context, c.args.at(-1)])).toEqual([[contextOf('west'), 'clusters/west/traffic/']]);
    const deleted = run.calls.filter((c) => isCall('kubectl', 'delete')(c) && c.args.some((a) => a.endsWith('/traffic/')));
    expect(deleted.map((c) => c.context)).toEqual([contextOf('west')]);
  });

  it('says what each cluster is, and leaves out what does not apply', () => {
    const readme = readmeOf(synth(WITH_REMOTE).files);
    expect(readme).toContain('# Istio mesh `mesh1`: external control plane, 2 networks');
    expect(readme).toMatch(/^\| external \| - \| external control plane: runs istiod, reached at `192\.0\.2\.20` through istiod-external/m);
    expect(readme).toMatch(/^\| cluster1 \| network1 \| config cluster: /m);
    expect(readme).toMatch(/^\| cluster2 \| network2 \| remote, served by the istiod of external at `192\.0\.2\.20`/m);
    expect(readme).toContain('`clusters/external/mesh/`: the LoadBalancer Service `istiod-external`');
    expect(readme).toContain('`install/external/helm/istiod.values.yaml`');
    expect(readme).not.toMatch(/promoting a remote|Argo CD|Flux|Sail|istio-system|PRIMARIES/);
    expect(readme).toContain(': "${CTX_EXTERNAL:?set CTX_EXTERNAL to the kubeconfig context of external}"');
  });

  it('writes explicit commands, without a table of clusters, even for many clusters', async () => {
    const spec: MeshSpec = {
      ...CONFIG_ONLY,
      clusters: Array.from({ length: 7 }, (_, i) => ({ name: `c${i + 1}`, network: `n${(i % 2) + 1}` })),
      externalControlPlane: { ...CONFIG_ONLY.externalControlPlane!, configCluster: 'c1' },
    };
    const { mesh, files } = synth(spec);
    expect(readmeOf(files)).not.toContain('declare -A CONTEXT');
    await expectReadmeOrder(mesh.plan!, files);
  });
});
