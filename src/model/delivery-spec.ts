/**
 * The Git repository the generated output is committed to, as the GitOps tools read it.
 */
export interface GitRepositorySpec {
  /**
   * The repository's clone URL: `https://…`, `http://…` or `ssh://…`. Argo CD also takes the
   * scp-like `git@host:org/repo.git`; Flux does not (write it `ssh://git@host/org/repo.git`).
   */
  readonly url: string;

  /**
   * The branch the output is committed to.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The directory in the repository that holds this mesh's output (the directory of its
   * `README.md`), relative to the repository's root, such as `meshes/prod`. `.` is the root.
   */
  readonly path: string;
}

/** Argo CD in the hub model: one Argo CD, registered with every cluster, delivers the mesh. */
export interface ArgoCdOptions {
  /**
   * The namespace Argo CD runs in, where its Applications live.
   * @default 'argocd'
   */
  readonly namespace?: string;

  /**
   * The Argo CD project of the Applications; it must allow the repository, Istio's chart
   * repository and every cluster as destinations, and cluster-scoped resources.
   * @default 'default'
   */
  readonly project?: string;
}

/** Where Flux runs. */
export enum FluxMode {
  /**
   * One Flux, in a management cluster (or one cluster of the mesh, `hubCluster`), reconciles
   * every cluster through a kubeconfig Secret per cluster (`spec.kubeConfig`). Flux then
   * enforces the order across clusters with `dependsOn`.
   */
  HUB = 'Hub',
  /**
   * Flux runs in every cluster and reconciles only that cluster. Flux orders the steps inside
   * each cluster; the order across clusters is the order in which you bootstrap them.
   */
  PER_CLUSTER = 'PerCluster',
}

/** Flux delivery of the mesh. */
export interface FluxOptions {
  /**
   * Whether one Flux reconciles all clusters, or each cluster runs its own.
   * @default FluxMode.HUB
   */
  readonly mode?: FluxMode;

  /**
   * The namespace Flux runs in, where its objects live.
   * @default 'flux-system'
   */
  readonly namespace?: string;

  /**
   * In hub mode, the cluster of the mesh that Flux runs in, which it reconciles without a
   * kubeconfig Secret.
   * @default - Flux runs in a management cluster outside the mesh
   */
  readonly hubCluster?: string;

  /**
   * The Secret, in Flux's namespace, with the credentials for the Git repository
   * (`spec.secretRef` of the GitRepository).
   * @default - the repository is read without credentials
   */
  readonly gitSecretName?: string;

  /**
   * How often Flux fetches the sources and reconciles, as a Go duration such as `5m` or `1h`.
   * @default '10m'
   */
  readonly interval?: string;
}

/** How the output is delivered besides `kubectl apply`: the GitOps tools and the Sail Operator. */
export interface DeliverySpec {
  /**
   * Where the output is committed. Required for Argo CD and Flux.
   * @default - no Git delivery
   */
  readonly repository?: GitRepositorySpec;

  /**
   * Generate Argo CD Applications (an app of apps) for the mesh.
   * @default - no Argo CD output
   */
  readonly argoCd?: ArgoCdOptions;

  /**
   * Generate Flux sources, HelmReleases and Kustomizations for the mesh.
   * @default - no Flux output
   */
  readonly flux?: FluxOptions;

  /**
   * Generate a Sail Operator `Istio` resource per cluster, as an alternative to istioctl and
   * Helm. The mesh's Istio version must be one the Sail Operator lists.
   * @default false
   */
  readonly sailOperator?: boolean;
}

/** How the delivery tools address one cluster. */
export interface ClusterDeliveryOptions {
  /**
   * Argo CD: the name the cluster is registered under in Argo CD (`argocd cluster add
   * <context> --name <name>`), used as the Applications' `spec.destination.name`.
   * @default - the cluster's name in the mesh
   */
  readonly argoCdClusterName?: string;

  /**
   * Argo CD: the cluster's API server URL as registered in Argo CD, used as
   * `spec.destination.server` instead of a name; `https://kubernetes.default.svc` for the
   * cluster Argo CD runs in.
   * @default - the cluster is addressed by its name
   */
  readonly argoCdServer?: string;

  /**
   * Flux in hub mode: the Secret, in Flux's namespace, whose key `value` holds a kubeconfig for
   * this cluster (`spec.kubeConfig.secretRef`).
   * @default - `<cluster>-kubeconfig`; none for the hub cluster
   */
  readonly fluxKubeConfigSecret?: string;
}
