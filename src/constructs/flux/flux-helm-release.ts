import { Construct } from 'constructs';
import { HelmRelease, HelmReleaseSpecChartSpecSourceRefKind } from '../../../imports/flux-helm-helm.toolkit.fluxcd.io';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { FluxHelmRepository } from './flux-helm-repository';
import { FLUX_DEFAULT_INTERVAL } from './flux-names';

/**
 * Tries a failed install or upgrade this many times, undoing the failed attempt in between
 * (uninstall or rollback), before the release stalls for a person to look at.
 */
export const DEFAULT_REMEDIATION_RETRIES = 3;

/** Properties of {@link FluxHelmRelease}. */
export interface FluxHelmReleaseProps {
  /** The HelmRelease's name, unique in Flux's namespace. */
  readonly name: string;

  /** The chart repository; the HelmRelease lives in its namespace. */
  readonly repository: FluxHelmRepository;

  /** The chart's name in the repository. */
  readonly chart: string;

  /** The chart's version, or a semver range such as `1.28.x` that Flux resolves to the newest match. */
  readonly version: string;

  /**
   * The Helm release name: resources the chart names after the release, and the release the
   * Helm CLI sees, keep their names when a cluster moves between Helm and Flux.
   * @default - the chart's name
   */
  readonly releaseName?: string;

  /**
   * The namespace the chart is installed into, which must exist: the release does not create
   * it, so that the namespace keeps the labels and annotations it is given elsewhere.
   * @default 'istio-system'
   */
  readonly targetNamespace?: string;

  /**
   * Where Helm keeps the release's records; the target namespace, as with `helm install -n`,
   * so that the Helm CLI sees the same release.
   * @default - the target namespace
   */
  readonly storageNamespace?: string;

  /**
   * The chart's values, passed to Helm as they are, keys unchanged.
   * @default - the chart's defaults
   */
  readonly values?: object;

  /**
   * The names of the HelmReleases, in the same namespace, that must be Ready before this one
   * is installed or upgraded.
   * @default - none
   */
  readonly dependsOn?: string[];

  /**
   * The Secret, in the HelmRelease's namespace, whose key `value` holds a kubeconfig for the
   * cluster to install the chart into.
   * @default - the cluster Flux runs in
   */
  readonly kubeConfigSecret?: string;

  /**
   * How often Flux reconciles the release, and fetches the chart, as a Go duration.
   * @default '10m'
   */
  readonly interval?: string;

  /**
   * How many times a failed install or upgrade is retried; a negative number retries it without
   * end, for a release that waits on something done by hand.
   * @default DEFAULT_REMEDIATION_RETRIES
   */
  readonly remediationRetries?: number;

  /**
   * Labels of the HelmRelease.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2): keeps a chart of a Helm repository installed,
 * with the given values, once the HelmReleases it depends on are Ready.
 *
 * It keeps Flux's default of no drift detection: istiod patches the CA bundle into the charts'
 * webhook configurations and switches their failure policy at run time, which Flux would
 * otherwise see as drift and undo on every reconciliation.
 */
export class FluxHelmRelease extends Construct {
  /** The HelmRelease's name. */
  public readonly name: string;
  /** The namespace the HelmRelease lives in: its repository's. */
  public readonly namespace: string;
  /** The underlying HelmRelease object. */
  public readonly resource: HelmRelease;

  constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.repository.namespace;
    const interval = props.interval ?? FLUX_DEFAULT_INTERVAL;
    const targetNamespace = props.targetNamespace ?? ISTIO_SYSTEM_NAMESPACE;
    const retries = props.remediationRetries ?? DEFAULT_REMEDIATION_RETRIES;
    this.node.addValidation({
      validate: () => (Number.isInteger(retries) ? [] : [`remediationRetries (${retries}) must be a whole number`]),
    });
    this.resource = new HelmRelease(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        interval,
        chart: {
          spec: {
            chart: props.chart,
            version: props.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: props.repository.name, namespace: props.repository.namespace },
            interval,
          },
        },
        releaseName: props.releaseName ?? props.chart,
        targetNamespace,
        storageNamespace: props.storageNamespace ?? targetNamespace,
        install: { createNamespace: false, remediation: { retries } },
        upgrade: { remediation: { retries } },
        dependsOn: props.dependsOn?.length ? props.dependsOn.map((name) => ({ name })) : undefined,
        kubeConfig: props.kubeConfigSecret !== undefined ? { secretRef: { name: props.kubeConfigSecret } } : undefined,
        // A copy: the values are written as they are, never shared with another object.
        values: props.values !== undefined ? structuredClone(props.values) : undefined,
      },
    });
  }
}
