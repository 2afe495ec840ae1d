import { IstioVersion } from '../model/istio-version';
import { DataPlaneMode, IstiodExposure, JsonObject, VerificationClient } from '../model/mesh-spec';
import { CaKeyType, RootCaFromStore, SecretStoreKind, TrustMode } from '../model/trust-spec';
import { HttpMatchRequestSpec, LocalityFailoverSpec, OutlierDetectionSettings, SubsetSpec } from '../model/traffic-spec';
import { ClusterRole } from './cluster-role';
import { DeliveryPlan } from './delivery-plan';
import { MonitoringPlan } from './monitoring-plan';
import { Procedure } from './procedure';

export { DEFAULT_MESH_ID, DEFAULT_TRUST_DOMAIN } from '../model/mesh-spec';
export { ClusterRole } from './cluster-role';
/** The namespace of an external istiod, and of Istio in the clusters it serves, as Istio's guide names it. */
export const DEFAULT_EXTERNAL_ISTIOD_NAMESPACE = 'external-istiod';
export const DEFAULT_GATEWAY_MIN_REPLICAS = 1;
export const DEFAULT_GATEWAY_MAX_REPLICAS = 5;
/** The istiod chart's `pilot.autoscaleMin` and `pilot.autoscaleMax` (1.24 to 1.31), the defaults of `IstiodOptions`. */
export const DEFAULT_ISTIOD_MIN_REPLICAS = 1;
export const DEFAULT_ISTIOD_MAX_REPLICAS = 5;

/** `cluster-1` → `CTX_CLUSTER_1`: the environment variable the instructions use for a context. */
export function contextVariable(clusterName: string): string {
  return `CTX_${clusterName.toUpperCase().replace(/-/g, '_')}`;
}

/** A LoadBalancer Service's cloud-facing settings. */
export interface LoadBalancerPlan {
  readonly serviceAnnotations: Record<string, string>;
  readonly loadBalancerIP?: string;
  readonly loadBalancerSourceRanges?: string[];
}

/** What the east-west gateway of a cluster must do. */
export interface EastWestGatewayPlan extends LoadBalancerPlan {
  /** Set in multi-network meshes: the network the gateway serves (label and requested network view). */
  readonly network?: string;
  /** Whether the gateway carries istiod's ports 15012 and 15017 for remotes. */
  readonly exposesIstiod: boolean;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Whether to spread the pods across zones and nodes when `minReplicas` is 2 or more. */
  readonly topologySpread: boolean;
}

/** How a primary's istiod runs, when the description says (`ClusterSpec.istiod`). */
export interface IstiodPlan {
  /** The replicas that always run: the autoscaler's minimum, or the fixed number. */
  readonly minReplicas: number;
  /** The autoscaler's maximum; equal to `minReplicas`, istiod does not autoscale. */
  readonly maxReplicas: number;
}

/** Everything one cluster must have, derived from the whole mesh. */
export interface ClusterPlan {
  readonly name: string;
  /** 1-based position in the mesh; names the verification version (helloworld-v<index>). */
  readonly index: number;
  readonly network: string;
  readonly role: ClusterRole;
  /** Where the cluster's nodes are, when the description says (`ClusterSpec.locality`). */
  readonly locality?: { readonly region: string; readonly zones: string[] };
  /** The primary whose istiod controls this cluster (the cluster itself for a primary). */
  readonly controlPlaneCluster: string;
  /** For a primary: the remotes it controls. */
  readonly remotes: string[];
  /** For a primary that serves remotes: where they reach its istiod. */
  readonly discoveryAddress?: string;
  /** For a primary that serves remotes: how its istiod is exposed. */
  readonly istiodExposure?: IstiodExposure;
  /** For a primary that exposes istiod through `istiod-external`: that Service's settings. */
  readonly istiodLoadBalancer?: LoadBalancerPlan;
  /** For a remote: its primary's discovery address (`global.remotePilotAddress`). */
  readonly remotePilotAddress?: string;
  readonly eastWestGateway?: EastWestGatewayPlan;
  /**
   * For a primary whose description sets `istiod`: its replicas. Undefined otherwise, and then
   * the istiod chart's defaults apply.
   */
  readonly istiod?: IstiodPlan;
  /** Whether this cluster carries the cross-network Gateway that exposes all `*.local` services. */
  readonly exposesServices: boolean;
  /** The clusters whose API servers this cluster's istiod reads (remote secrets installed here). */
  readonly readsApiServersOf: string[];
  /** The kubeconfig context, as written in instructions. */
  readonly kubeContext: string;
  /** Where other clusters reach this cluster's API server, when it differs from the kubeconfig's. */
  readonly apiServer?: string;
  /** The name on the API server's certificate, when `apiServer` is not one. */
  readonly apiServerTlsName?: string;
  /**
   * Whether the cluster has objects besides its namespace (gateway, istiod-external, exposed
   * istiod or services), applied once its control plane is installed.
   */
  readonly hasMeshObjects: boolean;
  /**
   * Whether the cluster holds the mesh's traffic policies, when there are any: every cluster whose
   * Istio configuration an istiod reads (each primary, or the config cluster of an external
   * control plane); never a remote.
   */
  readonly hasTrafficPolicies: boolean;
  /** Whether the cluster gets monitoring objects (scrape configuration and alerts). */
  readonly hasMonitoring: boolean;
  /** The cluster's own Istio values, merged over the mesh's (see `istioInstallValues`). */
  readonly values?: JsonObject;
  /** The cluster's own mesh config, merged over the mesh's. */
  readonly meshConfig?: JsonObject;
}

/** An external control plane (`MeshSpec.externalControlPlane`), with its defaults filled in. */
export interface ExternalControlPlanePlan {
  /** The external cluster's name; not a cluster of the mesh. */
  readonly name: string;
  /** The external cluster's kubeconfig context, as written in instructions. */
  readonly kubeContext: string;
  /** The namespace istiod runs in, and Istio's namespace in every cluster of the mesh. */
  readonly namespace: string;
  /** The cluster of the mesh that holds the configuration: istiod's cluster ID. */
  readonly configCluster: string;
  /** Where the mesh's clusters reach istiod: the `istiod-external` Service's address. */
  readonly discoveryAddress: string;
  readonly istiodLoadBalancer: LoadBalancerPlan;
  /** istiod's replicas, when the description says. */
  readonly istiod?: IstiodPlan;
  /** The clusters istiod reads through remote secrets in the external cluster: all but the config cluster. */
  readonly readsApiServersOf: string[];
}

/** A validated mesh with every cluster's duties worked out. */
export interface MeshPlan {
  readonly meshId: string;
  readonly trustDomain: string;
  /** The Istio release, as Helm and istioctl are given it. */
  readonly istioVersion: string;
  /** The parsed release. */
  readonly istio: IstioVersion;
  /**
   * Sidecars, or ambient mode: then every cluster also installs `istio-cni` and `ztunnel`, and its
   * east-west gateway is a Gateway API gateway of class `istio-east-west`.
   */
  readonly dataPlaneMode: DataPlaneMode;
  /**
   * The minor release whose charts the output follows: the mesh's own, or the newest
   * the library knows when the mesh names a newer one.
   */
  readonly chartMinor: number;
  /** The namespace of Istio's control plane objects in every cluster: `istio-system`, or the external control plane's. */
  readonly istioNamespace: string;
  /** With an external control plane: where istiod runs, and whom it serves. */
  readonly externalControlPlane?: ExternalControlPlanePlan;
  /** True when the clusters span more than one network. */
  readonly multiNetwork: boolean;
  /** The networks, in order of first appearance. */
  readonly networks: string[];
  readonly clusters: ClusterPlan[];
  readonly verification: boolean;
  readonly verificationClient: VerificationClient;
  /** How the primaries get their intermediate CAs. */
  readonly trust: TrustPlan;
  /** With External Secrets, the store the remote secrets go through; undefined for istioctl. */
  readonly remoteCredentials?: { readonly secretStore: { readonly name: string; readonly kind: SecretStoreKind }; readonly keyPrefix: string };
  /**
   * The install procedure: every step of every cluster and every step done by hand, with what
   * each comes after. Every order of the output is read off it.
   */
  readonly procedure: Procedure;
  /** The delivery with Argo CD, Flux and the Sail Operator, and the order of every cluster's steps (the procedure's, by wave). */
  readonly delivery: DeliveryPlan;
  /** The mesh's Istio values, merged over the library's in every cluster (see `istioInstallValues`). */
  readonly values?: JsonObject;
  /** The mesh's mesh config, merged over the library's in every cluster. */
  readonly meshConfig?: JsonObject;
  /** Monitoring with the Prometheus Operator, defaults filled in; undefined when the mesh has none or turns it off. */
  readonly monitoring?: MonitoringPlan;
  /** The traffic policies, one per service, with their defaults filled in; held by every primary, or by the config cluster of an external control plane. */
  readonly trafficPolicies: TrafficPolicyPlan[];
}

/** A traffic policy of the mesh (`TrafficPolicySpec`), with its defaults filled in. */
export interface TrafficPolicyPlan {
  /** The service's fully qualified name. */
  readonly host: string;
  /** The service's name: the name of the policy's DestinationRule and VirtualService. */
  readonly name: string;
  /** The service's namespace, where the policy's objects go. */
  readonly namespace: string;
  readonly subsets: SubsetSpec[];
  /** The routes, every destination with its weight. */
  readonly routes: { readonly match?: HttpMatchRequestSpec[]; readonly route: { readonly subset: string; readonly weight: number }[] }[];
  readonly failover: LocalityFailoverSpec[];
  readonly failoverPriority: string[];
  readonly outlierDetection?: OutlierDetectionSettings;
}

/** The mesh's trust mode, with cert-manager's settings defaulted. */
export interface TrustPlan {
  readonly mode: TrustMode;
  readonly certManager?: {
    readonly rootCaSecret: string;
    readonly rootCaFromStore?: RootCaFromStore;
    readonly keyType: CaKeyType;
    readonly duration: string;
    readonly renewBefore: string;
  };
}

/** A cluster the output installs Istio into, by name and what it is to the mesh. */
export interface InstalledCluster {
  readonly name: string;
  /** `primary`, `remote` or `config` for a cluster of the mesh; `external` for an external control plane's cluster. */
  readonly role: ClusterRole | 'external';
}

/**
 * Every cluster the output installs Istio into: the mesh's, in the order of the description,
 * then the cluster of an external control plane, which runs istiod for them.
 */
export function installedClusters(mesh: MeshPlan): InstalledCluster[] {
  const ecp = mesh.externalControlPlane;
  return [...mesh.clusters.map((c) => ({ name: c.name, role: c.role })), ...(ecp ? [{ name: ecp.name, role: 'external' as const }] : [])];
}
