import { App } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { IstiodExposure, IstioMulticlusterMesh, MeshFile, MeshOptions, MeshSpec, renderMeshFiles, seedTopologies, Topology, TrustMode } from '../src';

/** A Kubernetes-style object read back from generated YAML, with the file it came from. */
export interface EmittedObject {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly spec?: any;
  readonly [key: string]: any;
}

/** Synthesizes a mesh description the way the writer does, in memory. */
export function synth(spec: MeshSpec, id = 'mesh'): { mesh: IstioMulticlusterMesh; files: MeshFile[] } {
  const mesh = new IstioMulticlusterMesh(new App(), id, spec);
  return { mesh, files: renderMeshFiles(mesh) };
}

/** The files of the four seed topologies, by directory name, rendered in a fresh App. */
export function renderSeedFiles(): Record<string, MeshFile[]> {
  return Object.fromEntries(Object.entries(seedTopologies(new App())).map(([name, mesh]) => [name, renderMeshFiles(mesh)]));
}

/** Every file below `root`, by `/`-separated relative path, with its content in the given encoding. */
export function readTree(root: string, encoding: BufferEncoding = 'utf8'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full).split(path.sep).join('/')] = fs.readFileSync(full).toString(encoding);
    }
  };
  walk(root);
  return out;
}

/** Runs a call that must throw, and returns what it threw. */
export function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

/** Every YAML document of the given files (all files when no filter is given). */
export function parseObjects(files: MeshFile[], filter: (path: string) => boolean = () => true): EmittedObject[] {
  return files
    .filter((f) => f.path.endsWith('.yaml') && filter(f.path))
    .flatMap((f) => yaml.loadAll(f.content).filter((d) => d != null).map((d) => ({ ...(d as object), file: f.path }) as EmittedObject));
}

/** What `kubectl apply -R -f clusters/<cluster>/` applies: the cluster's namespace and mesh objects. */
export function appliedObjects(files: MeshFile[], cluster: string): EmittedObject[] {
  // In apply order: the namespace, then the mesh objects.
  return [
    ...parseObjects(files, (p) => p.startsWith(`clusters/${cluster}/namespace/`)),
    ...parseObjects(files, (p) => p.startsWith(`clusters/${cluster}/mesh/`)),
  ];
}

/** The verification workloads of one cluster. */
export function verifyObjects(files: MeshFile[], cluster: string): EmittedObject[] {
  return parseObjects(files, (p) => p.startsWith(`verify/${cluster}/`));
}

/** A parsed YAML file (install inputs). */
export function fileDocument(files: MeshFile[], path: string): any {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path}; have: ${files.map((f) => f.path).join(', ')}`);
  return yaml.load(file.content);
}

export function find(objects: EmittedObject[], kind: string, name: string): EmittedObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/**
 * An N-cluster mix beyond the four seed topologies: two networks, a primary on each,
 * each primary with a remote, and the second primary exposing istiod through its own
 * LoadBalancer Service instead of the gateway.
 */
export const MIXED_MESH: MeshSpec = {
  meshId: 'prod',
  trustDomain: 'prod.example.com',
  clusters: [
    { name: 'east-1', network: 'east', discoveryAddress: '203.0.113.10', podCidrs: ['10.1.0.0/16'], serviceCidrs: ['10.101.0.0/16'] },
    { name: 'east-2', network: 'east', controlPlaneCluster: 'east-1', podCidrs: ['10.2.0.0/16'], serviceCidrs: ['10.102.0.0/16'] },
    {
      name: 'west-1', network: 'west', discoveryAddress: 'istiod.west.example.com',
      istiodExposure: IstiodExposure.LOAD_BALANCER, istiodLoadBalancer: { loadBalancerIP: '198.51.100.7' },
      eastWestGateway: { replicas: 2, maxReplicas: 4, serviceAnnotations: { 'networking.gke.io/load-balancer-type': 'Internal' } },
    },
    { name: 'west-2', network: 'west', controlPlaneCluster: 'west-1' },
  ],
};

/** A mesh beyond the explicit-instructions limit: two networks, primaries with remotes, API server addresses. */
export const LOOPED: MeshSpec = {
  meshId: 'big',
  clusters: [
    ...MIXED_MESH.clusters,
    { name: 'east-3', network: 'east', controlPlaneCluster: 'east-1', apiServer: 'https://east-3.example.com:6443' },
    { name: 'solo', network: 'west', apiServer: 'https://10.0.0.7' },
    { name: 'west-3', network: 'west', controlPlaneCluster: 'west-1', kubeContext: 'admin@west-3' },
  ],
};

/**
 * The four topologies of Istio's guide with its names (cluster1 and cluster2; network1 and
 * network2 where there are two), built with the presets and the given mesh-wide options.
 */
export function guideTopologies(options: MeshOptions = {}): Record<string, MeshSpec> {
  return {
    'multi-primary': Topology.multiPrimary({ ...options, clusters: ['cluster1', 'cluster2'] }),
    'multi-primary-multi-network': Topology.multiPrimaryMultiNetwork({
      ...options, clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
    }),
    'primary-remote': Topology.primaryRemote({ ...options, primary: { name: 'cluster1', discoveryAddress: '192.0.2.10' }, remotes: ['cluster2'] }),
    'primary-remote-multi-network': Topology.primaryRemoteMultiNetwork({
      ...options,
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10' },
      remotes: [{ name: 'cluster2', network: 'network2' }],
    }),
  };
}

/** An external control plane serving its config cluster alone: the smallest mesh of the kind (issue 11's proof). */
export const ECP_CONFIG_ONLY: MeshSpec = {
  istioVersion: '1.30.3',
  externalControlPlane: { name: 'external', configCluster: 'cluster1', discoveryAddress: '192.0.2.20' },
  clusters: [{ name: 'cluster1', network: 'network1' }],
};

/** Ambient mode: every cluster a primary, two sharing a network, each with istio-cni and ztunnel. */
export const AMBIENT_MESH = Topology.ambientMultiNetwork({
  istioVersion: '1.30.3',
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
});

/** Trust by cert-manager, the root's Secret made by hand. */
export const CERT_MANAGER: MeshSpec['trust'] = { mode: TrustMode.CERT_MANAGER };
/** Trust by cert-manager, the root from a secret store. */
export const FROM_STORE: MeshSpec['trust'] = { mode: TrustMode.CERT_MANAGER, certManager: { rootCaFromStore: { secretStore: { name: 'vault' }, key: 'mesh/root' } } };

/** The mesh with its remote secrets through External Secrets, every cluster with the API server address it needs. */
export const EXTERNAL_SECRETS = (spec: MeshSpec): MeshSpec => ({
  ...spec,
  remoteCredentials: { externalSecrets: { secretStore: { name: 'mesh-credentials', kind: 'ClusterSecretStore' } } },
  clusters: spec.clusters.map((c) => ({ ...c, apiServer: `https://${c.name}.k8s.example.com` })),
});
