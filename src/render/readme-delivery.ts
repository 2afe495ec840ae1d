import { EAST_WEST_GATEWAY_CLASS } from '../constructs/ambient-east-west-gateway';
import { DeliveryStage } from '../model/delivery-names';
import { DataPlaneMode } from '../model/mesh-spec';
import { ClusterRole, InstalledCluster, installedClusters, MeshPlan } from '../plan/mesh-plan';
import { DeliveryStep, ManualStepKind } from '../plan/delivery-plan';
import { DeliveryReadmeContext, KubectlSections, STAGE_WORDS } from './delivery/format';
import { DELIVERY_FORMATS } from './delivery/formats';
import { code, Lines } from './markdown';

const list = (names: string[]) => (names.length > 6 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

/**
 * The README's sections for the delivery tools: what to configure once, what cannot be in
 * Git, what to commit where, the order in which things converge, and how to see that they did.
 */
export class DeliveryReadme implements DeliveryReadmeContext {
  public readonly installed: InstalledCluster[];

  /** `ctx` gives the quoted kubeconfig context of a cluster, by name. */
  constructor(public readonly out: Lines, public readonly mesh: MeshPlan, public readonly ctx: (cluster: string) => string,
    public readonly sections: KubectlSections) {
    this.installed = installedClusters(mesh);
  }

  /** The section of every format the mesh is delivered with, in the formats' order. */
  public render(): void {
    for (const format of DELIVERY_FORMATS) if (format.enabled(this.mesh)) format.readme(this);
  }

  public get repo() {
    return this.mesh.delivery.repository!;
  }

  public commitText(): string {
    const repo = this.repo;
    return `Commit this directory to ${code(repo.url)}, branch ${code(repo.branch)}, as ${repo.path === '.' ? 'the repository\'s root' : code(repo.path)}: ` +
      'the tool reads every directory below from there. Commit again after every synthesis; the tool applies the change.';
  }

  /** What must be in the clusters before the delivery starts: it cannot be in Git yet. */
  public beforeDelivery() {
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
  public orderText(remoteWhat: 'install' | 'charts'): string {
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
  public waveTable(label: (s: DeliveryStep) => string, column = 'Wave') {
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
          : stage === DeliveryStage.NAMESPACE ? `the ${this.mesh.istioNamespace} namespace` : STAGE_WORDS[stage].row;
        this.out.p(`| ${wave} | ${text} | ${list(of.map(label))} |`);
      }
    }
  }

  public remoteSecretsText(waitFor: string): void {
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
  public configKubeconfigText(waitFor: string, waitLines: string[]): void {
    const manual = this.mesh.delivery.manualSteps.find((m) => m.kind === ManualStepKind.CONFIG_KUBECONFIG);
    const ecp = this.mesh.externalControlPlane;
    if (!manual || !ecp || !this.sections.configKubeconfig) return;
    this.out.p('', `**Then, by hand: ${code('istio-kubeconfig')}.** It holds a token of the config cluster, so it is not in Git. Once ${waitFor}, ` +
      `run the section "${this.sections.configKubeconfig}" above. Until then the external istiod's pod waits for it (it mounts the Secret as required: ` +
      `istiod reads it only when it starts), and the delivery waits for istiod. To wait for the config cluster:`, '');
    this.out.bash(waitLines);
  }

}
