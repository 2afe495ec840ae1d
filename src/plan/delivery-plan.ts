import { ArgoCdOptions, FluxMode, GitRepositorySpec } from '../model/delivery-spec';
import { deliveryObjectName, DeliveryStage } from '../model/delivery-names';
import { repositoryPath } from '../model/formats';
import { IstioVersion } from '../model/istio-version';
import { MeshSpec } from '../model/mesh-spec';
import { sailIstioVersion } from '../model/sail-versions';
import { TrustMode } from '../model/trust-spec';


/** One step of one cluster, by cluster name and stage. */
export interface StepRef {
  readonly cluster: string;
  readonly stage: DeliveryStage;
}

/** One step of the delivery: a unit that a GitOps tool reconciles and reports healthy. */
export interface DeliveryStep extends StepRef {
  /** The name of the step's Argo CD Application or Flux object: `<meshId>-<cluster>-<stage>`. */
  readonly name: string;
  /**
   * The step's sync wave: a step starts once every step of an earlier wave is healthy. The
   * same numbers for every mesh, so a wave always means the same stage.
   */
  readonly wave: number;
  /** The steps, on this cluster or another, that must be healthy before this one starts. */
  readonly after: StepRef[];
}

/** What no file in Git can do yet: the user does it once, at a set point of the delivery. */
export enum ManualStepKind {
  /** The `cacerts` secret of every primary (with its istio-system namespace), before its istiod starts. */
  TRUST = 'trust',
  /** With cert-manager and no secret store: the shared root's Secret in every primary, before its Issuer signs. */
  ROOT_CA = 'root-ca',
  /** The remote secrets, once every cluster's reader service account and role exist. */
  REMOTE_SECRETS = 'remote-secrets',
  /**
   * With an external control plane: `istio-kubeconfig` in the external cluster, istiod's kubeconfig
   * of the config cluster, once the config cluster's istiod chart made its service account.
   */
  CONFIG_KUBECONFIG = 'config-kubeconfig',
}

export interface ManualStep {
  readonly kind: ManualStepKind;
  /** Done once every step of this wave and the earlier ones is healthy; -1 means before the delivery starts. */
  readonly afterWave: number;
  /** The steps that need it done first (they wait, unready, until it is). */
  readonly before: StepRef[];
}

/** How Argo CD addresses a cluster: by its registered name, or by its API server URL. */
export type ArgoCdDestination = { readonly name: string } | { readonly server: string };

/** How one cluster is addressed by the delivery tools. */
export interface ClusterTarget {
  readonly argoCd: ArgoCdDestination;
  /** Flux in hub mode: the kubeconfig Secret; undefined for the hub cluster itself and for per-cluster Flux. */
  readonly fluxKubeConfigSecret?: string;
}

export interface RepositoryPlan extends Required<GitRepositorySpec> {}

export interface FluxPlan {
  readonly mode: FluxMode;
  readonly namespace: string;
  readonly hubCluster?: string;
  readonly gitSecretName?: string;
  readonly interval: string;
}

/** Everything the delivery renderers need: where the output is, which tools, and the order. */
export interface DeliveryPlan {
  readonly repository?: RepositoryPlan;
  readonly argoCd?: Required<ArgoCdOptions>;
  readonly flux?: FluxPlan;
  /** The Sail Operator's name of the mesh's Istio version, when the Sail output is generated. */
  readonly sailVersion?: string;
  /** Every step of every cluster, by wave, then in the order of the clusters. */
  readonly steps: DeliveryStep[];
  readonly manualSteps: ManualStep[];
  readonly targets: Record<string, ClusterTarget>;
}

/**
 * How a cluster takes part in the delivery: it runs istiod for itself and maybe remotes (a
 * primary), is served by another cluster's istiod (a remote), holds the configuration an
 * external istiod reads (the config cluster), or runs that external istiod alone (the external cluster).
 */
export type DeliveryRole = 'primary' | 'remote' | 'config' | 'external';

/**
 * Fixed waves: namespaces, the primaries' intermediate CAs (with cert-manager), then the
 * primaries' base, istiod (and, in ambient meshes, istio-cni beside it and ztunnel after both)
 * and objects, then the remotes'. Remotes have no trust step.
 *
 * With an external control plane: the external cluster's `istiod-external` Service beside the
 * CAs; the config cluster's charts in the primaries' waves, the external istiod once they are in
 * (it reads the config cluster), then the further remotes' charts in the remotes' waves, and the
 * mesh objects of every cluster once the external istiod injects their gateways.
 */
const WAVES: Record<DeliveryRole, Partial<Record<DeliveryStage, number>>> = {
  primary: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.TRUST]: 1, [DeliveryStage.BASE]: 2, [DeliveryStage.ISTIOD]: 3, [DeliveryStage.OBJECTS]: 4,
    [DeliveryStage.CNI]: 3, [DeliveryStage.ZTUNNEL]: 4, [DeliveryStage.CREDENTIALS]: 7, [DeliveryStage.REMOTE_SECRETS]: 8, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  remote: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.BASE]: 5, [DeliveryStage.ISTIOD]: 6,
    [DeliveryStage.CREDENTIALS]: 7, [DeliveryStage.OBJECTS]: 9, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  config: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.BASE]: 2, [DeliveryStage.ISTIOD]: 3, [DeliveryStage.OBJECTS]: 9, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  external: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.OBJECTS]: 1, [DeliveryStage.ISTIOD]: 4,
  },
};

/** What the delivery plan needs of each cluster's plan. */
export interface DeliveredCluster {
  readonly name: string;
  readonly role: DeliveryRole;
  /**
   * The cluster whose istiod serves this one: itself for a primary, the primary for a remote,
   * the external cluster with an external control plane.
   */
  readonly controlPlaneCluster: string;
  readonly hasMeshObjects: boolean;
  /** The clusters whose API servers this cluster's istiod reads (a primary's remote secrets). */
  readonly readsApiServersOf: string[];
  /** Whether the cluster holds traffic policies (a primary, when the mesh has any). */
  readonly hasTrafficPolicies: boolean;
  /** Whether the cluster gets monitoring objects. */
  readonly hasMonitoring: boolean;
  /** Whether the cluster runs the ambient data plane (istio-cni and ztunnel). */
  readonly ambient: boolean;
}

/**
 * Works out the delivery of a validated mesh: the steps of every cluster, their waves and
 * dependencies (namespace before the charts, base before istiod, istiod before the objects
 * that need its CRDs and injector, a primary's exposed istiod before its remotes' install),
 * and the manual steps between them.
 */
export function planDelivery(spec: MeshSpec, meshId: string, istio: IstioVersion, clusters: DeliveredCluster[]): DeliveryPlan {
  const certManager = (spec.trust?.mode ?? TrustMode.OFFLINE_CA) === TrustMode.CERT_MANAGER;
  const externalSecrets = spec.remoteCredentials?.externalSecrets !== undefined;
  const read = new Set(clusters.flatMap((c) => c.readsApiServersOf));
  const delivery = spec.delivery ?? {};
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const ref = (cluster: string, stage: DeliveryStage): StepRef => ({ cluster, stage });
  const external = clusters.find((c) => c.role === 'external');
  const config = clusters.find((c) => c.role === 'config');

  const steps: DeliveryStep[] = [];
  for (const c of clusters) {
    const waves = WAVES[c.role];
    const step = (stage: DeliveryStage, after: StepRef[]) => {
      const wave = waves[stage];
      if (wave === undefined) throw new Error(`a ${c.role} cluster has no ${stage} step`);
      steps.push({ cluster: c.name, stage, name: deliveryObjectName(meshId, c.name, stage), wave, after });
    };
    step(DeliveryStage.NAMESPACE, []);
    if (c.role === 'external') {
      // istiod reads the config cluster, whose charts (CRDs, its service account) must be in.
      step(DeliveryStage.OBJECTS, [ref(c.name, DeliveryStage.NAMESPACE)]);
      step(DeliveryStage.ISTIOD, [ref(c.name, DeliveryStage.NAMESPACE), ...(config ? [ref(config.name, DeliveryStage.ISTIOD)] : [])]);
      continue;
    }
    // A remote's install points its injector and istiod Service at the istiod that serves it: a
    // primary's, once exposed, or the external one, once it runs. The config cluster's install
    // points at the external istiod's Service, which comes first.
    const server = byName.get(c.controlPlaneCluster)!;
    const serverReady = c.role === 'remote'
      ? [ref(server.name, server.role !== 'external' && server.hasMeshObjects ? DeliveryStage.OBJECTS : DeliveryStage.ISTIOD)]
      : c.role === 'config' ? [ref(server.name, DeliveryStage.OBJECTS)] : [];
    // cert-manager issues the primary's intermediate into cacerts, which istiod needs when it starts.
    const issuesCa = certManager && c.role === 'primary';
    if (issuesCa) step(DeliveryStage.TRUST, [ref(c.name, DeliveryStage.NAMESPACE)]);
    step(DeliveryStage.BASE, [ref(c.name, DeliveryStage.NAMESPACE), ...serverReady]);
    step(DeliveryStage.ISTIOD, [ref(c.name, DeliveryStage.BASE), ...(issuesCa ? [ref(c.name, DeliveryStage.TRUST)] : [])]);
    if (c.ambient) {
      // The node agent needs only its namespace; ztunnel gets its certificates and configuration from
      // istiod, and serves pods only once istio-cni redirects their traffic to it.
      step(DeliveryStage.CNI, [ref(c.name, DeliveryStage.NAMESPACE)]);
      step(DeliveryStage.ZTUNNEL, [ref(c.name, DeliveryStage.ISTIOD), ref(c.name, DeliveryStage.CNI)]);
    }
    // The reader's token exists once the charts made its service account and role.
    if (externalSecrets && read.has(c.name)) step(DeliveryStage.CREDENTIALS, [ref(c.name, DeliveryStage.ISTIOD)]);
    if (externalSecrets && c.readsApiServersOf.length > 0) {
      step(DeliveryStage.REMOTE_SECRETS, [ref(c.name, DeliveryStage.ISTIOD), ...c.readsApiServersOf.map((r) => ref(r, DeliveryStage.CREDENTIALS))]);
    }
    // A remote's gateway is configured by its primary only once the primary holds the remote's secret;
    // with an external control plane, gateways are injected by the external istiod.
    const attached = externalSecrets && c.role === 'remote' ? [ref(c.controlPlaneCluster, DeliveryStage.REMOTE_SECRETS)] : [];
    const injector = external && c.role !== 'remote' ? [ref(external.name, DeliveryStage.ISTIOD)] : [];
    if (c.hasMeshObjects) step(DeliveryStage.OBJECTS, [ref(c.name, DeliveryStage.ISTIOD), ...attached, ...injector]);
    // Last, once the cluster's control plane and objects are in place: istiod validates the
    // policies, and the scrape targets exist.
    const settled = [ref(c.name, c.hasMeshObjects ? DeliveryStage.OBJECTS : DeliveryStage.ISTIOD), ...(c.hasMeshObjects ? [] : injector)];
    if (c.hasTrafficPolicies) step(DeliveryStage.TRAFFIC, settled);
    if (c.hasMonitoring) step(DeliveryStage.MONITORING, settled);
  }
  steps.sort((a, b) => a.wave - b.wave);

  const lastIstiodWave = Math.max(...steps.filter((s) => s.stage === DeliveryStage.ISTIOD).map((s) => s.wave));
  // The clusters that run istiod, and so need a CA: the primaries, or the external cluster.
  const runsIstiod = (cluster: string) => ['primary', 'external'].includes(byName.get(cluster)!.role);
  const manualSteps: ManualStep[] = [];
  if (!certManager) {
    // Only istiod reads cacerts: a remote's workloads get their certificates from the primary.
    manualSteps.push({ kind: ManualStepKind.TRUST, afterWave: -1, before: steps.filter((s) => s.stage === DeliveryStage.ISTIOD && runsIstiod(s.cluster)) });
  } else if (spec.trust?.certManager?.rootCaFromStore === undefined) {
    manualSteps.push({ kind: ManualStepKind.ROOT_CA, afterWave: -1, before: steps.filter((s) => s.stage === DeliveryStage.TRUST) });
  }
  if (external && config) {
    // istio-kubeconfig is a token of the config cluster's istiod service account, which its istiod chart makes.
    const configIstiod = steps.find((s) => s.cluster === config.name && s.stage === DeliveryStage.ISTIOD)!;
    manualSteps.push({ kind: ManualStepKind.CONFIG_KUBECONFIG, afterWave: configIstiod.wave, before: [ref(external.name, DeliveryStage.ISTIOD)] });
  }
  const meshClusters = clusters.filter((c) => c.role !== 'external');
  // With an external control plane, the config cluster is istiod's own: only further remotes need a secret.
  if (meshClusters.length > 1 && !externalSecrets) {
    // Multi-primary meshes need them too; remotes' gateways wait for them to get their proxies configured.
    const remoteObjects = steps.filter((s) => s.stage === DeliveryStage.OBJECTS && byName.get(s.cluster)!.role === 'remote');
    manualSteps.push({ kind: ManualStepKind.REMOTE_SECRETS, afterWave: lastIstiodWave, before: remoteObjects.map((s) => ref(s.cluster, s.stage)) });
  }

  const fluxMode = delivery.flux?.mode ?? FluxMode.HUB;
  const hubCluster = fluxMode === FluxMode.HUB ? delivery.flux?.hubCluster : undefined;
  const targets: Record<string, ClusterTarget> = {};
  const ecp = spec.externalControlPlane;
  for (const c of [...spec.clusters, ...(ecp ? [ecp] : [])]) {
    const options = c.delivery ?? {};
    targets[c.name] = {
      argoCd: options.argoCdServer !== undefined ? { server: options.argoCdServer } : { name: options.argoCdClusterName ?? c.name },
      fluxKubeConfigSecret: delivery.flux !== undefined && fluxMode === FluxMode.HUB && c.name !== hubCluster
        ? options.fluxKubeConfigSecret ?? `${c.name}-kubeconfig` : undefined,
    };
  }

  const repo = delivery.repository;
  const repoPath = repo ? repositoryPath(repo.path) : undefined;
  return {
    repository: repo && repoPath && 'path' in repoPath ? { url: repo.url, branch: repo.branch ?? 'main', path: repoPath.path } : undefined,
    argoCd: delivery.argoCd ? { namespace: delivery.argoCd.namespace ?? 'argocd', project: delivery.argoCd.project ?? 'default' } : undefined,
    flux: delivery.flux ? {
      mode: fluxMode,
      namespace: delivery.flux.namespace ?? 'flux-system',
      hubCluster,
      gitSecretName: delivery.flux.gitSecretName,
      interval: delivery.flux.interval ?? '10m',
    } : undefined,
    sailVersion: delivery.sailOperator ? sailIstioVersion(istio) : undefined,
    steps,
    manualSteps,
    targets,
  };
}

/** A path below the mesh's directory, as the repository knows it. */
export function repositoryPathOf(repository: RepositoryPlan, meshRelativePath: string): string {
  return repository.path === '.' ? meshRelativePath : `${repository.path}/${meshRelativePath}`;
}
