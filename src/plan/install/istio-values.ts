import { isIPAddress } from '../../model/formats';
import { DataPlaneMode } from '../../model/mesh-spec';
import { ClusterRole } from '../cluster-role';
import type { ClusterPlan, ExternalControlPlanePlan, IstiodPlan, MeshPlan } from '../mesh-plan';
import { mergeValues, ValuesObject } from './merge-values';

/** istiod's webhook port, which remotes reach on the gateway or istiod-external Service. */
const WEBHOOK_PORT = 15017;


/**
 * The Istio install values of one cluster: the one model from which every install
 * format (IstioOperator, Helm values, Argo CD, Flux and the Sail Operator) is
 * rendered, so that the formats cannot disagree. Keys are Istio's own value paths.
 * Besides the keys below, which the library derives, it holds whatever the mesh's and
 * the cluster's `values` and `meshConfig` add.
 */
export interface IstioInstallValues {
  /**
   * `remote` on every cluster that runs no istiod (a remote, or every cluster of an external control
   * plane): an injector webhook and `istiod` Service pointing at the istiod that serves it. `ambient` in an ambient mesh: istiod for ambient mode, which the `istio-cni` and `ztunnel`
   * charts (installed with the same profile) complete.
   */
  readonly profile?: 'remote' | 'ambient';
  readonly meshConfig: {
    readonly trustDomain: string;
    /** Of an external istiod: its own namespace, where it looks for mesh-wide configuration. */
    readonly rootNamespace?: string;
    readonly [field: string]: unknown;
  };
  readonly global: {
    /** With an external control plane: its namespace, Istio's namespace in every cluster. */
    readonly istioNamespace?: string;
    readonly meshID: string;
    readonly multiCluster: { readonly clusterName: string };
    readonly network: string;
    /** On a primary that serves remotes: istiod also acts as their external control plane. */
    readonly externalIstiod?: boolean;
    /** Where the istiod that serves the cluster is reachable: its primary's, or the external istiod's. */
    readonly remotePilotAddress?: string;
    /**
     * Where istiod's RBAC and the CRDs must exist in this cluster: on a remote of a primary (as
     * Istio's primary-remote guide sets it), and on an external control plane's config cluster only.
     */
    readonly configCluster?: boolean;
    /**
     * On a primary with `istiod` set: whether istiod gets its PodDisruptionBudget (`minAvailable: 1`),
     * true only when at least 2 replicas always run, since with one it blocks every node drain.
     */
    readonly defaultPodDisruptionBudget?: { readonly enabled: boolean };
    readonly [key: string]: unknown;
  };
  readonly istiodRemote?: {
    /** The injection webhook path that tells the primary's istiod which cluster and network a pod is in. */
    readonly injectionPath?: string;
    /**
     * Instead of the path, for a primary reached by DNS name: the remote chart makes `istiod`
     * an ExternalName Service, through which the API server would call port 443, not 15017.
     */
    readonly injectionURL?: string;
    readonly [key: string]: unknown;
  };
  /**
   * In an ambient mesh: the `ztunnel` chart's values, which istioctl and this library's Helm values give
   * that chart at its top level. The cluster's name and network tell istiod where ztunnel's workloads are.
   */
  readonly ztunnel?: {
    readonly multiCluster: { readonly clusterName: string };
    readonly network: string;
    readonly [key: string]: unknown;
  };
  readonly pilot?: {
    /** On a primary with `istiod` set: false when it runs a fixed number of replicas (`replicaCount`). */
    readonly autoscaleEnabled?: boolean;
    /** When istiod autoscales: the replicas that always run. */
    readonly autoscaleMin?: number;
    /** When istiod autoscales: the most replicas it may run. */
    readonly autoscaleMax?: number;
    /** When istiod does not autoscale: its replicas. */
    readonly replicaCount?: number;
    readonly env?: {
      /** On a primary that remotes reach by DNS name: istiod's serving certificate must name that host. */
      readonly ISTIOD_CUSTOM_HOST?: string;
      /**
       * In an ambient mesh of several clusters: istiod serves workloads of other networks through their
       * east-west gateways and runs the `istio-east-west` GatewayClass (off by default in 1.27 to 1.31).
       */
      readonly AMBIENT_ENABLE_MULTI_NETWORK?: 'true';
      readonly [name: string]: unknown;
    };
    readonly [key: string]: unknown;
  };
  /** Any other value of the `istiod` chart, from the mesh's and the cluster's `values`. */
  readonly [key: string]: unknown;
}

/**
 * The install values of one cluster: the values the library derives, then the mesh's
 * `values` and `meshConfig` merged over them, then the cluster's own, as Helm merges values
 * files (see `mergeValues`). Validation refuses overrides that change a derived value, so the
 * result still has every derived value.
 */
export function istioInstallValues(mesh: MeshPlan, cluster: ClusterPlan): IstioInstallValues {
  const overrides = [valueOverrides(mesh.values, mesh.meshConfig), valueOverrides(cluster.values, cluster.meshConfig)];
  return overrides.reduce<ValuesObject>(mergeValues, derivedInstallValues(mesh, cluster)) as IstioInstallValues;
}

/**
 * One level's overrides as one values object: the mesh config is the values' `meshConfig`
 * (validation refuses a `meshConfig` inside `values`, so nothing is lost).
 */
function valueOverrides(values: ValuesObject | undefined, meshConfig: ValuesObject | undefined): ValuesObject {
  return { ...values, ...(meshConfig !== undefined ? { meshConfig } : {}) };
}

/**
 * The values the library derives for one cluster from the mesh plan, before any override:
 * every value here is the cluster's as the mesh requires it, and no override may change it.
 */
export function derivedInstallValues(mesh: MeshPlan, cluster: ClusterPlan): IstioInstallValues {
  if (mesh.externalControlPlane) return externallyControlledValues(mesh, cluster, mesh.externalControlPlane);
  const isRemote = cluster.role === ClusterRole.REMOTE;
  const global = {
    meshID: mesh.meshId,
    multiCluster: { clusterName: cluster.name },
    network: cluster.network,
    ...(cluster.remotes.length > 0 ? { externalIstiod: true } : {}),
    ...(isRemote ? { remotePilotAddress: cluster.remotePilotAddress!, configCluster: true } : {}),
    // The chart renders istiod's budget at one replica too up to 1.27, where it blocks every drain.
    ...(cluster.istiod ? { defaultPodDisruptionBudget: { enabled: cluster.istiod.minReplicas >= 2 } } : {}),
  };
  const injectionPath = `/inject/cluster/${cluster.name}/net/${cluster.network}`;
  const istiodRemote = isRemote
    ? (!isIPAddress(cluster.remotePilotAddress!)
      ? { injectionURL: `https://${cluster.remotePilotAddress}:${WEBHOOK_PORT}${injectionPath}` }
      : { injectionPath })
    : undefined;
  const customHost = cluster.remotes.length > 0 && cluster.discoveryAddress !== undefined && !isIPAddress(cluster.discoveryAddress)
    ? cluster.discoveryAddress : undefined;
  const ambient = mesh.dataPlaneMode === DataPlaneMode.AMBIENT;
  const env = {
    ...(customHost ? { ISTIOD_CUSTOM_HOST: customHost } : {}),
    // Validation allows ambient across clusters only on several networks.
    ...(ambient && mesh.clusters.length > 1 ? { AMBIENT_ENABLE_MULTI_NETWORK: 'true' as const } : {}),
  };
  const pilot = {
    ...(cluster.istiod ? istiodReplicaValues(cluster.istiod) : {}),
    ...(Object.keys(env).length > 0 ? { env } : {}),
  };
  return {
    ...(isRemote ? { profile: 'remote' as const } : ambient ? { profile: 'ambient' as const } : {}),
    meshConfig: { trustDomain: mesh.trustDomain },
    global,
    ...(istiodRemote ? { istiodRemote } : {}),
    ...(Object.keys(pilot).length > 0 ? { pilot } : {}),
    ...(ambient ? { ztunnel: { multiCluster: { clusterName: cluster.name }, network: cluster.network } } : {}),
  };
}

/**
 * The remote install of a cluster served by an external istiod, as Istio's external control plane
 * guide has it: the remote profile in the external istiod's namespace, pointed at its address; on
 * the config cluster also the CRDs, istiod's RBAC and the mesh config (`configCluster`,
 * `pilot.configMap`). Only the config cluster keeps the default revision's validator, which the
 * external istiod patches there alone.
 */
function externallyControlledValues(mesh: MeshPlan, cluster: ClusterPlan, ecp: ExternalControlPlanePlan): IstioInstallValues {
  const isConfig = cluster.role === ClusterRole.CONFIG;
  const address = ecp.discoveryAddress;
  const byIp = isIPAddress(address);
  const injectionPath = `/inject/cluster/${cluster.name}/net/${cluster.network}`;
  return {
    profile: 'remote',
    meshConfig: { trustDomain: mesh.trustDomain },
    global: {
      istioNamespace: ecp.namespace,
      meshID: mesh.meshId,
      multiCluster: { clusterName: cluster.name },
      network: cluster.network,
      remotePilotAddress: address,
      ...(isConfig ? { configCluster: true } : {}),
    },
    // Through a Service of type ExternalName (a DNS name) the API servers would call port 443, not 15017.
    istiodRemote: byIp ? { injectionPath } : { injectionURL: `https://${address}:${WEBHOOK_PORT}${injectionPath}` },
    ...(isConfig ? { pilot: { configMap: true } } : {}),
    ...(!byIp ? { base: { validationURL: `https://${address}:${WEBHOOK_PORT}/validate` } } : {}),
    defaultRevision: isConfig ? 'default' : '',
  };
}

/** The external istiod's volume of `istio-kubeconfig` that, not optional, holds its pod until the Secret exists. */
const REQUIRED_KUBECONFIG_VOLUME = 'config-cluster-kubeconfig';

/**
 * The install values of an external istiod: the `istiod` chart alone, in the external namespace,
 * with istiod's cluster ID and network those of the config cluster, reading it through the
 * `istio-kubeconfig` Secret the chart mounts, and the mesh config and injection templates of its own
 * cluster, which it mounts (`SHARED_MESH_CONFIG` merges the config cluster's under them). No webhook
 * configurations in the external cluster: the mesh's clusters have theirs, which istiod patches.
 * Then the mesh's `values` and `meshConfig`, as for every cluster.
 */
export function externalIstiodInstallValues(mesh: MeshPlan): IstioInstallValues {
  const ecp = mesh.externalControlPlane!;
  const config = mesh.clusters.find((c) => c.name === ecp.configCluster)!;
  const derived: IstioInstallValues = {
    meshConfig: { trustDomain: mesh.trustDomain, rootNamespace: ecp.namespace },
    global: {
      istioNamespace: ecp.namespace,
      meshID: mesh.meshId,
      multiCluster: { clusterName: config.name },
      network: config.network,
      externalIstiod: true,
      operatorManageWebhooks: true,
      configValidation: false,
      ...(ecp.istiod ? { defaultPodDisruptionBudget: { enabled: ecp.istiod.minReplicas >= 2 } } : {}),
    },
    pilot: {
      ...(ecp.istiod ? istiodReplicaValues(ecp.istiod) : {}),
      env: {
        LOCAL_CLUSTER_SECRET_WATCHER: 'true',
        SHARED_MESH_CONFIG: 'istio',
        // istiod's certificate names an IP address it is reached at by itself, a DNS name only so.
        ...(!isIPAddress(ecp.discoveryAddress) ? { ISTIOD_CUSTOM_HOST: ecp.discoveryAddress } : {}),
      },
      volumes: [
        { name: 'config-volume', configMap: { name: 'istio' } },
        { name: 'inject-volume', configMap: { name: 'istio-sidecar-injector' } },
        // The chart mounts istio-kubeconfig as optional, and istiod reads it once, when it starts:
        // started before it exists, istiod would serve the external cluster as its config cluster
        // for good. Mounted again, required, the pod waits for it, whatever applies the chart.
        { name: REQUIRED_KUBECONFIG_VOLUME, secret: { secretName: 'istio-kubeconfig' } },
      ],
      volumeMounts: [
        { name: 'config-volume', mountPath: '/etc/istio/config' },
        { name: 'inject-volume', mountPath: '/var/lib/istio/inject' },
        { name: REQUIRED_KUBECONFIG_VOLUME, mountPath: '/var/run/secrets/config-cluster', readOnly: true },
      ],
    },
  };
  return [valueOverrides(mesh.values, mesh.meshConfig)].reduce<ValuesObject>(mergeValues, derived as ValuesObject) as IstioInstallValues;
}

/**
 * istiod's replicas as the `istiod` chart takes them: the autoscaler's range, or, when it is a
 * single number, no autoscaler and a fixed count (`replicaCount` counts only without autoscaling).
 */
function istiodReplicaValues(istiod: IstiodPlan): NonNullable<IstioInstallValues['pilot']> {
  return istiod.minReplicas === istiod.maxReplicas
    ? { autoscaleEnabled: false, replicaCount: istiod.minReplicas }
    : { autoscaleEnabled: true, autoscaleMin: istiod.minReplicas, autoscaleMax: istiod.maxReplicas };
}
