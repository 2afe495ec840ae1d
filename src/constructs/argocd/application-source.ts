import { ApplicationSpecSource } from '../../../imports/argocd-argoproj.io';

/** Options of {@link ApplicationSource.fromGitDirectory}. */
export interface GitDirectorySourceProps {
  /** The Git repository's clone URL. */
  readonly repoUrl: string;

  /**
   * The directory in the repository, relative to its root and without a leading `./`. Argo CD
   * builds it with kustomize when it holds a `kustomization.yaml` or `Kustomization`, and
   * applies its YAML files otherwise.
   */
  readonly path: string;

  /**
   * The branch, tag or commit to deliver.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
}

/** Options of {@link ApplicationSource.fromHelmChart}. */
export interface HelmChartSourceProps {
  /** The Helm chart repository's URL, such as `https://istio-release.storage.googleapis.com/charts`. */
  readonly repoUrl: string;

  /** The chart's name in the repository. */
  readonly chart: string;

  /** The chart's version, or a semver range such as `1.28.*` that Argo CD resolves to the newest match. */
  readonly version: string;

  /**
   * The Helm release name: resources the chart names after the release, and the release Helm
   * itself would see, keep their names when a cluster moves between Helm and Argo CD.
   * @default - the chart's name
   */
  readonly releaseName?: string;

  /**
   * The chart's values, passed to Argo CD as they are (`helm.valuesObject`), keys unchanged.
   * @default - the chart's defaults
   */
  readonly values?: object;
}

/** Where an Argo CD Application takes its manifests from: a directory in Git, or a Helm chart. */
export class ApplicationSource {
  /** The manifests of a directory in a Git repository. */
  public static fromGitDirectory(props: GitDirectorySourceProps): ApplicationSource {
    return new ApplicationSource({
      repoUrl: props.repoUrl,
      targetRevision: props.targetRevision ?? 'HEAD',
      path: props.path,
    });
  }

  /** A chart of a Helm repository, rendered with the given values. */
  public static fromHelmChart(props: HelmChartSourceProps): ApplicationSource {
    return new ApplicationSource({
      repoUrl: props.repoUrl,
      chart: props.chart,
      targetRevision: props.version,
      helm: {
        releaseName: props.releaseName ?? props.chart,
        valuesObject: props.values ?? {},
      },
    });
  }

  private constructor(
    /** The Application's `spec.source`. */
    public readonly spec: ApplicationSpecSource,
  ) {}
}
