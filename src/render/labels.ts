/** Labels this library puts on every object it generates, for `kubectl apply --prune -l`. */

export const MANAGED_BY = 'cdk8s-istio-multicluster';
export const MESH_LABEL = 'cdk8s-istio-multicluster/mesh';
export const CLUSTER_LABEL = 'cdk8s-istio-multicluster/cluster';
/**
 * `mesh` for a cluster's mesh objects, `verify` for the verification workloads, `namespace`
 * for Istio's namespace, which no selector of the other layers may match: deleting it would
 * take istiod, `cacerts` and the remote secrets along. `delivery` for the Argo CD and Flux
 * objects, `install` for install resources such as the Sail Operator's `Istio`, `trust` for
 * cert-manager's Issuer and Certificate of a primary's intermediate CA, `credentials` for the
 * reader tokens and remote secrets that go through External Secrets, `traffic` for the traffic
 * policies and `monitoring` for the Prometheus Operator's objects: a layer per chart of a
 * cluster, so that `kubectl apply --prune -l` of one step never deletes another's.
 */
export const LAYER_LABEL = 'cdk8s-istio-multicluster/layer';

export type Layer = 'mesh' | 'verify' | 'namespace' | 'trust' | 'credentials' | 'delivery' | 'install' | 'traffic' | 'monitoring';

/** The labels of an object that belongs to one cluster of a mesh. */
export function commonLabels(meshId: string, cluster: string, layer: Layer): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [MESH_LABEL]: meshId,
    [CLUSTER_LABEL]: cluster,
    [LAYER_LABEL]: layer,
  };
}

/** The labels of an object that belongs to the mesh as a whole, such as Argo CD's root Application. */
export function meshLabels(meshId: string, layer: Layer): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [MESH_LABEL]: meshId,
    [LAYER_LABEL]: layer,
  };
}

/** The label selector that selects exactly one layer of one cluster of one mesh. */
export function layerSelector(meshId: string, cluster: string, layer: Layer): string {
  return `${MESH_LABEL}=${meshId},${CLUSTER_LABEL}=${cluster},${LAYER_LABEL}=${layer}`;
}

/** The ApplySet parent ConfigMap (in istio-system) that records what `kubectl apply --prune` may delete. */
export function applySetName(meshId: string): string {
  return `cdk8s-istio-multicluster-${meshId}`;
}
