import { DeliveryStage, HelmStage } from '../model/delivery-names';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshOutput } from '../render/mesh-output';
import { MeshValidationError } from '../model/validation';
import { IstioInstallValues } from '../plan/install/istio-values';
import { MeshPlan } from '../plan/mesh-plan';
import { ISTIO_CHARTS, IstioChart, isHelmStage } from '../render/install/charts';
import { renderIstioOperator } from '../render/install/istio-operator';
import { renderKustomization } from '../render/kustomization';
import { istioOperatorPath, KUSTOMIZATION_FILE, README_FILE } from '../render/layout';
import { OutputDirectory } from '../render/output-directory';
import { ManifestChart } from '../render/manifest-chart';
import { ClusterFiles, renderReadme } from '../render/readme';
import { toYaml } from '../model/yaml';

/** One generated file: its path relative to the mesh's directory, and its text. */
export interface MeshFile {
  readonly path: string;
  readonly content: string;
}

/** Every validation message of a construct tree (the mesh's own problems and any construct's checks). */
export function validationErrors(root: IConstruct): string[] {
  return root.node.findAll().flatMap((c) => c.node.validate().map((m) => (c === root ? m : `${c.node.path}: ${m}`)));
}

function apiObjectsOf(scope: Construct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** Writes each of a chart's files; fails if an object would be left out or written twice. */
function chartFiles(chart: ManifestChart, pathOf: (file: string) => string, header: string[]): MeshFile[] {
  const placed = new Set<ApiObject>();
  const files = chart.files.map((file) => {
    const objects = apiObjectsOf(file.scope);
    objects.forEach((o) => {
      if (placed.has(o)) throw new Error(`${o.node.path} is in more than one file of ${chart.node.path}`);
      placed.add(o);
    });
    return { path: pathOf(file.name), content: toYaml(objects.map((o) => o.toJson()), header) };
  });
  const missing = apiObjectsOf(chart).filter((o) => !placed.has(o));
  if (missing.length > 0) throw new Error(`objects in no file of ${chart.node.path}: ${missing.map((o) => o.node.path).join(', ')}`);
  return files;
}

/** A directory's files and its `Kustomization`, which lists them, then its subdirectories. */
function directoryFiles(dir: OutputDirectory): MeshFile[] {
  const files = dir.chart ? chartFiles(dir.chart, (f) => `${dir.path}/${f}`, [dir.header]) : [];
  const resources = [...(dir.chart?.files.map((f) => f.name) ?? []), ...(dir.subdirectories ?? [])];
  if (resources.length === 0) throw new Error(`directory ${dir.path} has neither files nor subdirectories`);
  return [...files, { path: `${dir.path}/${KUSTOMIZATION_FILE}`, content: renderKustomization(resources, [dir.header]) }];
}

/** The charts each cluster installs, in the order of its steps: read once, since a mesh may have thousands of steps. */
function chartsByCluster(plan: MeshPlan): Map<string, IstioChart[]> {
  const charts = new Map<string, IstioChart[]>();
  for (const s of plan.delivery.steps) {
    if (isHelmStage(s.stage)) charts.set(s.cluster, [...(charts.get(s.cluster) ?? []), ISTIO_CHARTS[s.stage as HelmStage]]);
  }
  return charts;
}

/** A chart's values file for a cluster. */
function chartValuesFile(chart: IstioChart, cluster: string, values: IstioInstallValues, about: string): MeshFile {
  return { path: chart.valuesFile(cluster), content: toYaml([chart.values(values)], [`Values of Istio's ${chart.title} for the ${about}`]) };
}

/**
 * Lays out a mesh's whole directory in memory: the README, every directory of objects with
 * its `Kustomization`, and per cluster the install inputs.
 * @throws MeshValidationError listing every problem, when the mesh is invalid
 */
export function renderMeshFiles(mesh: MeshOutput): MeshFile[] {
  if (mesh.problems.length > 0) throw new MeshValidationError(mesh.problems, `mesh "${mesh.node.id}"`);
  const errors = validationErrors(mesh);
  if (errors.length > 0) {
    throw new MeshValidationError(errors.map((message) => ({ field: mesh.node.id, message })), `mesh "${mesh.node.id}"`);
  }
  const plan = mesh.plan!;
  const files: MeshFile[] = mesh.directories.flatMap(directoryFiles);
  const charts = chartsByCluster(plan);
  const layout = new Map<string, ClusterFiles>();
  for (const cluster of mesh.clusters) {
    const name = cluster.plan.name;
    const about = `${cluster.plan.role} cluster ${name} of mesh ${plan.meshId}`;
    files.push(
      { path: istioOperatorPath(name), content: toYaml([renderIstioOperator(name, cluster.installValues)], [`istioctl install -f for the ${about}`]) },
      // A values file for every chart the cluster installs.
      ...(charts.get(name) ?? []).map((chart) => chartValuesFile(chart, name, cluster.installValues, about)),
    );
    layout.set(name, {
      manifests: cluster.manifests.files.map((f) => f.name),
      verification: cluster.verification?.files.map((f) => f.name) ?? [],
      verificationClient: plan.verification ? plan.verificationClient : undefined,
    });
  }
  const ecp = mesh.externalControlPlane;
  if (ecp && plan.externalControlPlane) {
    const name = plan.externalControlPlane.name;
    const about = `external control plane (istiod only, in ${plan.externalControlPlane.namespace}) of mesh ${plan.meshId}, in cluster ${name}`;
    files.push(
      { path: istioOperatorPath(name), content: toYaml([renderIstioOperator(name, ecp.installValues, { istiodOnly: true })], [`istioctl install -f for the ${about}`]) },
      chartValuesFile(ISTIO_CHARTS[DeliveryStage.ISTIOD], name, ecp.installValues, about),
    );
  }
  files.push({ path: README_FILE, content: renderReadme(plan, layout) });
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) throw new Error(`${f.path} would be written twice`);
    paths.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
