import { ClusterDeliveryOptions, DeliverySpec } from './delivery-spec';
import { RemoteCredentialsSpec, TrustSpec } from './trust-spec';
import { ClusterLocality, TrafficPolicySpec } from './traffic-spec';
import { MonitoringSpec } from './monitoring-spec';

/** The mesh ID when a description names none. */
export const DEFAULT_MESH_ID = 'mesh1';
/** The trust domain when a description names none. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/**
 * How a primary's istiod is reachable from the remote clusters it serves.
 */
export enum IstiodExposure {
  /**
   * Through the primary's east-west gateway on ports 15012 and 15017, with the
   * `istiod-gateway` Gateway and `istiod-vs` VirtualService (Istio's documented way).
   */
  EAST_WEST_GATEWAY = 'EastWestGateway',
  /**
   * Through a dedicated LoadBalancer Service, `istiod-external`, in front of istiod
   * (no east-west gateway needed for this on a single network).
   */
  LOAD_BALANCER = 'LoadBalancer',
}

/**
 * A JSON value, as Helm values and Istio's MeshConfig are made of: a string, a finite number,
 * true or false, null, a list or an object.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object of free-form fields, such as Istio's Helm values or its MeshConfig. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Settings for a LoadBalancer Service that other clusters connect to. */
export interface LoadBalancerOptions {
  /**
   * Annotations for the LoadBalancer Service, for example a cloud's
   * internal-load-balancer annotation.
   * @default - none
   */
  readonly serviceAnnotations?: Record<string, string>;

  /**
   * A fixed address for the LoadBalancer Service (`spec.loadBalancerIP`), so that
   * it can be known before the Service exists.
   * @default - the cloud assigns one
   */
  readonly loadBalancerIP?: string;

  /**
   * The client networks allowed to connect, in CIDR notation
   * (`spec.loadBalancerSourceRanges`). The load balancer is Internet-facing unless a
   * cloud annotation makes it internal; name the other clusters' egress ranges here.
   * @default - any source may connect
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** Overrides for a cluster's east-west gateway (`istio-eastwestgateway`). */
export interface EastWestGatewayOptions extends LoadBalancerOptions {
  /**
   * Minimum number of gateway replicas; the HorizontalPodAutoscaler scales between
   * this and `maxReplicas`.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Maximum number of gateway replicas the HorizontalPodAutoscaler may scale to.
   * @default 5, or `replicas` when that is larger
   */
  readonly maxReplicas?: number;

  /**
   * Whether to spread the gateway's pods across zones and nodes (`topologySpreadConstraints` on
   * `topology.kubernetes.io/zone` and `kubernetes.io/hostname`, `ScheduleAnyway`) when `replicas`
   * is 2 or more. Turn it off where your cluster's scheduler already spreads pods by its own rules.
   * @default true
   */
  readonly topologySpread?: boolean;
}

/**
 * How a primary runs istiod: how many replicas, and whether it autoscales. istiod gets a
 * PodDisruptionBudget (keeping one replica up) only when at least 2 replicas always run, since
 * with one it would forbid every eviction and block node drains.
 */
export interface IstiodOptions {
  /**
   * The number of istiod replicas that always run: the autoscaler's minimum
   * (`pilot.autoscaleMin`), or the fixed number (`pilot.replicaCount`) when `maxReplicas` equals it.
   * A whole number of at least 1.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * The most istiod replicas the HorizontalPodAutoscaler may run (`pilot.autoscaleMax`). When it
   * equals `replicas`, istiod does not autoscale (`pilot.autoscaleEnabled: false`) and runs exactly
   * `replicas`. No smaller than `replicas`.
   * @default 5 (the istiod chart's), or `replicas` when that is larger
   */
  readonly maxReplicas?: number;
}

/** One Kubernetes cluster in the mesh. */
export interface ClusterSpec {
  /**
   * The cluster's name in the mesh (`global.multiCluster.clusterName`), unique, a DNS-1123 label.
   */
  readonly name: string;

  /**
   * The network the cluster's pods are on (`global.network`). Clusters on the same
   * network reach each other's pods directly; across networks traffic goes through
   * east-west gateways.
   */
  readonly network: string;

  /**
   * Where the cluster's nodes are: their `topology.kubernetes.io/region` and `zone` labels.
   * Istio reads these from the nodes itself; stating them lets the mesh's traffic policies be
   * checked to fail over only between regions the mesh has.
   * @default - not stated: no traffic policy may fail over by region
   */
  readonly locality?: ClusterLocality;

  /**
   * The primary cluster whose istiod controls this cluster. Set it to make this
   * cluster a remote; leave it out to make this cluster a primary running its own istiod.
   * @default - this cluster is a primary
   */
  readonly controlPlaneCluster?: string;

  /**
   * For a primary that serves remotes: the IP address or DNS name at which the
   * remotes reach this primary's istiod (the east-west gateway's or the
   * `istiod-external` Service's load-balancer address). Remotes get it as
   * `global.remotePilotAddress`.
   * @default - none; required when the cluster serves remotes
   */
  readonly discoveryAddress?: string;

  /**
   * How a primary that serves remotes exposes its istiod.
   * @default IstiodExposure.EAST_WEST_GATEWAY
   */
  readonly istiodExposure?: IstiodExposure;

  /**
   * Settings for the `istiod-external` LoadBalancer Service, when `istiodExposure`
   * is `IstiodExposure.LOAD_BALANCER`.
   * @default - cloud-assigned address, no annotations
   */
  readonly istiodLoadBalancer?: LoadBalancerOptions;

  /**
   * The cluster's pod networks, in CIDR notation. When given, they are checked not
   * to overlap with those of other clusters on the same network.
   * @default - not checked
   */
  readonly podCidrs?: string[];

  /**
   * The cluster's Service networks, in CIDR notation. When given, they are checked
   * not to overlap with those of other clusters on the same network.
   * @default - not checked
   */
  readonly serviceCidrs?: string[];

  /**
   * For a primary: how many istiod replicas run, and whether they autoscale; with 2 or more,
   * istiod also gets a PodDisruptionBudget. A remote runs no istiod, so it takes none.
   * @default - the istiod chart's: autoscaling from 1 to 5 replicas
   */
  readonly istiod?: IstiodOptions;

  /**
   * Overrides for this cluster's east-west gateway, where it has one.
   * @default - one to five replicas, cloud-assigned address
   */
  readonly eastWestGateway?: EastWestGatewayOptions;

  /**
   * The URL at which other clusters reach this cluster's API server, when it differs
   * from the address in your kubeconfig (kind clusters, private endpoints, proxies).
   * The remote secrets that primaries use to read this cluster are created with it
   * (`istioctl create-remote-secret --server`). An `https://` URL.
   * @default - the server address of the cluster's kubeconfig context
   */
  readonly apiServer?: string;

  /**
   * The name to check the API server's certificate against, when `apiServer` is not a name
   * on it (a proxy, or an address the certificate does not list): the remote secret's
   * `tls-server-name`.
   * @default - the host of `apiServer`
   */
  readonly apiServerTlsName?: string;

  /**
   * The kubeconfig context of this cluster, as used in the generated instructions.
   * @default - `${CTX_<NAME>}`: an environment variable named after the cluster
   */
  readonly kubeContext?: string;

  /**
   * How Argo CD and Flux address this cluster, when the mesh is delivered with them.
   * @default - Argo CD addresses it by its name, Flux (hub mode) by the Secret `<name>-kubeconfig`
   */
  readonly delivery?: ClusterDeliveryOptions;

  /**
   * Istio's Helm values for this cluster, merged over the mesh's `values`: what goes under an
   * IstioOperator's `spec.values`, into the `istiod` chart's values and the Sail Operator's
   * `spec.values`, such as `{ pilot: { autoscaleMin: 3 } }`. Objects merge key by key, lists
   * and other values replace, and `null` deletes a key. The values the library derives from
   * the description (cluster name, network, mesh ID, remote settings) may only be given the
   * value it derives; `profile`, `meshConfig` (use `meshConfig`) and `revision` are refused.
   * @default - none: the mesh's `values`
   */
  readonly values?: JsonObject;

  /**
   * Istio's mesh config for this cluster, merged over the mesh's `meshConfig` as `values` are:
   * an IstioOperator's `spec.meshConfig`, the `istiod` chart's `meshConfig` value and the Sail
   * Operator's `spec.values.meshConfig`, such as `{ accessLogFile: '/dev/stdout' }`. Its
   * `trustDomain` is the mesh's `trustDomain`.
   * @default - none: the mesh's `meshConfig`
   */
  readonly meshConfig?: JsonObject;
}

/**
 * How workloads join the mesh: with a sidecar proxy in every pod, or in ambient mode, where a
 * per-node ztunnel (and, for L7 features, waypoint proxies) carries their traffic.
 */
export enum DataPlaneMode {
  /** An Envoy sidecar injected into every pod of a labelled namespace (Istio's default). */
  SIDECAR = 'sidecar',
  /**
   * Ambient mode: the `istio-cni` node agent and `ztunnel` on every node, no sidecars. Across
   * clusters, Istio supports it for multi-primary meshes on several networks only: alpha in Istio
   * 1.27 and 1.28, beta from 1.29. Services are cluster-local until labelled `istio.io/global: "true"`.
   */
  AMBIENT = 'ambient',
}

/**
 * Istio's external control plane: istiod runs in a cluster outside the mesh (the external
 * cluster), in its own namespace, and serves every cluster of the mesh. One cluster of the mesh,
 * the config cluster, holds the mesh's configuration, which istiod reads through a kubeconfig;
 * the others are remotes of it.
 */
export interface ExternalControlPlaneSpec {
  /**
   * The external cluster's name: a DNS-1123 label, not the name of a cluster of the mesh. It
   * names the cluster's output directories and, by default, its kubeconfig context variable.
   */
  readonly name: string;

  /** The cluster of the mesh that holds its configuration: istiod's own cluster ID. */
  readonly configCluster: string;

  /**
   * The IP address or DNS name at which the mesh's clusters reach the external istiod: the
   * address of its `istiod-external` LoadBalancer Service.
   */
  readonly discoveryAddress: string;

  /**
   * Settings for the `istiod-external` LoadBalancer Service in front of the external istiod.
   * @default - cloud-assigned address, no annotations
   */
  readonly istiodLoadBalancer?: LoadBalancerOptions;

  /**
   * How many replicas of the external istiod run, and whether they autoscale.
   * @default - the istiod chart's: autoscaling from 1 to 5 replicas
   */
  readonly istiod?: IstiodOptions;

  /**
   * The kubeconfig context of the external cluster, as used in the generated instructions.
   * @default - `${CTX_<NAME>}`
   */
  readonly kubeContext?: string;

  /**
   * The namespace istiod runs in, in the external cluster, and Istio's namespace in every
   * cluster of the mesh.
   * @default 'external-istiod'
   */
  readonly namespace?: string;

  /**
   * How Argo CD and a hub Flux address the external cluster, as for a cluster of the mesh.
   * @default - Argo CD by the registered name `name`; Flux through the Secret `<name>-kubeconfig`
   */
  readonly delivery?: ClusterDeliveryOptions;
}

/** The verification client deployed next to helloworld in every cluster. */
export enum VerificationClient {
  /** Istio's `curl` sample, which current Istio's multicluster verification guide uses. */
  CURL = 'curl',
  /** Istio's `sleep` sample, which older guides (and this project's seeds) use. */
  SLEEP = 'sleep',
}

/** The whole mesh: shared identity and every cluster in it. */
export interface MeshSpec {
  /**
   * The mesh ID shared by all clusters (`global.meshID`).
   * @default 'mesh1'
   */
  readonly meshId?: string;

  /**
   * The trust domain shared by all clusters (`meshConfig.trustDomain`).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * The Istio release to install, 1.24 or later.
   * @default DEFAULT_ISTIO_VERSION
   */
  readonly istioVersion?: string;

  /** Every cluster of the mesh, in the order the instructions treat them. */
  readonly clusters: ClusterSpec[];

  /**
   * Istio's external control plane: istiod runs in a cluster outside the mesh and serves every
   * cluster of it. No cluster of the mesh is then a primary; leave their `controlPlaneCluster`,
   * `discoveryAddress`, `istiodExposure` and `istiod` out.
   * @default - none: primaries run istiod
   */
  readonly externalControlPlane?: ExternalControlPlaneSpec;

  /**
   * How workloads join the mesh. `DataPlaneMode.AMBIENT` adds `istio-cni` and `ztunnel` to every
   * cluster's install and makes the east-west gateways Gateway API gateways of class
   * `istio-east-west` (HBONE); it needs every cluster to be a primary and the clusters to span
   * several networks, and Istio 1.27 or later when the mesh has more than one cluster.
   * @default DataPlaneMode.SIDECAR
   */
  readonly dataPlaneMode?: DataPlaneMode;

  /**
   * Whether to generate the verification workloads (`verify/` directories).
   * @default true
   */
  readonly verification?: boolean;

  /**
   * The client used to call helloworld when verifying.
   * @default VerificationClient.CURL
   */
  readonly verificationClient?: VerificationClient;

  /**
   * The mesh's trust: how each primary gets its intermediate CA (`cacerts`), signed by one root.
   * @default - the package's offline CA command
   */
  readonly trust?: TrustSpec;

  /**
   * How primaries get the remote secrets with which they read other clusters.
   * @default - `istioctl create-remote-secret`, in the README
   */
  readonly remoteCredentials?: RemoteCredentialsSpec;

  /**
   * How requests to services of the mesh are split between versions and fail over between
   * localities: one policy per service, held by every primary (with an external control plane, by
   * the config cluster), whose istiod reads them.
   * @default - none
   */
  readonly trafficPolicies?: TrafficPolicySpec[];

  /**
   * Delivery besides `kubectl apply`: the Git repository the output is committed to, and the
   * Argo CD, Flux and Sail Operator output to generate.
   * @default - instructions for kubectl, istioctl and Helm only
   */
  readonly delivery?: DeliverySpec;

  /**
   * Monitoring with the Prometheus Operator: scraping of istiod and the east-west gateways, and
   * alerts on remote clusters istiod cannot sync, proxies that lose their control plane and
   * gateways without ready replicas.
   * @default - none: no monitoring objects
   */
  readonly monitoring?: MonitoringSpec;

  /**
   * Istio's Helm values for every cluster, merged over the values the library derives; each
   * cluster's own `values` are merged over these. See `ClusterSpec.values` for the rules.
   * @default - none: only the values the library derives
   */
  readonly values?: JsonObject;

  /**
   * Istio's mesh config for every cluster, merged over the library's (the trust domain); each
   * cluster's own `meshConfig` is merged over it, such as `{ accessLogFile: '/dev/stdout' }`
   * for Envoy's access logs on every proxy's standard output.
   * @default - none: only the trust domain
   */
  readonly meshConfig?: JsonObject;
}
