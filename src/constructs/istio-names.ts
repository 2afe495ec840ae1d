/** Names, labels and ports as Istio itself spells them. */

export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';
export const EASTWEST_GATEWAY_NAME = 'istio-eastwestgateway';

/** The label istiod reads to place a namespace, pod or gateway Service on a network. */
export const NETWORK_LABEL = 'topology.istio.io/network';
/** The namespace annotation naming the primaries whose istiod manages a remote cluster. */
export const CONTROL_PLANE_CLUSTERS_ANNOTATION = 'topology.istio.io/controlPlaneClusters';

/** The namespace or pod label that enrolls workloads in ambient mode (`ambient`) or keeps them out (`none`). */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/**
 * The Service label that makes a service of an ambient mesh reachable from other clusters: the
 * ambient profile's `serviceScopeConfigs` give services with `istio.io/global: "true"` the GLOBAL scope.
 */
export const GLOBAL_SERVICE_LABEL = 'istio.io/global';

export const STATUS_PORT = 15021;
/** mTLS traffic between networks (AUTO_PASSTHROUGH). */
export const CROSS_NETWORK_PORT = 15443;
/** istiod's xDS and certificate service. */
export const ISTIOD_XDS_PORT = 15012;
/** istiod's webhooks (sidecar injection, validation). */
export const ISTIOD_WEBHOOK_PORT = 15017;
/** The istiod Service port that forwards to the webhook container port. */
export const ISTIOD_SERVICE_WEBHOOK_PORT = 443;

/** Istio's gateway selector convention: `istio-eastwestgateway` is selected by `istio: eastwestgateway`. */
export function gatewaySelectorLabels(gatewayName: string): Record<string, string> {
  return { app: gatewayName, istio: gatewayName.replace(/^istio-/, '') };
}

/** The cluster-local name of istiod's Service, which the exposing VirtualService routes to. */
export function istiodHost(namespace: string): string {
  return `istiod.${namespace}.svc.cluster.local`;
}

/** Istio's Helm chart repository, from which every install path takes the `base`, `istiod`, `cni` and `ztunnel` charts of the mesh's release. */
export const ISTIO_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
