import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshSpec } from './model/mesh-spec';
import { formatProblem, MeshProblem } from './model/validation';
import { analyzeMesh } from './plan/analyze-mesh';
import { MeshPlan } from './plan/mesh-plan';
import { renderClusterCharts } from './render/cluster-charts';
import { DELIVERY_FORMATS } from './render/delivery/formats';
import { externalIstiodInstallValues, IstioInstallValues, istioInstallValues } from './plan/install/istio-values';
import { ExternalControlPlaneCharts, renderExternalControlPlaneCharts } from './render/external-control-plane-charts';
import { CLUSTER_LAYERS } from './render/cluster-layers';
import { clusterDir, meshObjectsDir, namespaceDir } from './render/layout';
import { MeshCluster, MeshOutput } from './render/mesh-output';
import { OutputDirectory } from './render/output-directory';
import { MESH_MARK, rootApp, writeMeshesOnSynth } from './writer/app-synth';
import { validationErrors } from './writer/mesh-files';

/** Properties of {@link IstioMulticlusterMesh}: the whole mesh, described once. */
export interface IstioMulticlusterMeshProps extends MeshSpec {}

export { MeshCluster, MeshOutput } from './render/mesh-output';

/**
 * An Istio service mesh spanning several Kubernetes clusters. From one description it
 * derives each cluster's role and duties and creates, per cluster, the charts of what it
 * needs (its namespace, and where the mesh asks for them trust, credentials, remote secrets,
 * mesh objects, traffic policies, monitoring and verification workloads) with its Istio install
 * values, and the Argo CD, Flux and Sail Operator output that delivers them.
 *
 * An invalid description creates no charts; its problems are reported all at once
 * when the app is synthesized or the mesh is written (see `writeMeshDirectories`).
 */
export class IstioMulticlusterMesh extends Construct implements MeshOutput {
  /** Every problem of the description; empty when it is valid. */
  public readonly problems: MeshProblem[];
  /** The derived plan; undefined when the description has problems. */
  public readonly plan?: MeshPlan;
  /** The clusters, in the order of the description; empty when it has problems. */
  public readonly clusters: MeshCluster[];
  /**
   * Every directory of Kubernetes objects in the mesh's output, each written with a
   * `Kustomization` that lists it in apply order: per cluster its `clusters/<name>` directory
   * (namespace, then trust, credentials, remote secrets, mesh objects, traffic and monitoring
   * where it has them) and its verification workloads; the external control plane's cluster's;
   * then the Argo CD, Flux and Sail Operator output.
   */
  public readonly directories: OutputDirectory[];

  /**
   * With an external control plane: its cluster's objects (istiod's namespace and the
   * `istiod-external` Service) and the install values of its istiod.
   */
  public readonly externalControlPlane?: ExternalControlPlaneCharts & { readonly installValues: IstioInstallValues };

  constructor(scope: Construct, id: string, props: IstioMulticlusterMeshProps) {
    super(scope, id);
    Object.defineProperty(this, MESH_MARK, { value: true });
    const app = rootApp(this);
    // cdk8s writes every Chart of the app's tree into one flat set of files, all clusters
    // mixed: the charts live in a tree of their own, and the app's synth writes the mesh's
    // per-cluster directory instead (see writeMeshesOnSynth).
    const charts = new Construct(new App({ outdir: app?.outdir, resolvers: app?.resolvers }), id);
    if (app) writeMeshesOnSynth(app);
    // Validated and planned once: the plan is derived from the checked description.
    const { problems, plan } = analyzeMesh(props);
    this.problems = problems;
    this.node.addValidation({ validate: () => (this.problems.length > 0 ? this.problems.map(formatProblem) : validationErrors(charts)) });
    if (!plan) {
      this.clusters = [];
      this.directories = [];
      return;
    }
    this.plan = plan;
    this.clusters = plan.clusters.map((cluster) => ({
      plan: cluster,
      installValues: istioInstallValues(plan, cluster),
      ...renderClusterCharts(charts, plan, cluster),
    }));
    const values = new Map(this.clusters.map((c) => [c.plan.name, c.installValues]));
    if (plan.externalControlPlane) {
      this.externalControlPlane = { ...renderExternalControlPlaneCharts(charts, plan), installValues: externalIstiodInstallValues(plan) };
      // The delivery tools install the external istiod from the same values as istioctl and Helm.
      values.set(plan.externalControlPlane.name, this.externalControlPlane.installValues);
    }
    this.directories = [
      ...this.clusters.flatMap((c) => clusterDirectories(plan, c)),
      ...(this.externalControlPlane ? externalControlPlaneDirectories(plan, this.externalControlPlane) : []),
      ...DELIVERY_FORMATS.flatMap((format) => (format.enabled(plan) ? format.render(charts, plan, values) : [])),
    ];
  }

  /** Looks a cluster up by name. */
  public cluster(name: string): MeshCluster | undefined {
    return this.clusters.find((c) => c.plan.name === name);
  }
}

/** The external cluster's directories: the namespace first, then the Service that exposes istiod. */
function externalControlPlaneDirectories(mesh: MeshPlan, charts: ExternalControlPlaneCharts): OutputDirectory[] {
  const name = mesh.externalControlPlane!.name;
  const about = `external control plane cluster ${name} of mesh ${mesh.meshId}`;
  return [
    { path: clusterDir(name), header: `All objects of the ${about}`, subdirectories: ['namespace', 'mesh'] },
    { path: namespaceDir(name), chart: charts.namespace, header: `istiod's namespace in the ${about}, applied first: kubectl apply -f ${namespaceDir(name)}/` },
    { path: meshObjectsDir(name), chart: charts.manifests, header: `The Service that exposes the istiod of the ${about}: kubectl apply -f ${meshObjectsDir(name)}/` },
  ];
}

/**
 * A cluster's directories, one per layer it has (`CLUSTER_LAYERS`): what `kubectl apply -k
 * clusters/<name>` applies, in order, and the verification workloads apart.
 */
function clusterDirectories(mesh: MeshPlan, cluster: MeshCluster): OutputDirectory[] {
  const name = cluster.plan.name;
  const about = `${cluster.plan.role} cluster ${name} of mesh ${mesh.meshId}`;
  if (cluster.plan.hasMeshObjects !== cluster.manifests.files.length > 0) {
    throw new Error(`the plan and the charts of cluster ${name} disagree on whether it has mesh objects`);
  }
  // The mesh objects' chart exists for every cluster, with files only where it has objects.
  const layers = CLUSTER_LAYERS.filter((l) => cluster[l.chart] !== undefined && (l.chart !== 'manifests' || cluster.plan.hasMeshObjects));
  return [
    {
      path: clusterDir(name),
      header: `All objects of the ${about}`,
      subdirectories: layers.flatMap((l) => (l.subdirectory === undefined ? [] : [l.subdirectory])),
    },
    ...layers.map((l): OutputDirectory => ({ path: l.dir(name), chart: cluster[l.chart], header: l.header(about, l.dir(name)) })),
  ];
}
