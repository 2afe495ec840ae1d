/**
 * Names of the objects that deliver a mesh with Argo CD and Flux. They are prefixed with the
 * mesh ID and the cluster name, so that several meshes can share one Argo CD or Flux, and they
 * end up in label values (`app.kubernetes.io/instance`, `kustomize.toolkit.fluxcd.io/name`),
 * so they must stay within 63 characters.
 */

/** The steps through which a cluster is delivered; their order is the delivery plan's (`WAVES`), not this list's. */
export enum DeliveryStage {
  /** Istio's namespace (`istio-system`, or the external control plane's), with the network label and the remote's control-plane annotation. */
  NAMESPACE = 'namespace',
  /** With cert-manager: the Issuer and Certificate that put the primary's intermediate CA into `cacerts`. */
  TRUST = 'trust',
  /** Istio's `base` chart: the CRDs, the reader service account, the default validator. */
  BASE = 'istio-base',
  /** Istio's `istiod` chart: istiod on a primary or an external control plane's cluster, the remote profile's webhook and Service on a remote. */
  ISTIOD = 'istiod',
  /** In an ambient mesh: Istio's `cni` chart, the `istio-cni` node agent that sends pods' traffic to ztunnel. */
  CNI = 'istio-cni',
  /** In an ambient mesh: Istio's `ztunnel` chart, the per-node proxy that carries the pods' traffic (after istiod and CNI). */
  ZTUNNEL = 'ztunnel',
  /** With External Secrets: the cluster's reader token, published to the store for the primaries that read it. */
  CREDENTIALS = 'credentials',
  /** With External Secrets: a primary's remote secrets, rendered from the store, one per cluster it reads. */
  REMOTE_SECRETS = 'remote-secrets',
  /** The cluster's mesh objects: east-west gateway, exposed istiod and services, or the `istiod-external` Service. */
  OBJECTS = 'mesh',
  /** The traffic policies (DestinationRules, VirtualServices) of a primary or the config cluster, read by the istiod that reads that cluster. */
  TRAFFIC = 'traffic',
  /** With monitoring: the Prometheus Operator's scrape configuration and alerts of the cluster. */
  MONITORING = 'monitoring',
}

/** The longest suffix a delivery object's name gets after `<meshId>-<cluster>`. */
const LONGEST_SUFFIX = '-remote-secrets';

/** The name of one cluster's delivery object: `<meshId>-<cluster>-<what>`. */
export function deliveryObjectName(meshId: string, cluster: string, what: string): string {
  return `${meshId}-${cluster}-${what}`;
}

/** The longest name a cluster's delivery objects get. */
export function longestDeliveryObjectName(meshId: string, cluster: string): string {
  return `${meshId}-${cluster}${LONGEST_SUFFIX}`;
}

/** The Helm release names in each cluster: the same as the kubectl path's, so that either path sees one release. */
export const HELM_RELEASE_NAMES: Record<HelmStage, string> = {
  [DeliveryStage.BASE]: 'istio-base',
  [DeliveryStage.ISTIOD]: 'istiod',
  [DeliveryStage.CNI]: 'istio-cni',
  [DeliveryStage.ZTUNNEL]: 'ztunnel',
};

/** The stages that install one of Istio's Helm charts. */
export type HelmStage = DeliveryStage.BASE | DeliveryStage.ISTIOD | DeliveryStage.CNI | DeliveryStage.ZTUNNEL;

/** The name of each stage's chart in Istio's Helm repository. */
export const HELM_CHART_NAMES: Record<HelmStage, string> = {
  [DeliveryStage.BASE]: 'base',
  [DeliveryStage.ISTIOD]: 'istiod',
  [DeliveryStage.CNI]: 'cni',
  [DeliveryStage.ZTUNNEL]: 'ztunnel',
};
