/**
 * Whether a cluster runs istiod. In a module of its own, so that the derivation of plans and
 * values, which validation runs, does not load `planMesh` (which runs validation).
 */
export enum ClusterRole {
  /** Runs istiod, which serves this cluster and possibly remotes. */
  PRIMARY = 'primary',
  /** Runs no istiod; its proxies are configured by a primary's istiod. */
  REMOTE = 'remote',
}
