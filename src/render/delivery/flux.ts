import { Construct } from 'constructs';
import { ISTIO_CHART_REPOSITORY } from '../../constructs/istio-names';
import { chartVersion } from '../../model/istio-version';
import { FluxGitRepository } from '../../constructs/flux/flux-git-repository';
import { FluxHelmRelease } from '../../constructs/flux/flux-helm-release';
import { FluxHelmRepository } from '../../constructs/flux/flux-helm-repository';
import { FluxKustomization } from '../../constructs/flux/flux-kustomization';
import { deliveryObjectName, DeliveryStage, HELM_RELEASE_NAMES, HelmStage } from '../../model/delivery-names';
import { FluxMode } from '../../model/delivery-spec';
import { DeliveryStep, FluxPlan, repositoryPathOf, RepositoryPlan, StepRef } from '../../plan/delivery-plan';
import { InstalledCluster, installedClusters, MeshPlan } from '../../plan/mesh-plan';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { commonLabels, meshLabels } from '../labels';
import { FLUX_HUB_DIR, fluxClusterDir, fluxControlPlaneDir, meshObjectsDir, namespaceDir, stepDir } from '../layout';
import { ManifestChart } from '../manifest-chart';
import { OutputDirectory } from '../output-directory';
import { ChartStep, isChartStep, istioChartInstall } from './istio-charts';
import { ClusterRole } from '../../plan/cluster-role';
import { DataPlaneMode } from '../../model/mesh-spec';
import { ManualStepKind } from '../../plan/procedure';
import { isHelmStage } from '../install/charts';
import { MESH_LABEL } from '../labels';
import { code } from '../markdown';
import { DeliveryFormat, DeliveryReadmeContext, STAGE_WORDS } from './format';

/** The file of the sources (GitRepository, HelmRepository) in an entry directory. */
export const FLUX_SOURCES_FILE = 'sources.yaml';
/** Per-cluster mode: the file of the cluster's Kustomizations in its entry directory. */
export const FLUX_STEPS_FILE = 'steps.yaml';
/**
 * Hub mode: the file of one cluster's Kustomizations in the hub directory. Prefixed, so that no
 * cluster name (such as `sources`) can collide with the sources' file.
 */
export const fluxHubClusterFile = (cluster: string) => `cluster-${cluster}.yaml`;
/** The files of a control-plane directory: one HelmRelease each, named after its release. */
export const FLUX_CHART_FILES: Record<HelmStage, string> = {
  [DeliveryStage.BASE]: `${HELM_RELEASE_NAMES[DeliveryStage.BASE]}.yaml`,
  [DeliveryStage.ISTIOD]: `${HELM_RELEASE_NAMES[DeliveryStage.ISTIOD]}.yaml`,
  [DeliveryStage.CNI]: `${HELM_RELEASE_NAMES[DeliveryStage.CNI]}.yaml`,
  [DeliveryStage.ZTUNNEL]: `${HELM_RELEASE_NAMES[DeliveryStage.ZTUNNEL]}.yaml`,
};

/** What the control-plane Kustomization of a cluster is named after: `<meshId>-<cluster>-control-plane`. */
const CONTROL_PLANE = 'control-plane';

/**
 * How long one attempt of each Kustomization may take. The control plane's covers its Helm
 * installs, each allowed Helm's 5 minutes, and 5 more for istiod (and ztunnel) becoming ready.
 */
const TIMEOUTS = { namespace: '5m', objects: '10m', controlPlane: (charts: number) => `${5 * charts + 5}m` };

/**
 * How soon a failed or unready step is tried again: a step waiting on something done by hand
 * (the CA secret, the remote secrets) goes through within a minute of it, not an interval later.
 */
const RETRY_INTERVAL = '1m';

/** Flux's number of remediation retries that means no limit. */
const UNLIMITED_RETRIES = -1;

/** The sources every Kustomization and HelmRelease of an entry reads. */
interface Sources {
  readonly git: FluxGitRepository;
  readonly charts: FluxHelmRepository;
}

/**
 * The Flux output of a mesh. Each cluster is delivered by a Flux Kustomization per step of the
 * plan: its namespace, its control plane (a directory of HelmReleases, one per chart step:
 * Istio's `base` and `istiod` charts, and in an ambient mesh its `cni` and `ztunnel` charts,
 * which it applies where Flux runs and waits for), and where the plan has them its trust,
 * credentials, remote secrets, mesh objects, traffic policies and monitoring, ordered with
 * `dependsOn` as the plan orders the steps.
 *
 * In hub mode one Flux holds every cluster's objects, in one entry directory, and reaches the
 * clusters through kubeconfig Secrets; in per-cluster mode each cluster has an entry directory
 * of its own, for the Flux that runs in it.
 */
export function renderFlux(scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>): OutputDirectory[] {
  const { flux, repository } = mesh.delivery;
  if (flux === undefined) return [];
  if (repository === undefined) throw new Error('Flux delivery needs delivery.repository, which validation requires');
  // Its own scope: the mesh's other renderers own the `Cluster-<name>` ids directly below it.
  const fluxScope = new Construct(scope, 'Flux');
  const renderer = new FluxRenderer(mesh, flux, repository);

  const entries: OutputDirectory[] = [];
  const chartsOf = new Map<string, FluxHelmRepository>();
  if (flux.mode === FluxMode.HUB) {
    const chart = new ManifestChart(fluxScope, 'Hub');
    const sources = renderer.sources(chart, meshLabels(mesh.meshId, 'delivery'));
    for (const cluster of installedClusters(mesh)) {
      const group = new Construct(chart, `Cluster-${cluster.name}`);
      renderer.clusterSteps(group, sources.git, cluster);
      chart.addFile(fluxHubClusterFile(cluster.name), group);
      chartsOf.set(cluster.name, sources.charts);
    }
    const hubAt = flux.hubCluster !== undefined ? `in the cluster ${flux.hubCluster}` : 'in the management cluster';
    entries.push({
      path: FLUX_HUB_DIR,
      chart,
      header: `The Flux objects of mesh ${mesh.meshId}, for the one Flux that delivers every cluster: apply them once where it runs, ${hubAt} ` +
        `(kubectl apply -f ${FLUX_HUB_DIR}/), or point a Kustomization of its bootstrap at ${repositoryPathOf(repository, FLUX_HUB_DIR)}`,
    });
  } else {
    for (const cluster of installedClusters(mesh)) {
      const chart = new ManifestChart(fluxScope, `Cluster-${cluster.name}`);
      const sources = renderer.sources(chart, commonLabels(mesh.meshId, cluster.name, 'delivery'));
      chart.addFile(FLUX_STEPS_FILE, renderer.clusterSteps(new Construct(chart, 'Steps'), sources.git, cluster));
      chartsOf.set(cluster.name, sources.charts);
      const dir = fluxClusterDir(cluster.name);
      entries.push({
        path: dir,
        chart,
        header: `The Flux objects of the ${cluster.role} cluster ${cluster.name} of mesh ${mesh.meshId}, for the Flux that runs in it: apply them once ` +
          `in that cluster (kubectl apply -f ${dir}/), or point a Kustomization of its bootstrap at ${repositoryPathOf(repository, dir)}`,
      });
    }
  }

  const controlPlanes = installedClusters(mesh).map((cluster): OutputDirectory => {
    const clusterValues = values.get(cluster.name);
    if (clusterValues === undefined) throw new Error(`no install values for cluster ${cluster.name}`);
    const chart = new ManifestChart(fluxScope, `ControlPlane-${cluster.name}`);
    renderer.controlPlane(chart, chartsOf.get(cluster.name)!, cluster, clusterValues);
    return {
      path: fluxControlPlaneDir(cluster.name),
      chart,
      header: `The HelmReleases of the control plane of the ${cluster.role} cluster ${cluster.name} of mesh ${mesh.meshId}, applied where Flux runs ` +
        `by the Flux Kustomization ${renderer.controlPlaneName(cluster.name)}; not an entry point`,
    };
  });
  return [...entries, ...controlPlanes];
}

/** Renders the parts of the Flux output, one mesh at a time. */
class FluxRenderer {
  private readonly hub: boolean;
  private readonly version: string;
  /** The steps that wait for something done by hand during the delivery (`cluster/stage`). */
  private readonly waitForHand: Set<string>;

  constructor(private readonly mesh: MeshPlan, private readonly flux: FluxPlan, private readonly repository: RepositoryPlan) {
    this.hub = flux.mode === FluxMode.HUB;
    this.version = fluxChartVersion(mesh);
    // What is done before the delivery starts (afterWave -1) is there before any release installs.
    this.waitForHand = new Set(mesh.delivery.manualSteps.filter((m) => m.afterWave >= 0).flatMap((m) => m.before).map((r) => `${r.cluster}/${r.stage}`));
  }

  /** The Git repository and Istio's chart repository, in the sources' file of `chart`. */
  public sources(chart: ManifestChart, labels: Record<string, string>): Sources {
    const group = chart.addFile(FLUX_SOURCES_FILE, new Construct(chart, 'Sources'));
    const common = { namespace: this.flux.namespace, interval: this.flux.interval, labels };
    return {
      git: new FluxGitRepository(group, 'Repository', {
        ...common,
        name: `${this.mesh.meshId}-repository`,
        url: this.repository.url,
        branch: this.repository.branch,
        secretName: this.flux.gitSecretName,
      }),
      charts: new FluxHelmRepository(group, 'IstioCharts', {
        ...common,
        name: `${this.mesh.meshId}-istio-charts`,
        url: ISTIO_CHART_REPOSITORY,
      }),
    };
  }

  /** The name of a cluster's control-plane Kustomization. */
  public controlPlaneName(cluster: string): string {
    return deliveryObjectName(this.mesh.meshId, cluster, CONTROL_PLANE);
  }

  /** A cluster's Kustomizations, one per step of the plan (the chart steps share the control plane's), each waiting for what its step comes after. */
  public clusterSteps(scope: Construct, git: FluxGitRepository, cluster: InstalledCluster): Construct {
    const steps = this.stepsOf(cluster.name);
    const common = {
      source: git,
      interval: this.flux.interval,
      retryInterval: RETRY_INTERVAL,
      labels: commonLabels(this.mesh.meshId, cluster.name, 'delivery'),
    };
    // A Kustomization that applies to the cluster itself; none for the hub cluster and in per-cluster mode.
    const kubeConfigSecret = this.hub ? this.mesh.delivery.targets[cluster.name].fluxKubeConfigSecret : undefined;

    new FluxKustomization(scope, 'Namespace', {
      ...common,
      name: steps.namespace.name,
      path: repositoryPathOf(this.repository, namespaceDir(cluster.name)),
      // It holds istiod, the CA secret and the remote secrets: Flux never deletes it.
      prune: false,
      timeout: TIMEOUTS.namespace,
      dependsOn: this.dependsOn(cluster.name, [steps.namespace]),
      kubeConfigSecret,
    });
    // cert-manager's intermediate CA, then (with External Secrets) the reader token and the remote
    // secrets: each waits until Ready (the Certificate issued, the secrets synced).
    for (const [id, step] of [['Trust', steps.trust], ['Credentials', steps.credentials], ['RemoteSecrets', steps.remoteSecrets]] as const) {
      if (step === undefined) continue;
      new FluxKustomization(scope, id, {
        ...common,
        name: step.name,
        path: repositoryPathOf(this.repository, stepDir(step.stage as 'trust' | 'credentials' | 'remote-secrets', cluster.name)),
        timeout: TIMEOUTS.namespace,
        dependsOn: this.dependsOn(cluster.name, [step]),
        kubeConfigSecret,
      });
    }
    // Applied where Flux runs, whichever cluster the charts go to: its HelmReleases live next to
    // Flux, and carry the kubeconfig themselves. It waits, so it is Ready once all of them are.
    new FluxKustomization(scope, 'ControlPlane', {
      ...common,
      name: this.controlPlaneName(cluster.name),
      path: repositoryPathOf(this.repository, fluxControlPlaneDir(cluster.name)),
      timeout: TIMEOUTS.controlPlane(steps.charts.length),
      dependsOn: this.dependsOn(cluster.name, steps.charts),
    });
    if (steps.objects !== undefined) {
      new FluxKustomization(scope, 'MeshObjects', {
        ...common,
        name: steps.objects.name,
        path: repositoryPathOf(this.repository, meshObjectsDir(cluster.name)),
        timeout: TIMEOUTS.objects,
        dependsOn: this.dependsOn(cluster.name, [steps.objects]),
        kubeConfigSecret,
      });
    }
    for (const [id, step] of [['Traffic', steps.traffic], ['Monitoring', steps.monitoring]] as const) {
      if (step === undefined) continue;
      new FluxKustomization(scope, id, {
        ...common,
        name: step.name,
        path: repositoryPathOf(this.repository, stepDir(step.stage as 'traffic' | 'monitoring', cluster.name)),
        timeout: TIMEOUTS.objects,
        dependsOn: this.dependsOn(cluster.name, [step]),
        kubeConfigSecret,
      });
    }
    return scope;
  }

  /** A cluster's HelmReleases, one per chart step (`base`, `istiod`, and in ambient meshes `cni` and `ztunnel`), a file each. */
  public controlPlane(chart: ManifestChart, charts: FluxHelmRepository, cluster: InstalledCluster, values: IstioInstallValues) {
    const steps = this.stepsOf(cluster.name).charts;
    const releaseOf = new Map<DeliveryStage, string>(steps.map((s) => [s.stage, s.name]));
    const common = {
      repository: charts,
      version: this.version,
      targetNamespace: this.mesh.istioNamespace,
      interval: this.flux.interval,
      // In hub mode the releases are installed into the cluster through its kubeconfig.
      kubeConfigSecret: this.hub ? this.mesh.delivery.targets[cluster.name].fluxKubeConfigSecret : undefined,
      labels: commonLabels(this.mesh.meshId, cluster.name, 'delivery'),
    };
    // All keep Flux's default of no drift detection: istiod patches the webhooks' CA bundle and
    // failure policy at run time, which drift correction would undo on every reconciliation.
    for (const step of steps) {
      const install = istioChartInstall(step.stage, values);
      chart.addFile(FLUX_CHART_FILES[step.stage], new FluxHelmRelease(chart, `Release-${install.releaseName}`, {
        ...common,
        name: step.name,
        chart: install.chart,
        releaseName: install.releaseName,
        values: install.values,
        // A release that waits for a step done by hand (an external istiod's pod for istio-kubeconfig)
        // times out until it is done: it is retried until then, not given up after a few tries.
        remediationRetries: this.waitForHand.has(`${cluster.name}/${step.stage}`) ? UNLIMITED_RETRIES : undefined,
        // The plan's order among the cluster's charts (istiod after base, whose CRDs it needs; ztunnel
        // after istiod and istio-cni); what comes before them all is the Kustomization's dependsOn.
        dependsOn: step.after.filter((ref) => ref.cluster === cluster.name && releaseOf.has(ref.stage)).map((ref) => releaseOf.get(ref.stage)!),
      }));
    }
  }

  /**
   * The Kustomizations that must be Ready before the Flux object that completes `steps`: those
   * that complete the steps they come after, itself left out (istiod after base, both in the
   * control plane).
   */
  private dependsOn(cluster: string, steps: DeliveryStep[]): string[] {
    const self = this.completedBy(steps[0]);
    const names = steps
      .flatMap((s) => s.after)
      // Each cluster's own Flux has only that cluster's objects: a dependency on another
      // cluster's would never be Ready there. The order across clusters is then the order in
      // which the clusters are bootstrapped, which the README gives. One Flux for all keeps it.
      .filter((ref) => this.hub || ref.cluster === cluster)
      .map((ref) => this.completedBy(ref))
      .filter((name) => name !== self);
    return [...new Set(names)];
  }

  /** The name of the Flux Kustomization that completes a step: its own, or its cluster's control plane for the charts. */
  private completedBy(ref: StepRef): string {
    switch (ref.stage) {
      case DeliveryStage.NAMESPACE:
      case DeliveryStage.TRUST:
      case DeliveryStage.CREDENTIALS:
      case DeliveryStage.REMOTE_SECRETS:
      case DeliveryStage.OBJECTS:
      case DeliveryStage.TRAFFIC:
      case DeliveryStage.MONITORING:
        return this.step(ref).name;
      case DeliveryStage.BASE:
      case DeliveryStage.ISTIOD:
      case DeliveryStage.CNI:
      case DeliveryStage.ZTUNNEL:
        return this.controlPlaneName(ref.cluster);
      default: {
        const unknown: never = ref.stage;
        throw new Error(`no Flux object completes delivery stage ${String(unknown)}`);
      }
    }
  }

  private step(ref: StepRef): DeliveryStep {
    const found = this.mesh.delivery.steps.find((s) => s.cluster === ref.cluster && s.stage === ref.stage);
    if (found === undefined) throw new Error(`the delivery plan has no ${ref.stage} step for cluster ${ref.cluster}`);
    return found;
  }

  private stepsOf(cluster: string) {
    const optional = (stage: DeliveryStage) => this.mesh.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage);
    const required = (stage: DeliveryStage) => this.step({ cluster, stage });
    return {
      namespace: required(DeliveryStage.NAMESPACE),
      trust: optional(DeliveryStage.TRUST),
      credentials: optional(DeliveryStage.CREDENTIALS),
      remoteSecrets: optional(DeliveryStage.REMOTE_SECRETS),
      traffic: optional(DeliveryStage.TRAFFIC),
      monitoring: optional(DeliveryStage.MONITORING),
      // In the plan's order: base before istiod, whose CRDs it brings.
      charts: this.mesh.delivery.steps.filter((s): s is ChartStep => s.cluster === cluster && isChartStep(s)),
      objects: optional(DeliveryStage.OBJECTS),
    };
  }
}

/**
 * The chart version Flux resolves: the mesh's release, or for a release named without a
 * patch, such as `1.28`, the newest patch of it (the semver range `1.28.x`).
 */
export function fluxChartVersion(mesh: MeshPlan): string {
  return chartVersion(mesh.istio, 'x');
}

/** The README's section on delivering with Flux. */
function fluxReadme(r: DeliveryReadmeContext): void {
  const { out, mesh } = r;
  const flux = mesh.delivery.flux!;
  const ns = flux.namespace;
  const hubMode = flux.mode === FluxMode.HUB;
  out.p('', '## Delivering with Flux', '');
  const targets = r.installed.filter((c) => mesh.delivery.targets[c.name].fluxKubeConfigSecret !== undefined);
  if (hubMode) {
    const hub = flux.hubCluster ? r.installed.find((c) => c.name === flux.hubCluster)! : undefined;
    out.p(`One Flux, in ${hub ? `the cluster ${code(hub.name)}` : 'a management cluster'} (kubeconfig context ${code('$FLUX_CONTEXT')}), delivers every cluster from Git ` +
      `through a kubeconfig Secret per cluster. Each cluster's steps are Flux Kustomizations and HelmReleases whose ${code('dependsOn')} ` +
      'orders them, within the cluster and across clusters. Relies on Flux 2.3 or later (HelmRelease v2, Kustomization v1).', '');
    out.p('**Once, in the Flux cluster.** Install Flux there (for example with `flux install`), and give it a kubeconfig for every cluster it delivers. ' +
      'Flux cannot run the exec plugins of cloud CLIs, so each must carry a token or client certificate (for example of a service account with cluster-admin):', '');
    const lines = [hub ? `FLUX_CONTEXT=\${FLUX_CONTEXT:-${r.ctx(hub.name)}}`
      : ': "${FLUX_CONTEXT:?set FLUX_CONTEXT to the kubeconfig context of the cluster Flux runs in}"'];
    for (const c of targets) {
      lines.push(`kubectl config view --minify --flatten --context=${r.ctx(c.name)} | \\`,
        `  kubectl --context="$FLUX_CONTEXT" -n ${ns} create secret generic ${mesh.delivery.targets[c.name].fluxKubeConfigSecret} --from-file=value=/dev/stdin`);
    }
    out.bash(lines);
  } else {
    out.p('Flux runs in every cluster and delivers only that cluster: each cluster\'s steps are Flux Kustomizations and HelmReleases whose ' +
      `${code('dependsOn')} orders them within the cluster. The order across clusters is the order below, in which you start them. ` +
      'Relies on Flux 2.3 or later (HelmRelease v2, Kustomization v1).', '');
    out.p('**Once, in every cluster.** Install Flux (for example with `flux install --context=<context>`).');
  }
  if (flux.gitSecretName) {
    out.p('', `The repository is read with the Secret ${code(flux.gitSecretName)} in ${code(ns)}${hubMode ? '' : ' of every cluster'}; create it with ` +
      `${code(`flux create secret git ${flux.gitSecretName} --url=${r.repo.url} …`)}.`);
  }
  out.p('');
  r.beforeDelivery();
  out.p('', `**Deliver.** ${r.commitText()} Then apply the entry point` + (hubMode
    ? ` to the Flux cluster, once (or point a Kustomization of your Flux bootstrap at ${code(`${FLUX_HUB_DIR}/`)} in this repository):` : ' of each cluster, in this order:'), '');
  const controlPlane = (cluster: string) => `${mesh.meshId}-${cluster}-control-plane`;
  const controlPlanes = (clusters: { name: string }[]) => clusters.map((c) => controlPlane(c.name));
  const ecp = mesh.externalControlPlane;
  const wait = (ctx: string, names: string[]) => names.map((n) => `kubectl --context=${ctx} -n ${ns} wait kustomization/${n} --for=condition=Ready --timeout=30m`);
  if (hubMode) {
    out.bash([`kubectl --context="$FLUX_CONTEXT" apply -f ${FLUX_HUB_DIR}/`]);
    const charts = mesh.dataPlaneMode === DataPlaneMode.AMBIENT ? 'Istio\'s base, istiod, cni and ztunnel charts' : 'Istio\'s base and istiod charts';
    // The steps besides the namespace and the charts, in the order of their waves.
    const others = [...new Set([...mesh.delivery.steps].sort((a, b) => a.wave - b.wave).map((s) => s.stage)
      .filter((stage) => stage !== DeliveryStage.NAMESPACE && !isHelmStage(stage)))].map((stage) => STAGE_WORDS[stage].noun);
    const steps = ['the namespace', charts, ...others];
    const listed = steps.length === 2 ? steps.join(' and ') : `${steps.slice(0, -1).join(', ')}, and ${steps[steps.length - 1]}`;
    out.p('', `Flux then applies, in each cluster, ${listed}, each step once the steps it depends on are ready. ` +
      `${r.orderText('charts')}:`, '');
    r.waveTable((s) => s.cluster, 'Stage');
    if (ecp) r.configKubeconfigText(`the config cluster's control plane is ready`, wait('"$FLUX_CONTEXT"', [controlPlane(ecp.configCluster)]));
    r.remoteSecretsText('every cluster\'s control plane is ready');
    if (r.mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
      out.p('', 'To wait for that:', '');
      out.bash(wait('"$FLUX_CONTEXT"', controlPlanes(r.installed)));
    }
  } else if (ecp) {
    fluxPerClusterExternal(r, wait, controlPlane);
  } else {
    const primaries = mesh.clusters.filter((c) => c.role === ClusterRole.PRIMARY);
    const remotes = mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
    const start = (c: { name: string }) => [`kubectl --context=${r.ctx(c.name)} apply -f ${fluxClusterDir(c.name)}/`];
    out.bash(primaries.flatMap(start));
    if (remotes.length > 0) {
      out.p('', 'A remote\'s install points at its primary\'s exposed istiod: start the remotes once their primaries\' mesh objects are ready:', '');
      out.bash([...primaries.filter((c) => c.remotes.length > 0).flatMap((c) => wait(r.ctx(c.name), [`${mesh.meshId}-${c.name}-mesh`])), ...remotes.flatMap(start)]);
    }
    r.remoteSecretsText('every cluster\'s control plane is ready');
    if (r.mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
      out.p('', 'To wait for that:', '');
      out.bash(mesh.clusters.flatMap((c) => wait(r.ctx(c.name), controlPlanes([c]))));
    }
    const remoteSecrets = mesh.delivery.steps.filter((s) => s.stage === DeliveryStage.REMOTE_SECRETS);
    if (remoteSecrets.length > 0) {
      // Each cluster's Flux sees only its own cluster, so it cannot wait for another's credentials.
      out.p('', 'Each cluster\'s Flux cannot wait for another cluster: a primary\'s remote-secrets step stays unready until every cluster it reads has ' +
        'published its credentials (once that cluster\'s control plane and credentials steps have run), External Secrets and Flux retrying meanwhile. To wait for it:', '');
      out.bash(remoteSecrets.flatMap((s) => wait(r.ctx(s.cluster), [s.name])));
    }
  }
  out.p('', `**See that it converged.** Every Kustomization and HelmRelease of the mesh is ${code('Ready')}` +
    (r.sections.verify ? `; then run "${r.sections.verify}" above:` : ':'), '');
  out.bash(hubMode ? [`kubectl --context="$FLUX_CONTEXT" -n ${ns} get kustomizations,helmreleases -l ${MESH_LABEL}=${mesh.meshId}`]
    : r.installed.map((c) => `kubectl --context=${r.ctx(c.name)} -n ${ns} get kustomizations,helmreleases -l ${MESH_LABEL}=${mesh.meshId}`));
  out.p('', 'HelmReleases keep Flux\'s default of no drift detection, so Flux does not undo what istiod patches into Istio\'s webhooks at run time. ' +
    `The namespace step never prunes, so removing it never deletes ${code(mesh.istioNamespace)}.`);
}


/**
 * Per-cluster Flux with an external control plane: each Flux waits only for its own cluster, so
 * the clusters are started in the external control plane's order, with the manual steps between.
 */
function fluxPerClusterExternal(r: DeliveryReadmeContext, wait: (ctx: string, names: string[]) => string[], controlPlane: (cluster: string) => string): void {
  const { out, mesh } = r;
  const ecp = mesh.externalControlPlane!;
  const start = (cluster: string) => `kubectl --context=${r.ctx(cluster)} apply -f ${fluxClusterDir(cluster)}/`;
  const remotes = mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
  out.bash([start(ecp.name)]);
  out.p('', `Its Flux applies istiod's namespace, ${code('istiod-external')} and istiod, whose pod waits for ${code('istio-kubeconfig')}. ` +
    `Start the config cluster once ${code('istiod-external')} has its address:`, '');
  out.bash([...wait(r.ctx(ecp.name), [`${mesh.meshId}-${ecp.name}-mesh`]), start(ecp.configCluster)]);
  r.configKubeconfigText('the config cluster\'s control plane is ready', wait(r.ctx(ecp.configCluster), [controlPlane(ecp.configCluster)]));
  if (remotes.length > 0) {
    out.p('', 'The remotes\' installs point at the external istiod: start them once it is ready:', '');
    out.bash([...wait(r.ctx(ecp.name), [controlPlane(ecp.name)]), ...remotes.map((c) => start(c.name))]);
    r.remoteSecretsText('every remote\'s control plane is ready');
    if (mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
      out.p('', 'To wait for that:', '');
      out.bash(remotes.flatMap((c) => wait(r.ctx(c.name), [controlPlane(c.name)])));
    }
  }
}

/** The files of the Flux output that are about one cluster: its directories, and a hub's `cluster-<cluster>.yaml`. */
function fluxClusterOfPath(path: string): string | undefined {
  const dir = /^flux\/(?:clusters|control-planes)\/([^/]+)\//.exec(path) ?? /^flux\/hub\/cluster-([^/]+)\.yaml$/.exec(path);
  return dir?.[1];
}

/** Flux, in one hub cluster or in every cluster, delivering every cluster's steps ordered with dependsOn. */
export const FLUX_FORMAT: DeliveryFormat = {
  enabled: (mesh) => mesh.delivery.flux !== undefined,
  render: renderFlux,
  readme: fluxReadme,
  clusterOfPath: fluxClusterOfPath,
};
