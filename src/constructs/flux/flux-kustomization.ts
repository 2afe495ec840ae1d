import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../../imports/flux-kustomize-kustomize.toolkit.fluxcd.io';
import { FluxGitRepository } from './flux-git-repository';
import { FLUX_DEFAULT_INTERVAL } from './flux-names';

/** Properties of {@link FluxKustomization}. */
export interface FluxKustomizationProps {
  /** The Kustomization's name, unique in Flux's namespace. */
  readonly name: string;

  /** The repository the directory is in; the Kustomization lives in its namespace. */
  readonly source: FluxGitRepository;

  /**
   * The directory to apply, relative to the repository's root, such as
   * `meshes/prod/clusters/cluster1/mesh`. It is written with a leading `./`, as Flux's
   * documentation writes it; Flux builds it with kustomize.
   */
  readonly path: string;

  /**
   * Whether Flux deletes objects that are gone from the directory, and deletes the objects it
   * applied when the Kustomization itself is deleted.
   * @default true
   */
  readonly prune?: boolean;

  /**
   * Whether the Kustomization is Ready only once every object it applied is ready (for a
   * HelmRelease: installed and its resources ready), which is what `dependsOn` waits for.
   * @default true
   */
  readonly wait?: boolean;

  /**
   * How long applying and waiting may take before the attempt fails, as a Go duration.
   * @default - the interval
   */
  readonly timeout?: string;

  /**
   * How often Flux applies the directory again, as a Go duration.
   * @default '10m'
   */
  readonly interval?: string;

  /**
   * How soon a failed attempt is retried, as a Go duration.
   * @default - the interval
   */
  readonly retryInterval?: string;

  /**
   * The names of the Kustomizations, in the same namespace, that must be Ready before this one
   * is applied.
   * @default - none
   */
  readonly dependsOn?: string[];

  /**
   * The Secret, in the Kustomization's namespace, whose key `value` holds a kubeconfig for the
   * cluster to apply the directory to.
   * @default - the cluster Flux runs in
   */
  readonly kubeConfigSecret?: string;

  /**
   * Labels of the Kustomization.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Flux Kustomization (kustomize.toolkit.fluxcd.io/v1): keeps a directory of a Git repository
 * applied to a cluster, once the Kustomizations it depends on are Ready.
 */
export class FluxKustomization extends Construct {
  /** The Kustomization's name. */
  public readonly name: string;
  /** The namespace the Kustomization lives in: its source's. */
  public readonly namespace: string;
  /** The underlying Kustomization object. */
  public readonly resource: Kustomization;

  constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.source.namespace;
    const path = props.path;
    this.node.addValidation({
      validate: () => (path.startsWith('/') || path.startsWith('./') || path.split('/').includes('..')
        ? [`path ${path} must be relative to the repository's root, without a leading ./ and without ..`] : []),
    });
    this.resource = new Kustomization(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: props.source.name, namespace: props.source.namespace },
        path: `./${path}`,
        interval: props.interval ?? FLUX_DEFAULT_INTERVAL,
        retryInterval: props.retryInterval,
        timeout: props.timeout,
        prune: props.prune ?? true,
        wait: props.wait ?? true,
        dependsOn: props.dependsOn?.length ? props.dependsOn.map((name) => ({ name })) : undefined,
        kubeConfig: props.kubeConfigSecret !== undefined ? { secretRef: { name: props.kubeConfigSecret } } : undefined,
      },
    });
  }
}
