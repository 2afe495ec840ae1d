import { IConstruct } from 'constructs';
import { MeshProblem } from '../model/validation';
import { IstioInstallValues } from '../plan/install/istio-values';
import { ClusterPlan, MeshPlan } from '../plan/mesh-plan';
import { ClusterCharts } from './cluster-charts';
import { ExternalControlPlaneCharts } from './external-control-plane-charts';
import { OutputDirectory } from './output-directory';

/** One cluster of a synthesized mesh. */
export interface MeshCluster extends ClusterCharts {
  /** What the cluster must have, derived from the whole mesh. */
  readonly plan: ClusterPlan;
  /** The cluster's Istio install values, from which the IstioOperator and Helm values are rendered. */
  readonly installValues: IstioInstallValues;
}

/**
 * A mesh rendered into charts and install values: what the writer lays out as files. The mesh
 * construct (`IstioMulticlusterMesh`) is one; the writer needs no more of it than this.
 */
export interface MeshOutput extends IConstruct {
  /** Every problem of the description; empty when it is valid. */
  readonly problems: MeshProblem[];
  /** The derived plan; undefined when the description has problems. */
  readonly plan?: MeshPlan;
  /** The clusters, in the order of the description; empty when it has problems. */
  readonly clusters: MeshCluster[];
  /** Every directory of Kubernetes objects in the mesh's output. */
  readonly directories: OutputDirectory[];
  /** With an external control plane: its cluster's objects and the install values of its istiod. */
  readonly externalControlPlane?: ExternalControlPlaneCharts & { readonly installValues: IstioInstallValues };
}
