import { isIPAddress } from '../../model/formats';
import { ClusterPlan, ClusterRole, MeshPlan } from '../../plan/mesh-plan';

/** istiod's webhook port, which remotes reach on the gateway or istiod-external Service. */
const WEBHOOK_PORT = 15017;


/**
 * The Istio install values of one cluster: the one model from which every install
 * format (IstioOperator, Helm values, and later GitOps and operator resources) is
 * rendered, so that the formats cannot disagree. Keys are Istio's own value paths.
 */
export interface IstioInstallValues {
  /** `remote` on a remote cluster: no istiod, an injector webhook and `istiod` Service pointing at the primary. */
  readonly profile?: 'remote';
  readonly meshConfig: {
    readonly trustDomain: string;
  };
  readonly global: {
    readonly meshID: string;
    readonly multiCluster: { readonly clusterName: string };
    readonly network: string;
    /** On a primary that serves remotes: istiod also acts as their external control plane. */
    readonly externalIstiod?: boolean;
    /** On a remote: where its primary's istiod is reachable. */
    readonly remotePilotAddress?: string;
    /** On a remote, as Istio's primary-remote guide sets it: istiod's RBAC exists in this cluster. */
    readonly configCluster?: boolean;
  };
  readonly istiodRemote?: {
    /** The injection webhook path that tells the primary's istiod which cluster and network a pod is in. */
    readonly injectionPath?: string;
    /**
     * Instead of the path, for a primary reached by DNS name: the remote chart makes `istiod`
     * an ExternalName Service, through which the API server would call port 443, not 15017.
     */
    readonly injectionURL?: string;
  };
  /** On a primary that remotes reach by DNS name: istiod's serving certificate must name that host. */
  readonly pilot?: {
    readonly env: { readonly ISTIOD_CUSTOM_HOST: string };
  };
}

/** Derives the install values of one cluster from the mesh plan. */
export function istioInstallValues(mesh: MeshPlan, cluster: ClusterPlan): IstioInstallValues {
  const isRemote = cluster.role === ClusterRole.REMOTE;
  const global = {
    meshID: mesh.meshId,
    multiCluster: { clusterName: cluster.name },
    network: cluster.network,
    ...(cluster.remotes.length > 0 ? { externalIstiod: true } : {}),
    ...(isRemote ? { remotePilotAddress: cluster.remotePilotAddress!, configCluster: true } : {}),
  };
  const injectionPath = `/inject/cluster/${cluster.name}/net/${cluster.network}`;
  const istiodRemote = isRemote
    ? (!isIPAddress(cluster.remotePilotAddress!)
      ? { injectionURL: `https://${cluster.remotePilotAddress}:${WEBHOOK_PORT}${injectionPath}` }
      : { injectionPath })
    : undefined;
  const customHost = cluster.remotes.length > 0 && cluster.discoveryAddress !== undefined && !isIPAddress(cluster.discoveryAddress)
    ? cluster.discoveryAddress : undefined;
  return {
    ...(isRemote ? { profile: 'remote' as const } : {}),
    meshConfig: { trustDomain: mesh.trustDomain },
    global,
    ...(istiodRemote ? { istiodRemote } : {}),
    ...(customHost ? { pilot: { env: { ISTIOD_CUSTOM_HOST: customHost } } } : {}),
  };
}
