/**
 * Whether a cluster runs istiod. In a module of its own, so that the derivation of plans and
 * values, which validation runs, does not load `planMesh` (which runs validation).
 */
export enum ClusterRole {
  /** Runs istiod, which serves this cluster and possibly remotes. */
  PRIMARY = 'primary',
  /** Runs no istiod; its proxies are configured by a primary's istiod, or by an external control plane. */
  REMOTE = 'remote',
  /**
   * With an external control plane: runs no istiod, but holds the mesh's configuration, which the
   * external istiod reads through a kubeconfig; its name is istiod's cluster ID.
   */
  CONFIG = 'config',
}
