import { EAST_WEST_GATEWAY_CLASS, HBONE_PORT } from '../constructs/ambient-east-west-gateway';
import { DATAPLANE_MODE_LABEL, EASTWEST_GATEWAY_NAME, GLOBAL_SERVICE_LABEL, ISTIO_CHART_REPOSITORY } from '../constructs/istio-names';
import { ambientMulticlusterStatus, ambientSupportStatement } from '../model/ambient-validation';
import { DeliveryStage, HelmStage } from '../model/delivery-names';
import { isIPAddress, isIPv6 } from '../model/formats';
import { istioRelease } from '../model/istio-releases';
import { NEWEST_KNOWN_ISTIO_MINOR } from '../model/istio-version';
import { DataPlaneMode, IstiodExposure } from '../model/mesh-spec';
import { TrustMode } from '../model/trust-spec';
import { ClusterPlan, ClusterRole, contextVariable, ExternalControlPlanePlan, MeshPlan } from '../plan/mesh-plan';
import { ManualStepKind, orderClusters, orderGroups, ProcedureStep } from '../plan/procedure';
import { CLUSTER_LAYERS } from './cluster-layers';
import { ISTIO_CHARTS, isHelmStage } from './install/charts';
import { applySetName } from './labels';
import {
  credentialsDir, helmBaseValuesPath, helmIstiodValuesPath, istioOperatorPath, meshObjectsDir, monitoringDir,
  namespaceDir, README_MARKER, remoteSecretsDir, trafficDir, trustDir, verifyDir,
} from './layout';
import { andList, code, Lines } from './markdown';
import { DIAGRAM_DETAIL_MAX_CLUSTERS, topologyDiagramMarkdown } from './topology-diagram';
import { DeliveryReadme } from './readme-delivery';
import { AMBIENT_DAEMONSETS, commandLines, InstallPath, stepCommands, stepLines } from './step-commands';
import { HELM_CLIENT_SIDE_APPLY_FLAG, helmNeedsClientSideApply, versionNotes } from './version-notes';

/** Whether a step delivers one of the stages. */
const stageOf = (...stages: DeliveryStage[]) => (step: ProcedureStep) => step.stage !== undefined && stages.includes(step.stage);
/** Whether a step is one of the steps done by hand. */
const manualOf = (...kinds: ManualStepKind[]) => (step: ProcedureStep) => step.manual !== undefined && kinds.includes(step.manual);
/** Whether a step installs one of Istio's charts. */
const isChartStep = (step: ProcedureStep) => step.stage !== undefined && isHelmStage(step.stage);
/** A section that does no step of the procedure. */
const none = () => false;

/** What the README needs to know of the files laid out for each cluster. */
export interface ClusterFiles {
  /** The file names of the cluster's mesh objects, in apply order (without the namespace). */
  readonly manifests: string[];
  /** The verification file names, in apply order (empty without verification). */
  readonly verification: string[];
  /** The name of the verification client (`curl` or `sleep`). */
  readonly verificationClient?: string;
}

/**
 * Meshes with more clusters than this get instructions driven by a table of clusters and
 * loops, so that their length grows with the number of clusters, not with its square.
 */
export const EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS = 5;

/** Replies each `kubectl exec` of the verification asks helloworld for. */
const CALLS_PER_EXEC = 20;


/** The Gateway API release to install beside the Istio release whose charts the output follows. */
export function gatewayApiVersion(chartMinor: number): string {
  return istioRelease(chartMinor).gatewayApi;
}

/** The URL of a Gateway API release's standard-channel CRDs. */
export const gatewayApiCrdsUrl = (version: string) =>
  `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/standard-install.yaml`;

/** Short name of a mesh's shape, as Istio's guide names the four topologies. */
export function topologyName(mesh: MeshPlan): string {
  if (mesh.externalControlPlane) {
    return `external control plane, ${mesh.multiNetwork ? `${mesh.networks.length} networks` : 'one network'}`;
  }
  let primaries = 0;
  for (const c of mesh.clusters) if (c.role === ClusterRole.PRIMARY) primaries++;
  const remotes = mesh.clusters.length - primaries;
  const control = remotes === 0 ? (primaries > 1 ? 'multi-primary' : 'single primary')
    : primaries > 1 ? 'multi-primary with remotes' : 'primary-remote';
  return `${control}, ${mesh.multiNetwork ? `${mesh.networks.length} networks` : 'one network'}`;
}

/**
 * How many helloworld calls give every one of `versions` a fair chance to answer: three
 * times the expected number for round-robin-like balancing to hit them all (the coupon
 * collector's n·H(n)), in whole batches, and never fewer than two batches.
 */
export function verificationCallBound(versions: number): number {
  let harmonic = 0;
  for (let k = 1; k <= versions; k++) harmonic += 1 / k;
  const calls = Math.max(2 * CALLS_PER_EXEC, Math.ceil(3 * versions * harmonic));
  return Math.ceil(calls / CALLS_PER_EXEC) * CALLS_PER_EXEC;
}

/**
 * Renders the step-by-step instructions for one mesh: an order that works on empty
 * clusters, with the exact commands for the files generated next to it. Its length is
 * linear in the number of clusters.
 */
export function renderReadme(mesh: MeshPlan, files: Map<string, ClusterFiles>): string {
  const r = new ReadmeWriter(mesh, files);
  return r.render();
}

class ReadmeWriter {
  private readonly out = new Lines();
  private readonly primaries: ClusterPlan[];
  private readonly remotes: ClusterPlan[];
  /** Table-driven instructions: a context per cluster in `CONTEXT`, loops over cluster lists. */
  private readonly loops: boolean;
  private readonly client?: string;
  /** Ambient mode: istio-cni and ztunnel on every node, no sidecars. */
  private readonly ambient: boolean;
  /** The charts every cluster installs, in the order of the delivery plan. */
  private readonly helmStages: HelmStage[];
  /** The titles of the sections the delivery sections refer to, as numbered. */
  private readonly sections: { namespaces?: string; trust?: string; remoteSecrets?: string; verify?: string; gatewayApiCrds?: string; configKubeconfig?: string } = {};
  /** Istio's namespace in every cluster: `istio-system`, or the external control plane's. */
  private readonly ns: string;
  /** The external control plane: istiod runs in a cluster outside the mesh, which reads the config cluster. */
  private readonly ecp?: ExternalControlPlanePlan;
  /** With an external control plane, the mesh cluster that holds the configuration. */
  private readonly config?: ClusterPlan;

  constructor(private readonly mesh: MeshPlan, private readonly files: Map<string, ClusterFiles>) {
    this.ns = mesh.istioNamespace;
    this.ecp = mesh.externalControlPlane;
    this.config = this.ecp ? mesh.clusters.find((c) => c.role === ClusterRole.CONFIG) : undefined;
    // The primaries and the remotes each in an order the procedure allows among their installs (charts
    // and mesh objects): the description's, unless the procedure says otherwise.
    const byName = new Map(mesh.clusters.map((c) => [c.name, c]));
    const inOrder = (role: ClusterRole) => orderClusters(mesh.procedure, mesh.clusters.filter((c) => c.role === role).map((c) => c.name),
      (s) => isChartStep(s) || s.stage === DeliveryStage.OBJECTS).map((n) => byName.get(n)!);
    this.primaries = inOrder(ClusterRole.PRIMARY);
    this.remotes = inOrder(ClusterRole.REMOTE);
    // With an external control plane every step is linear in the clusters: explicit commands at any size.
    this.loops = !mesh.externalControlPlane && mesh.clusters.length > EXPLICIT_INSTRUCTIONS_MAX_CLUSTERS;
    this.client = mesh.verification ? files.get(mesh.clusters[0].name)?.verificationClient : undefined;
    this.ambient = mesh.dataPlaneMode === DataPlaneMode.AMBIENT;
    // Every cluster of a mesh installs the same charts (remotes too: the remote profile is values).
    const first = mesh.clusters[0].name;
    this.helmStages = mesh.delivery.steps.map((s) => (s.cluster === first ? s.stage : undefined))
      .filter((stage): stage is HelmStage => stage !== undefined && isHelmStage(stage));
  }

  public render(): string {
    if (this.ecp) return this.renderExternalControlPlane();
    this.overview();
    this.beforeYouBegin();
    const primary = this.ofRole(ClusterRole.PRIMARY);
    const remote = this.ofRole(ClusterRole.REMOTE);
    this.installSections([
      { key: 'namespaces', has: stageOf(DeliveryStage.NAMESPACE), render: () => this.namespaces() },
      { key: 'Gateway API CRDs', has: none, render: () => this.gatewayApiCrds() },
      { key: 'trust', has: (s) => manualOf(ManualStepKind.TRUST, ManualStepKind.ROOT_CA)(s) || stageOf(DeliveryStage.TRUST)(s), render: () => this.trust() },
      { key: 'primaries\' installs', has: (s) => primary(s) && (isChartStep(s) || s.stage === DeliveryStage.OBJECTS), render: () => this.primaryInstalls() },
      { key: 'remotes\' installs', has: (s) => remote(s) && isChartStep(s), render: () => this.remoteInstalls() },
      {
        key: 'remote secrets',
        has: (s) => manualOf(ManualStepKind.REMOTE_SECRETS)(s) || stageOf(DeliveryStage.CREDENTIALS, DeliveryStage.REMOTE_SECRETS)(s),
        render: () => this.remoteSecrets(),
      },
      { key: 'remotes\' objects', has: (s) => remote(s) && s.stage === DeliveryStage.OBJECTS, render: () => this.remoteObjects() },
      { key: 'verification', has: (s) => s.verification === true, render: () => this.mesh.verification && this.verify() },
      { key: 'traffic policies', has: stageOf(DeliveryStage.TRAFFIC), render: () => this.traffic() },
      { key: 'monitoring', has: stageOf(DeliveryStage.MONITORING), render: () => this.monitoring() },
      { key: 'removing the verification', has: none, render: () => this.mesh.verification && this.removeVerification() },
    ]);
    this.troubleshooting();
    this.upgrade();
    this.rotation();
    this.promotion();
    this.sync();
    this.uninstall();
    this.delivery();
    return this.out.text();
  }

  /**
   * Renders the install sections in the order the procedure allows (see `orderGroups`): each
   * section does a set of the procedure's steps, and comes after the sections whose steps its
   * steps come after; a section without steps (the verification) stays after the one before it.
   */
  private installSections(sections: { key: string; has: (step: ProcedureStep) => boolean; render: () => unknown }[]) {
    const byKey = new Map(sections.map((s) => [s.key, s]));
    for (const key of orderGroups(this.mesh.procedure, sections)) byKey.get(key)!.render();
  }

  /** Whether a step is a cluster's step of a cluster of the role. */
  private ofRole(role: ClusterRole): (step: ProcedureStep) => boolean {
    const names = new Set(this.mesh.clusters.filter((c) => c.role === role).map((c) => c.name));
    return (step) => step.stage !== undefined && names.has(step.clusters[0]);
  }

  /** The sections of the delivery tools, which send users back to the kubectl path's sections for what cannot be in Git. */
  private delivery() {
    const byName = new Map(this.mesh.clusters.map((c) => [c.name, c]));
    const ctx = (cluster: string) => (cluster === this.ecp?.name ? this.extCtx() : this.ctx(byName.get(cluster)!));
    new DeliveryReadme(this.out, this.mesh, ctx, {
      namespaces: this.sections.namespaces!, trust: this.sections.trust!, remoteSecrets: this.sections.remoteSecrets, verify: this.sections.verify,
      gatewayApiCrds: this.sections.gatewayApiCrds, configKubeconfig: this.sections.configKubeconfig,
    }).render();
  }

  /** The context of a cluster as a quoted shell word. */
  private ctx(c: ClusterPlan): string {
    return `"${c.kubeContext}"`;
  }

  private extraManifests(c: ClusterPlan): string[] {
    return this.files.get(c.name)!.manifests;
  }

  private overview() {
    const { out, mesh } = this;
    out.p(README_MARKER, '');
    out.p(`# Istio mesh ${code(mesh.meshId)}: ${topologyName(mesh)}${this.ambient ? ', ambient mode' : ''}`, '');
    out.p(`Istio ${mesh.istioVersion}, trust domain ${code(mesh.trustDomain)}, ${mesh.clusters.length} clusters.`, '');
    out.p('| Cluster | Network | Role | East-west gateway |', '| --- | --- | --- | --- |');
    for (const c of mesh.clusters) {
      const gw = c.eastWestGateway ? (c.eastWestGateway.exposesIstiod ? 'yes, also carries istiod (15012, 15017)' : this.ambient ? `yes (HBONE, ${HBONE_PORT})` : 'yes') : 'no';
      out.p(`| ${c.name} | ${c.network} | ${this.roleText(c)} | ${gw} |`);
    }
    this.diagram();
    if (this.ambient) this.ambientOverview();

    out.p('', '## What is here', '');
    out.p(`Every directory of objects applies as it is with ${code('kubectl apply -f <dir>/')} (or ${code('-R')}, or ${code('-k')}), and has a ${code('Kustomization')} ` +
      `file that kustomize, Argo CD and Flux read as they read ${code('kustomization.yaml')}; ${code('kubectl apply -f')} skips it.`, '');
    out.p(`- ${code('clusters/<cluster>/namespace/')}: the ${code(this.ns)} namespace with the cluster's network label (and on a remote, its primary), applied before the control plane.`);
    out.p(`- ${code('clusters/<cluster>/mesh/')}: the cluster's mesh objects (${this.ambient ? `the east-west gateway, a Gateway API ${code('Gateway')} that istiod deploys` : 'east-west gateway, exposed istiod and services'}), ` +
      'applied once its control plane runs; the file names sort in apply order. Clusters without such objects have none.');
    this.layerDirectories();
    out.p(`- ${code('install/<cluster>/istio-operator.yaml')}: the cluster's Istio install for ${code('istioctl install -f')}` +
      (this.ambient ? ` (the ${code('ambient')} profile: istiod, istio-cni and ztunnel in one command).` : '.'));
    const values = this.helmStages.map((stage, i) => code(i === 0 ? ISTIO_CHARTS[stage].valuesFile('<cluster>') : ISTIO_CHARTS[stage].valuesFile('<cluster>').split('/').pop()!));
    out.p(`- ${andList(values)}: the same install as values for Istio's ${andList(this.helmStages.map((stage) => code(ISTIO_CHARTS[stage].chart)))} Helm charts. ` +
      'Use either istioctl or Helm, not both.');
    this.deliveryAndVerifyDirectories();
    out.p('', 'No file here holds a secret: the CA keys and the remote secrets are created by the commands below, straight into the clusters.');
    this.replacedAsAWhole();
  }

  /** The topology as a Mermaid diagram, which GitHub and GitLab draw (the same as `plan --format mermaid` prints). */
  private diagram() {
    const { mesh } = this;
    const serves = mesh.externalControlPlane !== undefined || mesh.clusters.some((c) => c.role === ClusterRole.REMOTE);
    const reads = mesh.clusters.some((c) => c.readsApiServersOf.length > 0) || mesh.externalControlPlane !== undefined;
    const legend = [...(serves ? ['thick arrows go from the istiod to the clusters whose proxies it serves'] : []),
      ...(reads ? ['dotted arrows from each istiod to the API servers it reads'] : [])];
    const byNetwork = mesh.clusters.length > DIAGRAM_DETAIL_MAX_CLUSTERS ? ', network by network' : '';
    this.out.p('', `The mesh${byNetwork}${legend.length > 0 ? `: ${legend.join('; ')}` : ''}.`, '');
    this.out.p(...topologyDiagramMarkdown(this.mesh));
  }

  /** The overview's lines for a cluster's other directories of objects (trust, credentials, traffic, monitoring), where the mesh has them. */
  private layerDirectories() {
    const { out, mesh } = this;
    if (mesh.trust.certManager) {
      out.p(`- ${code('clusters/<cluster>/trust/')}: cert-manager's Issuer and Certificate of each primary's intermediate CA, applied before its control plane.`);
    }
    if (mesh.remoteCredentials) {
      out.p(`- ${code('clusters/<cluster>/credentials/')}: the reader token of each cluster a primary reads, and the PushSecret that publishes it to the secret store.`);
      out.p(`- ${code('clusters/<cluster>/remote-secrets/')}: each primary's ExternalSecrets, which render its remote secrets from the store.`);
    }
    if (mesh.trafficPolicies.length > 0) {
      out.p(`- ${code('clusters/<cluster>/traffic/')}: the traffic policies (DestinationRules and VirtualServices), on ${this.ecp ? 'the config cluster' : 'every primary'}, ` +
        'applied after the mesh objects.');
    }
    if (mesh.monitoring) out.p(`- ${code('clusters/<cluster>/monitoring/')}: the Prometheus Operator's scrape configuration and alerts of the cluster.`);
  }

  /** The overview's lines for the Sail, Argo CD and Flux output and the verification workloads, where the mesh has them. */
  private deliveryAndVerifyDirectories() {
    const { out, mesh } = this;
    if (mesh.delivery.sailVersion) out.p(`- ${code('install/<cluster>/sail/')}: the same install as the Sail Operator's ${code('Istio')} resource.`);
    if (mesh.delivery.argoCd) out.p(`- ${code('argocd/')}: Argo CD Applications that deliver every cluster from Git in order (see "Delivering with Argo CD").`);
    if (mesh.delivery.flux) out.p(`- ${code('flux/')}: Flux sources, HelmReleases and Kustomizations that deliver every cluster from Git in order (see "Delivering with Flux").`);
    if (mesh.verification) out.p(`- ${code('verify/<cluster>/')}: workloads to check cross-cluster load balancing, apart from the mesh.`);
  }

  private replacedAsAWhole() {
    this.out.p('', 'This directory is replaced as a whole each time the mesh is synthesized. Synthesis refuses to run while it holds files it did not generate, ' +
      'so keep your own files elsewhere.');
  }

  /** What ambient mode is, what Istio supports of it across clusters in this release, and what this library leaves out. */
  private ambientOverview() {
    const { out, mesh } = this;
    const statement = ambientSupportStatement(mesh.istio);
    out.p('', '## Ambient mode', '');
    out.p(`Workloads join this mesh without sidecars: on every node, ${code('istio-cni')} sends the traffic of the pods in namespaces labelled ` +
      `${code(`${DATAPLANE_MODE_LABEL}=ambient`)} to the node's ${code('ztunnel')}, which carries it with mutual TLS (HBONE, port ${HBONE_PORT}).`, '');
    if (mesh.clusters.length === 1) {
      out.p(`With one cluster this is plain ambient mode. Across clusters, ${statement}.`);
      return;
    }
    out.p(`**Release status.** ${statement.charAt(0).toUpperCase()}${statement.slice(1)}.` +
      (ambientMulticlusterStatus(mesh.istio) === 'alpha' ? ' Istio advises against alpha features in production.' : ''), '');
    const shared = mesh.networks.map((n) => ({ n, on: mesh.clusters.filter((c) => c.network === n).map((c) => c.name) })).filter((x) => x.on.length > 1);
    out.p(`- **Supported:** every cluster a primary (it runs istiod and reads the other clusters' API servers), the clusters on several networks. ` +
      'Traffic to another network goes through the east-west gateway of that network, a Gateway API `Gateway` of class ' +
      `${code(EAST_WEST_GATEWAY_CLASS)} that takes HBONE on ${HBONE_PORT} and that istiod deploys.` +
      (shared.length === 0 ? '' : ` Clusters that share a network (${shared.slice(0, 3).map((x) => `${andList(x.on)} on ${code(x.n)}`).join('; ')}) ` +
        'reach each other\'s pods directly, a case Istio\'s guide does not test.'));
    out.p(`- **Services stay in their cluster** unless their Service is labelled ${code(`${GLOBAL_SERVICE_LABEL}=true`)}: calls to an unlabelled service ` +
      `never leave the caller's cluster. Label it in every cluster that has it (${code(`kubectl label service <name> -n <namespace> ${GLOBAL_SERVICE_LABEL}=true`)}), ` +
      'as Istio takes the scope of a service from the caller\'s own cluster.' + (mesh.verification ? ' The verification\'s helloworld is labelled so.' : ''));
    out.p('- **Not supported:** remote clusters (primary-remote), all clusters on one network, and traffic policies. This library generates no waypoint ' +
      'proxies, which L7 routing and policies need in ambient mode; if you deploy waypoints, give them the same names in every cluster, as Istio assumes.');
  }

  private roleText(c: ClusterPlan): string {
    if (c.role === ClusterRole.REMOTE) return `remote of ${c.controlPlaneCluster}, istiod at ${code(c.remotePilotAddress!)}`;
    const serves = c.remotes.length > 0
      ? `; serves ${c.remotes.length > 5 ? `${c.remotes.length} remotes` : c.remotes.join(', ')} at ${code(c.discoveryAddress!)}` : '';
    const how = c.istiodExposure === IstiodExposure.LOAD_BALANCER ? ' through istiod-external' : c.istiodExposure ? ' through the east-west gateway' : '';
    return `primary (runs istiod${serves}${how})` + (this.mesh.multiNetwork && c.exposesServices ? '; exposes services to other networks' : '');
  }

  private beforeYouBegin() {
    const { out, mesh } = this;
    out.heading('Before you begin');
    out.p(`- ${code('kubectl')}, and either ${code('istioctl')} ${mesh.istioVersion} or ${code('helm')} (3 or 4) with Istio's chart repository:`, '');
    out.bash([`helm repo add istio ${ISTIO_CHART_REPOSITORY}`, 'helm repo update']);
    if (this.helmApply) {
      out.p('', `- Istio ${mesh.istioVersion}'s charts set the validating webhooks' ${code('failurePolicy')} on every upgrade, a field that istiod takes over ` +
        `once its webhook serves. Helm 4 applies server-side and would refuse to run an install command a second time over that conflict, so the Helm ` +
        `commands here pass ${code(HELM_CLIENT_SIDE_APPLY_FLAG)}: Helm 4 then applies client-side, as Helm 3 always does and as these charts were made for. ` +
        `Helm 3 has no such flag: leave it out there. From Istio 1.28.6, 1.29.2 and 1.30 the charts leave the field to istiod, and no flag is needed.`);
    }
    if (mesh.istio.patch === undefined) {
      out.p('', `- ${code(mesh.istioVersion)} names no patch release: Helm installs the newest ${mesh.istioVersion} patch; use the istioctl of that patch.`);
    }
    if (mesh.chartMinor !== mesh.istio.minor) {
      out.p('', `- Istio ${mesh.istioVersion} is newer than the newest release this library knows (1.${NEWEST_KNOWN_ISTIO_MINOR}): ` +
        `the objects here follow Istio 1.${NEWEST_KNOWN_ISTIO_MINOR}'s charts. Read the release notes of every release since for changes to ` +
        'multicluster installs and gateways before you apply them.');
    }
    if (this.ecp) {
      out.p('', `- The API server of every cluster of the mesh must be reachable from the external cluster ${code(this.ecp.name)}, whose istiod reads ` +
        `configuration and endpoints from them. If the address in your kubeconfig is not the one the external cluster reaches (kind, private endpoints, proxies), ` +
        `set the cluster's ${code('apiServer')} in the mesh description: its kubeconfig for istiod is then created with ${code('--server')}.`);
    } else {
      out.p('', '- The API server of every cluster must be reachable from every primary cluster, which reads endpoints from them. ' +
        `If the address in your kubeconfig is not the one other clusters reach (kind, private endpoints, proxies), set the cluster's ${code('apiServer')} ` +
        `in the mesh description: the remote secrets are then created with ${code('--server')}.`);
    }
    this.exposureWarning();

    const variables: { name: string; kubeContext: string }[] = [...(this.ecp ? [this.ecp] : []), ...mesh.clusters]
      .filter((c) => c.kubeContext === `\${${contextVariable(c.name)}}`);
    if (variables.length > 0) {
      out.p(`- The kubeconfig context of each cluster, in the variables the commands use (for example ${code(`export ${contextVariable(variables[0].name)}=my-context`)}); this checks that they are set:`, '');
      out.bash(variables.map((c) => `: "\${${contextVariable(c.name)}:?set ${contextVariable(c.name)} to the kubeconfig context of ${c.name}}"`));
    }
    out.p('', 'Run the commands below from this directory, in one shell: later steps use the functions' +
      (this.loops ? ' and the table of clusters' : '') + ' defined here.', '');
    out.bash(this.shellDefinitions());
  }

  /** Istio's guide warns that the east-west gateway is public by default; say so where it applies, and how to restrict it. */
  private exposureWarning() {
    const { out, mesh } = this;
    const exposed: { name: string; ranges?: string[] }[] = mesh.clusters.filter((c) => c.eastWestGateway || c.istiodLoadBalancer)
      .map((c) => ({ name: c.name, ranges: c.eastWestGateway?.loadBalancerSourceRanges ?? c.istiodLoadBalancer?.loadBalancerSourceRanges }));
    if (this.ecp) exposed.unshift({ name: this.ecp.name, ranges: this.ecp.istiodLoadBalancer.loadBalancerSourceRanges });
    if (exposed.length === 0) return;
    const open = exposed.filter((c) => !c.ranges);
    out.p('', `- **Public exposure.** The east-west gateways${this.ecp || mesh.clusters.some((c) => c.istiodLoadBalancer) ? ' and istiod-external Services' : ''} ` +
      'are LoadBalancer Services, which most clouds make Internet-facing. ' + (this.ecp
        ? (mesh.multiNetwork ? 'Services behind port 15443 only accept peers with a certificate of this mesh, but ' : '') +
          `${code('istiod-external')} serves the control plane (15012, 15017) to whoever reaches it. `
        : this.ambient
        ? `Port ${HBONE_PORT} only accepts peers with a certificate of this mesh, but the gateways are open to probing and load from whoever reaches them. `
        : 'Services behind port 15443 only accept peers with a certificate of this mesh, ' +
          'but a gateway that carries istiod (15012, 15017) serves the control plane to whoever reaches it. ') +
      (open.length === 0 ? 'Every one of them here is limited to its `loadBalancerSourceRanges`.'
        : `Not limited by ${code('loadBalancerSourceRanges')}: ${open.length > 10 ? `${open.length} clusters` : open.map((c) => c.name).join(', ')}.`) +
      ' Limit them to the other clusters\' egress ranges, or make them internal with your cloud\'s annotation, in the mesh description:', '');
    out.p('```ts', `eastWestGateway: {`, `  loadBalancerSourceRanges: ['203.0.113.0/24'],  // the other clusters' egress addresses`,
      `  serviceAnnotations: {`,
      `    'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',  // AWS`,
      `    // 'networking.gke.io/load-balancer-type': 'Internal',            // GKE`,
      `    // 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', // AKS`,
      `  },`, `},`, '```', '');
  }

  /** Shell functions (and for large meshes the cluster table) that later steps call. */
  private *shellDefinitions(): Iterable<string> {
    const { mesh } = this;
    yield '# Prints the external address (IP or host name) of a LoadBalancer Service once the cloud has assigned one.';
    yield 'lb_address() { # <context> <service>';
    yield '  local addr';
    yield '  for _ in $(seq 60); do';
    yield `    addr=$(kubectl --context="$1" -n ${this.ns} get svc "$2" \\`;
    yield '      -o jsonpath=\'{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}\')';
    yield '    if [ -n "$addr" ]; then echo "$addr"; return 0; fi';
    yield '    sleep 5';
    yield '  done';
    yield '  echo "$2 has no external address after 5 minutes" >&2; return 1';
    yield '}';
    if (mesh.verification) {
      yield '# Calls helloworld from one cluster until every version has answered, within a bound of calls.';
      yield 'check_helloworld() { # <context> <client> <max calls> <versions...>';
      yield '  local ctx=$1 client=$2 max=$3 seen=" " missing=() calls=0 reply v; shift 3';
      yield '  while [ "$calls" -lt "$max" ]; do';
      yield `    reply=$(kubectl --context="$ctx" -n sample exec deploy/"$client" -c "$client" -- \\`;
      yield `      sh -c 'for i in $(seq ${CALLS_PER_EXEC}); do curl -sS helloworld.sample:5000/hello; echo; done') || true`;
      yield `    calls=$((calls + ${CALLS_PER_EXEC}))`;
      yield '    for v in $(printf \'%s\\n\' "$reply" | sed -n \'s/.*Hello version: \\(v[0-9]*\\).*/\\1/p\' | sort -u); do';
      yield '      case "$seen" in *" $v "*) ;; *) seen="$seen$v " ;; esac';
      yield '    done';
      yield '    missing=()';
      yield '    for v in "$@"; do case "$seen" in *" $v "*) ;; *) missing+=("$v") ;; esac; done';
      yield '    if [ ${#missing[@]} -eq 0 ]; then echo "$ctx: all $# versions answered within $calls calls"; return 0; fi';
      yield '  done';
      yield '  echo "$ctx: no reply from ${missing[*]} in $calls calls" >&2; return 1';
      yield '}';
      if (this.ambient) {
        yield '# Fails if a pod of the sample namespace has a sidecar (istio-proxy): in ambient mode the node\'s ztunnel carries their traffic.';
        yield 'check_no_sidecar() { # <context>';
        yield '  local pods';
        yield '  pods=$(kubectl --context="$1" -n sample get pods \\';
        yield '    -o jsonpath=\'{range .items[*]}{.metadata.name}{": "}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\\n"}{end}\') || return 1';
        yield '  if printf \'%s\\n\' "$pods" | grep -w istio-proxy >&2; then echo "$1: these pods have a sidecar" >&2; return 1; fi';
        yield '  echo "$1: no pod of sample has a sidecar"';
        yield '}';
      }
    }
    if (!this.loops) return;
    yield '# Every cluster of the mesh, with its kubeconfig context (and API server address for remote secrets).';
    yield 'declare -A CONTEXT=(';
    for (const c of mesh.clusters) yield `  [${c.name}]=${this.ctx(c)}`;
    yield ')';
    const servers = mesh.clusters.filter((c) => c.apiServer !== undefined);
    yield `declare -A API_SERVER=(${servers.length === 0 ? ')' : ''}`;
    if (servers.length > 0) {
      for (const c of servers) yield `  [${c.name}]="${c.apiServer}"`;
      yield ')';
    }
    const tlsNames = mesh.clusters.filter((c) => c.apiServerTlsName !== undefined);
    if (tlsNames.length > 0) {
      yield 'declare -A TLS_SERVER_NAME=(';
      for (const c of tlsNames) yield `  [${c.name}]="${c.apiServerTlsName}"`;
      yield ')';
    }
    yield* shellArray('CLUSTERS', mesh.clusters.map((c) => c.name));
    yield* shellArray('PRIMARIES', this.primaries.map((c) => c.name));
    yield* shellArray('REMOTES', this.remotes.map((c) => c.name));
  }

  private namespaces() {
    const { out, mesh } = this;
    this.sections.namespaces = out.heading(`Create the ${this.ns} namespace in every cluster`);
    out.p('The namespace carries the cluster\'s network label and, on a remote, the annotation naming its primary; both must exist before the control plane is installed.', '');
    out.bash(this.stepEach('CLUSTERS', mesh.clusters, DeliveryStage.NAMESPACE));
  }

  /** The east-west gateways of an ambient mesh are Gateway API objects: their CRDs come before istiod and the gateways. */
  private gatewayApiCrds() {
    const { out, mesh } = this;
    const withGateway = mesh.clusters.filter((c) => c.eastWestGateway);
    if (!this.ambient || withGateway.length === 0) return;
    const version = gatewayApiVersion(mesh.chartMinor);
    this.sections.gatewayApiCrds = out.heading('Install the Gateway API CRDs in every cluster');
    out.p(`The east-west gateways are Gateway API ${code('Gateway')} objects, whose CRDs Istio does not install and most clusters lack. ` +
      `This installs the standard channel of Gateway API ${version}, the release Istio 1.${mesh.chartMinor} goes with, where the CRDs are missing; with them in place ` +
      `before istiod starts, istiod provides the ${code(EAST_WEST_GATEWAY_CLASS)} GatewayClass the gateways use. A cluster that has them keeps its own: ` +
      `if ${code('kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath=\'{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}\'')} ` +
      `shows an older release than ${version}, apply the file without the check.`, '');
    const install = (ctx: string) =>
      `kubectl --context=${ctx} get crd gateways.gateway.networking.k8s.io >/dev/null 2>&1 || kubectl --context=${ctx} apply --server-side -f ${gatewayApiCrdsUrl(version)}`;
    out.bash(this.perCluster(install, withGateway));
  }

  private trust() {
    const { out, mesh } = this;
    this.sections.trust = out.heading('Configure trust: one root CA, an intermediate CA per primary');
    out.p(`Every primary gets a ${code('cacerts')} secret with an intermediate CA signed by one shared root, so that workloads of all clusters trust each other: ` +
      'istiod signs workload certificates with it, and must find it when it starts.' +
      (this.remotes.length > 0 ? ' Remotes need none: their workloads get certificates from their primary\'s istiod.' : ''), '');
    const each = (line: (name: string, ctx: string) => string[]) => (this.loops
      ? ['for c in "${PRIMARIES[@]}"; do', ...line('$c', '"${CONTEXT[$c]}"').map((l) => `  ${l}`), 'done']
      : this.primaries.flatMap((c) => line(c.name, this.ctx(c))));
    const certsDir = `CERTS_DIR=\${CERTS_DIR:-$HOME/istio-certs/${mesh.meshId}}`;
    const caCommand = (args: string) => `npx cdk8s-istio-multicluster ca --dir "$CERTS_DIR" --output-dir . ${args}`;
    switch (mesh.trust.mode) {
      case TrustMode.OFFLINE_CA: {
        out.p(`This package's ${code('ca')} command makes them as Istio's ${code('tools/certs')} Makefile does ` +
          `(RSA 4096 by default; ${code('--key-type ecdsa-p256')} and others are available) and keeps the keys in ${code('CERTS_DIR')}, outside this directory ` +
          '(it refuses to write inside it). Run again, it keeps what exists and only adds clusters:', '');
        const clusters = this.loops ? '"$(IFS=,; echo "${PRIMARIES[*]}")"' : this.primaries.map((c) => c.name).join(',');
        out.bash([certsDir, caCommand(`--clusters ${clusters}`),
          ...each((name, ctx) => [`kubectl --context=${ctx} apply -f "$CERTS_DIR/${name}/cacerts.yaml"`])]);
        out.p('', `Keep ${code('$CERTS_DIR')} out of the clusters and out of version control: it holds the root key (${code('root-key.pem')}), ` +
          `and each ${code('cacerts.yaml')} holds a primary's intermediate key.`);
        return;
      }
      case TrustMode.BRING_YOUR_OWN:
        out.p(`Create each primary's ${code('cacerts')} secret in ${code(this.ns)} from your own CA: ${code('ca-cert.pem')} and ${code('ca-key.pem')}, ` +
          `the primary's intermediate CA (a CA certificate whose path length allows it to sign workload certificates, with ${code('keyCertSign')}) and its key; ` +
          `${code('root-cert.pem')}, the mesh's one root, the same in every primary; ${code('cert-chain.pem')}, the intermediate then every CA up to the root. ` +
          `(The ${code('kubernetes.io/tls')} form, ${code('tls.crt')}, ${code('tls.key')} and ${code('ca.crt')}, works too.) With the files of each primary in ${code('$CERTS_DIR/<cluster>/')}:`, '');
        out.bash([certsDir, ...each((name, ctx) => [
          `kubectl --context=${ctx} -n ${this.ns} create secret generic cacerts \\`,
          `  --from-file="$CERTS_DIR/${name}/ca-cert.pem" --from-file="$CERTS_DIR/${name}/ca-key.pem" \\`,
          `  --from-file="$CERTS_DIR/${name}/root-cert.pem" --from-file="$CERTS_DIR/${name}/cert-chain.pem"`,
        ])]);
        return;
      case TrustMode.CERT_MANAGER: {
        const cm = mesh.trust.certManager!;
        out.p(`cert-manager issues each primary's intermediate into ${code('cacerts')} (${code('clusters/<primary>/trust/')}: a CA Issuer backed by the shared root in ` +
          `the Secret ${code(cm.rootCaSecret)}, and a Certificate valid for ${cm.duration}, renewed ${cm.renewBefore} before it expires; istiod reloads it). ` +
          `cert-manager must run in every primary${cm.rootCaFromStore ? ', and External Secrets with the store ' + code(cm.rootCaFromStore.secretStore.name) + ', whose key ' + code(cm.rootCaFromStore.key) + ' holds the root as tls.crt and tls.key' : ''}.`, '');
        const lines: string[] = [];
        if (!cm.rootCaFromStore) {
          out.p(`The root's Secret is created by hand in every primary; this makes a root with the package's ${code('ca')} command (or use your own):`, '');
          lines.push(certsDir, caCommand('--root-only'));
          lines.push(...each((_name, ctx) => [`kubectl --context=${ctx} -n ${this.ns} create secret tls ${cm.rootCaSecret} --cert="$CERTS_DIR/root-cert.pem" --key="$CERTS_DIR/root-key.pem"`]));
        }
        lines.push(...this.stepEach('PRIMARIES', this.primaries, DeliveryStage.TRUST));
        out.bash(lines);
        return;
      }
    }
  }

  /**
   * A cluster's install on both paths: the commands of its chart steps, in order. In a loop over a
   * role's clusters, whose charts differ only by their name, the body is `c`'s with `$c` for it.
   */
  private installCommands(c: ClusterPlan, loop = false) {
    const lines = (path: InstallPath) => this.helmStages.flatMap((stage) => (loop
      ? stepLines(this.mesh, c.name, stage, path, '"${CONTEXT[$c]}"', { loopVariable: '$c' }).map((line) => `  ${line}`)
      : stepLines(this.mesh, c.name, stage, path, this.ctx(c))));
    return { istioctl: lines('istioctl'), helm: lines('helm') };
  }

  /** The clusters a bash array of the README lists. */
  private listed(list: 'CLUSTERS' | 'PRIMARIES' | 'REMOTES'): ClusterPlan[] {
    return { CLUSTERS: this.mesh.clusters, PRIMARIES: this.primaries, REMOTES: this.remotes }[list];
  }

  /** Both install paths, for one cluster or, in a loop, for a list of clusters. */
  private install(list: 'PRIMARIES' | 'REMOTES' | undefined, c?: ClusterPlan) {
    const { out } = this;
    const cmds = list ? this.installCommands(this.listed(list)[0], true) : this.installCommands(c!);
    const wrap = (lines: string[]) => (list ? [`for c in "\${${list}[@]}"; do`, ...lines, 'done'] : lines);
    if (this.ambient) {
      out.p(`Besides istiod, the ${code('ambient')} profile installs ${code('istio-cni')}, the node agent that redirects pods' traffic, and ${code('ztunnel')}, ` +
        `the node proxy that carries it; both paths end by waiting for their DaemonSets on every node. Use one path:`, '');
    }
    out.p('With istioctl:', '');
    out.bash(wrap(cmds.istioctl));
    out.p('', 'Or with Helm:', '');
    out.bash(wrap(cmds.helm));
  }

  /** Waits for a Service's address and compares it with the discovery address remotes were generated with. */
  private addressCheck(c: ClusterPlan): string[] {
    const service = c.istiodLoadBalancer ? 'istiod-external' : EASTWEST_GATEWAY_NAME;
    const lines = [`addr=$(lb_address ${this.ctx(c)} ${service}); echo "${c.name} ${service}: $addr"`];
    if (c.discoveryAddress !== undefined && isIPAddress(c.discoveryAddress)) {
      lines.push(`[ "$addr" = "${c.discoveryAddress}" ] || echo "WARNING: ${c.name}'s remotes were generated with ${c.discoveryAddress}: fix discoveryAddress or pin loadBalancerIP, and synthesize again" >&2`);
    }
    return lines;
  }

  private primaryInstalls() {
    const { out } = this;
    if (this.loops) {
      out.heading(`Install the control plane of the ${this.primaries.length} primaries`);
      this.install('PRIMARIES');
      const withObjects = this.primaries.filter((c) => this.extraManifests(c).length > 0);
      if (withObjects.length > 0) {
        out.p('', this.ambient ? `Then apply their objects; ${this.ambientGatewayNote()}:`
          : 'Then apply their objects (east-west gateways, exposed istiod and services); Istio\'s CRDs exist now:', '');
        out.bash(this.stepEach('PRIMARIES', withObjects, DeliveryStage.OBJECTS));
        this.addressChecks(withObjects);
      }
      return;
    }
    for (const c of this.primaries) {
      out.heading(`Install the control plane of the primary ${code(c.name)}`);
      this.install(undefined, c);
      const rest = this.extraManifests(c);
      if (rest.length > 0) {
        out.p('', `Then apply the cluster's objects (${rest.map(code).join(', ')}); ${this.ambient ? this.ambientGatewayNote() : 'Istio\'s CRDs exist now'}:`, '');
        out.bash(this.stepLines(c, DeliveryStage.OBJECTS));
        this.addressChecks([c]);
      }
    }
  }

  /** What happens to an ambient east-west gateway once applied. */
  private ambientGatewayNote(): string {
    return `istiod deploys each east-west gateway from its ${code('Gateway')} (a Deployment and the LoadBalancer Service ${code(EASTWEST_GATEWAY_NAME)}), ` +
      'and reports it programmed once the load balancer has given it an address';
  }

  private addressChecks(clusters: ClusterPlan[]) {
    const checked = clusters.filter((c) => c.eastWestGateway || c.istiodLoadBalancer);
    if (checked.length === 0) return;
    const serving = checked.filter((c) => c.discoveryAddress !== undefined);
    this.out.p('', 'Wait for the load balancer addresses' + (serving.length > 0
      ? '. A primary\'s must be the discovery address its remotes were generated with (a DNS name must resolve to it); ' +
        `if the cloud assigned another address, fix ${code('discoveryAddress')} in the mesh description (or pin it with ${code('loadBalancerIP')}) and synthesize again:`
      : ':'), '');
    this.out.bash(checked.flatMap((c) => this.addressCheck(c)));
  }

  private remoteInstalls() {
    const { out } = this;
    if (this.remotes.length === 0) return;
    if (this.loops) {
      out.heading(`Install the ${this.remotes.length} remotes`);
      out.p('The remote profile installs no istiod: an `istiod` Service pointing at the primary\'s discovery address, and the injection webhook served by the primary\'s istiod.', '');
      this.install('REMOTES');
      this.remoteChartNote(this.remotes);
      return;
    }
    for (const c of this.remotes) {
      out.heading(`Install the remote ${code(c.name)}`);
      out.p(`The remote profile installs no istiod: an ${code('istiod')} Service pointing at ${code(c.remotePilotAddress!)} and the injection webhook, ` +
        `served by the istiod of ${code(c.controlPlaneCluster)}.`, '');
      this.install(undefined, c);
      this.remoteChartNote([c]);
    }
  }

  /** What Istio's remote chart makes of each kind of address, per release. */
  private remoteChartNote(remotes: ClusterPlan[]) {
    const addresses = [...new Set(remotes.map((c) => c.remotePilotAddress!))];
    const dns = addresses.filter((a) => !isIPAddress(a));
    const ipv6 = addresses.filter((a) => isIPv6(a));
    if (dns.length > 0) {
      this.out.p('', `Note: ${dns.slice(0, 5).map(code).join(', ')} ${dns.length === 1 ? 'is a DNS name' : 'are DNS names'}, so Istio's remote chart makes ` +
        `${code('istiod')} an ExternalName Service pointing at it. The API server would call a webhook behind it on port 443, so the remote's injector ` +
        `is given the full URL on port 15017 (${code('istiodRemote.injectionURL')}), and ${this.ecp ? 'the external istiod' : 'the primary\'s istiod'} names the host in its certificate ` +
        `(${code('ISTIOD_CUSTOM_HOST')}). Istio's guide documents IP addresses; check sidecar injection on the remote first.`);
    }
    if (ipv6.length > 0) {
      this.out.p('', `Note: ${ipv6.slice(0, 5).map(code).join(', ')} ${ipv6.length === 1 ? 'is an IPv6 address' : 'are IPv6 addresses'}: from Istio 1.30 the remote chart ` +
        `gives ${code('istiod')} an endpoint at it, as for IPv4 (earlier releases made an ExternalName Service, which Kubernetes rejects).`);
    }
  }

  private remoteSecrets() {
    const { out, mesh } = this;
    if (!mesh.clusters.some((c) => c.readsApiServersOf.length > 0)) return;
    this.sections.remoteSecrets = out.heading('Enable endpoint discovery: remote secrets');
    if (mesh.remoteCredentials) {
      this.externalSecretsCredentials();
      return;
    }
    out.p('Every primary reads the API server of every other cluster. A remote secret holds a kubeconfig for one cluster\'s ' +
      `${code('istio-reader-service-account')}; it is created once per cluster and applied to every primary but that cluster itself:`, '');
    // A cluster's TLS server name goes with its API server address; the loop names it only when some cluster has one.
    const tlsNames = mesh.clusters.some((c) => c.apiServerTlsName !== undefined) ? ' ${TLS_SERVER_NAME[$read]:+--tls-server-name="${TLS_SERVER_NAME[$read]}"}' : '';
    if (this.loops) {
      out.bash([
        'for read in "${CLUSTERS[@]}"; do',
        `  secret=$(istioctl create-remote-secret --context="\${CONTEXT[$read]}" --name="$read" \${API_SERVER[$read]:+--server="\${API_SERVER[$read]}"}${tlsNames})`,
        '  for reader in "${PRIMARIES[@]}"; do',
        '    if [ "$reader" != "$read" ]; then printf \'%s\\n\' "$secret" | kubectl apply -f - --context="${CONTEXT[$reader]}"; fi',
        '  done',
        'done',
      ]);
    } else {
      const lines: string[] = [];
      for (const reader of this.primaries) {
        for (const name of reader.readsApiServersOf) {
          const read = mesh.clusters.find((c) => c.name === name)!;
          lines.push(`istioctl create-remote-secret --context=${this.ctx(read)} --name=${read.name}${this.serverFlags(read)} | \\`,
            `  kubectl apply -f - --context=${this.ctx(reader)}`);
        }
      }
      out.bash(lines);
    }
    if (this.remotes.length > 0) {
      out.p('', 'A remote is attached once its primary holds its secret: the primary then patches the remote\'s webhooks and serves its proxies.');
    }
  }

  /** Remote secrets through External Secrets: every read cluster publishes its reader token, every primary renders its remote secrets. */
  private externalSecretsCredentials() {
    const { out, mesh } = this;
    const rc = mesh.remoteCredentials!;
    const read = mesh.clusters.filter((c) => mesh.clusters.some((p) => p.readsApiServersOf.includes(c.name)));
    const readers = mesh.clusters.filter((c) => c.readsApiServersOf.length > 0);
    out.p('Every primary reads the API server of every other cluster, through a remote secret: a kubeconfig for that cluster\'s ' +
      `${code('istio-reader-service-account')}. Here they go through External Secrets and the ${rc.secretStore.kind} ${code(rc.secretStore.name)}, ` +
      'which External Secrets must reach from every cluster, and which must support pushing: each cluster publishes its reader token and CA ' +
      `(${code('clusters/<cluster>/credentials/')}), and each primary renders its remote secrets from them, at the ${code('apiServer')} of each cluster ` +
      `(${code('clusters/<primary>/remote-secrets/')}). No token passes through this directory or your shell.`, '');
    out.bash([...this.stepEach('CLUSTERS', read, DeliveryStage.CREDENTIALS), ...this.stepEach('PRIMARIES', readers, DeliveryStage.REMOTE_SECRETS)]);
  }

  private remoteObjects() {
    const { out } = this;
    const withObjects = this.remotes.filter((c) => this.extraManifests(c).length > 0);
    if (withObjects.length === 0) return;
    out.heading('Apply the remotes\' objects');
    out.p('Their gateway pods are injected by the primary\'s istiod, so this comes after the remote secrets:', '');
    out.bash(this.stepEach('REMOTES', withObjects, DeliveryStage.OBJECTS));
    this.addressChecks(withObjects);
  }

  private verify() {
    const { out, mesh } = this;
    const client = this.client!;
    const n = mesh.clusters.length;
    const bound = verificationCallBound(n);
    this.sections.verify = out.heading('Verify cross-cluster load balancing');
    out.p(`Deploy helloworld (version ${code('v<n>')} in the n-th cluster) and a ${code(client)} client to every cluster` + (this.ambient
      ? `, in the namespace ${code('sample')} labelled ${code(`${DATAPLANE_MODE_LABEL}=ambient`)}: its pods join the mesh through their node's ztunnel, ` +
        `with no sidecar (${code('READY 1/1')}). The helloworld Service is labelled ${code(`${GLOBAL_SERVICE_LABEL}=true`)} in every cluster; ` +
        'without the label, each cluster\'s calls would stay with its own version:' : ':'), '');
    if (this.loops) {
      out.bash(['n=0', 'for c in "${CLUSTERS[@]}"; do', '  n=$((n + 1))', '  kubectl --context="${CONTEXT[$c]}" apply -f "verify/$c/"',
        `  kubectl --context="\${CONTEXT[$c]}" -n sample rollout status deploy/helloworld-v$n deploy/${client}`, 'done']);
    } else {
      out.bash(mesh.clusters.flatMap((c) => [
        `kubectl --context=${this.ctx(c)} apply -f ${verifyDir(c.name)}/`,
        `kubectl --context=${this.ctx(c)} -n sample rollout status deploy/helloworld-v${c.index} deploy/${client}`,
      ]));
    }
    if (this.ambient) {
      out.p('', 'Check that no pod has a sidecar: ztunnel carries their traffic, as it does for every pod of a namespace labelled so:', '');
      out.bash(this.perCluster((ctx) => `check_no_sidecar ${ctx}`));
    }
    out.p('', `From every cluster, call helloworld until every version (${n > 5 ? `v1 to v${n}` : mesh.clusters.map((c) => `v${c.index}`).join(', ')}) ` +
      `has answered, in batches of ${CALLS_PER_EXEC} calls and at most ${bound} calls per cluster; a version that never answers is named:`, '');
    const versions = n > 5 ? `$(seq -f 'v%g' 1 ${n})` : mesh.clusters.map((c) => `v${c.index}`).join(' ');
    if (this.loops) {
      out.bash(['for c in "${CLUSTERS[@]}"; do', `  check_helloworld "\${CONTEXT[$c]}" ${client} ${bound} ${versions}`, 'done']);
    } else {
      out.bash(mesh.clusters.map((c) => `check_helloworld ${this.ctx(c)} ${client} ${bound} ${versions}`));
    }
  }

  /** One command per cluster: a loop over the cluster table, or a line per cluster. */
  private perCluster(line: (ctx: string) => string, clusters = this.mesh.clusters): string[] {
    return this.loops ? ['for c in "${CLUSTERS[@]}"; do', `  ${line('"${CONTEXT[$c]}"')}`, 'done'] : clusters.map((c) => line(this.ctx(c)));
  }

  /** The workloads of the verification, removed once the later steps no longer need them. */
  private removeVerification() {
    const { out, mesh } = this;
    out.p('', 'Remove the verification workloads when you are done with them:', '');
    if (this.loops) {
      out.bash(['for c in "${CLUSTERS[@]}"; do', '  kubectl --context="${CONTEXT[$c]}" delete -f "verify/$c/" --ignore-not-found', 'done']);
    } else {
      out.bash(mesh.clusters.map((c) => `kubectl --context=${this.ctx(c)} delete -f ${verifyDir(c.name)}/ --ignore-not-found`));
    }
  }

  /**
   * A step of each of `clusters`: its commands, cluster by cluster, or for a large mesh one loop
   * over the bash array `list`, which runs the step where the cluster has its directory when not
   * every cluster of the list has the step.
   */
  private stepEach(list: 'CLUSTERS' | 'PRIMARIES' | 'REMOTES', clusters: ClusterPlan[], stage: DeliveryStage): string[] {
    if (clusters.length === 0) return [];
    if (!this.loops) return clusters.flatMap((c) => this.stepLines(c, stage));
    // The loop's body: the step's commands, the same for every cluster but for the cluster's name in its paths.
    const template = (c: ClusterPlan) => stepLines(this.mesh, c.name, stage, 'helm', '"${CONTEXT[$c]}"', { loopVariable: '$c' });
    const lines = template(clusters[0]);
    // Clusters whose step differs by more than their name get their commands one by one instead.
    if (clusters.some((c) => template(c).join('\n') !== lines.join('\n'))) return clusters.flatMap((c) => this.stepLines(c, stage));
    const all = this.listed(list);
    const dir = CLUSTER_LAYERS.find((l) => l.stage === stage)?.dir('$c');
    const guarded = clusters.length < all.length && dir !== undefined
      ? [`  if [ -d "${dir}" ]; then`, ...lines.map((l) => `    ${l}`), '  fi'] : lines.map((l) => `  ${l}`);
    return [`for c in "\${${list}[@]}"; do`, ...guarded, 'done'];
  }

  /** The lines of bash that do a cluster's step and wait for it, with the commands of the procedure's step. */
  private stepLines(c: ClusterPlan, stage: DeliveryStage): string[] {
    return stepLines(this.mesh, c.name, stage, 'helm', this.ctx(c));
  }

  private traffic() {
    const { out, mesh } = this;
    const holders = mesh.clusters.filter((c) => c.hasTrafficPolicies);
    if (holders.length === 0) return;
    out.heading('Route traffic across clusters');
    if (this.ecp) {
      out.p(`The external istiod reads Istio configuration from the config cluster ${code(this.config!.name)} only, so the traffic policies go there ` +
        `(${code(`clusters/${this.config!.name}/traffic/`)}), and no other cluster gets any. Each policy lives in its service's namespace, which must exist ` +
        'in the config cluster: apply them once your applications are deployed. Istio validates them on the way in.', '');
      out.bash(holders.map((c) => `kubectl --context=${this.ctx(c)} apply -f ${trafficDir(c.name)}/`));
      return;
    }
    out.p('Every primary\'s istiod reads Istio configuration from its own cluster only, so every primary gets the same copy of the traffic policies, ' +
      `and no remote gets any (${code('clusters/<primary>/traffic/')}). Each policy lives in its service's namespace, which must exist: apply them once your ` +
      'applications are deployed. Istio validates them on the way in.', '');
    out.bash(this.stepEach('PRIMARIES', holders, DeliveryStage.TRAFFIC));
  }

  private monitoring() {
    const { out, mesh } = this;
    const watched = mesh.clusters.filter((c) => c.hasMonitoring);
    if (watched.length === 0) return;
    out.heading('Monitor the mesh');
    out.p(`Needs the Prometheus Operator (its CRDs and a Prometheus that selects these objects) in every cluster. ${code('clusters/<cluster>/monitoring/')} ` +
      'holds what each cluster scrapes and the alerts that hold there; the project\'s documentation has a runbook per alert:', '');
    out.bash(this.stepEach('CLUSTERS', watched, DeliveryStage.MONITORING));
  }

  private troubleshooting() {
    const { out, mesh } = this;
    const first = this.primaries[0];
    out.p('', '## Troubleshooting', '');
    out.p('When cross-cluster calls fail or reach only the local cluster, check in this order:', '');
    out.p(`1. **Remote clusters are synced.** Each primary lists the clusters it reads; every other cluster must be there with status ${code('synced')}:`, '');
    out.bash(this.loops
      ? ['for c in "${PRIMARIES[@]}"; do istioctl remote-clusters --context="${CONTEXT[$c]}"; done']
      : this.primaries.map((c) => `istioctl remote-clusters --context=${this.ctx(c)}`));
    out.p('', `   Missing clusters: check the remote secrets (${code(`kubectl -n ${this.ns} get secret -l istio/multiCluster=true`)} on the primary) ` +
      `and istiod's log (${code(`kubectl -n ${this.ns} logs deploy/istiod | grep -i cluster`)}); the API server address in a remote secret must be reachable from the primary.`);
    if (mesh.verification && this.ambient) {
      out.p('', `2. **What ztunnel knows.** ztunnel must know helloworld as one service with endpoints in every cluster, and the helloworld pods of the ` +
        `other clusters as workloads (on another network, reached through that network's east-west gateway on ${HBONE_PORT}):`, '');
      out.bash([`istioctl --context=${this.ctx(first)} ztunnel-config services | grep helloworld`, `istioctl --context=${this.ctx(first)} ztunnel-config workloads | grep helloworld`]);
      out.p('', `   Only the local endpoints: the Service is not labelled ${code(`${GLOBAL_SERVICE_LABEL}=true`)} in the caller's cluster ` +
        `(${code(`kubectl -n sample get service helloworld -L ${GLOBAL_SERVICE_LABEL}`)}), and an unlabelled service never leaves its cluster; or a cluster is not synced (1.).`);
    } else if (mesh.verification) {
      out.p('', `2. **Endpoints from every cluster.** The client's proxy must list a helloworld endpoint per cluster${mesh.multiNetwork ? ' (on other networks: the address of that network\'s east-west gateway, port 15443)' : ''}:`, '');
      out.bash([`istioctl --context=${this.ctx(first)} proxy-config endpoints deploy/${this.client}.sample | grep helloworld`]);
    }
    out.p('', `3. **One root of trust.** The root certificate must be the same in every cluster; compare the fingerprints:`, '');
    const fingerprint = (ctx: string) =>
      `kubectl --context=${ctx} -n ${this.ns} get cm istio-ca-root-cert -o jsonpath='{.data.root-cert\\.pem}' | openssl x509 -noout -fingerprint -sha256`;
    out.bash(this.perCluster(fingerprint));
    const sharedNetwork = mesh.networks.some((n) => mesh.clusters.filter((c) => c.network === n).length > 1);
    out.p('', '4. **Firewalls.** Between clusters these ports must be open: the API servers, from every primary; ' +
      (this.ambient ? `${HBONE_PORT} (HBONE, cross-network traffic) on every east-west gateway; ${sharedNetwork ? `pod to pod on ${HBONE_PORT} between clusters that share a network; ` : ''}`
        : mesh.multiNetwork ? '15443 (cross-network traffic) on every east-west gateway; ' : 'pod to pod on all ports, as the clusters share a network; ') +
      (this.primaries.some((c) => c.remotes.length > 0) ? '15012 (xDS and certificates) and 15017 (injection webhook) on the address each primary exposes istiod at, from its remotes\' pods and API servers.' : 'no istiod ports, as no primary serves remotes.'));
    if (this.ambient) this.ambientTroubleshooting();
  }

  /** What goes wrong in ambient mode alone: the east-west gateway's class, and pods left out of the data plane. */
  private ambientTroubleshooting() {
    const { out, mesh } = this;
    const withGateway = mesh.clusters.filter((c) => c.eastWestGateway);
    if (withGateway.length > 0) {
      out.p('', `5. **East-west gateways programmed.** The class ${code(EAST_WEST_GATEWAY_CLASS)} must exist, and each gateway must be ${code('PROGRAMMED True')} with an address:`, '');
      out.bash(this.perCluster((ctx) => `kubectl --context=${ctx} -n ${this.ns} get gatewayclass/${EAST_WEST_GATEWAY_CLASS} gateway/${EASTWEST_GATEWAY_NAME}`, withGateway));
      out.p('', `   No ${code(EAST_WEST_GATEWAY_CLASS)} class: istiod provides it only with ${code('AMBIENT_ENABLE_MULTI_NETWORK=true')}, which the install inputs set ` +
        `(${code(`kubectl -n ${this.ns} get deploy istiod -o yaml | grep -A1 AMBIENT_ENABLE_MULTI_NETWORK`)}), and once the Gateway API CRDs exist: ` +
        `if they came after istiod, restart it (${code(`kubectl -n ${this.ns} rollout restart deploy/istiod`)}). No address: see the load balancer ` +
        `(${code(`kubectl -n ${this.ns} describe service ${EASTWEST_GATEWAY_NAME}`)}).`);
    }
    out.p('', `${withGateway.length > 0 ? 6 : 5}. **Pods in the data plane.** A pod is in the mesh when its namespace (or itself) is labelled ` +
      `${code(`${DATAPLANE_MODE_LABEL}=ambient`)} and ${code('istio-cni')} and ${code('ztunnel')} run on its node; ${code('istioctl ztunnel-config workloads')} ` +
      `then lists it with protocol ${code('HBONE')} (${code('TCP')}: not captured). A pod with a sidecar is left to it: remove ${code('istio-injection')} from ambient namespaces, ` +
      'and restart their pods. The node agents of every cluster:', '');
    out.bash(this.perCluster((ctx) => `kubectl --context=${ctx} -n ${this.ns} get ${AMBIENT_DAEMONSETS.join(' ')}`));
  }

  /** What a primary's failure means for its remotes, and how to promote one: a one-line change of the description. */
  private promotion() {
    const { out, mesh } = this;
    const remote = this.remotes[0];
    if (remote === undefined) return;
    const primary = remote.controlPlaneCluster;
    const siblings = this.remotes.filter((c) => c.controlPlaneCluster === primary && c.name !== remote.name).map((c) => c.name);
    out.p('', '## If a primary fails: promoting a remote', '');
    out.p(`A remote runs no istiod. If ${code(primary)} fails, its remotes (${[remote.name, ...siblings].map(code).join(', ')}) keep serving traffic with the ` +
      'configuration their proxies last received, but get no updates: new endpoints, certificate renewals (workload certificates last 24 hours) and ' +
      'sidecar injection of new pods all stop, because they come from the primary\'s istiod.', '');
    out.p(`To make ${code(remote.name)} a primary, delete one line of the mesh description, its ${code(`controlPlaneCluster: ${primary}`)}` +
      (siblings.length > 0 ? `; point the other remotes of ${code(primary)} at it (${code(`controlPlaneCluster: ${remote.name}`)}) and give it a ${code('discoveryAddress')} where they reach it` : '') +
      '. Then see what changes, per cluster, before you synthesize again:', '');
    out.bash(['npx cdk8s-istio-multicluster diff mesh.yaml mesh-promoted.yaml   # or: synthesize again, then git diff --stat']);
    out.p('', `For ${code(remote.name)} the new output holds: its own ${mesh.trust.mode === TrustMode.CERT_MANAGER ? 'intermediate CA (trust step)' : 'intermediate CA (cacerts)'}, ` +
      `Istio's charts without the remote profile (istiod runs there), ` +
      (mesh.remoteCredentials ? 'remote secrets rendered from the store for every other cluster' : 'a remote secret of every other cluster to create') +
      (mesh.multiNetwork ? ', and the cross-network gateway that exposes its services' : '') +
      `; its namespace loses the control-plane annotation. Apply it with the regenerated README, cluster by cluster: the trust step and ${code('helm upgrade --install')} ` +
      `of both charts on ${code(remote.name)} first (istiod starts and takes over injection), then its remote secrets, then the rest. ` +
      `Workloads restart onto the new istiod as you roll them (${code('kubectl rollout restart')}). ${code(primary)} stays a primary in the description: when it returns, it serves its own workloads again, and the remotes you moved stay with ${code(remote.name)}.`);
  }

  /** Rotating the intermediates, and moving to a new root without downtime, in the order that keeps every workload trusted. */
  private rotation() {
    const { out, mesh } = this;
    out.p('', '## Rotating the CA', '');
    const restart = this.ecp ? `${code(`kubectl --context=${this.extCtx()} -n ${this.ns} rollout restart deployment/istiod`)}`
      : `${code(`kubectl -n ${this.ns} rollout restart deployment/istiod`)}`;
    if (this.ecp) {
      const ext = this.ecp.name;
      out.p(mesh.trust.mode === TrustMode.OFFLINE_CA
        ? `**The intermediate.** Remove ${code(`$CERTS_DIR/${ext}`)} and run the ${code('ca')} command of step "${this.sections.trust}" again: it signs a new ` +
          `intermediate with the kept root. Apply its ${code('cacerts.yaml')} to ${code(ext)} and restart the external istiod (${restart}). ` +
          'Workload certificates move to the new intermediate as they renew (24 hours); both chain to the same root.'
        : `**The intermediate.** Replace ${code('cacerts')} in ${code(ext)} with a new intermediate of the same root and restart the external istiod (${restart}); ` +
          'workload certificates move to it as they renew (24 hours).');
    }
    switch (this.ecp ? undefined : mesh.trust.mode) {
      case TrustMode.CERT_MANAGER:
        out.p(`**Intermediates.** cert-manager renews each primary's intermediate ${mesh.trust.certManager!.renewBefore} before it expires, with a new key, ` +
          `into ${code('cacerts')}; istiod picks it up (restart it with ${restart} on releases that do not reload it). Workload certificates, valid for ` +
          '24 hours, move to the new intermediate as they renew; both chain to the same root, so nothing breaks in between.');
        break;
      case TrustMode.OFFLINE_CA:
        out.p(`**Intermediates.** Remove a primary's directory from ${code('$CERTS_DIR')} and run the ${code('ca')} command of step "${this.sections.trust}" again: ` +
          `it signs a new intermediate with the kept root. Apply that primary's ${code('cacerts.yaml')} and restart istiod (${restart}). ` +
          'Workload certificates move to the new intermediate as they renew (24 hours); both chain to the same root.');
        break;
      case TrustMode.BRING_YOUR_OWN:
        out.p(`**Intermediates.** Replace a primary's ${code('cacerts')} with a new intermediate of the same root and restart istiod (${restart}); ` +
          'workload certificates move to it as they renew (24 hours).');
        break;
    }
    out.p('', '**A new root, without downtime** (Istio\'s plug-in CA root rotation): every workload must trust the new root before any certificate is ' +
      `signed by it, and keep trusting the old one until no certificate signed by it is left. ${this.ecp ? `In ${code(this.ecp.name)}'s ${code('cacerts')}` : 'In every primary'}, in this order, waiting in between:`, '');
    out.p(`1. **Trust both roots.** Keep the old intermediate (${code('ca-cert.pem')}, ${code('ca-key.pem')}, ${code('cert-chain.pem')}) and set ${code('root-cert.pem')} ` +
      `to the old root followed by the new one. Restart istiod (${restart}) and wait until every proxy has the new bundle (the ${code('istio-ca-root-cert')} ConfigMaps list both; restart workloads to be sure).`);
    out.p(`2. **Sign with the new root.** Replace the intermediate with one signed by the new root (its ${code('cert-chain.pem')} ending in the new root), ` +
      `keeping both roots in ${code('root-cert.pem')}. Restart istiod, then wait 24 hours, or restart every workload, so that all workload certificates chain to the new root.`);
    out.p(`3. **Drop the old root.** Set ${code('root-cert.pem')} to the new root alone and restart istiod.`);
    if (this.ambient) {
      out.p('', 'In ambient mode ztunnel holds the certificates of the workloads on its node: where these steps restart workloads, restart ztunnel ' +
        `instead (${code(`kubectl -n ${this.ns} rollout restart daemonset/ztunnel`)}), which requests them anew.`);
    }
    if (mesh.trust.mode === TrustMode.CERT_MANAGER) {
      out.p('', `With cert-manager, a CA Issuer writes its own root alone as ${code('ca.crt')}, so it cannot hold two roots: for the rotation, delete each ` +
        `primary's Certificate (${code('cacerts')} stays, as cert-manager leaves Secrets behind) and manage ${code('cacerts')} by hand through steps 1 and 2. ` +
        `For step 3, put the new root into the Secret ${code(mesh.trust.certManager!.rootCaSecret)} (or the store), and apply ${code('clusters/<primary>/trust/')} again: ` +
        'cert-manager issues an intermediate of the new root, with it alone as ca.crt.');
    }
  }

  private upgrade() {
    const { out, mesh } = this;
    out.p('', '## Upgrading Istio', '');
    out.p(`Set the new ${code('istioVersion')} in the mesh description and synthesize again: the diff of this directory shows what changes in each cluster. ` +
      'Upgrade one minor release at a time, primaries before their remotes, with the same commands as the install (they are `helm upgrade --install`), ' +
      (!this.ambient ? 'then apply each cluster\'s directory again and restart workloads so their proxies are replaced:'
        : mesh.clusters.some((c) => c.eastWestGateway) ? 'then apply each cluster\'s directory again. If the new release goes with newer Gateway API ' +
          'CRDs than the clusters have (the regenerated README names them; Istio 1.30 reads TLSRoute and ReferenceGrant from v1.5 on), apply that file to ' +
          'every cluster first, as its step does but without the check for existing CRDs. Then:'
        : 'then apply each cluster\'s directory again:'), '');
    const body = (list: 'PRIMARIES' | 'REMOTES') => ['for c in "${' + list + '[@]}"; do', ...this.installCommands(this.listed(list)[0], true).helm,
      '  if [ -d "clusters/$c/mesh" ]; then kubectl --context="${CONTEXT[$c]}" apply -f "clusters/$c/mesh/"; fi', 'done'];
    if (this.loops) {
      out.bash([...body('PRIMARIES'), ...(this.remotes.length > 0 ? body('REMOTES') : [])]);
    } else {
      out.bash([...this.primaries, ...this.remotes].flatMap((c) => [...this.installCommands(c).helm,
        ...(c.hasMeshObjects ? [`kubectl --context=${this.ctx(c)} apply -f ${meshObjectsDir(c.name)}/`] : [])]));
    }
    out.p('', this.ambient ? 'Workloads need no restart, as they have no sidecar. Upgrading ztunnel replaces the proxy of each node in turn, which breaks the ' +
      'open connections of that node\'s pods: where that matters, drain each node before its ztunnel is replaced.'
      : `Then, in each cluster: ${code('kubectl rollout restart deployment -n <namespace>')} for every namespace with injected workloads.`);
    this.versionNotes();
  }

  /** What the library renders differently by Istio release, after the upgrade steps. */
  private versionNotes() {
    const { out, mesh } = this;
    const notes = versionNotes(mesh.chartMinor);
    if (notes.length > 0) {
      out.p('', `What this library renders differently by Istio release, up to ${mesh.istioVersion}:`, '');
      for (const note of notes) out.p(`- ${note}`);
    }
  }

  private sync() {
    const { out, mesh } = this;
    out.p('', '## Keeping clusters in sync', '');
    out.p('To apply a later version of this directory and delete the objects it no longer contains, use kubectl\'s ApplySet pruning: it tracks every kind applied ' +
      `(in a ConfigMap ${code(applySetName(mesh.meshId))} in ${code(this.ns)}) and deletes only what it applied. ` +
      `The namespace directory is left out of the set, so the ${code(this.ns)} namespace, istiod, ${code('cacerts')} and the remote secrets are never pruned:`, '');
    const prune = (ctx: string, fileArgs: string) =>
      `KUBECTL_APPLYSET=true kubectl --context=${ctx} -n ${this.ns} apply --prune --applyset=configmaps/${applySetName(mesh.meshId)} ${fileArgs}`;
    if (this.loops) {
      out.bash([
        'for c in "${CLUSTERS[@]}"; do',
        `  if [ -d "clusters/$c/mesh" ]; then ${prune('"${CONTEXT[$c]}"', '-f "clusters/$c/mesh/"')}; fi`,
        'done',
      ]);
    } else {
      const lines = mesh.clusters.filter((c) => this.extraManifests(c).length > 0)
        .map((c) => prune(this.ctx(c), `-f ${meshObjectsDir(c.name)}/`));
      if (this.ecp) lines.unshift(prune(this.extCtx(), `-f ${meshObjectsDir(this.ecp.name)}/`));
      if (lines.length > 0) out.bash(lines);
    }
    out.p('', 'A cluster that no longer has mesh objects is not pruned by this; delete what it had with the previous directory\'s files.');
  }

  private uninstall() {
    const { out, mesh } = this;
    const es = mesh.remoteCredentials !== undefined;
    const cm = mesh.trust.mode === TrustMode.CERT_MANAGER;
    out.p('', '## Uninstalling', '');
    out.p('In the reverse order of the install: ' + (mesh.clusters.some((c) => c.hasTrafficPolicies || c.hasMonitoring) ? 'traffic policies and monitoring, ' : '') +
      'verification workloads, the remotes\' objects, ' +
      (es ? 'the remote secrets (their ExternalSecrets first, which would otherwise render them again, and the Secrets go with them), the published reader credentials, '
        : 'the remote secrets, ') +
      'the remotes\' control plane, then the primaries\' objects and control plane' + (cm ? ', their intermediate CAs\' Issuer and Certificate' : '') +
      ', and last the namespaces.' + (this.ambient ? ` First take your own namespaces out of ambient mode ` +
        `(${code(`kubectl label namespace <namespace> ${DATAPLANE_MODE_LABEL}-`)}): their pods keep running, outside the mesh.` : ''), '');
    // A directory of objects, deleted if the cluster has it: looked up in the loops, known here otherwise.
    const dir = (c: ClusterPlan, ctx: string, path: (name: string) => string, has: boolean): string[] => {
      if (this.loops) return [`if [ -d "${path('$c')}" ]; then kubectl --context=${ctx} delete --ignore-not-found -f "${path('$c')}/"; fi`];
      return has ? [`kubectl --context=${ctx} delete --ignore-not-found -f ${path(c.name)}/`] : [];
    };
    const isRead = (c: ClusterPlan) => mesh.clusters.some((p) => p.readsApiServersOf.includes(c.name));
    // The charts in the reverse order of their install (ztunnel and istio-cni before istiod in ambient meshes).
    const releases = this.helmStages.map((stage) => ISTIO_CHARTS[stage].release).reverse();
    const controlPlane = (ctx: string) => releases.map((release) => `helm uninstall ${release} -n ${this.ns} --kube-context ${ctx} --ignore-not-found`);
    const lines: string[] = [];
    const phase = (list: string, clusters: ClusterPlan[], each: (c: ClusterPlan, ctx: string) => string[]) => {
      if (clusters.length === 0) return;
      if (this.loops) {
        const sample = each(clusters[0], '"${CONTEXT[$c]}"');
        if (sample.length > 0) lines.push(`for c in "\${${list}[@]}"; do`, ...sample.map((l) => `  ${l}`), 'done');
      } else {
        for (const c of clusters) lines.push(...each(c, this.ctx(c)));
      }
    };
    phase('CLUSTERS', mesh.clusters.filter((c) => c.hasTrafficPolicies || c.hasMonitoring), (c, ctx) => [
      ...(c.hasTrafficPolicies || this.loops ? dir(c, ctx, trafficDir, c.hasTrafficPolicies) : []),
      ...(c.hasMonitoring || this.loops ? dir(c, ctx, monitoringDir, c.hasMonitoring) : []),
    ]);
    if (mesh.verification) phase('CLUSTERS', mesh.clusters, (c, ctx) => [`kubectl --context=${ctx} delete -f ${this.loops ? '"verify/$c/"' : `${verifyDir(c.name)}/`} --ignore-not-found`]);
    phase('REMOTES', this.remotes, (c, ctx) => dir(c, ctx, meshObjectsDir, c.hasMeshObjects));
    phase('PRIMARIES', this.primaries.filter((c) => c.readsApiServersOf.length > 0), (c, ctx) => [
      ...(es ? dir(c, ctx, remoteSecretsDir, true) : []),
      `kubectl --context=${ctx} -n ${this.ns} delete secret -l istio/multiCluster=true`,
    ]);
    // The PushSecrets delete the entries they pushed from the store; the token dies with its Secret.
    if (es) phase('CLUSTERS', mesh.clusters.filter(isRead), (c, ctx) => dir(c, ctx, credentialsDir, true));
    phase('REMOTES', this.remotes, (_c, ctx) => controlPlane(ctx));
    phase('PRIMARIES', this.primaries, (c, ctx) => [
      ...dir(c, ctx, meshObjectsDir, c.hasMeshObjects),
      ...controlPlane(ctx),
      ...(cm ? dir(c, ctx, trustDir, true) : []),
    ]);
    phase('CLUSTERS', mesh.clusters, (_c, ctx) => [
      `kubectl --context=${ctx} delete namespace ${this.ns} --ignore-not-found`,
      `kubectl --context=${ctx} get crd -o name | { grep '\\.istio\\.io$' || true; } | xargs -r kubectl --context=${ctx} delete`,
    ]);
    out.bash(lines);
    const count = ['no', 'one', 'two', 'three', 'four', 'five'][releases.length] ?? `${releases.length}`;
    out.p('', `With istioctl instead of Helm, ${code('istioctl uninstall --context=<context> -y --purge')} replaces the ${count} ${code('helm uninstall')} commands.`);
    if (this.ambient && mesh.clusters.some((c) => c.eastWestGateway)) {
      out.p('', `The Gateway API CRDs stay: other gateways and controllers may use them, and deleting a CRD deletes every object of its kind in the cluster. ` +
        `Remove them only from a cluster where nothing else uses the Gateway API: ` +
        `${code(`kubectl --context=<context> delete -f ${gatewayApiCrdsUrl(gatewayApiVersion(mesh.chartMinor))}`)}.`);
    }
  }
  // ---------------------------------------------------------------------------------------------
  // External control plane: istiod runs in a cluster outside the mesh (docs/design/external-control-plane.md, section 3).
  // ---------------------------------------------------------------------------------------------

  /** The external cluster's context as a quoted shell word. */
  private extCtx(): string {
    return `"${this.ecp!.kubeContext}"`;
  }

  /** What every `helm upgrade --install` adds for the mesh's release: see {@link helmNeedsClientSideApply}. */
  private get helmApply(): string {
    return helmNeedsClientSideApply(this.mesh.istio) ? ` ${HELM_CLIENT_SIDE_APPLY_FLAG}` : '';
  }

  /** The further remotes: every mesh cluster but the config cluster. */
  private get furtherRemotes(): ClusterPlan[] {
    return this.mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
  }

  private renderExternalControlPlane(): string {
    this.ecpOverview();
    this.beforeYouBegin();
    const external = (s: ProcedureStep) => s.clusters[0] === this.ecp!.name;
    const config = this.ofRole(ClusterRole.CONFIG);
    const remote = this.ofRole(ClusterRole.REMOTE);
    this.installSections([
      { key: 'namespaces', has: stageOf(DeliveryStage.NAMESPACE), render: () => this.ecpNamespaces() },
      { key: 'trust', has: manualOf(ManualStepKind.TRUST), render: () => this.ecpTrust() },
      { key: 'istiod-external', has: (s) => external(s) && s.stage === DeliveryStage.OBJECTS, render: () => this.ecpService() },
      { key: 'the config cluster\'s install', has: (s) => config(s) && isChartStep(s), render: () => this.ecpConfigInstall() },
      { key: 'istio-kubeconfig', has: manualOf(ManualStepKind.CONFIG_KUBECONFIG), render: () => this.ecpKubeconfig() },
      { key: 'the external istiod', has: (s) => external(s) && s.stage === DeliveryStage.ISTIOD, render: () => this.ecpIstiod() },
      { key: 'remotes\' installs', has: (s) => remote(s) && isChartStep(s), render: () => this.ecpRemoteInstalls() },
      { key: 'remote secrets', has: manualOf(ManualStepKind.REMOTE_SECRETS), render: () => this.ecpRemoteSecrets() },
      { key: 'mesh objects', has: (s) => !external(s) && s.stage === DeliveryStage.OBJECTS, render: () => this.ecpObjects() },
      { key: 'verification', has: (s) => s.verification === true, render: () => this.mesh.verification && this.verify() },
      { key: 'traffic policies', has: stageOf(DeliveryStage.TRAFFIC), render: () => this.traffic() },
      { key: 'removing the verification', has: none, render: () => this.mesh.verification && this.removeVerification() },
    ]);
    this.ecpTroubleshooting();
    this.ecpUpgrade();
    this.rotation();
    this.sync();
    this.ecpUninstall();
    this.delivery();
    return this.out.text();
  }

  private ecpOverview() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    const config = this.config!;
    out.p(README_MARKER, '');
    out.p(`# Istio mesh ${code(mesh.meshId)}: ${topologyName(mesh)}`, '');
    out.p(`Istio ${mesh.istioVersion}, trust domain ${code(mesh.trustDomain)}, ${mesh.clusters.length} clusters, and the external cluster ${code(ecp.name)}, ` +
      `which runs istiod alone, for all of them, in the namespace ${code(this.ns)} (Istio's namespace in every cluster here). Istio's external control plane is beta.`, '');
    out.p('| Cluster | Network | Role | East-west gateway |', '| --- | --- | --- | --- |');
    out.p(`| ${ecp.name} | - | external control plane: runs istiod, reached at ${code(ecp.discoveryAddress)} through istiod-external; not part of the mesh | no |`);
    for (const c of mesh.clusters) {
      const role = c.role === ClusterRole.CONFIG
        ? `config cluster: holds the mesh's Istio configuration, which istiod reads (istiod's cluster ID)${mesh.multiNetwork && c.exposesServices ? '; exposes services to other networks' : ''}`
        : `remote, served by the istiod of ${ecp.name} at ${code(c.remotePilotAddress!)}`;
      out.p(`| ${c.name} | ${c.network} | ${role} | ${c.eastWestGateway ? 'yes' : 'no'} |`);
    }
    this.diagram();
    out.p('', '## What is here', '');
    out.p(`Every directory of objects applies as it is with ${code('kubectl apply -f <dir>/')} (or ${code('-R')}, or ${code('-k')}), and has a ${code('Kustomization')} ` +
      `file that kustomize reads as it reads ${code('kustomization.yaml')}; ${code('kubectl apply -f')} skips it.`, '');
    out.p(`- ${code(`${namespaceDir(ecp.name)}/`)}: the ${code(this.ns)} namespace of the external cluster, without labels (istiod is not a workload of the mesh).`);
    out.p(`- ${code(`${meshObjectsDir(ecp.name)}/`)}: the LoadBalancer Service ${code('istiod-external')} (15012, 15017) that the mesh's clusters reach istiod through.`);
    out.p(`- ${code(istioOperatorPath(ecp.name))} and ${code(helmIstiodValuesPath(ecp.name))}: the external istiod, for ${code('istioctl install -f')} or Istio's ` +
      `${code('istiod')} Helm chart (no ${code('base')} chart there: no CRDs and no webhooks in the external cluster).`);
    out.p(`- ${code('clusters/<cluster>/namespace/')}: the ${code(this.ns)} namespace with the cluster's network label (and on a remote other than ${code(config.name)}, ` +
      `the annotation naming ${code(config.name)}, istiod's cluster ID), applied before the control plane.`);
    out.p(`- ${code('clusters/<cluster>/mesh/')}: the cluster's mesh objects (east-west gateway and exposed services), applied once istiod runs; ` +
      'the file names sort in apply order. Clusters without such objects have none.');
    this.layerDirectories();
    out.p(`- ${code('install/<cluster>/istio-operator.yaml')}, or ${code(helmBaseValuesPath('<cluster>'))} and ${code('istiod.values.yaml')}: the cluster's Istio ` +
      `install (the remote profile: no istiod runs in it) for ${code('istioctl install -f')}, or for Istio's ${code('base')} and ${code('istiod')} Helm charts. ` +
      'Use either istioctl or Helm, not both.');
    this.deliveryAndVerifyDirectories();
    out.p('', 'No file here holds a secret: the CA keys, istiod\'s kubeconfig of the config cluster and the remote secrets are created by the commands below, straight into the clusters.');
    this.replacedAsAWhole();
  }

  private ecpNamespaces() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    this.sections.namespaces = out.heading(`Create the ${this.ns} namespace in every cluster`);
    out.p(`In the external cluster it holds istiod and its secrets. In the mesh's clusters it carries the network label and, on the remotes, the annotation ` +
      `${code(`topology.istio.io/controlPlaneClusters: ${this.config!.name}`)}: istiod reads it once, when it attaches the cluster, and patches the ` +
      'cluster\'s injection webhook only if it is there, so it must exist before the remote\'s secret reaches istiod.', '');
    out.bash([`kubectl --context=${this.extCtx()} apply -f ${namespaceDir(ecp.name)}/`,
      ...mesh.clusters.map((c) => `kubectl --context=${this.ctx(c)} apply -f ${namespaceDir(c.name)}/`)]);
  }

  private ecpTrust() {
    const { out, mesh } = this;
    const ext = this.ecp!.name;
    const ctx = this.extCtx();
    this.sections.trust = out.heading('Configure trust: one root CA, an intermediate CA for the external istiod');
    out.p(`The external istiod signs the workload certificates of every cluster with the intermediate CA in the ${code('cacerts')} secret of ${code(ext)}, ` +
      'which it must find when it starts. The clusters of the mesh need none. The root stays outside the clusters, for later intermediates and rotation.', '');
    const certsDir = `CERTS_DIR=\${CERTS_DIR:-$HOME/istio-certs/${mesh.meshId}}`;
    if (mesh.trust.mode === TrustMode.OFFLINE_CA) {
      out.p(`This package's ${code('ca')} command makes them as Istio's ${code('tools/certs')} Makefile does ` +
        `(RSA 4096 by default; ${code('--key-type ecdsa-p256')} and others are available) and keeps the keys in ${code('CERTS_DIR')}, outside this directory ` +
        `(it refuses to write inside it). ${code(`--namespace ${this.ns}`)} puts the ${code('cacerts')} Secret into istiod's namespace. Run again, it keeps what exists:`, '');
      out.bash([certsDir, `npx cdk8s-istio-multicluster ca --dir "$CERTS_DIR" --output-dir . --clusters ${ext} --namespace ${this.ns}`,
        `kubectl --context=${ctx} apply -f "$CERTS_DIR/${ext}/cacerts.yaml"`]);
      out.p('', `Keep ${code('$CERTS_DIR')} out of the clusters and out of version control: it holds the root key (${code('root-key.pem')}), ` +
        `and ${code('cacerts.yaml')} holds the intermediate key.`);
      return;
    }
    out.p(`Create the ${code('cacerts')} secret in ${code(this.ns)} of ${code(ext)} from your own CA: ${code('ca-cert.pem')} and ${code('ca-key.pem')}, ` +
      `an intermediate CA (a CA certificate whose path length allows it to sign workload certificates, with ${code('keyCertSign')}) and its key; ` +
      `${code('root-cert.pem')}, the mesh's root; ${code('cert-chain.pem')}, the intermediate then every CA up to the root. With the files in ${code(`$CERTS_DIR/${ext}/`)}:`, '');
    out.bash([certsDir,
      `kubectl --context=${ctx} -n ${this.ns} create secret generic cacerts \\`,
      `  --from-file="$CERTS_DIR/${ext}/ca-cert.pem" --from-file="$CERTS_DIR/${ext}/ca-key.pem" \\`,
      `  --from-file="$CERTS_DIR/${ext}/root-cert.pem" --from-file="$CERTS_DIR/${ext}/cert-chain.pem"`]);
  }

  /** The external cluster's istiod-external Service, and its address against the one the clusters were generated with. */
  private ecpService() {
    const { out } = this;
    const ecp = this.ecp!;
    out.heading(`Expose the external istiod: ${code('istiod-external')}`);
    out.p(`A LoadBalancer Service in ${code(ecp.name)} on 15012 (xDS and certificates) and 15017 (webhooks), for the istiod pods that come later. ` +
      `Every cluster of the mesh was generated with ${code(ecp.discoveryAddress)} as istiod's address (a DNS name must resolve to the Service's address); ` +
      `if the cloud assigns another, fix ${code('externalControlPlane.discoveryAddress')} in the mesh description (or pin it with ${code('loadBalancerIP')}) and synthesize again:`, '');
    const lines = [`kubectl --context=${this.extCtx()} apply -f ${meshObjectsDir(ecp.name)}/`,
      `addr=$(lb_address ${this.extCtx()} istiod-external); echo "${ecp.name} istiod-external: $addr"`];
    if (isIPAddress(ecp.discoveryAddress)) {
      lines.push(`[ "$addr" = "${ecp.discoveryAddress}" ] || echo "WARNING: the mesh's clusters were generated with ${ecp.discoveryAddress}: fix discoveryAddress or pin loadBalancerIP, and synthesize again" >&2`);
    }
    out.bash(lines);
  }

  private ecpConfigInstall() {
    const { out } = this;
    const c = this.config!;
    out.heading(`Install the config cluster ${code(c.name)}`);
    out.p(`The remote profile, as for every cluster here, plus what the config cluster alone holds: Istio's CRDs and the ${code('istio')} ConfigMap istiod reads, ` +
      `the webhooks, and istiod's service account and its permissions, which istiod's kubeconfig of the next step uses. No istiod runs here, so there is nothing ` +
      'to wait for. The injection webhook fails closed until the external istiod runs: label no namespace for injection before then.', '');
    this.install(undefined, c);
    this.remoteChartNote([c]);
  }

  /** `--server` and `--tls-server-name` of a cluster's kubeconfig for istiod. */
  private serverFlags(c: ClusterPlan): string {
    return (c.apiServer !== undefined ? ` --server=${c.apiServer}` : '') + (c.apiServerTlsName !== undefined ? ` --tls-server-name=${c.apiServerTlsName}` : '');
  }

  private ecpKubeconfig() {
    const { out } = this;
    const c = this.config!;
    const ecp = this.ecp!;
    this.sections.configKubeconfig = out.heading(`Give the external istiod the config cluster: ${code('istio-kubeconfig')}`);
    out.p(`istiod finds the config cluster through the Secret ${code('istio-kubeconfig')} in ${code(ecp.name)}, a kubeconfig for the service account ${code('istiod')} ` +
      `that the config cluster's install made. istiod reads it once, when it starts: started without it, istiod would take ${code(ecp.name)} for its config cluster, ` +
      'so its pod mounts the Secret as required and waits for it. ' +
      `The label ${code('istio/multiCluster')} is removed, so that istiod does not attach the config cluster a second time as a remote:`, '');
    out.bash([
      `istioctl create-remote-secret --context=${this.ctx(c)} --name=${c.name} --type=config --namespace=${this.ns} \\`,
      `  --service-account=istiod --create-service-account=false${this.serverFlags(c)} | \\`,
      '  kubectl label --local -f - istio/multiCluster- -o yaml | \\',
      `  kubectl --context=${this.extCtx()} apply -f -`,
    ]);
  }

  private ecpIstiod() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    const ctx = this.extCtx();
    out.heading(`Install the external istiod in ${code(ecp.name)}`);
    out.p(`istiod alone: it reads the config cluster through ${code('istio-kubeconfig')}, signs certificates with ${code('cacerts')}, patches the config ` +
      `cluster's webhooks and writes ${code('istio-ca-root-cert')} there. Use one path; both end once istiod is ready.`, '');
    out.p('With istioctl:', '');
    out.bash(stepLines(mesh, ecp.name, DeliveryStage.ISTIOD, 'istioctl', ctx));
    out.p('', 'Or with Helm:', '');
    out.bash(stepLines(mesh, ecp.name, DeliveryStage.ISTIOD, 'helm', ctx));
  }

  private ecpRemoteInstalls() {
    const { out } = this;
    for (const c of this.furtherRemotes) {
      out.heading(`Install the remote ${code(c.name)}`);
      out.p(`The remote profile installs no istiod: an ${code('istiod')} Service pointing at ${code(c.remotePilotAddress!)} and the injection webhook, ` +
        `both served by the external istiod.`, '');
      this.install(undefined, c);
      this.remoteChartNote([c]);
    }
  }

  private ecpRemoteSecrets() {
    const { out } = this;
    const remotes = this.furtherRemotes;
    if (remotes.length === 0) return;
    this.sections.remoteSecrets = out.heading('Attach the remotes: remote secrets in the external cluster');
    out.p(`The external istiod reads every remote's API server through a remote secret, a kubeconfig for the remote's ${code('istio-reader-service-account')} ` +
      `(made by its ${code('base')} chart), which it watches for in its own namespace of ${code(this.ecp!.name)}. Once it holds a remote's secret, it patches ` +
      'the remote\'s webhooks and serves its proxies:', '');
    out.bash(remotes.flatMap((c) => [
      `istioctl create-remote-secret --context=${this.ctx(c)} --name=${c.name} --type=remote --namespace=${this.ns} --create-service-account=false${this.serverFlags(c)} | \\`,
      `  kubectl --context=${this.extCtx()} apply -f -`,
    ]));
  }

  private ecpObjects() {
    const { out } = this;
    const withObjects = this.mesh.clusters.filter((c) => this.extraManifests(c).length > 0);
    if (withObjects.length === 0) return;
    out.heading('Apply the mesh objects');
    out.p('The east-west gateways\' pods are injected by the external istiod, so this comes once it runs and holds every remote\'s secret' +
      (this.mesh.multiNetwork && this.config!.exposesServices
        ? `. The config cluster's objects also expose the services of the mesh to the other networks (${code('cross-network-gateway')}):` : ':'), '');
    out.bash(withObjects.map((c) => `kubectl --context=${this.ctx(c)} apply -f ${meshObjectsDir(c.name)}/`));
    this.addressChecks(withObjects);
  }

  private ecpTroubleshooting() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    const ctx = this.extCtx();
    const config = this.config!;
    const istioctl = (args: string) => `istioctl --context=${ctx} --istioNamespace=${this.ns} ${args}`;
    out.p('', '## Troubleshooting', '');
    out.p(`istiod runs in ${code(ecp.name)}, namespace ${code(this.ns)}: its log, its secrets and istioctl's questions to it are there. ` +
      'When cross-cluster calls fail or reach only the local cluster, check in this order:', '');
    out.p(`1. **istiod reads every cluster.** It lists the clusters it reads; ${code(config.name)}` +
      (this.furtherRemotes.length > 0 ? ' and every remote' : '') + ` must be there with status ${code('synced')}:`, '');
    out.bash([istioctl('remote-clusters')]);
    out.p('', `   Missing ${code(config.name)}: check ${code(`kubectl --context=${ctx} -n ${this.ns} get secret istio-kubeconfig`)} (istiod's pod waits in ` +
      `${code('ContainerCreating')} until it exists; replaced later, restart istiod: ${code(`kubectl --context=${ctx} -n ${this.ns} rollout restart deployment/istiod`)}). Missing remotes: check the remote secrets ` +
      `(${code(`kubectl --context=${ctx} -n ${this.ns} get secret -l istio/multiCluster=true`)}) and istiod's log ` +
      `(${code(`kubectl --context=${ctx} -n ${this.ns} logs deploy/istiod | grep -i cluster`)}); every API server must be reachable from ${code(ecp.name)}.`);
    out.p('', `2. **Proxies connected, sidecars injected.** Every proxy of the mesh is connected to the external istiod:`, '');
    out.bash([istioctl('proxy-status')]);
    out.p('', `   Pods without a sidecar: istiod patches a cluster's injection webhook once it reads the cluster, a remote's only if its namespace named ` +
      `${code(config.name)} in ${code('topology.istio.io/controlPlaneClusters')} when its secret came (annotated later: restart istiod, as above).`);
    if (mesh.verification) {
      out.p('', `3. **Endpoints from every cluster.** The client's proxy must list a helloworld endpoint per cluster${mesh.multiNetwork ? ' (on other networks: the address of that network\'s east-west gateway, port 15443)' : ''}:`, '');
      out.bash([`istioctl --context=${this.ctx(config)} proxy-config endpoints deploy/${this.client}.sample | grep helloworld`]);
    }
    out.p('', `${mesh.verification ? 4 : 3}. **One root of trust.** istiod writes its root to every cluster; the fingerprints must be the same:`, '');
    out.bash(mesh.clusters.map((c) =>
      `kubectl --context=${this.ctx(c)} -n ${this.ns} get cm istio-ca-root-cert -o jsonpath='{.data.root-cert\\.pem}' | openssl x509 -noout -fingerprint -sha256`));
    out.p('', `${mesh.verification ? 5 : 4}. **Firewalls.** The API server of every cluster, from ${code(ecp.name)}; 15012 (xDS and certificates) and 15017 (webhooks) on ` +
      `${code(ecp.discoveryAddress)}, from every cluster's pods and API server; ` +
      (mesh.multiNetwork ? '15443 (cross-network traffic) on every east-west gateway.' : 'pod to pod on all ports, as the clusters share a network.'));
  }

  private ecpUpgrade() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    out.p('', '## Upgrading Istio', '');
    out.p(`Set the new ${code('istioVersion')} in the mesh description and synthesize again: the diff of this directory shows what changes in each cluster. ` +
      'Upgrade one minor release at a time, with the same commands as the install (they are `helm upgrade --install`): the config cluster (its CRDs), ' +
      'then the external istiod, then the remotes, then apply each cluster\'s objects again and restart workloads so their proxies are replaced:', '');
    const config = this.config!;
    out.bash([
      ...this.installCommands(config).helm,
      // The external istiod's chart (helm --wait waits for its pod).
      ...stepCommands(mesh, ecp.name, DeliveryStage.ISTIOD, 'helm').run.flatMap((command) => commandLines(command, this.extCtx())),
      ...this.furtherRemotes.flatMap((c) => this.installCommands(c).helm),
      ...mesh.clusters.filter((c) => c.hasMeshObjects).map((c) => `kubectl --context=${this.ctx(c)} apply -f ${meshObjectsDir(c.name)}/`),
    ]);
    out.p('', `Then, in each cluster: ${code('kubectl rollout restart deployment -n <namespace>')} for every namespace with injected workloads.`);
    this.versionNotes();
  }

  private ecpUninstall() {
    const { out, mesh } = this;
    const ecp = this.ecp!;
    const ext = this.extCtx();
    const config = this.config!;
    out.p('', '## Uninstalling', '');
    out.p('In the reverse order of the install: ' + (config.hasTrafficPolicies ? 'traffic policies, ' : '') +
      'verification workloads, the mesh objects, the remotes\' secrets and control plane, the external istiod and its Service, the config cluster\'s ' +
      'control plane, and last the namespaces (the external cluster\'s with its secrets).', '');
    const helm = (release: string, ctx: string) => `helm uninstall ${release} -n ${this.ns} --kube-context ${ctx} --ignore-not-found`;
    const controlPlane = (ctx: string) => [helm('istiod', ctx), helm('istio-base', ctx)];
    const lines: string[] = [];
    if (config.hasTrafficPolicies) lines.push(`kubectl --context=${this.ctx(config)} delete --ignore-not-found -f ${trafficDir(config.name)}/`);
    if (mesh.verification) lines.push(...mesh.clusters.map((c) => `kubectl --context=${this.ctx(c)} delete -f ${verifyDir(c.name)}/ --ignore-not-found`));
    for (const c of [...this.furtherRemotes, config]) {
      if (c.hasMeshObjects) lines.push(`kubectl --context=${this.ctx(c)} delete --ignore-not-found -f ${meshObjectsDir(c.name)}/`);
    }
    if (this.furtherRemotes.length > 0) lines.push(`kubectl --context=${ext} -n ${this.ns} delete secret -l istio/multiCluster=true`);
    for (const c of this.furtherRemotes) lines.push(...controlPlane(this.ctx(c)));
    lines.push(helm('istiod', ext), `kubectl --context=${ext} delete --ignore-not-found -f ${meshObjectsDir(ecp.name)}/`,
      `kubectl --context=${ext} -n ${this.ns} delete secret istio-kubeconfig cacerts --ignore-not-found`);
    lines.push(...controlPlane(this.ctx(config)));
    lines.push(`kubectl --context=${ext} delete namespace ${this.ns} --ignore-not-found`);
    for (const c of mesh.clusters) {
      const ctx = this.ctx(c);
      lines.push(`kubectl --context=${ctx} delete namespace ${this.ns} --ignore-not-found`,
        `kubectl --context=${ctx} get crd -o name | { grep '\\.istio\\.io$' || true; } | xargs -r kubectl --context=${ctx} delete`);
    }
    out.bash(lines);
    out.p('', `With istioctl instead of Helm, ${code(`istioctl uninstall --context=<context> --istioNamespace=${this.ns} -y --purge`)} replaces each cluster's ` +
      `${code('helm uninstall')} commands.`);
  }

}

/** A bash array of names, several to a line. */
function* shellArray(name: string, values: string[]): Iterable<string> {
  if (values.length === 0) {
    yield `${name}=()`;
    return;
  }
  const perLine = 8;
  for (let i = 0; i < values.length; i += perLine) {
    const chunk = values.slice(i, i + perLine).join(' ');
    const open = i === 0 ? `${name}=(` : '  ';
    const close = i + perLine >= values.length ? ')' : '';
    yield `${open}${chunk}${close}`;
  }
}
