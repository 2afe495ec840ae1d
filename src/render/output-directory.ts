import { ManifestChart } from './manifest-chart';

/**
 * One directory of Kubernetes objects in a mesh's output: the files of a chart, in apply
 * order, and a `Kustomization` that lists them (and any subdirectories) in that order.
 */
export interface OutputDirectory {
  /** The directory, relative to the mesh's directory, such as `clusters/cluster1/mesh`. */
  readonly path: string;
  /**
   * The chart whose files the directory holds.
   * @default - no files of its own, only subdirectories
   */
  readonly chart?: ManifestChart;
  /** The comment at the top of every file: what applies it, and where. */
  readonly header: string;
  /**
   * Directories below this one that its `Kustomization` includes after its own files, by
   * their path relative to this one.
   * @default - none
   */
  readonly subdirectories?: string[];
}
