/** Whether a cluster runs istiod. */
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
