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
 * Delivery of an example committed as `dist/<name>`: Argo CD, Flux with one Flux in a
 * management cluster (hub mode) and the Sail Operator.
 */
function exampleDelivery(name: string): Pick<MeshSpec, 'istioVersion' | 'delivery'> {
  return {
    istioVersion: EXAMPLE_ISTIO_VERSION,
    delivery: {
      repository: { url: EXAMPLE_REPOSITORY, branch: 'main', path: `dist/${name}` },
      argoCd: {},
      flux: { mode: FluxMode.HUB },
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

/** The API server addresses of the examples, from the documentation range (RFC 5737). */
export const EXAMPLE_API_SERVERS: Record<string, string> = {
  cluster1: 'https://192.0.2.21:6443',
  cluster2: 'https://192.0.2.22:6443',
};

/**
 * The descriptions of the four topologies of Istio's multicluster guide, with the guide's
 * names (`mesh1`, `cluster1`, `cluster2`, `network1`, `network2`), keyed by directory name,
 * each delivered with kubectl, Argo CD, Flux and the Sail Operator. Plain data, new on every
 * call; `examples/<name>.yaml` holds the same descriptions as mesh files (a test compares them).
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
      primary: { name: 'cluster1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS, apiServer: EXAMPLE_API_SERVERS.cluster1 },
      remotes: [{ name: 'cluster2', apiServer: EXAMPLE_API_SERVERS.cluster2 }],
      network: 'network1',
      ...exampleDelivery('primary-remote'),
      ...gitOpsCredentials(),
    }),
    'primary-remote-multi-network': Topology.primaryRemoteMultiNetwork({
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS, apiServer: EXAMPLE_API_SERVERS.cluster1 },
      remotes: [{ name: 'cluster2', network: 'network2', apiServer: EXAMPLE_API_SERVERS.cluster2 }],
      ...exampleDelivery('primary-remote-multi-network'),
      ...gitOpsCredentials(),
    }),
  };
}

/**
 * The four topologies of {@link seedTopologySpecs} as meshes in `scope`, each with its
 * directory name as construct id.
 */
export function seedTopologies(scope: Construct): Record<string, IstioMulticlusterMesh> {
  return Object.fromEntries(Object.entries(seedTopologySpecs()).map(([name, spec]) => [name, new IstioMulticlusterMesh(scope, name, spec)]));
}
