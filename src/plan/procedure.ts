/**
 * The install procedure of a mesh, as data: one graph of steps, each with the cluster it runs
 * against, what it achieves, what it waits for and the steps it comes after. The steps a GitOps
 * tool delivers (a cluster's namespace, charts and objects) and the steps a person does once by
 * hand (CA keys, remote secrets, the external istiod's kubeconfig) are nodes of the same graph,
 * so every order the output states is read off it: the Argo CD sync waves, the Flux
 * `dependsOn`, the `plan` command's order and the README's delivery sections.
 */
import { deliveryObjectName, DeliveryStage } from '../model/delivery-names';

/** One step of one cluster, by cluster name and stage. */
export interface StepRef {
  readonly cluster: string;
  readonly stage: DeliveryStage;
}

/** One step of the delivery: a unit that a GitOps tool reconciles and reports healthy. */
export interface DeliveryStep extends StepRef {
  /** The name of the step's Argo CD Application or Flux object: `<meshId>-<cluster>-<stage>`. */
  readonly name: string;
  /**
   * The step's sync wave: a step starts once every step of an earlier wave is healthy. The
   * same numbers for every mesh, so a wave always means the same stage.
   */
  readonly wave: number;
  /** The steps, on this cluster or another, that must be healthy before this one starts. */
  readonly after: StepRef[];
}

/** What no file in Git can do yet: the user does it once, at a set point of the delivery. */
export enum ManualStepKind {
  /** The `cacerts` secret (with Istio's namespace) of every cluster that runs istiod, a primary or an external control plane's cluster, before its istiod starts. */
  TRUST = 'trust',
  /** With cert-manager and no secret store: the shared root's Secret in every primary, before its Issuer signs. */
  ROOT_CA = 'root-ca',
  /** The remote secrets, once every cluster's reader service account and role exist. */
  REMOTE_SECRETS = 'remote-secrets',
  /**
   * With an external control plane: `istio-kubeconfig` in the external cluster, istiod's kubeconfig
   * of the config cluster, once the config cluster's istiod chart made its service account.
   */
  CONFIG_KUBECONFIG = 'config-kubeconfig',
  /** With Argo CD: every cluster registered with Argo CD, under the destination its Applications name, before Argo CD delivers a step. */
  ARGO_CD_CLUSTERS = 'argocd-clusters',
  /** With one Flux for every cluster: a kubeconfig Secret per cluster it delivers, in the Flux cluster, before Flux delivers a step. */
  FLUX_KUBECONFIGS = 'flux-kubeconfigs',
}

/** A step done by hand, placed in the waves of the delivery. */
export interface ManualStep {
  readonly kind: ManualStepKind;
  /** Done once every step of this wave and the earlier ones is healthy; -1 means before the delivery starts. */
  readonly afterWave: number;
  /** The steps that need it done first (they wait, unready, until it is). */
  readonly before: StepRef[];
}

/**
 * How a cluster takes part in the install: it runs istiod for itself and maybe remotes (a
 * primary), is served by another cluster's istiod (a remote), holds the configuration an
 * external istiod reads (the config cluster), or runs that external istiod alone (the external cluster).
 */
export type DeliveryRole = 'primary' | 'remote' | 'config' | 'external';

/** What the procedure needs of each cluster's plan. */
export interface DeliveredCluster {
  readonly name: string;
  readonly role: DeliveryRole;
  /**
   * The cluster whose istiod serves this one: itself for a primary, the primary for a remote,
   * the external cluster with an external control plane.
   */
  readonly controlPlaneCluster: string;
  readonly hasMeshObjects: boolean;
  /** The clusters whose API servers this cluster's istiod reads (a primary's remote secrets, or the external istiod's). */
  readonly readsApiServersOf: string[];
  /** Whether the cluster holds traffic policies (a primary, or the config cluster, when the mesh has any). */
  readonly hasTrafficPolicies: boolean;
  /** Whether the cluster gets monitoring objects. */
  readonly hasMonitoring: boolean;
  /** Whether the cluster runs the ambient data plane (istio-cni and ztunnel). */
  readonly ambient: boolean;
}

/** One step of the procedure: a cluster's delivered step, or a step done by hand. */
export interface ProcedureStep {
  /** `<cluster>/<stage>` for a cluster's step, `manual/<kind>` for a step done by hand. */
  readonly id: string;
  /** The clusters the step runs against: its own for a cluster's step; those it touches for a step done by hand. */
  readonly clusters: string[];
  /** For a cluster's step: the stage it delivers (a Kustomization directory, a chart). */
  readonly stage?: DeliveryStage;
  /** For a step done by hand: what it is. */
  readonly manual?: ManualStepKind;
  /** For the verification: it checks the mesh, and changes nothing that a later step needs. */
  readonly verification?: true;
  /** For a step that only one delivery tool needs (registering the clusters with it): the tool. The kubectl path has no such step. */
  readonly tool?: 'argocd' | 'flux';
  /** What the step achieves, in a few words. */
  readonly achieves: string;
  /** What must hold before a step that comes after this one may start. */
  readonly readiness: string;
  /** The ids of the steps it comes after. */
  readonly after: string[];
  /** For a cluster's step: the name of its Argo CD Application or Flux object, and its sync wave. */
  readonly delivery?: { readonly name: string; readonly wave: number };
}

/** The whole procedure: its steps, the clusters' steps in the order of their waves, then the steps done by hand. */
export interface Procedure {
  readonly steps: ProcedureStep[];
}

/** What each stage achieves, and what is ready once it has. */
const STAGE_FACTS: Record<DeliveryStage, { readonly achieves: string; readonly readiness: string }> = {
  [DeliveryStage.NAMESPACE]: { achieves: 'Istio\'s namespace, with the network label', readiness: 'the namespace exists' },
  [DeliveryStage.TRUST]: { achieves: 'cert-manager\'s Issuer and Certificate of the intermediate CA', readiness: 'the Certificate is Ready: cacerts holds the intermediate' },
  [DeliveryStage.BASE]: { achieves: 'Istio\'s base chart: CRDs, the reader service account and role', readiness: 'the CRDs are established' },
  [DeliveryStage.ISTIOD]: { achieves: 'Istio\'s istiod chart', readiness: 'istiod is available (on a remote: its webhooks and istiod Service exist)' },
  [DeliveryStage.CNI]: { achieves: 'Istio\'s cni chart: the istio-cni node agent', readiness: 'the istio-cni-node DaemonSet is ready' },
  [DeliveryStage.ZTUNNEL]: { achieves: 'Istio\'s ztunnel chart: the node proxy', readiness: 'the ztunnel DaemonSet is ready' },
  [DeliveryStage.CREDENTIALS]: { achieves: 'the reader token, published to the secret store', readiness: 'the PushSecret is Ready' },
  [DeliveryStage.REMOTE_SECRETS]: { achieves: 'the remote secrets, rendered from the secret store', readiness: 'every ExternalSecret is Ready' },
  [DeliveryStage.OBJECTS]: { achieves: 'the mesh objects', readiness: 'the gateways and Services have their addresses' },
  [DeliveryStage.TRAFFIC]: { achieves: 'the traffic policies', readiness: 'istiod accepted them' },
  [DeliveryStage.MONITORING]: { achieves: 'the scrape configuration and alerts', readiness: 'the Prometheus Operator\'s objects exist' },
};

const MANUAL_FACTS: Record<ManualStepKind, { readonly achieves: string; readonly readiness: string }> = {
  [ManualStepKind.TRUST]: { achieves: 'the cacerts Secret of every cluster that runs istiod, from the mesh\'s root CA', readiness: 'cacerts exists' },
  [ManualStepKind.ROOT_CA]: { achieves: 'the shared root CA\'s Secret in every primary, for cert-manager', readiness: 'the root CA Secret exists' },
  [ManualStepKind.REMOTE_SECRETS]: { achieves: 'the remote secrets, made by istioctl create-remote-secret', readiness: 'istiod synced every cluster it reads' },
  [ManualStepKind.CONFIG_KUBECONFIG]: { achieves: 'istio-kubeconfig: the external istiod\'s kubeconfig of the config cluster', readiness: 'the Secret exists' },
  [ManualStepKind.ARGO_CD_CLUSTERS]: { achieves: 'every cluster registered with Argo CD', readiness: 'Argo CD reaches every cluster' },
  [ManualStepKind.FLUX_KUBECONFIGS]: { achieves: 'a kubeconfig Secret per cluster in the Flux cluster', readiness: 'Flux reaches every cluster' },
};

/** The delivery tool of each step of registering the clusters with one. */
const TOOL_OF: Partial<Record<ManualStepKind, 'argocd' | 'flux'>> = {
  [ManualStepKind.ARGO_CD_CLUSTERS]: 'argocd',
  [ManualStepKind.FLUX_KUBECONFIGS]: 'flux',
};

/**
 * The lowest wave of each stage, by role: the waves are the same numbers for every mesh, so a
 * wave always means the same stage. A step's wave is its stage's, or later when a step it comes
 * after is in that wave or later.
 *
 * Namespaces (0); the primaries' intermediate CAs (1, with cert-manager); the primaries' base,
 * istiod and objects (2 to 4; in ambient meshes istio-cni beside istiod and ztunnel after both);
 * the remotes' base and istiod (5, 6); with External Secrets the reader credentials (7) and the
 * primaries' remote secrets (8); the remotes' objects (9), which wait for their primary to read
 * them; traffic policies and monitoring last (10). Remotes have no trust step.
 *
 * With an external control plane: the external cluster's `istiod-external` Service beside the
 * CAs; the config cluster's charts in the primaries' waves, the external istiod once they are in
 * (it reads the config cluster), then the further remotes' charts in the remotes' waves, and the
 * mesh objects of every cluster once the external istiod injects their gateways.
 */
const WAVES: Record<DeliveryRole, Partial<Record<DeliveryStage, number>>> = {
  primary: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.TRUST]: 1, [DeliveryStage.BASE]: 2, [DeliveryStage.ISTIOD]: 3, [DeliveryStage.OBJECTS]: 4,
    [DeliveryStage.CNI]: 3, [DeliveryStage.ZTUNNEL]: 4, [DeliveryStage.CREDENTIALS]: 7, [DeliveryStage.REMOTE_SECRETS]: 8, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  remote: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.BASE]: 5, [DeliveryStage.ISTIOD]: 6,
    [DeliveryStage.CREDENTIALS]: 7, [DeliveryStage.OBJECTS]: 9, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  config: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.BASE]: 2, [DeliveryStage.ISTIOD]: 3, [DeliveryStage.OBJECTS]: 9, [DeliveryStage.TRAFFIC]: 10, [DeliveryStage.MONITORING]: 10,
  },
  external: {
    [DeliveryStage.NAMESPACE]: 0, [DeliveryStage.OBJECTS]: 1, [DeliveryStage.ISTIOD]: 4,
  },
};

/** The id of a cluster's step. */
export const stepId = (cluster: string, stage: DeliveryStage): string => `${cluster}/${stage}`;
/** The id of a step done by hand. */
export const manualStepId = (kind: ManualStepKind): string => `manual/${kind}`;
/** The id of the verification. */
export const VERIFICATION_STEP_ID = 'verify';

/** What decides the steps besides each cluster's own: how trust and credentials are made, the verification, the delivery tools. */
export interface ProcedureOptions {
  readonly meshId: string;
  /** cert-manager issues the intermediates (else the user makes `cacerts` by hand). */
  readonly certManager: boolean;
  /** With cert-manager: the root comes from a secret store (else the user puts it in every primary). */
  readonly rootCaFromStore: boolean;
  /** The remote secrets go through External Secrets (else the user makes them with istioctl). */
  readonly externalSecrets: boolean;
  /** The mesh is verified with workloads in every cluster once it is installed. */
  readonly verification: boolean;
  /**
   * The clusters registered by hand with each delivery tool that reaches them from outside: with
   * Argo CD every cluster; with one Flux for all, every cluster but its own.
   * @default - no delivery tool
   */
  readonly registered?: { readonly argoCd?: readonly string[]; readonly flux?: readonly string[] };
}

/**
 * Works out the procedure of a validated mesh: the steps of every cluster and their
 * dependencies (namespace before the charts, base before istiod, istiod before the objects that
 * need its CRDs and injector, a primary's exposed istiod before its remotes' install), and the
 * steps done by hand between them.
 */
export function planProcedure(options: ProcedureOptions, clusters: DeliveredCluster[]): Procedure {
  const { certManager, externalSecrets } = options;
  const read = new Set(clusters.flatMap((c) => c.readsApiServersOf));
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const ref = stepId;
  const external = clusters.find((c) => c.role === 'external');
  const config = clusters.find((c) => c.role === 'config');

  const steps: { id: string; cluster: string; role: DeliveryRole; stage: DeliveryStage; after: string[] }[] = [];
  for (const c of clusters) {
    const step = (stage: DeliveryStage, after: string[]) => {
      if (WAVES[c.role][stage] === undefined) throw new Error(`a ${c.role} cluster has no ${stage} step`);
      steps.push({ id: ref(c.name, stage), cluster: c.name, role: c.role, stage, after });
    };
    step(DeliveryStage.NAMESPACE, []);
    if (c.role === 'external') {
      // istiod reads the config cluster, whose charts (CRDs, its service account) must be in.
      step(DeliveryStage.OBJECTS, [ref(c.name, DeliveryStage.NAMESPACE)]);
      step(DeliveryStage.ISTIOD, [ref(c.name, DeliveryStage.NAMESPACE), ...(config ? [ref(config.name, DeliveryStage.ISTIOD)] : [])]);
      continue;
    }
    // A remote's install points its injector and istiod Service at the istiod that serves it: a
    // primary's, once exposed, or the external one, once it runs. The config cluster's install
    // points at the external istiod's Service, which comes first.
    const server = byName.get(c.controlPlaneCluster)!;
    const serverReady = c.role === 'remote'
      ? [ref(server.name, server.role !== 'external' && server.hasMeshObjects ? DeliveryStage.OBJECTS : DeliveryStage.ISTIOD)]
      : c.role === 'config' ? [ref(server.name, DeliveryStage.OBJECTS)] : [];
    // cert-manager issues the primary's intermediate into cacerts, which istiod needs when it starts.
    const issuesCa = certManager && c.role === 'primary';
    if (issuesCa) step(DeliveryStage.TRUST, [ref(c.name, DeliveryStage.NAMESPACE)]);
    step(DeliveryStage.BASE, [ref(c.name, DeliveryStage.NAMESPACE), ...serverReady]);
    step(DeliveryStage.ISTIOD, [ref(c.name, DeliveryStage.BASE), ...(issuesCa ? [ref(c.name, DeliveryStage.TRUST)] : [])]);
    if (c.ambient) {
      // The node agent needs only its namespace; ztunnel gets its certificates and configuration from
      // istiod, and serves pods only once istio-cni redirects their traffic to it.
      step(DeliveryStage.CNI, [ref(c.name, DeliveryStage.NAMESPACE)]);
      step(DeliveryStage.ZTUNNEL, [ref(c.name, DeliveryStage.ISTIOD), ref(c.name, DeliveryStage.CNI)]);
    }
    // The reader's token exists once the charts made its service account and role.
    if (externalSecrets && read.has(c.name)) step(DeliveryStage.CREDENTIALS, [ref(c.name, DeliveryStage.ISTIOD)]);
    if (externalSecrets && c.readsApiServersOf.length > 0) {
      step(DeliveryStage.REMOTE_SECRETS, [ref(c.name, DeliveryStage.ISTIOD), ...c.readsApiServersOf.map((r) => ref(r, DeliveryStage.CREDENTIALS))]);
    }
    // A remote's gateway is configured by its primary only once the primary holds the remote's secret;
    // with an external control plane, gateways are injected by the external istiod.
    const attached = externalSecrets && c.role === 'remote' ? [ref(c.controlPlaneCluster, DeliveryStage.REMOTE_SECRETS)] : [];
    const injector = external && c.role !== 'remote' ? [ref(external.name, DeliveryStage.ISTIOD)] : [];
    if (c.hasMeshObjects) step(DeliveryStage.OBJECTS, [ref(c.name, DeliveryStage.ISTIOD), ...attached, ...injector]);
    // Last, once the cluster's control plane and objects are in place: istiod validates the
    // policies, and the scrape targets exist.
    const settled = [ref(c.name, c.hasMeshObjects ? DeliveryStage.OBJECTS : DeliveryStage.ISTIOD), ...(c.hasMeshObjects ? [] : injector)];
    if (c.hasTrafficPolicies) step(DeliveryStage.TRAFFIC, settled);
    if (c.hasMonitoring) step(DeliveryStage.MONITORING, settled);
  }

  // The steps done by hand, each with the steps it comes after and those that wait for it.
  const manual: { kind: ManualStepKind; clusters: string[]; after: string[]; before: string[] }[] = [];
  const of = (stage: DeliveryStage, role?: (r: DeliveryRole) => boolean) =>
    steps.filter((s) => s.stage === stage && (role === undefined || role(s.role)));
  if (!certManager) {
    // Only istiod reads cacerts: a remote's workloads get their certificates from the primary.
    const istiods = of(DeliveryStage.ISTIOD, (r) => r === 'primary' || r === 'external');
    manual.push({ kind: ManualStepKind.TRUST, clusters: istiods.map((s) => s.cluster), after: [], before: istiods.map((s) => s.id) });
  } else if (!options.rootCaFromStore) {
    const trust = of(DeliveryStage.TRUST);
    manual.push({ kind: ManualStepKind.ROOT_CA, clusters: trust.map((s) => s.cluster), after: [], before: trust.map((s) => s.id) });
  }
  if (external && config) {
    // istio-kubeconfig is a token of the config cluster's istiod service account, which its istiod chart makes.
    manual.push({
      kind: ManualStepKind.CONFIG_KUBECONFIG, clusters: [config.name, external.name],
      after: [ref(config.name, DeliveryStage.ISTIOD)], before: [ref(external.name, DeliveryStage.ISTIOD)],
    });
  }
  const meshClusters = clusters.filter((c) => c.role !== 'external');
  // With an external control plane, the config cluster is istiod's own: only further remotes need a secret.
  if (meshClusters.length > 1 && !externalSecrets) {
    // Made once every cluster's reader account exists (its istiod chart); multi-primary meshes need
    // them too, and remotes' gateways wait for them to get their proxies configured.
    manual.push({
      // Every cluster it touches: the readers, which hold the secrets, and the clusters read, whose tokens they hold.
      kind: ManualStepKind.REMOTE_SECRETS, clusters: clusters.filter((c) => c.readsApiServersOf.length > 0 || read.has(c.name)).map((c) => c.name),
      after: of(DeliveryStage.ISTIOD).map((s) => s.id),
      before: of(DeliveryStage.OBJECTS, (r) => r === 'remote').map((s) => s.id),
    });
  }
  // Registering the clusters with a delivery tool comes before the tool delivers any step.
  const registrations = [[ManualStepKind.ARGO_CD_CLUSTERS, options.registered?.argoCd], [ManualStepKind.FLUX_KUBECONFIGS, options.registered?.flux]] as const;
  for (const [kind, registered] of registrations) {
    if (registered === undefined || registered.length === 0) continue;
    manual.push({ kind, clusters: [...registered], after: [], before: steps.map((s) => s.id) });
  }
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const m of manual) {
    for (const id of m.before) byId.get(id)!.after.push(manualStepId(m.kind));
  }

  const result: ProcedureStep[] = [
    ...steps.map((s): ProcedureStep => ({
      id: s.id, clusters: [s.cluster], stage: s.stage, ...STAGE_FACTS[s.stage], after: s.after,
      delivery: { name: deliveryObjectName(options.meshId, s.cluster, s.stage), wave: WAVES[s.role][s.stage]! },
    })),
    ...manual.map((m): ProcedureStep => ({
      id: manualStepId(m.kind), clusters: m.clusters, manual: m.kind, ...MANUAL_FACTS[m.kind], after: m.after,
      ...(TOOL_OF[m.kind] ? { tool: TOOL_OF[m.kind] } : {}),
    })),
  ];
  if (options.verification) {
    // Once every cluster is installed and attached: its workloads need the injector (or ztunnel), and
    // calls across clusters need every istiod to read every cluster and every gateway to have its address.
    const installs = new Set<DeliveryStage>([DeliveryStage.ISTIOD, DeliveryStage.CNI, DeliveryStage.ZTUNNEL, DeliveryStage.OBJECTS, DeliveryStage.REMOTE_SECRETS]);
    result.push({
      id: VERIFICATION_STEP_ID, clusters: meshClusters.map((c) => c.name), verification: true,
      achieves: 'helloworld and a client in every cluster, and calls across clusters', readiness: 'every version answers from every cluster',
      after: [...steps.filter((s) => installs.has(s.stage)).map((s) => s.id), ...manual.filter((m) => m.kind === ManualStepKind.REMOTE_SECRETS).map((m) => manualStepId(m.kind))],
    });
  }
  return withWaves({ steps: result });
}

/**
 * The procedure with each delivered step's wave raised, where a step it comes after is in the
 * same wave or a later one, to the wave after it; a step done by hand sits after the latest wave
 * of the steps it comes after. The clusters' steps come in the order of their waves.
 * @throws Error when the steps come after each other in a cycle, which no order can satisfy
 */
export function withWaves(procedure: Procedure): Procedure {
  const byId = new Map(procedure.steps.map((s) => [s.id, s]));
  const waves = new Map<string, number>();
  const visiting = new Set<string>();
  const waveOf = (id: string): number => {
    const known = waves.get(id);
    if (known !== undefined) return known;
    const step = byId.get(id);
    if (step === undefined) throw new Error(`a step comes after ${id}, which the procedure does not have`);
    if (visiting.has(id)) throw new Error(`the steps come after each other in a cycle through ${id}`);
    visiting.add(id);
    const latest = Math.max(-1, ...step.after.map(waveOf));
    visiting.delete(id);
    // A step done by hand is done after the wave of the latest step it needs; a delivered step starts in a later wave.
    const wave = step.delivery ? Math.max(step.delivery.wave, latest + 1) : latest;
    waves.set(id, wave);
    return wave;
  };
  const steps = procedure.steps.map((s) => (s.delivery ? { ...s, delivery: { ...s.delivery, wave: waveOf(s.id) } } : s));
  procedure.steps.forEach((s) => waveOf(s.id));
  const delivered = steps.filter((s) => s.delivery).sort((a, b) => a.delivery!.wave - b.delivery!.wave);
  return { steps: [...delivered, ...steps.filter((s) => !s.delivery)] };
}

/** The delivery's view of the procedure: the clusters' steps by wave, and where the steps done by hand fall. */
export function deliveryOrder(procedure: Procedure): { steps: DeliveryStep[]; manualSteps: ManualStep[] } {
  const refOf = new Map(procedure.steps.filter((s) => s.stage).map((s) => [s.id, { cluster: s.clusters[0], stage: s.stage! }]));
  const waveOf = new Map(procedure.steps.filter((s) => s.delivery).map((s) => [s.id, s.delivery!.wave]));
  const delivered = procedure.steps.filter((s) => s.delivery);
  const steps = delivered.map((s): DeliveryStep => ({
    ...refOf.get(s.id)!, name: s.delivery!.name, wave: s.delivery!.wave,
    after: s.after.filter((id) => refOf.has(id)).map((id) => refOf.get(id)!),
  }));
  const manualSteps = procedure.steps.filter((s) => s.manual).map((m): ManualStep => ({
    kind: m.manual!,
    afterWave: Math.max(-1, ...m.after.map((id) => waveOf.get(id) ?? -1)),
    before: delivered.filter((s) => s.after.includes(m.id)).map((s) => refOf.get(s.id)!),
  }));
  return { steps, manualSteps };
}

/**
 * Orders groups of steps (the sections of a set of instructions) as the procedure allows: a
 * group comes after every group that holds a step one of its steps comes after. Groups the
 * procedure leaves unordered keep the order they are given in; a group without steps keeps its
 * place after the group given before it.
 * @throws Error when two groups each hold a step the other's comes after: no order of the
 * groups keeps the procedure's
 */
export function orderGroups<T>(procedure: Procedure, groups: readonly { readonly key: T; readonly has: (step: ProcedureStep) => boolean }[]): T[] {
  const groupOf = new Map<string, number>();
  for (const step of procedure.steps) {
    const i = groups.findIndex((g) => g.has(step));
    if (i >= 0) groupOf.set(step.id, i);
  }
  // Each group's predecessors: the groups of the steps its steps come after, and for a group
  // without steps the group given before it.
  const before = groups.map(() => new Set<number>());
  for (const step of procedure.steps) {
    const i = groupOf.get(step.id);
    if (i === undefined) continue;
    for (const a of step.after) {
      const j = groupOf.get(a);
      if (j !== undefined && j !== i) before[i].add(j);
    }
  }
  groups.forEach((_g, i) => {
    if (i > 0 && ![...groupOf.values()].includes(i)) before[i].add(i - 1);
  });
  return topologicalOrder(groups.length, before, (i) => `${String(groups[i].key)}`).map((i) => groups[i].key);
}

/**
 * Orders clusters as the procedure allows, among the steps of `has`: a cluster comes after every
 * cluster that holds a step one of its steps comes after; clusters it leaves unordered keep the
 * order given.
 * @throws Error when two clusters each hold a step the other's comes after
 */
export function orderClusters(procedure: Procedure, clusters: readonly string[], has: (step: ProcedureStep) => boolean): string[] {
  const index = new Map(clusters.map((c, i) => [c, i]));
  const clusterOf = new Map<string, number>();
  for (const step of procedure.steps) {
    const i = step.clusters.length === 1 ? index.get(step.clusters[0]) : undefined;
    if (i !== undefined && has(step)) clusterOf.set(step.id, i);
  }
  const before = clusters.map(() => new Set<number>());
  for (const step of procedure.steps) {
    const i = clusterOf.get(step.id);
    if (i === undefined) continue;
    for (const a of step.after) {
      const j = clusterOf.get(a);
      if (j !== undefined && j !== i) before[i].add(j);
    }
  }
  return topologicalOrder(clusters.length, before, (i) => clusters[i]).map((i) => clusters[i]);
}

/** Kahn's order of 0..n-1, taking the lowest ready index first so that unordered items keep their order. */
function topologicalOrder(n: number, before: Set<number>[], name: (i: number) => string): number[] {
  const done = new Set<number>();
  const order: number[] = [];
  while (order.length < n) {
    let next = -1;
    for (let i = 0; i < n && next < 0; i++) {
      if (!done.has(i) && [...before[i]].every((j) => done.has(j))) next = i;
    }
    if (next < 0) {
      const stuck = Array.from({ length: n }, (_v, i) => i).filter((i) => !done.has(i)).map(name);
      throw new Error(`the procedure orders ${stuck.join(', ')} in a cycle: each holds a step that comes after another's`);
    }
    done.add(next);
    order.push(next);
  }
  return order;
}
