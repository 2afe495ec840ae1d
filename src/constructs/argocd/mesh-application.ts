import { Construct } from 'constructs';
import {
  Application, ApplicationSpecIgnoreDifferences, ApplicationSpecSyncPolicyRetry,
} from '../../../imports/argocd-argoproj.io';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { ApplicationSource } from './application-source';
import {
  ARGO_CD_DEFAULT_NAMESPACE, ARGO_CD_DEFAULT_PROJECT, RESOURCES_FINALIZER, SYNC_WAVE_ANNOTATION,
} from './argocd-names';

/** The cluster an Application delivers to: by the name it is registered under in Argo CD, or by its API server URL. */
export type ApplicationDestination = { readonly name: string } | { readonly server: string };

/**
 * Retries a failed sync for about half an hour: long enough for a step that started before its
 * prerequisites settled (a CRD not yet served, a webhook not yet up) to go through on its own.
 */
export const DEFAULT_SYNC_RETRY: ApplicationSpecSyncPolicyRetry = {
  limit: 10,
  backoff: { duration: '10s', factor: 2, maxDuration: '5m' },
};

/** Properties of {@link MeshApplication}. */
export interface MeshApplicationProps {
  /** The Application's name, unique in Argo CD's namespace. */
  readonly name: string;

  /** Where the manifests come from. */
  readonly source: ApplicationSource;

  /** The cluster the manifests are applied to. */
  readonly destination: ApplicationDestination;

  /**
   * The namespace of namespaced resources that name none.
   * @default 'istio-system'
   */
  readonly destinationNamespace?: string;

  /**
   * The namespace Argo CD runs in, where the Application lives.
   * @default 'argocd'
   */
  readonly namespace?: string;

  /**
   * The Argo CD project of the Application.
   * @default 'default'
   */
  readonly project?: string;

  /**
   * The sync wave of the Application in its parent (an app of apps): the parent applies it once
   * every Application of an earlier wave is synced and healthy.
   * @default - no annotation: wave 0
   */
  readonly syncWave?: number;

  /**
   * Labels of the Application.
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Whether automated syncs delete resources that are gone from the source.
   * @default true
   */
  readonly prune?: boolean;

  /**
   * Whether deleting the Application deletes the resources it manages (Argo CD's resources
   * finalizer). Without it they stay, unmanaged.
   * @default true
   */
  readonly cascadeDelete?: boolean;

  /**
   * Sync options, such as `ServerSideApply=true`.
   * @default - none
   */
  readonly syncOptions?: string[];

  /**
   * Fields of live resources that something else than Argo CD sets, which must neither show as
   * drift nor be reverted (with `RespectIgnoreDifferences=true` in `syncOptions`).
   * @default - none
   */
  readonly ignoreDifferences?: ApplicationSpecIgnoreDifferences[];

  /**
   * How a failed sync is retried.
   * @default DEFAULT_SYNC_RETRY
   */
  readonly retry?: ApplicationSpecSyncPolicyRetry;
}

/**
 * An Argo CD Application that keeps one part of the mesh synced and self-healed: a directory of
 * objects in Git, or one of Istio's Helm charts, delivered to one cluster.
 */
export class MeshApplication extends Construct {
  /** The Application's name. */
  public readonly name: string;
  /** The underlying Application object. */
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: MeshApplicationProps) {
    super(scope, id);
    this.name = props.name;
    const annotations = props.syncWave !== undefined ? { [SYNC_WAVE_ANNOTATION]: String(props.syncWave) } : undefined;
    this.node.addValidation({
      validate: () => (props.syncWave === undefined || Number.isInteger(props.syncWave)
        ? [] : [`syncWave (${props.syncWave}) must be a whole number`]),
    });
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace ?? ARGO_CD_DEFAULT_NAMESPACE,
        labels: props.labels,
        annotations,
        finalizers: (props.cascadeDelete ?? true) ? [RESOURCES_FINALIZER] : undefined,
      },
      spec: {
        project: props.project ?? ARGO_CD_DEFAULT_PROJECT,
        source: props.source.spec,
        destination: { ...props.destination, namespace: props.destinationNamespace ?? ISTIO_SYSTEM_NAMESPACE },
        ignoreDifferences: props.ignoreDifferences?.length ? props.ignoreDifferences : undefined,
        syncPolicy: {
          automated: { prune: props.prune ?? true, selfHeal: true },
          syncOptions: props.syncOptions?.length ? props.syncOptions : undefined,
          retry: props.retry ?? DEFAULT_SYNC_RETRY,
        },
      },
    });
  }
}
