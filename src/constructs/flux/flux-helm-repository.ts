import { Construct } from 'constructs';
import { HelmRepository } from '../../../imports/flux-helmrepository-source.toolkit.fluxcd.io';
import { FLUX_DEFAULT_INTERVAL, FLUX_DEFAULT_NAMESPACE } from './flux-names';

/** Properties of {@link FluxHelmRepository}. */
export interface FluxHelmRepositoryProps {
  /** The HelmRepository's name, unique in Flux's namespace. */
  readonly name: string;

  /** The URL of the chart repository's index, such as `https://istio-release.storage.googleapis.com/charts`. */
  readonly url: string;

  /**
   * The namespace Flux runs in, where the HelmRepository lives.
   * @default 'flux-system'
   */
  readonly namespace?: string;

  /**
   * How often Flux fetches the repository's index, as a Go duration.
   * @default '10m'
   */
  readonly interval?: string;

  /**
   * Labels of the HelmRepository.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A Helm chart repository that Flux fetches (source.toolkit.fluxcd.io/v1), for HelmReleases to install charts of. */
export class FluxHelmRepository extends Construct {
  /** The HelmRepository's name. */
  public readonly name: string;
  /** The namespace the HelmRepository lives in. */
  public readonly namespace: string;
  /** The underlying HelmRepository object. */
  public readonly resource: HelmRepository;

  constructor(scope: Construct, id: string, props: FluxHelmRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? FLUX_DEFAULT_NAMESPACE;
    this.resource = new HelmRepository(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: { url: props.url, interval: props.interval ?? FLUX_DEFAULT_INTERVAL },
    });
  }
}
