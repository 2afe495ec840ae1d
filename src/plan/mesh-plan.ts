import { isNewerThanKnown, IstioVersion, NEWEST_KNOWN_ISTIO_MINOR, parseIstioVersion } from '../model/istio-version';
import { ClusterSpec, DEFAULT_MESH_ID, DEFAULT_TRUST_DOMAIN, IstiodExposure, LoadBalancerOptions, MeshSpec, VerificationClient } from '../model/mesh-spec';
import { checkMesh, MeshValidationError } from '../model/validation';
import { CaKeyType, RootCaFromStore, SecretStoreKind, secretStoreKind, TrustMode } from '../model/trust-spec';
import { DeliveryPlan, planDelivery } from './delivery-plan';

export { DEFAULT_MESH_ID, DEFAULT_TRUST_DOMAIN } from '../model/mesh-spec';
export const DEFAULT_GATEWAY_MIN_REPLICAS = 1;
export const DEFAULT_GATEWAY_MAX_REPLICAS = 5;

export enum ClusterRole {
  /** Runs istiod, which serves this cluster and possibly remotes. */
  PRIMARY = 'primary',
  /** Runs no istiod; its proxies are configured by a primary's istiod. */
  REMOTE = 'remote',
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
}

/** Everything one cluster must have, derived from the whole mesh. */
export interface ClusterPlan {
  readonly name: string;
  /** 1-based position in the mesh; names the verification version (helloworld-v<index>). */
  readonly index: number;
  readonly network: string;
  readonly role: ClusterRole;
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
   * The minor release whose charts the output follows: the mesh's own, or the newest
   * the library knows when the mesh names a newer one.
   */
  readonly chartMinor: number;
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
  /** The delivery with Argo CD, Flux and the Sail Operator, and the order of every cluster's steps. */
  readonly delivery: DeliveryPlan;
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

/** `cluster-1` → `CTX_CLUSTER_1`: the environment variable the instructions use for a context. */
export function contextVariable(clusterName: string): string {
  return `CTX_${clusterName.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Validates a mesh description and derives the per-cluster plan.
 * @throws MeshValidationError listing every problem, when the description has any
 */
export function planMesh(description: MeshSpec): MeshPlan {
  const { problems, spec } = checkMesh(description);
  if (!spec) throw new MeshValidationError(problems);
  // Validated and normalized: a plain-data copy with the version written as Helm expects it.
  const istio = parseIstioVersion(spec.istioVersion!) as IstioVersion;

  const networks = [...new Set(spec.clusters.map((c) => c.network))];
  const multiNetwork = networks.length > 1;
  const byName = new Map(spec.clusters.map((c) => [c.name, c]));
  const remotesByPrimary = new Map<string, string[]>();
  for (const c of spec.clusters) {
    if (c.controlPlaneCluster === undefined) continue;
    const remotes = remotesByPrimary.get(c.controlPlaneCluster);
    if (remotes) remotes.push(c.name);
    else remotesByPrimary.set(c.controlPlaneCluster, [c.name]);
  }
  const remotesOf = (primary: string) => remotesByPrimary.get(primary) ?? [];
  const allNames = spec.clusters.map((c) => c.name);

  const clusters = spec.clusters.map((c, i): Omit<ClusterPlan, 'hasMeshObjects'> => {
    const role = c.controlPlaneCluster === undefined ? ClusterRole.PRIMARY : ClusterRole.REMOTE;
    const remotes = role === ClusterRole.PRIMARY ? remotesOf(c.name) : [];
    const servesRemotes = remotes.length > 0;
    const istiodExposure = servesRemotes ? (c.istiodExposure ?? IstiodExposure.EAST_WEST_GATEWAY) : undefined;
    const exposesIstiodOnGateway = istiodExposure === IstiodExposure.EAST_WEST_GATEWAY;
    return {
      name: c.name,
      index: i + 1,
      network: c.network,
      role,
      controlPlaneCluster: c.controlPlaneCluster ?? c.name,
      remotes,
      discoveryAddress: servesRemotes ? c.discoveryAddress : undefined,
      istiodExposure,
      istiodLoadBalancer: istiodExposure === IstiodExposure.LOAD_BALANCER ? loadBalancerPlan(c.istiodLoadBalancer) : undefined,
      remotePilotAddress: role === ClusterRole.REMOTE ? byName.get(c.controlPlaneCluster!)!.discoveryAddress : undefined,
      eastWestGateway: multiNetwork || exposesIstiodOnGateway ? gatewayPlan(c, multiNetwork, exposesIstiodOnGateway) : undefined,
      // Istio configuration is read by istiod from its own cluster, so it belongs on primaries.
      exposesServices: multiNetwork && role === ClusterRole.PRIMARY,
      // Every primary discovers endpoints in every other cluster of the mesh.
      readsApiServersOf: role === ClusterRole.PRIMARY ? allNames.filter((o) => o !== c.name) : [],
      kubeContext: c.kubeContext ?? `\${${contextVariable(c.name)}}`,
      apiServer: c.apiServer,
      apiServerTlsName: c.apiServerTlsName,
    };
  });

  const planned = clusters.map((c): ClusterPlan => ({
    ...c,
    hasMeshObjects: c.eastWestGateway !== undefined || c.istiodLoadBalancer !== undefined || c.istiodExposure !== undefined || c.exposesServices,
  }));
  const meshId = spec.meshId ?? DEFAULT_MESH_ID;
  return {
    meshId,
    trustDomain: spec.trustDomain ?? DEFAULT_TRUST_DOMAIN,
    istioVersion: istio.text,
    istio,
    chartMinor: isNewerThanKnown(istio) ? NEWEST_KNOWN_ISTIO_MINOR : istio.minor,
    multiNetwork,
    networks,
    clusters: planned,
    verification: spec.verification ?? true,
    verificationClient: spec.verificationClient ?? VerificationClient.CURL,
    trust: trustPlan(spec),
    remoteCredentials: spec.remoteCredentials?.externalSecrets ? {
      secretStore: { name: spec.remoteCredentials.externalSecrets.secretStore.name, kind: secretStoreKind(spec.remoteCredentials.externalSecrets.secretStore) },
      keyPrefix: spec.remoteCredentials.externalSecrets.keyPrefix ?? 'istio-remote',
    } : undefined,
    delivery: planDelivery(spec, meshId, istio, planned.map((c) => ({
      name: c.name, isRemote: c.role === ClusterRole.REMOTE, controlPlaneCluster: c.controlPlaneCluster, hasMeshObjects: c.hasMeshObjects,
      readsApiServersOf: c.readsApiServersOf,
    }))),
  };
}

function gatewayPlan(c: ClusterSpec, multiNetwork: boolean, exposesIstiod: boolean): EastWestGatewayPlan {
  const minReplicas = c.eastWestGateway?.replicas ?? DEFAULT_GATEWAY_MIN_REPLICAS;
  return {
    network: multiNetwork ? c.network : undefined,
    exposesIstiod,
    minReplicas,
    maxReplicas: c.eastWestGateway?.maxReplicas ?? Math.max(DEFAULT_GATEWAY_MAX_REPLICAS, minReplicas),
    ...loadBalancerPlan(c.eastWestGateway),
  };
}

function loadBalancerPlan(options: LoadBalancerOptions | undefined): LoadBalancerPlan {
  return {
    serviceAnnotations: { ...(options?.serviceAnnotations ?? {}) },
    loadBalancerIP: options?.loadBalancerIP,
    loadBalancerSourceRanges: options?.loadBalancerSourceRanges?.length ? [...options.loadBalancerSourceRanges] : undefined,
  };
}

function trustPlan(spec: MeshSpec): TrustPlan {
  const mode = spec.trust?.mode ?? TrustMode.OFFLINE_CA;
  if (mode !== TrustMode.CERT_MANAGER) return { mode };
  const cm = spec.trust?.certManager ?? {};
  return {
    mode,
    certManager: {
      rootCaSecret: cm.rootCaSecret ?? 'istio-root-ca',
      rootCaFromStore: cm.rootCaFromStore,
      keyType: cm.keyType ?? CaKeyType.RSA_4096,
      duration: cm.duration ?? '8760h',
      renewBefore: cm.renewBefore ?? '720h',
    },
  };
}
