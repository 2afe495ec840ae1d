import { Construct } from 'constructs';
import { IstioMulticlusterMesh } from '../mesh';
import { Topology } from '../model/topology';

/**
 * The discovery address of cluster1 in the examples: an address reserved for
 * documentation (RFC 5737). Replace it with your east-west gateway's address.
 */
export const EXAMPLE_DISCOVERY_ADDRESS = '192.0.2.10';

/**
 * The four topologies of Istio's multicluster guide, with the guide's names
 * (`mesh1`, `cluster1`, `cluster2`, `network1`, `network2`), keyed by directory name.
 */
export function seedTopologies(scope: Construct): Record<string, IstioMulticlusterMesh> {
  return {
    'multi-primary': new IstioMulticlusterMesh(scope, 'multi-primary', Topology.multiPrimary({
      clusters: ['cluster1', 'cluster2'],
      network: 'network1',
    })),
    'multi-primary-multi-network': new IstioMulticlusterMesh(scope, 'multi-primary-multi-network', Topology.multiPrimaryMultiNetwork({
      clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
    })),
    'primary-remote': new IstioMulticlusterMesh(scope, 'primary-remote', Topology.primaryRemote({
      primary: { name: 'cluster1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS },
      remotes: ['cluster2'],
      network: 'network1',
    })),
    'primary-remote-multi-network': new IstioMulticlusterMesh(scope, 'primary-remote-multi-network', Topology.primaryRemoteMultiNetwork({
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: EXAMPLE_DISCOVERY_ADDRESS },
      remotes: [{ name: 'cluster2', network: 'network2' }],
    })),
  };
}
