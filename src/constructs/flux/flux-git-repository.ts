import { Construct } from 'constructs';
import { GitRepository } from '../../../imports/flux-source-source.toolkit.fluxcd.io';
import { FLUX_DEFAULT_INTERVAL, FLUX_DEFAULT_NAMESPACE } from './flux-names';

/** Properties of {@link FluxGitRepository}. */
export interface FluxGitRepositoryProps {
  /** The GitRepository's name, unique in Flux's namespace. */
  readonly name: string;

  /**
   * The repository's clone URL: `https://…`, `http://…` or `ssh://…` (Flux does not read the
   * scp-like `git@host:org/repo.git`).
   */
  readonly url: string;

  /**
   * The branch Flux fetches.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The Secret, in the GitRepository's namespace, with the credentials for the repository.
   * @default - the repository is read without credentials
   */
  readonly secretName?: string;

  /**
   * The namespace Flux runs in, where the GitRepository lives.
   * @default 'flux-system'
   */
  readonly namespace?: string;

  /**
   * How often Flux fetches the branch, as a Go duration.
   * @default '10m'
   */
  readonly interval?: string;

  /**
   * Labels of the GitRepository.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A Git repository that Flux fetches (source.toolkit.fluxcd.io/v1), for Kustomizations to apply directories of. */
export class FluxGitRepository extends Construct {
  /** The GitRepository's name. */
  public readonly name: string;
  /** The namespace the GitRepository lives in. */
  public readonly namespace: string;
  /** The underlying GitRepository object. */
  public readonly resource: GitRepository;

  constructor(scope: Construct, id: string, props: FluxGitRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? FLUX_DEFAULT_NAMESPACE;
    this.resource = new GitRepository(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        url: props.url,
        ref: { branch: props.branch ?? 'main' },
        interval: props.interval ?? FLUX_DEFAULT_INTERVAL,
        secretRef: props.secretName !== undefined ? { name: props.secretName } : undefined,
      },
    });
  }
}
