import { Construct } from 'constructs';
import { ISTIO_CHART_REPOSITORY } from '../../constructs/istio-names';
import { chartVersion } from '../../model/istio-version';
import { ApplicationSource } from '../../constructs/argocd/application-source';
import { ARGO_CD_IN_CLUSTER_SERVER } from '../../constructs/argocd/argocd-names';
import { ISTIO_CHART_DIFFERENCES } from '../../constructs/argocd/istio-chart-differences';
import { MeshApplication, MeshApplicationProps } from '../../constructs/argocd/mesh-application';
import { DeliveryStage, HelmStage } from '../../model/delivery-names';
import { DeliveryStep, repositoryPathOf, RepositoryPlan } from '../../plan/delivery-plan';
import { MeshPlan } from '../../plan/mesh-plan';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { commonLabels, meshLabels } from '../labels';
import { ARGO_CD_APPLICATIONS_DIR, ARGO_CD_ROOT_DIR, namespaceDir, stepDir } from '../layout';
import { ManifestChart } from '../manifest-chart';
import { OutputDirectory } from '../output-directory';
import { istioChartInstall } from './istio-charts';
import { ManualStepKind } from '../../plan/procedure';
import { MESH_LABEL } from '../labels';
import { code } from '../markdown';
import { DeliveryFormat, DeliveryReadmeContext } from './format';

/** The file of the root Application in {@link ARGO_CD_ROOT_DIR}. */
const ROOT_APPLICATION_FILE = 'root-application.yaml';

/**
 * Istio's CRDs are too large for client-side apply, whose last-applied annotation would exceed
 * 256 KiB; Istio's other charts are applied the same way.
 */
const SERVER_SIDE_APPLY = 'ServerSideApply=true';
/** Without it, a sync would still write back the ignored fields that istiod owns. */
const RESPECT_IGNORE_DIFFERENCES = 'RespectIgnoreDifferences=true';

/**
 * The argocd-cm key of the health check of Application resources. Argo CD stopped assessing
 * their health in 1.8, so without it an app of apps moves on to the next sync wave as soon as
 * the previous wave's Applications exist, not once they are healthy.
 */
export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';

/**
 * The health check under {@link APPLICATION_HEALTH_KEY}: an Application is as healthy as Argo CD
 * has assessed its resources to be, and Progressing until Argo CD has assessed them.
 */
export const APPLICATION_HEALTH_LUA = [
  'local health = nil',
  'if obj.status ~= nil then',
  '  health = obj.status.health',
  'end',
  'if health ~= nil and health.status ~= nil then',
  '  return { status = health.status, message = health.message or "" }',
  'end',
  'return { status = "Progressing", message = "Waiting for the Application\'s health to be assessed" }',
  '',
].join('\n');

/**
 * The Argo CD output of a mesh, for one Argo CD that every cluster is registered with: a root
 * Application (an app of apps), applied once by hand, and the Applications it delivers, one
 * per step of every cluster, each in its step's sync wave.
 */
export function renderArgoCd(scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>): OutputDirectory[] {
  const { argoCd, repository } = mesh.delivery;
  if (argoCd === undefined) return [];
  if (repository === undefined) throw new Error('Argo CD delivery needs delivery.repository, which validation requires');
  const common = { namespace: argoCd.namespace, project: argoCd.project };
  const applicationsPath = repositoryPathOf(repository, ARGO_CD_APPLICATIONS_DIR);

  const root = new ManifestChart(scope, 'ArgoCd-Root');
  root.addFile(ROOT_APPLICATION_FILE, new MeshApplication(root, 'RootApplication', {
    ...common,
    name: `${mesh.meshId}-root`,
    labels: meshLabels(mesh.meshId, 'delivery'),
    source: gitDirectory(repository, ARGO_CD_APPLICATIONS_DIR),
    // The child Applications live next to it, in Argo CD's namespace of its own cluster.
    destination: { server: ARGO_CD_IN_CLUSTER_SERVER },
    destinationNamespace: argoCd.namespace,
    // Deleting the root must not cascade into every cluster's Istio.
    cascadeDelete: false,
  }));

  const applications = new ManifestChart(scope, 'ArgoCd-Applications');
  const steps = mesh.delivery.steps;
  const waveDigits = Math.max(2, ...steps.map((s) => String(s.wave).length));
  for (const step of steps) {
    if (!Number.isInteger(step.wave) || step.wave < 0) throw new Error(`step ${step.name} has wave ${step.wave}; waves are whole numbers from 0`);
    const clusterValues = values.get(step.cluster);
    if (clusterValues === undefined) throw new Error(`no install values for cluster ${step.cluster}`);
    // Files in wave order, so that the directory reads in the order Argo CD delivers it.
    const file = `${String(step.wave).padStart(waveDigits, '0')}-${step.cluster}-${step.stage}.yaml`;
    applications.addFile(file, new MeshApplication(applications, `Step-${step.name}`, {
      ...common,
      name: step.name,
      syncWave: step.wave,
      labels: commonLabels(mesh.meshId, step.cluster, 'delivery'),
      destination: mesh.delivery.targets[step.cluster].argoCd,
      // Istio's namespace: the charts' releases go there (an external control plane's, in every cluster of its mesh).
      destinationNamespace: mesh.istioNamespace,
      ...stageApplication(mesh, repository, step, clusterValues),
    }));
  }

  return [
    {
      path: ARGO_CD_ROOT_DIR,
      chart: root,
      header: `The root Application of mesh ${mesh.meshId} for Argo CD: apply it once, by hand, where Argo CD runs ` +
        `(kubectl apply -k ${ARGO_CD_ROOT_DIR}); it delivers ${applicationsPath}`,
    },
    {
      path: ARGO_CD_APPLICATIONS_DIR,
      chart: applications,
      header: `The Argo CD Applications of mesh ${mesh.meshId}, delivered by its root Application ${mesh.meshId}-root wave by wave; not for kubectl`,
    },
  ];
}

/** What an Application differs in by its step: where its manifests come from, and how they are synced. */
function stageApplication(
  mesh: MeshPlan, repository: RepositoryPlan, step: DeliveryStep, values: IstioInstallValues,
): Pick<MeshApplicationProps, 'source' | 'prune' | 'cascadeDelete' | 'syncOptions' | 'ignoreDifferences'> {
  switch (step.stage) {
    case DeliveryStage.NAMESPACE:
      // It holds istiod, cacerts and the remote secrets: Argo CD never deletes it.
      return { source: gitDirectory(repository, namespaceDir(step.cluster)), prune: false, cascadeDelete: false };
    case DeliveryStage.BASE:
    case DeliveryStage.ISTIOD:
    case DeliveryStage.CNI:
    case DeliveryStage.ZTUNNEL:
      return istioChart(mesh, step.stage, values);
    case DeliveryStage.TRUST:
    case DeliveryStage.CREDENTIALS:
    case DeliveryStage.REMOTE_SECRETS:
    case DeliveryStage.OBJECTS:
    case DeliveryStage.TRAFFIC:
    case DeliveryStage.MONITORING:
      return { source: gitDirectory(repository, stepDir(step.stage, step.cluster)) };
    default: {
      const unknown: never = step.stage;
      throw new Error(`no Argo CD Application for delivery stage ${String(unknown)}`);
    }
  }
}

/** A directory of the mesh's output, on the branch it is committed to. */
function gitDirectory(repository: RepositoryPlan, meshRelativePath: string): ApplicationSource {
  return ApplicationSource.fromGitDirectory({
    repoUrl: repository.url,
    targetRevision: repository.branch,
    path: repositoryPathOf(repository, meshRelativePath),
  });
}

/** One of Istio's charts, at the mesh's release, with the cluster's values for it, leaving istiod what it changes. */
function istioChart(
  mesh: MeshPlan, stage: HelmStage, values: IstioInstallValues,
): Pick<MeshApplicationProps, 'source' | 'syncOptions' | 'ignoreDifferences'> {
  const install = istioChartInstall(stage, values);
  const ignoreDifferences = ISTIO_CHART_DIFFERENCES[stage];
  return {
    source: ApplicationSource.fromHelmChart({
      repoUrl: ISTIO_CHART_REPOSITORY,
      chart: install.chart,
      version: istioChartVersion(mesh),
      releaseName: install.releaseName,
      values: install.values,
    }),
    syncOptions: [SERVER_SIDE_APPLY, ...(ignoreDifferences.length > 0 ? [RESPECT_IGNORE_DIFFERENCES] : [])],
    ignoreDifferences: [...ignoreDifferences],
  };
}

/**
 * The chart version Argo CD resolves: the mesh's release, or for a release named without a
 * patch, such as `1.28`, the newest patch of it (Argo CD reads `1.28.*` as a semver range).
 */
export function istioChartVersion(mesh: MeshPlan): string {
  return chartVersion(mesh.istio, '*');
}

/** The README's section on delivering with Argo CD. */
function argoCdReadme(r: DeliveryReadmeContext): void {
  const { out, mesh } = r;
  const argo = mesh.delivery.argoCd!;
  const ns = argo.namespace;
  const steps = mesh.delivery.steps;
  out.p('', '## Delivering with Argo CD', '');
  out.p(`One Argo CD, in the cluster of the kubeconfig context ${code('$ARGOCD_CONTEXT')}, delivers every cluster from Git: a root Application ` +
    `(${code(`${ARGO_CD_ROOT_DIR}/`)}) holds one Application per cluster and step (${code('argocd/applications/')}), ordered by sync waves. ` +
    'Istio\'s charts come from Istio\'s chart repository with the values of this mesh. Relies on Argo CD 2.8 or later.', '');
  out.p('**Once, in Argo CD.** Register every cluster under the destination its Applications name, and make Argo CD assess the health of ' +
    'Application resources, which it does not do by default: without it, the root Application would not wait for one wave to be healthy before the next.', '');
  const lines = [`: "\${ARGOCD_CONTEXT:?set ARGOCD_CONTEXT to the kubeconfig context of the cluster Argo CD runs in}"`];
  for (const c of r.installed) {
    const target = mesh.delivery.targets[c.name].argoCd;
    if ('name' in target) lines.push(`argocd cluster add ${r.ctx(c.name)} --name ${target.name} --yes`);
    else if (target.server !== 'https://kubernetes.default.svc') lines.push(`argocd cluster add ${r.ctx(c.name)} --yes  # must register ${target.server}`);
  }
  lines.push(`kubectl --context="$ARGOCD_CONTEXT" -n ${ns} patch configmap argocd-cm --type merge --patch-file /dev/stdin <<'EOF'`, 'data:',
    `  ${APPLICATION_HEALTH_KEY}: |`, ...APPLICATION_HEALTH_LUA.trimEnd().split('\n').map((l) => `    ${l}`), 'EOF');
  out.bash(lines);
  out.p('', `A private repository also needs its credentials in Argo CD (${code(`argocd repo add ${r.repo.url} …`)}).` +
    (argo.project === 'default' ? '' : ` The project ${code(argo.project)} must allow this repository, Istio's chart repository, every cluster and cluster-scoped resources.`), '');
  r.beforeDelivery();
  out.p('', `**Deliver.** ${r.commitText()} Then apply the root Application, once:`, '');
  out.bash([`kubectl --context="$ARGOCD_CONTEXT" apply -f ${ARGO_CD_ROOT_DIR}/`]);
  out.p('', 'The root Application syncs its Applications wave by wave, each wave once every Application of the earlier waves is healthy. ' +
    `${r.orderText('install')}:`, '');
  r.waveTable((s) => s.cluster);
  const appWait = (names: string[]) => ['for app in \\', ...names.map((n) => `  ${n} \\`), '; do',
    `  kubectl --context="$ARGOCD_CONTEXT" -n ${ns} wait "application/$app" --for=jsonpath='{.status.health.status}'=Healthy --timeout=20m`, 'done'];
  const configIstiod = steps.find((s) => s.stage === DeliveryStage.ISTIOD && s.cluster === mesh.externalControlPlane?.configCluster);
  if (configIstiod) r.configKubeconfigText(`the Application ${code(configIstiod.name)} is healthy`, appWait([configIstiod.name]));
  const istiods = steps.filter((s) => s.stage === DeliveryStage.ISTIOD);
  if (mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
    r.remoteSecretsText('every istiod Application is healthy');
    out.p('', 'To wait for that:', '');
    out.bash(appWait(istiods.map((s) => s.name)));
  } else {
    r.remoteSecretsText('');
  }
  out.p('', `**See that it converged.** Every Application of the mesh is ${code('Synced')} and ${code('Healthy')}` +
    (r.sections.verify ? `; then run "${r.sections.verify}" above:` : ':'), '');
  out.bash([`kubectl --context="$ARGOCD_CONTEXT" -n ${ns} get applications -l ${MESH_LABEL}=${mesh.meshId}`]);
  out.p('', 'Istio\'s webhooks are patched by istiod at run time (CA bundles, and the validator\'s failure policy); the chart Applications ignore those fields, so they stay in sync without fighting istiod. ' +
    `Deleting an Application deletes what it applied, except the namespace Application, which never deletes ${code(mesh.istioNamespace)}.`);
}

/** The files of the Argo CD output that are about one cluster: its Applications (`NN-<cluster>-<stage>.yaml`). */
function argoCdClusterOfPath(path: string, clusters: readonly string[]): string | undefined {
  const app = /^argocd\/applications\/\d+-(.+)\.yaml$/.exec(path);
  if (!app) return undefined;
  // The longest cluster name the file is named after: `c-1` before `c` for `04-c-1-mesh.yaml`.
  return [...clusters].sort((a, b) => b.length - a.length).find((c) => app[1].startsWith(`${c}-`));
}

/** One Argo CD, with every cluster registered, delivering every cluster's steps in sync waves. */
export const ARGO_CD_FORMAT: DeliveryFormat = {
  enabled: (mesh) => mesh.delivery.argoCd !== undefined,
  render: renderArgoCd,
  readme: argoCdReadme,
  clusterOfPath: argoCdClusterOfPath,
};
