/**
 * The order in which Argo CD and Flux bring objects to each cluster, derived from the emitted
 * objects alone (sync waves; `dependsOn` graphs and what each Flux Kustomization applies),
 * keeps the same rules as the README's kubectl path (order-rules.ts). The steps that cannot be
 * in Git yet (the CA secrets, the remote secrets) are placed where the plan, and the README
 * with it, puts them.
 */
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_LABEL, ClusterRole, FluxMode, FluxOptions, ManualStepKind, MeshPlan, MeshSpec,
} from '../src';
import { largeMesh } from '../src/examples/large-meshes';
import { PrecedenceGraph } from './graph';
import { expectOrder, OrderEvent, requiredOrder } from './order-rules';
import {
  AMBIENT_MESH, CERT_MANAGER, ECP_CONFIG_ONLY, EmittedObject, EXTERNAL_SECRETS, FROM_STORE, guideTopologies, MIXED_MESH, parseObjects, synth,
} from './support';

const repository = { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' };
const withDelivery = (spec: MeshSpec, flux: FluxOptions = {}): MeshSpec =>
  ({ ...spec, delivery: { repository, argoCd: {}, flux } });


const meshes: [string, MeshSpec][] = [
  ...Object.entries(guideTopologies()),
  ['two primaries with remotes, one exposing istiod through istiod-external', MIXED_MESH],
  ['12 clusters, primaries with remotes', largeMesh('primary-remote', 12)],
  ['an ambient mesh of three primaries on two networks', AMBIENT_MESH],
];

/** The order rules' name of each of Istio's charts, by its name in Istio's Helm repository. */
const CHART_EVENTS: Record<string, OrderEvent['what']> = { 'base': 'base', 'istiod': 'istiod', 'cni': 'istio-cni', 'ztunnel': 'ztunnel' };

/** Which step of which cluster an emitted Argo CD Application or Flux object delivers, read from the object. */
function stageOf(o: EmittedObject): OrderEvent['what'] | 'credentials' | 'remote-secrets' | 'control-plane' | undefined {
  const chart: string | undefined = o.kind === 'Application' ? o.spec.source.chart : o.spec?.chart?.spec?.chart;
  if (chart !== undefined) return CHART_EVENTS[chart];
  const source = o.kind === 'Application' ? o.spec.source : undefined;
  const p: string | undefined = source?.path ?? (o.kind === 'Kustomization' ? o.spec.path : undefined);
  if (p === undefined) return undefined;
  if (/\/clusters\/[^/]+\/namespace$/.test(p)) return 'namespace';
  if (/\/clusters\/[^/]+\/trust$/.test(p)) return 'cacerts';
  if (/\/clusters\/[^/]+\/credentials$/.test(p)) return 'credentials';
  if (/\/clusters\/[^/]+\/remote-secrets$/.test(p)) return 'remote-secrets';
  if (/\/clusters\/[^/]+\/mesh$/.test(p)) return 'objects';
  if (/\/clusters\/[^/]+\/traffic$/.test(p)) return 'traffic';
  if (/\/clusters\/[^/]+\/monitoring$/.test(p)) return 'monitoring';
  if (/\/flux\/control-planes\/[^/]+$/.test(p)) return 'control-plane';
  return undefined;
}

/**
 * Where the plan puts the manual steps, relative to the waves: the namespace and CA (or, with
 * cert-manager, the root's Secret) before any wave, the remote secrets after one.
 */
function manualTimes(plan: MeshPlan) {
  const trust = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.TRUST || m.kind === ManualStepKind.ROOT_CA);
  const secrets = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.REMOTE_SECRETS);
  const configKubeconfig = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.CONFIG_KUBECONFIG);
  return {
    namespace: trust === undefined ? Infinity : trust.afterWave + 0.25,
    cacerts: trust?.kind === ManualStepKind.TRUST ? trust.afterWave + 0.5 : undefined,
    attached: secrets === undefined ? undefined : secrets.afterWave + 0.5,
    configKubeconfig: configKubeconfig === undefined ? undefined : configKubeconfig.afterWave + 0.5,
    secrets,
  };
}

const variants: [string, MeshSpec][] = [
  ...meshes,
  ...meshes.map(([name, spec]): [string, MeshSpec] => [`${name}, remote secrets through External Secrets`, EXTERNAL_SECRETS(spec)]),
  ...meshes.slice(2, 5).flatMap(([name, spec]): [string, MeshSpec][] => [
    [`${name}, trust by cert-manager`, { ...spec, trust: CERT_MANAGER }],
    [`${name}, trust by cert-manager with the root from a store`, { ...spec, trust: FROM_STORE }],
  ]),
  ['an ambient mesh, trust by cert-manager', { ...AMBIENT_MESH, trust: CERT_MANAGER }],
  // cert-manager and External Secrets are refused with an external control plane.
  ['an external control plane with its config cluster alone', ECP_CONFIG_ONLY],
  ['an external control plane with a config cluster and two remotes, one on another network, a DNS name for istiod', {
    ...ECP_CONFIG_ONLY,
    externalControlPlane: { ...ECP_CONFIG_ONLY.externalControlPlane!, discoveryAddress: 'istiod.mesh.example.com' },
    clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
  }],
];

/** Every cluster the delivery installs: the mesh's, and an external control plane's. */
const installedNames = (plan: MeshPlan) => [...plan.clusters.map((c) => c.name), ...(plan.externalControlPlane ? [plan.externalControlPlane.name] : [])];

describe.each(variants)('delivering %s', (_name, spec) => {
  it('with Argo CD, the sync waves keep the install order', () => {
    const { mesh, files } = synth(withDelivery(spec));
    const plan = mesh.plan!;
    const apps = parseObjects(files, (p) => p.startsWith('argocd/applications/'));
    const wave = new Map<string, number>();
    for (const app of apps) {
      const stage = stageOf(app)!;
      expect(stage, app.metadata.name).toBeDefined();
      wave.set(`${app.metadata.labels![CLUSTER_LABEL]}/${stage}`, Number(app.metadata.annotations!['argocd.argoproj.io/sync-wave']));
    }
    const manual = manualTimes(plan);
    const time = (e: OrderEvent): number | undefined => {
      switch (e.what) {
        // By hand, after the config cluster's istiod chart; the external istiod's pod waits for it.
        case 'istio-kubeconfig': return manual.configKubeconfig;
        // The README has the verification run once the delivery converged.
        case 'verify': return Infinity;
        case 'namespace': return Math.min(manual.namespace, wave.get(`${e.cluster}/namespace`) ?? Infinity);
        // By hand, or issued by cert-manager in the primary's trust wave.
        case 'cacerts': return manual.cacerts ?? wave.get(`${e.cluster}/cacerts`);
        // By hand, or once its primary renders the remote secret from what the cluster published.
        case 'attached': {
          if (manual.attached !== undefined) return manual.attached;
          const primary = plan.clusters.find((c) => c.name === e.cluster)!.controlPlaneCluster;
          const [published, rendered] = [wave.get(`${e.cluster}/credentials`), wave.get(`${primary}/remote-secrets`)];
          return published === undefined || rendered === undefined || rendered <= published ? undefined : rendered;
        }
        default: return wave.get(`${e.cluster}/${e.what}`);
      }
    };
    expectOrder(plan, (a, b) => {
      const [ta, tb] = [time(a), time(b)];
      return ta === undefined || tb === undefined ? undefined : ta < tb;
    }, () => [...wave.entries()].map(([k, w]) => `${k}: wave ${w}`).join('\n'));
  });

  it('with one Flux for all clusters, the dependsOn graph keeps the install order', () => {
    const { mesh, files } = synth(withDelivery(spec, { mode: FluxMode.HUB }));
    const plan = mesh.plan!;
    const graph = fluxGraph(plan, parseObjects(files, (p) => p.startsWith('flux/')));
    expectOrder(plan, graph.precedes, graph.describe);
  });

  it('with Flux in every cluster, dependsOn keeps each cluster\'s order, and the README starts remotes after their primaries', () => {
    const { mesh, files } = synth(withDelivery(spec, { mode: FluxMode.PER_CLUSTER }));
    const plan = mesh.plan!;
    const objects = parseObjects(files, (p) => p.startsWith('flux/'));
    // Each cluster's Flux holds its own objects only: nothing it depends on may be elsewhere.
    for (const c of installedNames(plan).map((name) => ({ name }))) {
      const own = objects.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === c.name);
      const names = new Set(own.map((o) => `${o.kind}/${o.metadata.name}`));
      for (const o of own) {
        for (const d of o.spec.dependsOn ?? []) expect(names.has(`${o.kind}/${d.name}`), `${c.name}: ${o.metadata.name} depends on ${d.name}`).toBe(true);
      }
    }
    const graph = fluxGraph(plan, objects);
    const sameCluster = requiredOrder(plan).filter((r) => r.before.cluster === r.after.cluster && r.after.what !== 'attached' && r.before.what !== 'attached');
    for (const rule of sameCluster) expect(graph.precedes(rule.before, rule.after), `${rule.before.cluster}: ${rule.before.what} before ${rule.after.what}`).toBe(true);

    const readme = files.find((f) => f.path === 'README.md')!.content;
    const flux = readme.slice(readme.indexOf('## Delivering with Flux'));
    const ecp = plan.externalControlPlane;
    for (const c of plan.clusters.filter((k) => k.role === ClusterRole.REMOTE)) {
      const start = flux.indexOf(`apply -f flux/clusters/${c.name}/`);
      // A primary's exposed istiod, or the external istiod itself.
      const primaryReady = flux.indexOf(ecp ? `wait kustomization/${plan.meshId}-${ecp.name}-control-plane ` : `wait kustomization/${plan.meshId}-${c.controlPlaneCluster}-mesh `);
      expect(start, `${c.name} is started`).toBeGreaterThan(0);
      expect(primaryReady, `${c.controlPlaneCluster}'s mesh objects are awaited`).toBeGreaterThan(0);
      expect(primaryReady).toBeLessThan(start);
    }
    if (ecp) {
      // The external cluster first; the config cluster once istiod-external has its address; istio-kubeconfig once its control plane is ready.
      const order = [`apply -f flux/clusters/${ecp.name}/`, `wait kustomization/${plan.meshId}-${ecp.name}-mesh `, `apply -f flux/clusters/${ecp.configCluster}/`,
        '**Then, by hand: `istio-kubeconfig`.** It holds a token of the config cluster, so it is not in Git. Once the config cluster\'s control plane is ready',
        `wait kustomization/${plan.meshId}-${ecp.configCluster}-control-plane `];
      const at = order.map((text) => flux.indexOf(text));
      expect(at.every((i) => i > 0), order.filter((_, i) => at[i] < 0).join(', ')).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
  });
});

/**
 * The order Flux keeps, as a graph: a Kustomization or HelmRelease is reconciled only after
 * what it depends on is ready; the HelmReleases of a control-plane Kustomization exist only once
 * it is applied, and it is ready (it waits) only once they are. The manual steps are nodes too:
 * the namespace and CA secret before everything, the remote secrets after every control plane and
 * before the steps the plan says wait for them.
 */
function fluxGraph(plan: MeshPlan, objects: EmittedObject[]) {
  const id = (o: EmittedObject) => `${o.kind}/${o.metadata.name}`;
  const graph = new PrecedenceGraph();
  const byHand = plan.delivery.manualSteps.some((m) => m.kind === ManualStepKind.TRUST || m.kind === ManualStepKind.ROOT_CA);
  const byStage = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'Kustomization' && o.kind !== 'HelmRelease') continue;
    const cluster = o.metadata.labels![CLUSTER_LABEL];
    const stage = stageOf(o);
    expect(stage, id(o)).toBeDefined();
    byStage.set(`${cluster}/${stage}`, id(o));
    for (const d of o.spec.dependsOn ?? []) graph.edge(`${o.kind}/${d.name}`, id(o));
    // What is done by hand before the delivery (namespace and CA, or the root's Secret) comes before every object.
    if (byHand) graph.edge('manual/cacerts', id(o));
  }
  if (byHand) graph.edge('manual/namespace', 'manual/cacerts');
  // A control-plane Kustomization applies its cluster's HelmReleases and waits for them.
  const ecp = plan.externalControlPlane;
  for (const c of installedNames(plan).map((name) => ({ name }))) {
    const ks = byStage.get(`${c.name}/control-plane`)!;
    const releases = objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.labels![CLUSTER_LABEL] === c.name).map(id);
    expect(ks, c.name).toBeDefined();
    // The external cluster installs the istiod chart alone.
    expect(releases.length, c.name).toBeGreaterThanOrEqual(c.name === ecp?.name ? 1 : 2);
    const applied = objects.find((o) => id(o) === ks)!.spec.path as string;
    expect(applied.endsWith(`/flux/control-planes/${c.name}`), `${ks} applies ${c.name}'s HelmReleases`).toBe(true);
    // Its HelmReleases start once what it depends on is ready; what depends on it waits for them.
    const upstream = graph.predecessors(ks).filter((p) => p !== 'manual/cacerts');
    const downstream = graph.successors(ks);
    graph.removeOutgoing(ks);
    for (const hr of releases) {
      for (const from of upstream) graph.edge(from, hr);
      for (const to of downstream) graph.edge(hr, to);
    }
  }
  const secrets = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.REMOTE_SECRETS);
  if (secrets) {
    for (const c of plan.clusters) graph.edge(byStage.get(`${c.name}/istiod`)!, 'manual/remote-secrets');
    for (const s of secrets.before) graph.edge('manual/remote-secrets', byStage.get(`${s.cluster}/objects`)!);
  }
  // istio-kubeconfig, by hand once the config cluster's istiod chart is in; the external istiod waits for it.
  const configKubeconfig = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.CONFIG_KUBECONFIG);
  if (configKubeconfig && ecp) {
    graph.edge(byStage.get(`${ecp.configCluster}/istiod`)!, 'manual/istio-kubeconfig');
    for (const s of configKubeconfig.before) graph.edge('manual/istio-kubeconfig', byStage.get(`${s.cluster}/${s.stage}`)!);
  }
  // The README has the verification run once everything is ready.
  for (const o of objects) if (o.kind === 'Kustomization' || o.kind === 'HelmRelease') graph.edge(id(o), 'manual/verify');
  const node = (e: OrderEvent): string | undefined => {
    if (e.what === 'istio-kubeconfig') return configKubeconfig ? 'manual/istio-kubeconfig' : undefined;
    if (e.what === 'verify') return 'manual/verify';
    if (e.what === 'namespace') return byHand ? 'manual/namespace' : byStage.get(`${e.cluster}/namespace`);
    if (e.what === 'cacerts') return byStage.get(`${e.cluster}/cacerts`) ?? (byHand ? 'manual/cacerts' : undefined);
    if (e.what === 'attached') {
      if (secrets) return 'manual/remote-secrets';
      // Through External Secrets: the primary's remote-secrets step, which must follow the cluster's credentials step.
      const primary = plan.clusters.find((c) => c.name === e.cluster)!.controlPlaneCluster;
      const [published, rendered] = [byStage.get(`${e.cluster}/credentials`), byStage.get(`${primary}/remote-secrets`)];
      return published !== undefined && rendered !== undefined && graph.precedes(published, rendered) ? rendered : undefined;
    }
    return byStage.get(`${e.cluster}/${e.what}`);
  };
  return {
    precedes: (a: OrderEvent, b: OrderEvent) => {
      const [na, nb] = [node(a), node(b)];
      return na === undefined || nb === undefined ? undefined : graph.precedes(na, nb);
    },
    describe: () => graph.describe(),
  };
}

describe('the README\'s delivery sections of an ambient mesh', () => {
  const { files } = synth({ ...withDelivery(AMBIENT_MESH), delivery: { ...withDelivery(AMBIENT_MESH).delivery, sailOperator: true } });
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const section = (title: string) => {
    const start = readme.indexOf(`## ${title}`);
    expect(start, title).toBeGreaterThan(0);
    const end = readme.indexOf('\n## ', start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
  };

  it.each(['Delivering with Argo CD', 'Delivering with Flux'])('%s: have the Gateway API CRDs installed in every cluster before the delivery, and list the istio-cni and ztunnel steps', (title) => {
    const text = section(title);
    const prerequisite = text.indexOf('the Gateway API CRDs.**');
    expect(prerequisite, 'the Gateway API prerequisite').toBeGreaterThan(0);
    expect(prerequisite).toBeLessThan(text.indexOf('**Deliver.**'));
    expect(text.slice(prerequisite)).toMatch(/^[^\n]*`Gateway` of class `istio-east-west`/);
    expect(text).toMatch(/\| 3 \| Istio's cni chart \(the istio-cni node agent\) \| cluster1, cluster2, cluster3 \|/);
    expect(text).toMatch(/\| 4 \| Istio's ztunnel chart \(the node proxy\) \| cluster1, cluster2, cluster3 \|/);
  });

  it('Installing with the Sail Operator: waits for the IstioCNI and ZTunnel of every cluster', () => {
    const text = section('Installing with the Sail Operator');
    for (const c of AMBIENT_MESH.clusters) {
      const apply = text.indexOf(`apply -f install/${c.name}/sail/`);
      expect(apply, c.name).toBeGreaterThan(0);
      for (const resource of ['istio/default', 'istiocni/default', 'ztunnel/default']) {
        expect(text.indexOf(`wait ${resource}`, apply), `${c.name} ${resource}`).toBeGreaterThan(apply);
      }
    }
  });

  it('leaves the Gateway API out of a sidecar mesh\'s delivery sections', () => {
    const sidecar = synth(withDelivery(guideTopologies()['multi-primary-multi-network'])).files.find((f) => f.path === 'README.md')!.content;
    const delivery = sidecar.slice(sidecar.indexOf('## Delivering with Argo CD'));
    expect(delivery).not.toMatch(/Gateway API CRDs/);
    expect(delivery).not.toMatch(/ztunnel/);
  });
});
