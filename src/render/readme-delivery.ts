import { EAST_WEST_GATEWAY_CLASS } from '../constructs/ambient-east-west-gateway';
import { SAIL_CNI_NAMESPACE } from '../constructs/sail/sail-istio-cni';
import { SAIL_ZTUNNEL_NAMESPACE } from '../constructs/sail/sail-ztunnel';
import { FluxMode } from '../model/delivery-spec';
import { DeliveryStage } from '../model/delivery-names';
import { isHelmStage } from './install/charts';
import { DataPlaneMode } from '../model/mesh-spec';
import { ClusterRole, InstalledCluster, installedClusters, MeshPlan } from '../plan/mesh-plan';
import { DeliveryStep, ManualStepKind } from '../plan/delivery-plan';
import { APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA } from './delivery/argocd';
import { MESH_LABEL } from './labels';
import { ARGO_CD_ROOT_DIR, FLUX_HUB_DIR, fluxClusterDir, sailIstioDir } from './layout';
import { code, Lines } from './markdown';

/** Titles of the kubectl path's sections that the delivery sections send users to. */
export interface KubectlSections {
  readonly namespaces: string;
  readonly trust: string;
  readonly remoteSecrets?: string;
  readonly verify?: string;
  /** With an external control plane: the section that creates `istio-kubeconfig` in the external cluster. */
  readonly configKubeconfig?: string;
  /** In an ambient mesh: the section that installs the Gateway API CRDs in every cluster. */
  readonly gatewayApiCrds?: string;
}

const STAGE_TEXT: Record<DeliveryStage, string> = {
  [DeliveryStage.NAMESPACE]: 'the namespace', // named by the mesh's Istio namespace where it is shown
  [DeliveryStage.TRUST]: 'the intermediate CA (cert-manager)',
  [DeliveryStage.CREDENTIALS]: 'the reader token, published to the store',
  [DeliveryStage.REMOTE_SECRETS]: 'the remote secrets, from the store',
  [DeliveryStage.BASE]: 'Istio\'s base chart (CRDs)',
  [DeliveryStage.ISTIOD]: 'Istio\'s istiod chart',
  [DeliveryStage.CNI]: 'Istio\'s cni chart (the istio-cni node agent)',
  [DeliveryStage.ZTUNNEL]: 'Istio\'s ztunnel chart (the node proxy)',
  [DeliveryStage.OBJECTS]: 'the mesh objects',
  [DeliveryStage.TRAFFIC]: 'the traffic policies',
  [DeliveryStage.MONITORING]: 'the scrape configuration and alerts',
};

/** The steps besides the namespace and the charts, as a sentence lists them. */
const STAGE_NOUN: Partial<Record<DeliveryStage, string>> = {
  [DeliveryStage.TRUST]: 'the intermediate CA',
  [DeliveryStage.CREDENTIALS]: 'the reader token',
  [DeliveryStage.REMOTE_SECRETS]: 'the remote secrets',
  [DeliveryStage.OBJECTS]: 'the mesh objects',
  [DeliveryStage.TRAFFIC]: 'the traffic policies',
  [DeliveryStage.MONITORING]: 'the monitoring objects',
};

const list = (names: string[]) => (names.length > 6 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

/**
 * The README's sections for the delivery tools: what to configure once, what cannot be in
 * Git, what to commit where, the order in which things converge, and how to see that they did.
 */
export class DeliveryReadme {
  /** Every cluster the delivery installs: the mesh's, and an external control plane's. */
  private readonly installed: InstalledCluster[];

  /** `ctx` gives the quoted kubeconfig context of a cluster, by name. */
  constructor(private readonly out: Lines, private readonly mesh: MeshPlan, private readonly ctx: (cluster: string) => string,
    private readonly sections: KubectlSections) {
    this.installed = installedClusters(mesh);
  }

  public render(): void {
    if (this.mesh.delivery.argoCd) this.argoCd();
    if (this.mesh.delivery.flux) this.flux();
    if (this.mesh.delivery.sailVersion) this.sail();
  }

  private get repo() {
    return this.mesh.delivery.repository!;
  }

  private commitText(): string {
    const repo = this.repo;
    return `Commit this directory to ${code(repo.url)}, branch ${code(repo.branch)}, as ${repo.path === '.' ? 'the repository\'s root' : code(repo.path)}: ` +
      'the tool reads every directory below from there. Commit again after every synthesis; the tool applies the change.';
  }

  /** What must be in the clusters before the delivery starts: it cannot be in Git yet. */
  private beforeDelivery() {
    this.gatewayApiCrds();
    const manual = this.mesh.delivery.manualSteps.find((m) => m.kind === ManualStepKind.TRUST || m.kind === ManualStepKind.ROOT_CA);
    const cm = this.mesh.trust.certManager;
    if (manual?.kind === ManualStepKind.TRUST) {
      this.out.p(`**Once, before the delivery: what is not in Git.** Run the sections "${this.sections.namespaces}" and "${this.sections.trust}" above. ` +
        `The ${code('cacerts')} secret holds a CA key, so it is never committed, and it must exist before istiod starts ` +
        `(the istiod steps of ${list(manual.before.map((s) => s.cluster))} wait for it); the delivery then takes the namespaces over as they are.`);
      return;
    }
    const prerequisites = `cert-manager must run in every primary${cm?.rootCaFromStore ? `, and External Secrets with the store ${code(cm.rootCaFromStore.secretStore.name)}` : ''}; ` +
      `the delivery applies each primary's Issuer and Certificate (${code('clusters/<primary>/trust/')}) in its own step, and istiod waits for ${code('cacerts')}.`;
    if (manual?.kind === ManualStepKind.ROOT_CA) {
      this.out.p(`**Once, before the delivery: what is not in Git.** ${prerequisites} The shared root's Secret holds its key, so it is never committed: ` +
        `run the section "${this.sections.namespaces}" and the root commands of "${this.sections.trust}" above (the trust steps of ` +
        `${list(manual.before.map((s) => s.cluster))} wait for it).`);
    } else {
      this.out.p(`**Trust.** ${prerequisites} The root comes from your secret store: nothing to do by hand.`);
    }
  }

  /**
   * In an ambient mesh, the east-west gateway is a Gateway API `Gateway`, whose CRDs neither
   * Istio's charts nor this output install: they are the cluster's, shared with whatever else uses
   * the Gateway API, and must be served before istiod starts and the mesh step applies the gateway.
   */
  private gatewayApiCrds() {
    if (this.mesh.dataPlaneMode !== DataPlaneMode.AMBIENT) return;
    const how = this.sections.gatewayApiCrds
      ? `run the section "${this.sections.gatewayApiCrds}" above`
      : `install the standard channel's CRDs of a Gateway API release your Istio release supports ` +
        `(${code('kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/<version>/standard-install.yaml')})`;
    this.out.p(`**Once, in every cluster, before the delivery: the Gateway API CRDs.** The east-west gateway of an ambient mesh is a Gateway API ` +
      `${code('Gateway')} of class ${code(EAST_WEST_GATEWAY_CLASS)}, and the Gateway API's CRDs are not in Git: ${how}. ` +
      `They must be there before istiod starts, for istiod to provide the ${code(EAST_WEST_GATEWAY_CLASS)} GatewayClass; without them the mesh step of every cluster fails.`, '');
  }

  /** What waits for what across the charts: a remote for its primary, ztunnel for istiod and istio-cni. */
  private orderText(remoteWhat: 'install' | 'charts'): string {
    const ecp = this.mesh.externalControlPlane;
    if (ecp) {
      return `The config cluster's ${remoteWhat} ${remoteWhat === 'install' ? 'waits' : 'wait'} for ${code('istiod-external')} in ${ecp.name}, ` +
        `the external istiod for the config cluster's charts (and for ${code('istio-kubeconfig')}, below), ` +
        'and the other clusters\' charts and every mesh object for the external istiod, which serves them';
    }
    const remotes = this.mesh.clusters.some((c) => c.role === ClusterRole.REMOTE);
    return [
      ...(remotes ? [`A remote's ${remoteWhat} ${remoteWhat === 'install' ? 'waits' : 'wait'} for its primary's exposed istiod, which waits for the primary's control plane`] : []),
      ...(this.mesh.dataPlaneMode === DataPlaneMode.AMBIENT
        ? ['In each cluster, istio-cni needs only its namespace, and ztunnel waits for istiod, which issues its certificates, and for istio-cni, which sends it the pods\' traffic'] : []),
      ...(remotes || this.mesh.dataPlaneMode === DataPlaneMode.AMBIENT ? [] : ['In order']),
    ].join('. ');
  }

  /** Steps grouped by wave, as a table. */
  private waveTable(label: (s: DeliveryStep) => string, column = 'Wave') {
    const waves = new Map<number, DeliveryStep[]>();
    for (const s of this.mesh.delivery.steps) waves.set(s.wave, [...(waves.get(s.wave) ?? []), s]);
    this.out.p(`| ${column} | Step | Clusters |`, '| --- | --- | --- |');
    for (const [wave, steps] of [...waves.entries()].sort((a, b) => a[0] - b[0])) {
      const stages = [...new Set(steps.map((s) => s.stage))];
      for (const stage of stages) {
        const of = steps.filter((s) => s.stage === stage);
        // The external cluster's only object is the Service in front of its istiod.
        const text = stage === DeliveryStage.OBJECTS && of.every((s) => s.cluster === this.mesh.externalControlPlane?.name)
          ? `${code('istiod-external')}, the external istiod's Service`
          : stage === DeliveryStage.NAMESPACE ? `the ${this.mesh.istioNamespace} namespace` : STAGE_TEXT[stage];
        this.out.p(`| ${wave} | ${text} | ${list(of.map(label))} |`);
      }
    }
  }

  private remoteSecretsText(waitFor: string): void {
    const rc = this.mesh.remoteCredentials;
    if (rc) {
      this.out.p('', `**Remote secrets.** External Secrets must run in every cluster, with the ${rc.secretStore.kind} ${code(rc.secretStore.name)} ` +
        'that supports pushing: the delivery publishes each read cluster\'s reader token, then renders each primary\'s remote secrets from it, in their own steps; ' +
        'a remote\'s gateway waits for its primary\'s. Nothing to do by hand.');
      return;
    }
    const manual = this.mesh.delivery.manualSteps.find((m) => m.kind === ManualStepKind.REMOTE_SECRETS);
    if (!manual || !this.sections.remoteSecrets) return;
    const waiting = manual.before.map((s) => s.cluster);
    this.out.p('', `**Then, by hand: the remote secrets.** They hold API server credentials, so they are not in Git. Once ${waitFor}, ` +
      `run the section "${this.sections.remoteSecrets}" above` +
      (waiting.length > 0 ? `; until then the east-west gateways of ${list(waiting)} stay unready (their proxies get no configuration from an istiod that cannot read their cluster) and the delivery waits for them.`
        : '; cross-cluster endpoints appear as soon as the primaries hold them.'));
  }

  /**
   * With an external control plane: `istio-kubeconfig`, a credential, by hand once the config
   * cluster's istiod chart made the service account it is for. The external istiod's pod waits for it.
   */
  private configKubeconfigText(waitFor: string, waitLines: string[]): void {
    const manual = this.mesh.delivery.manualSteps.find((m) => m.kind === ManualStepKind.CONFIG_KUBECONFIG);
    const ecp = this.mesh.externalControlPlane;
    if (!manual || !ecp || !this.sections.configKubeconfig) return;
    this.out.p('', `**Then, by hand: ${code('istio-kubeconfig')}.** It holds a token of the config cluster, so it is not in Git. Once ${waitFor}, ` +
      `run the section "${this.sections.configKubeconfig}" above. Until then the external istiod's pod waits for it (it mounts the Secret as required: ` +
      `istiod reads it only when it starts), and the delivery waits for istiod. To wait for the config cluster:`, '');
    this.out.bash(waitLines);
  }

  private argoCd() {
    const { out, mesh } = this;
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
    for (const c of this.installed) {
      const target = mesh.delivery.targets[c.name].argoCd;
      if ('name' in target) lines.push(`argocd cluster add ${this.ctx(c.name)} --name ${target.name} --yes`);
      else if (target.server !== 'https://kubernetes.default.svc') lines.push(`argocd cluster add ${this.ctx(c.name)} --yes  # must register ${target.server}`);
    }
    lines.push(`kubectl --context="$ARGOCD_CONTEXT" -n ${ns} patch configmap argocd-cm --type merge --patch-file /dev/stdin <<'EOF'`, 'data:',
      `  ${APPLICATION_HEALTH_KEY}: |`, ...APPLICATION_HEALTH_LUA.trimEnd().split('\n').map((l) => `    ${l}`), 'EOF');
    out.bash(lines);
    out.p('', `A private repository also needs its credentials in Argo CD (${code(`argocd repo add ${this.repo.url} …`)}).` +
      (argo.project === 'default' ? '' : ` The project ${code(argo.project)} must allow this repository, Istio's chart repository, every cluster and cluster-scoped resources.`), '');
    this.beforeDelivery();
    out.p('', `**Deliver.** ${this.commitText()} Then apply the root Application, once:`, '');
    out.bash([`kubectl --context="$ARGOCD_CONTEXT" apply -f ${ARGO_CD_ROOT_DIR}/`]);
    out.p('', 'The root Application syncs its Applications wave by wave, each wave once every Application of the earlier waves is healthy. ' +
      `${this.orderText('install')}:`, '');
    this.waveTable((s) => s.cluster);
    const appWait = (names: string[]) => ['for app in \\', ...names.map((n) => `  ${n} \\`), '; do',
      `  kubectl --context="$ARGOCD_CONTEXT" -n ${ns} wait "application/$app" --for=jsonpath='{.status.health.status}'=Healthy --timeout=20m`, 'done'];
    const configIstiod = steps.find((s) => s.stage === DeliveryStage.ISTIOD && s.cluster === mesh.externalControlPlane?.configCluster);
    if (configIstiod) this.configKubeconfigText(`the Application ${code(configIstiod.name)} is healthy`, appWait([configIstiod.name]));
    const istiods = steps.filter((s) => s.stage === DeliveryStage.ISTIOD);
    if (mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
      this.remoteSecretsText('every istiod Application is healthy');
      out.p('', 'To wait for that:', '');
      out.bash(appWait(istiods.map((s) => s.name)));
    } else {
      this.remoteSecretsText('');
    }
    out.p('', `**See that it converged.** Every Application of the mesh is ${code('Synced')} and ${code('Healthy')}` +
      (this.sections.verify ? `; then run "${this.sections.verify}" above:` : ':'), '');
    out.bash([`kubectl --context="$ARGOCD_CONTEXT" -n ${ns} get applications -l ${MESH_LABEL}=${mesh.meshId}`]);
    out.p('', 'Istio\'s webhooks are patched by istiod at run time (CA bundles, and the validator\'s failure policy); the chart Applications ignore those fields, so they stay in sync without fighting istiod. ' +
      `Deleting an Application deletes what it applied, except the namespace Application, which never deletes ${code(mesh.istioNamespace)}.`);
  }

  private flux() {
    const { out, mesh } = this;
    const flux = mesh.delivery.flux!;
    const ns = flux.namespace;
    const hubMode = flux.mode === FluxMode.HUB;
    out.p('', '## Delivering with Flux', '');
    const targets = this.installed.filter((c) => mesh.delivery.targets[c.name].fluxKubeConfigSecret !== undefined);
    if (hubMode) {
      const hub = flux.hubCluster ? this.installed.find((c) => c.name === flux.hubCluster)! : undefined;
      out.p(`One Flux, in ${hub ? `the cluster ${code(hub.name)}` : 'a management cluster'} (kubeconfig context ${code('$FLUX_CONTEXT')}), delivers every cluster from Git ` +
        `through a kubeconfig Secret per cluster. Each cluster's steps are Flux Kustomizations and HelmReleases whose ${code('dependsOn')} ` +
        'orders them, within the cluster and across clusters. Relies on Flux 2.3 or later (HelmRelease v2, Kustomization v1).', '');
      out.p('**Once, in the Flux cluster.** Install Flux there (for example with `flux install`), and give it a kubeconfig for every cluster it delivers. ' +
        'Flux cannot run the exec plugins of cloud CLIs, so each must carry a token or client certificate (for example of a service account with cluster-admin):', '');
      const lines = [hub ? `FLUX_CONTEXT=\${FLUX_CONTEXT:-${this.ctx(hub.name)}}`
        : ': "${FLUX_CONTEXT:?set FLUX_CONTEXT to the kubeconfig context of the cluster Flux runs in}"'];
      for (const c of targets) {
        lines.push(`kubectl config view --minify --flatten --context=${this.ctx(c.name)} | \\`,
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
        `${code(`flux create secret git ${flux.gitSecretName} --url=${this.repo.url} …`)}.`);
    }
    out.p('');
    this.beforeDelivery();
    out.p('', `**Deliver.** ${this.commitText()} Then apply the entry point` + (hubMode
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
        .filter((stage) => stage !== DeliveryStage.NAMESPACE && !isHelmStage(stage)))].map((stage) => STAGE_NOUN[stage]);
      const steps = ['the namespace', charts, ...others];
      const listed = steps.length === 2 ? steps.join(' and ') : `${steps.slice(0, -1).join(', ')}, and ${steps[steps.length - 1]}`;
      out.p('', `Flux then applies, in each cluster, ${listed}, each step once the steps it depends on are ready. ` +
        `${this.orderText('charts')}:`, '');
      this.waveTable((s) => s.cluster, 'Stage');
      if (ecp) this.configKubeconfigText(`the config cluster's control plane is ready`, wait('"$FLUX_CONTEXT"', [controlPlane(ecp.configCluster)]));
      this.remoteSecretsText('every cluster\'s control plane is ready');
      if (this.mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
        out.p('', 'To wait for that:', '');
        out.bash(wait('"$FLUX_CONTEXT"', controlPlanes(this.installed)));
      }
    } else if (ecp) {
      this.fluxPerClusterExternal(wait, controlPlane);
    } else {
      const primaries = mesh.clusters.filter((c) => c.role === ClusterRole.PRIMARY);
      const remotes = mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
      const start = (c: { name: string }) => [`kubectl --context=${this.ctx(c.name)} apply -f ${fluxClusterDir(c.name)}/`];
      out.bash(primaries.flatMap(start));
      if (remotes.length > 0) {
        out.p('', 'A remote\'s install points at its primary\'s exposed istiod: start the remotes once their primaries\' mesh objects are ready:', '');
        out.bash([...primaries.filter((c) => c.remotes.length > 0).flatMap((c) => wait(this.ctx(c.name), [`${mesh.meshId}-${c.name}-mesh`])), ...remotes.flatMap(start)]);
      }
      this.remoteSecretsText('every cluster\'s control plane is ready');
      if (this.mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
        out.p('', 'To wait for that:', '');
        out.bash(mesh.clusters.flatMap((c) => wait(this.ctx(c.name), controlPlanes([c]))));
      }
      const remoteSecrets = mesh.delivery.steps.filter((s) => s.stage === DeliveryStage.REMOTE_SECRETS);
      if (remoteSecrets.length > 0) {
        // Each cluster's Flux sees only its own cluster, so it cannot wait for another's credentials.
        out.p('', 'Each cluster\'s Flux cannot wait for another cluster: a primary\'s remote-secrets step stays unready until every cluster it reads has ' +
          'published its credentials (once that cluster\'s control plane and credentials steps have run), External Secrets and Flux retrying meanwhile. To wait for it:', '');
        out.bash(remoteSecrets.flatMap((s) => wait(this.ctx(s.cluster), [s.name])));
      }
    }
    out.p('', `**See that it converged.** Every Kustomization and HelmRelease of the mesh is ${code('Ready')}` +
      (this.sections.verify ? `; then run "${this.sections.verify}" above:` : ':'), '');
    out.bash(hubMode ? [`kubectl --context="$FLUX_CONTEXT" -n ${ns} get kustomizations,helmreleases -l ${MESH_LABEL}=${mesh.meshId}`]
      : this.installed.map((c) => `kubectl --context=${this.ctx(c.name)} -n ${ns} get kustomizations,helmreleases -l ${MESH_LABEL}=${mesh.meshId}`));
    out.p('', 'HelmReleases keep Flux\'s default of no drift detection, so Flux does not undo what istiod patches into Istio\'s webhooks at run time. ' +
      `The namespace step never prunes, so removing it never deletes ${code(mesh.istioNamespace)}.`);
  }

  /**
   * Per-cluster Flux with an external control plane: each Flux waits only for its own cluster, so
   * the clusters are started in the external control plane's order, with the manual steps between.
   */
  private fluxPerClusterExternal(wait: (ctx: string, names: string[]) => string[], controlPlane: (cluster: string) => string) {
    const { out, mesh } = this;
    const ecp = mesh.externalControlPlane!;
    const start = (cluster: string) => `kubectl --context=${this.ctx(cluster)} apply -f ${fluxClusterDir(cluster)}/`;
    const remotes = mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
    out.bash([start(ecp.name)]);
    out.p('', `Its Flux applies istiod's namespace, ${code('istiod-external')} and istiod, whose pod waits for ${code('istio-kubeconfig')}. ` +
      `Start the config cluster once ${code('istiod-external')} has its address:`, '');
    out.bash([...wait(this.ctx(ecp.name), [`${mesh.meshId}-${ecp.name}-mesh`]), start(ecp.configCluster)]);
    this.configKubeconfigText('the config cluster\'s control plane is ready', wait(this.ctx(ecp.configCluster), [controlPlane(ecp.configCluster)]));
    if (remotes.length > 0) {
      out.p('', 'The remotes\' installs point at the external istiod: start them once it is ready:', '');
      out.bash([...wait(this.ctx(ecp.name), [controlPlane(ecp.name)]), ...remotes.map((c) => start(c.name))]);
      this.remoteSecretsText('every remote\'s control plane is ready');
      if (mesh.delivery.manualSteps.some((m) => m.kind === ManualStepKind.REMOTE_SECRETS)) {
        out.p('', 'To wait for that:', '');
        out.bash(remotes.flatMap((c) => wait(this.ctx(c.name), [controlPlane(c.name)])));
      }
    }
  }

  private sail() {
    const { out, mesh } = this;
    const version = mesh.delivery.sailVersion!;
    const ambient = mesh.dataPlaneMode === DataPlaneMode.AMBIENT;
    out.p('', '## Installing with the Sail Operator', '');
    out.p(`${code(sailIstioDir('<cluster>') + '/')} holds each cluster's install as the Sail Operator's ${code('Istio')} resource ` +
      (ambient ? `(profile ${code('ambient')}), its ${code('IstioCNI')} and its ${code('ZTunnel')} ` : '') +
      `(version ${code(version)}), with the same values as the istioctl and Helm inputs. Install the Sail Operator in every cluster ` +
      `(a release that lists ${code(version)}), then follow the steps above, replacing each cluster's istioctl or Helm commands with:`, '');
    const waits = ambient ? ['istio/default', 'istiocni/default', 'ztunnel/default'] : ['istio/default'];
    // With an external control plane, in its order: the config cluster, the external istiod, the remotes.
    const ecp = mesh.externalControlPlane;
    const order = ecp ? [ecp.configCluster, ecp.name, ...mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE).map((c) => c.name)]
      : this.installed.map((c) => c.name);
    out.bash(order.flatMap((c) => [
      `kubectl --context=${this.ctx(c)} apply -f ${sailIstioDir(c)}/`,
      ...waits.map((r) => `kubectl --context=${this.ctx(c)} wait ${r} --for=condition=Ready --timeout=10m`),
    ]));
    if (ecp) {
      out.p('', `The external cluster's ${code('Istio')} has the ${code('empty')} profile: istiod alone, with the values of ${code(`install/${ecp.name}/helm/istiod.values.yaml`)}; ` +
        `its pod waits for ${code('istio-kubeconfig')}, so create that first, as above.`);
    }
    if (ambient) {
      out.p('', `As the operator's ambient guides do, istio-cni runs in the namespace ${code(SAIL_CNI_NAMESPACE)} and ztunnel in ${code(SAIL_ZTUNNEL_NAMESPACE)} ` +
        `(both created by these files, not by the operator), and istiod trusts ztunnel there (${code(`pilot.trustedZtunnelNamespace: ${SAIL_ZTUNNEL_NAMESPACE}`)}); ` +
        `with ${code('meshConfig.discoverySelectors')}, those selectors must also select ${code(SAIL_ZTUNNEL_NAMESPACE)}, or istiod signs no certificate for ztunnel.`);
    }
    out.p('', 'A GitOps tool can apply these directories in place of the Helm releases, in the same order.');
  }
}
