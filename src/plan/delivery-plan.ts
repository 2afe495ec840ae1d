import { ArgoCdOptions, FluxMode, GitRepositorySpec } from '../model/delivery-spec';
import { repositoryPath } from '../model/formats';
import { IstioVersion } from '../model/istio-version';
import { MeshSpec } from '../model/mesh-spec';
import { sailIstioVersion } from '../model/sail-versions';
import { DeliveryStep, deliveryOrder, ManualStep, Procedure } from './procedure';

export {
  DeliveredCluster, DeliveryRole, DeliveryStep, ManualStep, ManualStepKind, StepRef,
} from './procedure';

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
 * Works out the delivery of a validated mesh: where the output is, which tools deliver it, how
 * they address each cluster, and the order of its steps, read off the mesh's procedure.
 */
export function planDelivery(spec: MeshSpec, istio: IstioVersion, procedure: Procedure): DeliveryPlan {
  const delivery = spec.delivery ?? {};
  const { steps, manualSteps } = deliveryOrder(procedure);

  const fluxMode = delivery.flux?.mode ?? FluxMode.HUB;
  const hubCluster = fluxMode === FluxMode.HUB ? delivery.flux?.hubCluster : undefined;
  const targets = deliveryTargets(spec);

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

/**
 * How the delivery tools address every cluster the output installs (the mesh's, then an external
 * control plane's): Argo CD by registered name or API server, one Flux for all through a
 * kubeconfig Secret per cluster but its own.
 */
export function deliveryTargets(spec: MeshSpec): Record<string, ClusterTarget> {
  const delivery = spec.delivery ?? {};
  const hub = delivery.flux !== undefined && (delivery.flux.mode ?? FluxMode.HUB) === FluxMode.HUB;
  const targets: Record<string, ClusterTarget> = {};
  const ecp = spec.externalControlPlane;
  for (const c of [...spec.clusters, ...(ecp ? [ecp] : [])]) {
    const options = c.delivery ?? {};
    targets[c.name] = {
      argoCd: options.argoCdServer !== undefined ? { server: options.argoCdServer } : { name: options.argoCdClusterName ?? c.name },
      fluxKubeConfigSecret: hub && c.name !== delivery.flux?.hubCluster ? options.fluxKubeConfigSecret ?? `${c.name}-kubeconfig` : undefined,
    };
  }
  return targets;
}

/** A path below the mesh's directory, as the repository knows it. */
export function repositoryPathOf(repository: RepositoryPlan, meshRelativePath: string): string {
  return repository.path === '.' ? meshRelativePath : `${repository.path}/${meshRelativePath}`;
}
