/**
 * The generated output of each seed topology, installed on real API servers in the generated
 * README's order, with a real istiod per primary reading them: every cluster a primary must
 * read is registered and synced, every network's gateway is known at its address, helloworld's
 * endpoints come from every cluster (those of other networks through their network's gateway),
 * and a remote's injection path reaches its primary's injector with the remote's cluster and network.
 *
 * What no cloud or kubelet provides here, the test stands in for: load-balancer addresses on the
 * east-west gateways' Services, and EndpointSlices for the helloworld workloads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterPlan, ClusterRole, MeshPlan, MeshSpec } from '../../src';
import { CliIo } from '../../src/cli/io';
import { remoteSecretCommand } from '../../src/cli/commands/remote-secret';
import { guideTopologies, MIXED_MESH, synth } from '../support';
import {
  ClusterProcess, debug, eventually, getObject, IstiodProcess, kubectl, run, startCluster, startIstiod, stopAll, tools,
} from './processes';

/** The Istio release the tier's istiod and charts are built from (test/e2e/build.sh). */
const ISTIO_VERSION = process.env.E2E_ISTIO_VERSION ?? '1.31';

/** Where the test puts each cluster's east-west gateway: an address from the range reserved for documentation. */
const gatewayAddress = (c: ClusterPlan) => c.eastWestGateway?.exposesIstiod ? c.discoveryAddress! : `198.51.100.${10 + c.index}`;

/** The Helm chart directories in Istio's source, by chart. */
const CHART_DIRS = { base: 'base', istiod: 'istio-control/istio-discovery' } as const;

interface Installed {
  readonly plan: MeshPlan;
  readonly dir: string;
  readonly clusters: Map<string, ClusterProcess>;
  readonly istiods: Map<string, IstiodProcess>;
}

/** The CLI's output channels, collected. */
function collectingIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => { out += t; }, err: (t) => { err += t; }, env: { ...process.env, KUBECTL: tools.kubectl }, stdout: () => out, stderr: () => err };
}

/** The environment the installed istiod Deployment gives its container, with literal values (the pod's own fields are the harness's). */
async function chartEnvironment(cluster: ClusterProcess, namespace: string): Promise<Record<string, string>> {
  const deployment = await getObject(cluster, ['deployment', 'istiod', '-n', namespace]);
  const container = deployment.spec.template.spec.containers.find((c: any) => c.name === 'discovery');
  const env: Record<string, string> = {};
  // KUBECONFIG and CLUSTER_ID come from the harness; paths into the pod's mounts do not exist here.
  for (const e of container.env ?? []) if (e.value !== undefined && !['KUBECONFIG', 'CLUSTER_ID'].includes(e.name)) env[e.name] = e.value;
  return env;
}

/** The remote secret that lets a primary read `cluster`, made by the package's `remote-secret` command. */
async function remoteSecret(cluster: ClusterProcess, name: string, namespace: string): Promise<string> {
  const io = collectingIo();
  const code = await remoteSecretCommand({ context: cluster.name, kubeconfig: cluster.kubeconfig, name, server: cluster.server, namespace }, io);
  if (code !== 0) throw new Error(`remote-secret for ${name}: ${io.stderr()}`);
  return io.stdout();
}

/** The one object of a YAML stream that istioctl's way ends with `---`. */
const oneDocument = (text: string): any => yaml.loadAll(text).filter((d) => d !== null && d !== undefined)[0];

/** An EndpointSlice for helloworld in a cluster: a workload address no other cluster can reach, without a Pod (no kubelet runs). */
function helloworldEndpoints(c: ClusterPlan): object {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'helloworld-e2e', namespace: 'sample', labels: { 'kubernetes.io/service-name': 'helloworld', 'endpointslice.kubernetes.io/managed-by': 'e2e' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 5000, protocol: 'TCP' }],
    endpoints: [{ addresses: [`10.${10 + c.index}.0.5`], conditions: { ready: true } }],
  };
}

/** Deliberate breakage of the generated output, to show that the tier catches it. */
interface Breakage {
  /** Changes each remote secret before it is applied. */
  readonly remoteSecret?: (secret: any) => any;
  /** Removes the network label from the east-west gateways' Services once they are applied. */
  readonly unlabelGateways?: boolean;
}

/** Writes a mesh's output, at the tier's Istio release, below `work`. */
function writeMesh(spec: MeshSpec, work: string): { plan: MeshPlan; dir: string } {
  const { mesh, files } = synth({ ...spec, istioVersion: ISTIO_VERSION });
  const dir = path.join(work, 'mesh');
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  return { plan: mesh.plan!, dir };
}

/** Installs a mesh's output on fresh clusters, in the generated README's order, and starts istiod for every primary. */
async function install(spec: MeshSpec, work: string, breakage: Breakage = {}): Promise<Installed> {
  const { plan, dir } = writeMesh(spec, work);
  const ns = plan.istioNamespace;
  const started = await Promise.all(plan.clusters.map((c) => startCluster(c.name, work)));
  const clusters = new Map(started.map((c) => [c.name, c]));
  const of = (c: ClusterPlan) => clusters.get(c.name)!;
  const apply = (c: ClusterPlan, sub: string) => kubectl(of(c), ['apply', '-f', path.join(dir, sub)]);
  const primaries = plan.clusters.filter((c) => c.role === ClusterRole.PRIMARY);
  const remotes = plan.clusters.filter((c) => c.role === ClusterRole.REMOTE);

  // The README's order: namespaces; cacerts in every primary; each primary's charts and objects;
  // the remotes' charts and objects; remote secrets; verification workloads.
  for (const c of plan.clusters) await apply(c, `clusters/${c.name}/namespace`);
  const certs = path.join(work, 'certs');
  await run(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/cli.ts', 'ca', '--dir', certs, '--output-dir', dir,
    '--clusters', primaries.map((c) => c.name).join(',')]);
  for (const c of primaries) await kubectl(of(c), ['apply', '-f', path.join(certs, c.name, 'cacerts.yaml')]);

  const helmInstall = async (c: ClusterPlan, chart: keyof typeof CHART_DIRS, release: string) => {
    await run(tools.helm, ['upgrade', '--install', release, path.join(tools.charts, CHART_DIRS[chart]), '-n', ns, '--kubeconfig', of(c).kubeconfig,
      '-f', path.join(dir, 'install', c.name, 'helm', `${chart}.values.yaml`)]);
  };
  const istiods = new Map<string, IstiodProcess>();
  const withObjects = async (c: ClusterPlan) => {
    if (!c.hasMeshObjects) return;
    await apply(c, `clusters/${c.name}/mesh`);
    if (c.eastWestGateway) {
      // What the cloud's load balancer would do.
      await kubectl(of(c), ['patch', 'service', 'istio-eastwestgateway', '-n', ns, '--subresource=status', '--type=merge',
        '-p', JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: gatewayAddress(c) }] } } })]);
      if (breakage.unlabelGateways) await kubectl(of(c), ['label', 'service', 'istio-eastwestgateway', '-n', ns, 'topology.istio.io/network-']);
    }
  };
  for (const c of primaries) {
    await helmInstall(c, 'base', 'istio-base');
    await helmInstall(c, 'istiod', 'istiod');
    // istiod reads its plug-in CA from ./etc/cacerts, relative to its working directory.
    const istiodDir = path.join(work, 'istiod', c.name);
    const cacerts = await getObject(of(c), ['secret', 'cacerts', '-n', ns]);
    mkdirSync(path.join(istiodDir, 'etc', 'cacerts'), { recursive: true });
    for (const [key, value] of Object.entries<string>(cacerts.data)) writeFileSync(path.join(istiodDir, 'etc', 'cacerts', key), Buffer.from(value, 'base64'));
    istiods.set(c.name, await startIstiod(of(c), istiodDir, c.name, await chartEnvironment(of(c), ns), ns));
    await withObjects(c);
  }
  for (const c of remotes) {
    await helmInstall(c, 'base', 'istio-base');
    await helmInstall(c, 'istiod', 'istiod');
  }
  for (const c of primaries) {
    for (const read of c.readsApiServersOf) {
      const secret = oneDocument(await remoteSecret(clusters.get(read)!, read, ns));
      await kubectl(of(c), ['apply', '-f', '-'], JSON.stringify(breakage.remoteSecret ? breakage.remoteSecret(secret) : secret));
    }
  }
  for (const c of remotes) await withObjects(c);
  for (const c of plan.clusters) {
    await apply(c, `verify/${c.name}`);
    await kubectl(of(c), ['apply', '-f', '-'], JSON.stringify(helloworldEndpoints(c)));
  }
  return { plan, dir, clusters, istiods };
}

/** A POST of an AdmissionReview to istiod's injector, on its webhook port, at a path. */
function inject(istiod: IstiodProcess, injectionPath: string): Promise<any> {
  const review = {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: 'e2e', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'sample', operation: 'CREATE',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'injected', namespace: 'sample', labels: { app: 'e2e' } }, spec: { containers: [{ name: 'app', image: 'app' }] } },
    },
  };
  const [host, port] = istiod.https.split(':');
  return new Promise((resolve, reject) => {
    // istiod serves its webhook with a certificate of the mesh's CA; loopback only.
    const req = https.request({ host, port: Number(port), path: injectionPath, method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(new Error(`${res.statusCode}: ${body}`)); } });
    });
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

/** Every primary's istiod registers and syncs every cluster it must read, itself included. */
async function expectSyncedClusters({ plan, istiods }: Installed, timeoutMs?: number): Promise<void> {
  for (const c of plan.clusters.filter((k) => k.role === ClusterRole.PRIMARY)) {
    const expected = [c.name, ...c.readsApiServersOf].sort();
    await eventually(`${c.name}'s istiod reads ${expected.join(', ')}`, async () => {
      const clusters: any[] = await debug(istiods.get(c.name)!, 'clusterz');
      const synced = clusters.filter((k) => k.syncStatus === 'synced').map((k) => k.id).sort();
      if (JSON.stringify(synced) !== JSON.stringify(expected)) throw new Error(`istiod's clusters: ${JSON.stringify(clusters)}`);
      return synced;
    }, timeoutMs);
  }
}

/** Across networks, every primary's istiod knows every network's east-west gateway at the address it has. */
async function expectGateways({ plan, istiods }: Installed, timeoutMs?: number): Promise<void> {
  if (!plan.multiNetwork) return;
  const expected = plan.clusters.filter((c) => c.eastWestGateway).map((c) => `${c.network} ${gatewayAddress(c)}:15443`).sort();
  for (const c of plan.clusters.filter((k) => k.role === ClusterRole.PRIMARY)) {
    await eventually(`${c.name}'s istiod knows the gateways ${expected.join(', ')}`, async () => {
      const gateways: any[] = await debug(istiods.get(c.name)!, 'networkz');
      const known = [...new Set(gateways.map((g) => `${g.Network} ${g.Addr}:${g.Port}`))].sort();
      if (!expected.every((e) => known.includes(e))) throw new Error(`istiod knows ${JSON.stringify(gateways)}`);
      return known;
    }, timeoutMs);
  }
}

const topologies: [string, MeshSpec][] = [
  ...Object.entries(guideTopologies()),
  ['three clusters, two networks: primaries with a remote', MIXED_MESH],
];

describe.each(topologies)('%s, on real API servers with a real istiod', (_name, spec) => {
  let work: string;
  let installed: Installed;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'e2e-mesh-'));
    installed = await install(spec, work);
  });
  afterAll(async () => {
    await stopAll();
    if (process.env.E2E_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  });

  it('registers and syncs, in every primary\'s istiod, every cluster it must read', () => expectSyncedClusters(installed));

  it('knows every network\'s gateway at its address', () => expectGateways(installed));

  it('has helloworld\'s endpoints from every cluster, each on its cluster\'s network (reached through that network\'s gateway)', async () => {
    const { plan, istiods } = installed;
    const expected = Object.fromEntries(plan.clusters.map((c) => [`Kubernetes/${c.name}`, [`10.${10 + c.index}.0.5 ${c.network}`]]));
    for (const c of plan.clusters.filter((k) => k.role === ClusterRole.PRIMARY)) {
      await eventually(`${c.name}'s istiod has helloworld in every cluster`, async () => {
        const shards = await debug(istiods.get(c.name)!, 'endpointShardz');
        const hello: Record<string, any[]> = shards['helloworld.sample.svc.cluster.local']?.sample?.Shards ?? {};
        const found = Object.fromEntries(Object.entries(hello).map(([shard, eps]) => [shard, eps.flatMap((e) => e.Addresses.map((a: string) => `${a} ${e.Network}`))]));
        expect(found).toEqual(expected);
        return found;
      });
    }
  });

  it('injects, through a remote\'s injection path, the remote\'s cluster and network', async () => {
    const { plan, clusters, istiods } = installed;
    for (const c of plan.clusters.filter((k) => k.role === ClusterRole.REMOTE)) {
      const webhook = await getObject(clusters.get(c.name)!, ['mutatingwebhookconfiguration', `istio-sidecar-injector${plan.istioNamespace === 'istio-system' ? '' : `-${plan.istioNamespace}`}`]);
      // A Service path where istiod is reached by IP address, a URL where by DNS name.
      const { service, url } = webhook.webhooks[0].clientConfig;
      const injectionPath: string = service?.path ?? new URL(url).pathname;
      const response = await inject(istiods.get(c.controlPlaneCluster)!, injectionPath);
      expect(response.response.allowed).toBe(true);
      const patch = Buffer.from(response.response.patch, 'base64').toString('utf8');
      expect(patch).toContain(`"name":"ISTIO_META_CLUSTER_ID","value":"${c.name}"`);
      expect(patch).toContain(`"name":"ISTIO_META_NETWORK","value":"${c.network}"`);
    }
  });
});

describe('the remote-secret command, against a real API server', () => {
  afterAll(stopAll);

  it('makes the Secret istioctl create-remote-secret makes for the same cluster', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'e2e-secret-'));
    try {
      const cluster = await startCluster('cluster2', work);
      await run(tools.helm, ['install', 'istio-base', path.join(tools.charts, CHART_DIRS.base), '-n', 'istio-system', '--create-namespace', '--kubeconfig', cluster.kubeconfig]);
      const ours = oneDocument(await remoteSecret(cluster, 'cluster2', 'istio-system'));
      // istioctl reuses the token Secret the command made, as the command reuses istioctl's.
      const { stdout } = await run(path.join(tools.istioBin, 'istioctl'), ['create-remote-secret', '--kubeconfig', cluster.kubeconfig, '--context', 'cluster2',
        '--name', 'cluster2', '--server', cluster.server]);
      const theirs = oneDocument(stdout);
      const kubeconfigOf = (s: any) => yaml.load(s.stringData.cluster2);
      expect(kubeconfigOf(ours)).toEqual(kubeconfigOf(theirs));
      expect({ ...ours, stringData: undefined }).toEqual({ ...theirs, stringData: undefined });
    } finally {
      await stopAll();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

/**
 * The tier catches a broken output: the same checks, against an install broken on purpose, fail.
 * Each breakage is one users meet: a remote secret whose key is not the cluster's name (istiod
 * registers it under that key), an east-west gateway whose Service lacks its network label.
 */
describe.each<[string, Breakage, (i: Installed) => Promise<void>]>([
  ['a remote secret whose key is not the cluster\'s name', {
    remoteSecret: (s) => ({ ...s, stringData: Object.fromEntries(Object.values<string>(s.stringData).map((v) => ['wrong-key', v])) }),
  }, (i) => expectSyncedClusters(i, 15_000)],
  ['east-west gateways without their network label', { unlabelGateways: true }, (i) => expectGateways(i, 15_000)],
])('a mesh output broken on purpose: %s', (_name, breakage, check) => {
  let work: string;
  let installed: Installed;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'e2e-broken-'));
    installed = await install(guideTopologies()['multi-primary-multi-network'], work, breakage);
  });
  afterAll(async () => {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  });

  it('fails the check that would pass on the generated output', async () => {
    await expect(check(installed)).rejects.toThrow(/not within/);
  });
});

describe('a mesh output applied out of order', () => {
  afterAll(stopAll);

  it('is refused by the API server: the mesh objects before Istio\'s CRDs (the base chart)', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'e2e-order-'));
    try {
      const { plan, dir } = writeMesh(guideTopologies()['multi-primary-multi-network'], work);
      const c = plan.clusters[0];
      const cluster = await startCluster(c.name, work);
      await kubectl(cluster, ['apply', '-f', path.join(dir, 'clusters', c.name, 'namespace')]);
      // The cross-network Gateway is an Istio object: without the base chart's CRDs there is no such kind.
      await expect(kubectl(cluster, ['apply', '-f', path.join(dir, 'clusters', c.name, 'mesh')])).rejects.toThrow(/no matches for kind "Gateway"/);
      // In the README's order it is accepted.
      await run(tools.helm, ['install', 'istio-base', path.join(tools.charts, CHART_DIRS.base), '-n', 'istio-system', '--kubeconfig', cluster.kubeconfig,
        '-f', path.join(dir, 'install', c.name, 'helm', 'base.values.yaml')]);
      await eventually('Istio\'s CRDs are served', async () => (await kubectl(cluster, ['apply', '-f', path.join(dir, 'clusters', c.name, 'mesh')])).stdout);
    } finally {
      await stopAll();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
