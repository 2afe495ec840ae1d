import { isNewerThanKnown, IstioVersion, NEWEST_KNOWN_ISTIO_MINOR, parseIstioVersion } from '../model/istio-version';
import {
  ClusterSpec, DataPlaneMode, DEFAULT_MESH_ID, DEFAULT_TRUST_DOMAIN, IstiodExposure, IstiodOptions, LoadBalancerOptions, MeshSpec, VerificationClient,
} from '../model/mesh-spec';
import { CaKeyType, secretStoreKind, TrustMode } from '../model/trust-spec';
import { outlierDetectionWithDefaults, serviceOfHost, TrafficPolicySpec } from '../model/traffic-spec';
import { ClusterRole } from './cluster-role';
import { ISTIO_SYSTEM_NAMESPACE } from '../constructs/istio-names';
import { deliveryTargets, planDelivery } from './delivery-plan';
import { DeliveredCluster, planProcedure } from './procedure';
import { monitoringPlan } from './monitoring-plan';
import {
  ClusterPlan, contextVariable, DEFAULT_EXTERNAL_ISTIOD_NAMESPACE, DEFAULT_GATEWAY_MAX_REPLICAS, DEFAULT_GATEWAY_MIN_REPLICAS, DEFAULT_ISTIOD_MAX_REPLICAS, DEFAULT_ISTIOD_MIN_REPLICAS,
  EastWestGatewayPlan, IstiodPlan, LoadBalancerPlan, MeshPlan, TrafficPolicyPlan, TrustPlan,
} from './mesh-plan';

/**
 * Derives the per-cluster plan of a description whose structure and meaning `checkDescription`
 * has checked and normalized (use `analyzeMesh` or `planMesh` for any other). The analysis then
 * compares the description's Istio value overrides with the values derived from this plan.
 */
export function derivePlan(spec: MeshSpec): MeshPlan {
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
  const ecp = spec.externalControlPlane;
  // The external istiod reads the config cluster through istio-kubeconfig, the others through remote secrets.
  const readByExternalIstiod = ecp ? allNames.filter((n) => n !== ecp.configCluster) : [];
  const dataPlaneMode = spec.dataPlaneMode ?? DataPlaneMode.SIDECAR;
  const ambient = dataPlaneMode === DataPlaneMode.AMBIENT;

  const clusters = spec.clusters.map((c, i): Omit<ClusterPlan, 'hasMeshObjects' | 'hasTrafficPolicies' | 'hasMonitoring'> => {
    if (ecp) return externallyControlledCluster(c, i, ecp, multiNetwork);
    const role = c.controlPlaneCluster === undefined ? ClusterRole.PRIMARY : ClusterRole.REMOTE;
    const remotes = role === ClusterRole.PRIMARY ? remotesOf(c.name) : [];
    const servesRemotes = remotes.length > 0;
    const istiodExposure = servesRemotes ? (c.istiodExposure ?? IstiodExposure.EAST_WEST_GATEWAY) : undefined;
    const exposesIstiodOnGateway = istiodExposure === IstiodExposure.EAST_WEST_GATEWAY;
    return {
      ...clusterIdentity(c, i),
      role,
      controlPlaneCluster: c.controlPlaneCluster ?? c.name,
      remotes,
      discoveryAddress: servesRemotes ? c.discoveryAddress : undefined,
      istiodExposure,
      istiodLoadBalancer: istiodExposure === IstiodExposure.LOAD_BALANCER ? loadBalancerPlan(c.istiodLoadBalancer) : undefined,
      remotePilotAddress: role === ClusterRole.REMOTE ? byName.get(c.controlPlaneCluster!)!.discoveryAddress : undefined,
      eastWestGateway: multiNetwork || exposesIstiodOnGateway ? gatewayPlan(c, multiNetwork, exposesIstiodOnGateway) : undefined,
      istiod: role === ClusterRole.PRIMARY && c.istiod !== undefined ? istiodPlan(c.istiod) : undefined,
      // Istio configuration is read by istiod from its own cluster, so it belongs on primaries. In
      // ambient mode the east-west gateway carries HBONE for services labelled global instead.
      exposesServices: multiNetwork && role === ClusterRole.PRIMARY && !ambient,
      // Every primary discovers endpoints in every other cluster of the mesh.
      readsApiServersOf: role === ClusterRole.PRIMARY ? allNames.filter((o) => o !== c.name) : [],
    };
  });

  const planned = clusters.map((c): ClusterPlan => ({
    ...c,
    hasMeshObjects: c.eastWestGateway !== undefined || c.istiodLoadBalancer !== undefined || c.istiodExposure !== undefined || c.exposesServices,
    // istiod reads Istio configuration from its own cluster only (an external one from the config
    // cluster): every primary, or the config cluster, holds the policies.
    hasTrafficPolicies: (c.role === ClusterRole.PRIMARY || c.role === ClusterRole.CONFIG) && (spec.trafficPolicies?.length ?? 0) > 0,
    hasMonitoring: monitoringPlan(spec.monitoring) !== undefined,
  }));
  const meshId = spec.meshId ?? DEFAULT_MESH_ID;
  const procedure = planProcedure({
    meshId,
    certManager: (spec.trust?.mode ?? TrustMode.OFFLINE_CA) === TrustMode.CERT_MANAGER,
    rootCaFromStore: spec.trust?.certManager?.rootCaFromStore !== undefined,
    externalSecrets: spec.remoteCredentials?.externalSecrets !== undefined,
    verification: spec.verification ?? true,
    registered: registeredClusters(spec),
  }, [
    ...planned.map((c): DeliveredCluster => ({
      name: c.name,
      role: c.role,
      // With an external control plane, every cluster's install waits for the external istiod.
      controlPlaneCluster: ecp ? ecp.name : c.controlPlaneCluster,
      hasMeshObjects: c.hasMeshObjects,
      readsApiServersOf: c.readsApiServersOf,
      hasTrafficPolicies: c.hasTrafficPolicies,
      hasMonitoring: c.hasMonitoring,
      ambient,
    })),
    // The external cluster: istiod's namespace, its istiod-external Service and the istiod chart.
    ...(ecp ? [{
      name: ecp.name, role: 'external' as const, controlPlaneCluster: ecp.name, hasMeshObjects: true,
      readsApiServersOf: readByExternalIstiod, hasTrafficPolicies: false, hasMonitoring: false, ambient: false,
    }] : []),
  ]);
  return {
    meshId,
    trustDomain: spec.trustDomain ?? DEFAULT_TRUST_DOMAIN,
    istioVersion: istio.text,
    istio,
    dataPlaneMode,
    istioNamespace: ecp ? ecp.namespace ?? DEFAULT_EXTERNAL_ISTIOD_NAMESPACE : ISTIO_SYSTEM_NAMESPACE,
    externalControlPlane: ecp ? {
      name: ecp.name,
      kubeContext: ecp.kubeContext ?? `\${${contextVariable(ecp.name)}}`,
      namespace: ecp.namespace ?? DEFAULT_EXTERNAL_ISTIOD_NAMESPACE,
      configCluster: ecp.configCluster,
      discoveryAddress: ecp.discoveryAddress,
      istiodLoadBalancer: loadBalancerPlan(ecp.istiodLoadBalancer),
      istiod: ecp.istiod ? istiodPlan(ecp.istiod) : undefined,
      readsApiServersOf: readByExternalIstiod,
    } : undefined,
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
    procedure,
    delivery: planDelivery(spec, istio, procedure),
    values: spec.values,
    meshConfig: spec.meshConfig,
    monitoring: monitoringPlan(spec.monitoring),
    trafficPolicies: (spec.trafficPolicies ?? []).map(trafficPolicyPlan),
  };
}

/**
 * A cluster of a mesh with an external control plane: the config cluster, or a further remote of
 * it; none runs istiod or reads another cluster, and all reach the external istiod at its address.
 */
function externallyControlledCluster(
  c: ClusterSpec, i: number, ecp: NonNullable<MeshSpec['externalControlPlane']>, multiNetwork: boolean,
): Omit<ClusterPlan, 'hasMeshObjects' | 'hasTrafficPolicies' | 'hasMonitoring'> {
  const role = c.name === ecp.configCluster ? ClusterRole.CONFIG : ClusterRole.REMOTE;
  return {
    ...clusterIdentity(c, i),
    role,
    // The namespace annotation of a further remote names istiod's cluster ID: the config cluster.
    controlPlaneCluster: ecp.configCluster,
    remotes: [],
    remotePilotAddress: ecp.discoveryAddress,
    eastWestGateway: multiNetwork ? gatewayPlan(c, true, false) : undefined,
    // The external istiod reads Istio configuration from the config cluster only.
    exposesServices: multiNetwork && role === ClusterRole.CONFIG,
    readsApiServersOf: [],
  };
}

/** What a cluster's plan takes from its description as it is, whatever its role. */
function clusterIdentity(c: ClusterSpec, i: number) {
  return {
    name: c.name,
    index: i + 1,
    network: c.network,
    locality: c.locality ? { region: c.locality.region, zones: [...(c.locality.zones ?? [])] } : undefined,
    kubeContext: c.kubeContext ?? `\${${contextVariable(c.name)}}`,
    apiServer: c.apiServer,
    apiServerTlsName: c.apiServerTlsName,
    values: c.values,
    meshConfig: c.meshConfig,
  };
}

function gatewayPlan(c: ClusterSpec, multiNetwork: boolean, exposesIstiod: boolean): EastWestGatewayPlan {
  const minReplicas = c.eastWestGateway?.replicas ?? DEFAULT_GATEWAY_MIN_REPLICAS;
  return {
    network: multiNetwork ? c.network : undefined,
    exposesIstiod,
    minReplicas,
    maxReplicas: c.eastWestGateway?.maxReplicas ?? Math.max(DEFAULT_GATEWAY_MAX_REPLICAS, minReplicas),
    topologySpread: c.eastWestGateway?.topologySpread ?? true,
    ...loadBalancerPlan(c.eastWestGateway),
  };
}

function istiodPlan(options: IstiodOptions): IstiodPlan {
  const minReplicas = options.replicas ?? DEFAULT_ISTIOD_MIN_REPLICAS;
  return { minReplicas, maxReplicas: options.maxReplicas ?? Math.max(DEFAULT_ISTIOD_MAX_REPLICAS, minReplicas) };
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

/** A validated traffic policy with its defaults filled in: the only destination of a route takes all of its requests. */
export function trafficPolicyPlan(policy: TrafficPolicySpec): TrafficPolicyPlan {
  const service = serviceOfHost(policy.host)!;
  return {
    host: policy.host,
    name: service.name,
    namespace: service.namespace,
    subsets: (policy.subsets ?? []).map((s) => ({ name: s.name, labels: { ...s.labels } })),
    routes: (policy.routes ?? []).map((r) => ({
      match: r.match?.length ? r.match : undefined,
      route: r.route.map((d) => ({ subset: d.subset, weight: d.weight ?? 100 })),
    })),
    failover: (policy.failover ?? []).map((f) => ({ from: f.from, to: f.to })),
    failoverPriority: [...(policy.failoverPriority ?? [])],
    outlierDetection: policy.outlierDetection ? outlierDetectionWithDefaults(policy.outlierDetection) : undefined,
  };
}

/**
 * The clusters registered by hand with the delivery tools that reach them from outside: every
 * cluster the output installs with Argo CD; with one Flux for all, those it has a kubeconfig Secret of.
 */
function registeredClusters(spec: MeshSpec): { argoCd?: string[]; flux?: string[] } {
  const targets = Object.entries(deliveryTargets(spec));
  return {
    argoCd: spec.delivery?.argoCd !== undefined ? targets.map(([name]) => name) : undefined,
    flux: targets.filter(([, t]) => t.fluxKubeConfigSecret !== undefined).map(([name]) => name),
  };
}
