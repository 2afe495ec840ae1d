import { Construct } from 'constructs';
import { MeshSpec } from './model/mesh-spec';
import { formatProblem, MeshProblem, validateMesh } from './model/validation';
import { ClusterPlan, MeshPlan, planMesh } from './plan/mesh-plan';
import { ClusterCharts, renderClusterCharts } from './render/cluster-charts';
import { IstioInstallValues, istioInstallValues } from './render/install/istio-values';

/** Properties of {@link IstioMulticlusterMesh}: the whole mesh, described once. */
export interface IstioMulticlusterMeshProps extends MeshSpec {}

/** One cluster of a synthesized mesh. */
export interface MeshCluster extends ClusterCharts {
  /** What the cluster must have, derived from the whole mesh. */
  readonly plan: ClusterPlan;
  /** The cluster's Istio install values, from which the IstioOperator and Helm values are rendered. */
  readonly installValues: IstioInstallValues;
}

/**
 * An Istio service mesh spanning several Kubernetes clusters. From one description it
 * derives each cluster's role and duties and creates, per cluster, a chart of the
 * objects `kubectl apply` needs there and a chart of verification workloads.
 *
 * An invalid description creates no charts; its problems are reported all at once
 * when the app is synthesized or the mesh is written (see `writeMeshDirectories`).
 */
export class IstioMulticlusterMesh extends Construct {
  /** Every problem of the description; empty when it is valid. */
  public readonly problems: MeshProblem[];
  /** The derived plan; undefined when the description has problems. */
  public readonly plan?: MeshPlan;
  /** The clusters, in the order of the description; empty when it has problems. */
  public readonly clusters: MeshCluster[];

  constructor(scope: Construct, id: string, props: IstioMulticlusterMeshProps) {
    super(scope, id);
    this.problems = validateMesh(props);
    this.node.addValidation({ validate: () => this.problems.map(formatProblem) });
    if (this.problems.length > 0) {
      this.clusters = [];
      return;
    }
    const plan = planMesh(props);
    this.plan = plan;
    this.clusters = plan.clusters.map((cluster) => ({
      plan: cluster,
      installValues: istioInstallValues(plan, cluster),
      ...renderClusterCharts(this, plan, cluster),
    }));
  }

  /** Looks a cluster up by name. */
  public cluster(name: string): MeshCluster | undefined {
    return this.clusters.find((c) => c.plan.name === name);
  }
}
