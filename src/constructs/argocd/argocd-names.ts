/** Names, annotations and defaults as Argo CD itself spells them. */

/** The API server of the cluster Argo CD runs in, as Argo CD registers it. */
export const ARGO_CD_IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The namespace Argo CD's install manifests run it in. */
export const ARGO_CD_DEFAULT_NAMESPACE = 'argocd';

/** The project every Argo CD install has. */
export const ARGO_CD_DEFAULT_PROJECT = 'default';

/** The annotation that places a resource, here an Application, in a sync wave of its parent. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The finalizer by which deleting an Application deletes the resources it manages (a cascading delete). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
