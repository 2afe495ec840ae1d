import { Construct } from 'constructs';
import { IstioMulticlusterMesh } from '../mesh';
import { FluxMode } from '../model/delivery-spec';
import { MeshSpec } from '../model/mesh-spec';
import { TrustMode } from '../model/trust-spec';
import { Topology } from '../model/topology';

/**
 * The discovery address of cluster1 in the examples: an address reserved for
 * documentation (RFC 5737). Replace it with your east-west gateway's address.
 */
export const EXAMPLE_DISCOVERY_ADDRESS = '192.0.2.10';

/**
 * The address of the external istiod in the external control plane example, from the range
 * reserved for documentation (RFC 5737). Replace it with your `istiod-external` Service's address.
 */
export const EXAMPLE_EXTERNAL_ISTIOD_ADDRESS = '192.0.2.20';

/**
 * The repository the examples are committed to: a reserved example domain (RFC 2606).
 * Replace it with your own.
 */
export const EXAMPLE_REPOSITORY = 'https://git.example.com/platform/istio-meshes.git';

/**
 * The Istio release of the examples: the newest that both Istio's chart repository and the
 * Sail Operator's imported `Istio` CRD list, so that every delivery format can install it.
 */
export const EXAMPLE_ISTIO_VERSION = '1.30.3';

/**
 * Delivery of an example committed as `dist/<name>`: Argo CD, Flux with one Flux for every
 * cluster (hub mode; in a management cluster, or in `fluxHubCluster`) and the Sail Operator.
 */
function exampleDelivery(name: string, fluxHubCluster?: string): Pick<MeshSpec, 'istioVersion' | 'delivery'> {
  return {
    istioVersion: EXAMPLE_ISTIO_VERSION,
    delivery: {
      repository: { url: EXAMPLE_REPOSITORY, branch: 'main', path: `dist/${name}` },
      argoCd: {},
      flux: { mode: FluxMode.HUB, ...(fluxHubCluster ? { hubCluster: fluxHubCluster } : {}) },
      sailOperator: true,
    },
  };
}

/**
 * Trust and remote credentials without a hand-made certificate or a live-cluster command: the
 * primary-remote examples take their intermediates from cert-manager (the root from a secret
 * store) and their remote secrets from External Secrets, through the same store. The
 * multi-primary examples keep the defaults: the offline CA command and istioctl.
 */
function gitOpsCredentials(): Pick<MeshSpec, 'trust' | 'remoteCredentials'> {
  const secretStore = { name: 'mesh-secrets', kind: 'ClusterSecretStore' as const };
  return {
    trust: { mode: TrustMode.CERT_MANAGER, certManager: { rootCaFromStore: { secretStore, key: 'istio/mesh1/root-ca' } } },
    remoteCredentials: { externalSecrets: { secretStore } },
  };
}

/**
 * Seed 001's day 2, for the primary-remote examples: backend's traffic by version (a header
 * match, then an 80/20 split), failover between the clusters' regions with outlier
 * detection, and alerts on the control plane's reach. Its HA istiod (3 replicas) and the
 * regions are set on the clusters.
 */
function seed001DayTwo(): Pick<MeshSpec, 'trafficPolicies' | 'monitoring'> {
  return {
    trafficPolicies: [{
      host: 'backend.production.svc.cluster.local',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
      routes: [
        { match: [{ headers: { version: { exact: 'v2' } } }], route: [{ subset: 'v2' }] },
        { route: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }] },
      ],
      failover: [{ from: 'us-east-1', to: 'us-west-2' }, { from: 'us-west-2', to: 'us-east-1' }],
      outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
    }],
    monitoring: {},
  };
}

/** The API server addresses of the examples, from the documentation range (RFC 5737). */
export const EXAMPLE_API_SERVERS: Record<string, string> = {
  cluster1: 'https://192.0.2.21:6443',
  cluster2: 'https://192.0.2.22:6443',
};

/**
 * The descriptions of the four topologies of Istio's multicluster guide, with the guide's
 * names (`mesh1`, `cluster1`, `cluster2`, `network1`, `network2`), an ambient mesh over several
 * networks, and an external control plane, keyed by directory name, each delivered with kubectl,
 * Argo CD, Flux and the Sail Operator. Plain data, new on every call; `examples/<name>.yaml` holds the same descriptions as mesh files (a test compares them).
 */
export function seedTopologySpecs(): Record<string, MeshSpec> {
  return {
    'multi-primary': Topology.multiPrimary({
      clusters: ['cluster1', 'cluster2'],
      network: 'network1',
      ...exampleDelivery('multi-primary'),
    }),
    'multi-primary-multi-network': Topology.multiPrimaryMultiNetwork({
      clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
      ...exampleDelivery('multi-primary-multi-network'),
    }),
    'primary-remote': Topology.primaryRemote({
      primary: {
        name: 'cluster1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS, apiServer: EXAMPLE_API_SERVERS.cluster1,
        locality: { region: 'us-east-1' }, istiod: { replicas: 3 },
      },
      remotes: [{ name: 'cluster2', apiServer: EXAMPLE_API_SERVERS.cluster2, locality: { region: 'us-west-2' } }],
      network: 'network1',
      ...exampleDelivery('primary-remote'),
      ...gitOpsCredentials(),
      ...seed001DayTwo(),
    }),
    'primary-remote-multi-network': Topology.primaryRemoteMultiNetwork({
      primary: {
        name: 'cluster1', network: 'network1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS, apiServer: EXAMPLE_API_SERVERS.cluster1,
        locality: { region: 'us-east-1' }, istiod: { replicas: 3 },
      },
      remotes: [{ name: 'cluster2', network: 'network2', apiServer: EXAMPLE_API_SERVERS.cluster2, locality: { region: 'us-west-2' } }],
      ...exampleDelivery('primary-remote-multi-network'),
      ...gitOpsCredentials(),
      ...seed001DayTwo(),
    }),
    // Beyond the seeds: ambient mode across three clusters, two of which share a network.
    'ambient-multi-network': Topology.ambientMultiNetwork({
      clusters: [
        { name: 'cluster1', network: 'network1' },
        { name: 'cluster2', network: 'network1' },
        { name: 'cluster3', network: 'network2' },
      ],
      ...exampleDelivery('ambient-multi-network'),
      monitoring: {},
    }),
    // Beyond the seeds: Istio's external control plane, serving a config cluster and a remote on
    // another network, delivered from the external cluster, where the one Flux runs.
    'external-control-plane': {
      istioVersion: EXAMPLE_ISTIO_VERSION,
      externalControlPlane: { name: 'external', configCluster: 'cluster1', discoveryAddress: EXAMPLE_EXTERNAL_ISTIOD_ADDRESS },
      clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
      ...exampleDelivery('external-control-plane', 'external'),
    },
  };
}

/**
 * The topologies of {@link seedTopologySpecs} as meshes in `scope`, each with its
 * directory name as construct id.
 */
export function seedTopologies(scope: Construct): Record<string, IstioMulticlusterMesh> {
  return Object.fromEntries(Object.entries(seedTopologySpecs()).map(([name, spec]) => [name, new IstioMulticlusterMesh(scope, name, spec)]));
}
