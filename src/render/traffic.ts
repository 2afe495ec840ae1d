import { CrossClusterTrafficPolicy } from '../constructs/traffic/cross-cluster-traffic-policy';
import { ClusterPlan, ClusterRole, MeshPlan } from '../plan/mesh-plan';
import { ManifestChart } from './manifest-chart';

/** The file of a policy: its service and namespace, which no other policy has both of. */
export const trafficPolicyFile = (policy: { name: string; namespace: string }) => `10-${policy.name}.${policy.namespace}.yaml`;

/**
 * Adds the mesh's traffic policies to one cluster's chart, one file per policy
 * (`10-<service>.<namespace>.yaml`: its DestinationRule and VirtualService). Every primary gets
 * every policy, the same on each: an istiod reads Istio configuration only from its own cluster,
 * and configures the proxies of its remotes with it. An external istiod reads it from its config
 * cluster, which gets them instead. A remote gets none, as no istiod reads its Istio configuration.
 */
export function renderTrafficPolicies(chart: ManifestChart, mesh: MeshPlan, cluster: ClusterPlan): void {
  if (cluster.role !== ClusterRole.PRIMARY && cluster.role !== ClusterRole.CONFIG) return;
  for (const policy of mesh.trafficPolicies) {
    // Keyed by host, which no two policies share.
    chart.addFile(trafficPolicyFile(policy), new CrossClusterTrafficPolicy(chart, `TrafficPolicy-${policy.host}`, policy));
  }
}
