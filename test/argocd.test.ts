/**
 * The Argo CD output, hub model: one Argo CD, registered with every cluster, delivers the mesh
 * through a root Application (an app of apps) whose child Applications, one per delivery step,
 * are synced wave by wave.
 */
import { Application as ArgoApplicationModel } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApiObject } from 'cdk8s';
import { fileDocument, guideTopologies, parseObjects, synth } from './support';
import { dir, filesOf, objectsOf, Rendered, renderWith } from './delivery-renderer';
import { describe, expect, it } from 'vitest';
import { DeliverySpec } from '../src/model/delivery-spec';
import { DeliveryStage, HelmStage } from '../src/model/delivery-names';
import { DataPlaneMode, MeshSpec } from '../src/model/mesh-spec';
import { DeliveryStep } from '../src/plan/delivery-plan';
import { APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA, renderArgoCd } from '../src/render/delivery/argocd';
import { renderBaseChartValues, renderCniChartValues, renderIstiodChartValues, renderZtunnelChartValues } from '../src/render/install/helm-values';
import { IstioInstallValues } from '../src/plan/install/istio-values';
import { CLUSTER_LABEL, commonLabels, meshLabels } from '../src/render/labels';
import {
  ARGO_CD_APPLICATIONS_DIR, ARGO_CD_ROOT_DIR, helmBaseValuesPath, helmCniValuesPath, helmIstiodValuesPath, helmZtunnelValuesPath,
} from '../src/render/layout';

const REPO_URL = 'https://git.example.com/platform/mesh.git';
const CHART_REPO = 'https://istio-release.storage.googleapis.com/charts';
const IN_CLUSTER = 'https://kubernetes.default.svc';
const FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const WAVE = 'argocd.argoproj.io/sync-wave';
const DELIVERY: DeliverySpec = { repository: { url: REPO_URL, path: 'meshes/prod' }, argoCd: {} };
const VERSION = '1.30.3';

/** Ambient mode, as a mesh description gives it: three primaries, two of them on one network. */
const AMBIENT: MeshSpec = {
  dataPlaneMode: DataPlaneMode.AMBIENT,
  istioVersion: VERSION,
  delivery: DELIVERY,
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
};

/** Each of Istio's charts: its name in Istio's repository, its release, its values and its values file. */
const CHARTS: { stage: HelmStage; chart: string; releaseName: string; valuesOf: (v: IstioInstallValues) => object; file: (c: string) => string; ambientOnly: boolean }[] = [
  { stage: DeliveryStage.BASE, chart: 'base', releaseName: 'istio-base', valuesOf: renderBaseChartValues, file: helmBaseValuesPath, ambientOnly: false },
  { stage: DeliveryStage.ISTIOD, chart: 'istiod', releaseName: 'istiod', valuesOf: renderIstiodChartValues, file: helmIstiodValuesPath, ambientOnly: false },
  { stage: DeliveryStage.CNI, chart: 'cni', releaseName: 'istio-cni', valuesOf: renderCniChartValues, file: helmCniValuesPath, ambientOnly: true },
  { stage: DeliveryStage.ZTUNNEL, chart: 'ztunnel', releaseName: 'ztunnel', valuesOf: renderZtunnelChartValues, file: helmZtunnelValuesPath, ambientOnly: true },
];

const TOPOLOGIES: Record<string, MeshSpec> = {
  ...guideTopologies({ istioVersion: VERSION, delivery: DELIVERY }),
  'ambient': AMBIENT,
  // Two primaries, each with a remote; clusters addressed by registered name, by a name of
  // their own in Argo CD, and by API server URL.
  'mixed': {
    istioVersion: VERSION,
    delivery: DELIVERY,
    clusters: [
      { name: 'east', network: 'network1', discoveryAddress: '192.0.2.10', delivery: { argoCdClusterName: 'prod-east' } },
      { name: 'east-remote', network: 'network1', controlPlaneCluster: 'east' },
      { name: 'west', network: 'network2', discoveryAddress: 'istiod.west.example.com' },
      { name: 'west-remote', network: 'network3', controlPlaneCluster: 'west', delivery: { argoCdServer: 'https://west-remote.example.com:6443' } },
    ],
  },
};

/** The argoCd destination the mixed mesh's clusters are given, by cluster. */
const MIXED_DESTINATIONS: Record<string, object> = {
  'east': { name: 'prod-east' },
  'east-remote': { name: 'east-remote' },
  'west': { name: 'west' },
  'west-remote': { server: 'https://west-remote.example.com:6443' },
};

const render = (spec: MeshSpec) => renderWith(renderArgoCd, spec);

const rootOf = (r: Rendered) => objectsOf(dir(r, ARGO_CD_ROOT_DIR))[0];
const childrenOf = (r: Rendered) => objectsOf(dir(r, ARGO_CD_APPLICATIONS_DIR));

function childOf(r: Rendered, step: DeliveryStep): any {
  const found = childrenOf(r).filter((a) => a.metadata.name === step.name);
  expect(found, `the Application of ${step.name}`).toHaveLength(1);
  return found[0];
}

const stepsOf = (r: Rendered, stage: DeliveryStage) => r.plan.delivery.steps.filter((s) => s.stage === stage);

describe.each(Object.entries(TOPOLOGIES))('Argo CD output of %s', (_name, spec) => {
  const r = render(spec);

  it('is a root directory with one Application and an applications directory, every object in exactly one file', () => {
    expect(r.dirs.map((d) => d.path)).toEqual([ARGO_CD_ROOT_DIR, ARGO_CD_APPLICATIONS_DIR]);
    for (const d of r.dirs) {
      const inFiles = filesOf(d).flatMap((f) => f.objects);
      const inChart = d.chart!.node.findAll().filter((c) => ApiObject.isApiObject(c));
      expect(inFiles).toHaveLength(inChart.length);
      expect(d.header).not.toBe('');
    }
    expect(filesOf(dir(r, ARGO_CD_ROOT_DIR))).toHaveLength(1);
    expect(objectsOf(dir(r, ARGO_CD_ROOT_DIR))).toHaveLength(1);
  });

  it('emits only Applications that validate against the Argo CD schema, in Argo CD\'s namespace and project', () => {
    for (const app of [rootOf(r), ...childrenOf(r)]) {
      expect(`${app.apiVersion}/${app.kind}`).toBe('argoproj.io/v1alpha1/Application');
      expect(() => new ArgoApplicationModel(app).validate(), app.metadata.name).not.toThrow();
      expect(app.metadata.namespace).toBe('argocd');
      expect(app.spec.project).toBe('default');
    }
  });

  it('has one child Application per step, in the step\'s sync wave, in files that sort in wave order', () => {
    const steps = r.plan.delivery.steps;
    expect(childrenOf(r).map((a) => a.metadata.name).sort()).toEqual(steps.map((s) => s.name).sort());
    for (const step of steps) {
      const app = childOf(r, step);
      expect(app.metadata.annotations[WAVE]).toBe(String(step.wave));
      expect(app.metadata.labels).toEqual(commonLabels(r.plan.meshId, step.cluster, 'delivery'));
    }
    const files = filesOf(dir(r, ARGO_CD_APPLICATIONS_DIR));
    expect(files.every((f) => f.objects.length === 1)).toBe(true);
    const waves = files.map((f) => Number(f.objects[0].metadata.annotations[WAVE]));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
  });

  it('puts every step in a later wave than the steps it depends on', () => {
    const waveOf = (cluster: string, stage: DeliveryStage) =>
      Number(childOf(r, r.plan.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage)!).metadata.annotations[WAVE]);
    for (const step of r.plan.delivery.steps) {
      for (const before of step.after) {
        expect(waveOf(step.cluster, step.stage), `${step.name} after ${before.cluster} ${before.stage}`)
          .toBeGreaterThan(waveOf(before.cluster, before.stage));
      }
    }
  });

  it('delivers each cluster to its Argo CD destination, in istio-system', () => {
    for (const step of r.plan.delivery.steps) {
      const expected = _name === 'mixed' ? MIXED_DESTINATIONS[step.cluster] : { name: step.cluster };
      expect(childOf(r, step).spec.destination).toEqual({ ...expected, namespace: 'istio-system' });
    }
  });

  it('syncs the namespace from its Git directory, never pruning it nor deleting it with the Application', () => {
    for (const step of stepsOf(r, DeliveryStage.NAMESPACE)) {
      const app = childOf(r, step);
      expect(app.spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'main', path: `meshes/prod/clusters/${step.cluster}/namespace` });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
      expect(app.metadata.finalizers).toBeUndefined();
    }
  });

  it('syncs the mesh objects from their Git directory, pruned and deleted with the Application', () => {
    const objects = stepsOf(r, DeliveryStage.OBJECTS);
    expect(objects.map((s) => s.cluster).sort()).toEqual(r.plan.clusters.filter((c) => c.hasMeshObjects).map((c) => c.name).sort());
    for (const step of objects) {
      const app = childOf(r, step);
      expect(app.spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'main', path: `meshes/prod/clusters/${step.cluster}/mesh` });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.metadata.finalizers).toEqual([FINALIZER]);
    }
  });

  it('installs Istio\'s charts at the mesh\'s release with exactly the cluster\'s chart values, cni and ztunnel only in ambient mode', () => {
    const ambient = r.plan.dataPlaneMode === DataPlaneMode.AMBIENT;
    for (const { stage, chart, releaseName, valuesOf, ambientOnly } of CHARTS) {
      const steps = stepsOf(r, stage);
      expect(steps.map((s) => s.cluster).sort(), chart).toEqual(ambientOnly && !ambient ? [] : r.plan.clusters.map((c) => c.name).sort());
      for (const step of steps) {
        const app = childOf(r, step);
        const { helm, ...source } = app.spec.source;
        expect(source).toEqual({ repoURL: CHART_REPO, chart, targetRevision: VERSION });
        expect(helm.releaseName).toBe(releaseName);
        expect(helm.valuesObject).toEqual(valuesOf(r.values.get(step.cluster)!));
        expect(app.spec.destination.namespace).toBe('istio-system');
        // Only the charts with webhooks have fields istiod changes.
        const webhooks = !ambientOnly;
        expect(app.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', ...(webhooks ? ['RespectIgnoreDifferences=true'] : [])]);
        expect(app.spec.ignoreDifferences !== undefined, chart).toBe(webhooks);
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
        expect(app.spec.syncPolicy.retry.backoff.duration).toBeDefined();
        expect(app.metadata.finalizers).toEqual([FINALIZER]);
      }
    }
  });

  it('has a root Application that syncs the applications directory into Argo CD\'s namespace, without cascading deletes', () => {
    const root = rootOf(r);
    expect(root.metadata.name).toBe(`${r.plan.meshId}-root`);
    expect(root.metadata.labels).toEqual(meshLabels(r.plan.meshId, 'delivery'));
    expect(root.metadata.annotations?.[WAVE]).toBeUndefined();
    expect(root.metadata.finalizers).toBeUndefined();
    expect(root.spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'main', path: `meshes/prod/${ARGO_CD_APPLICATIONS_DIR}` });
    expect(root.spec.destination).toEqual({ server: IN_CLUSTER, namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('is the same every time it is rendered', () => {
    const json = (x: Rendered) => JSON.stringify(x.dirs.map((d) => ({ path: d.path, header: d.header, files: filesOf(d) })));
    expect(json(render(spec))).toBe(json(r));
  });
});

describe('Argo CD output of an ambient mesh', () => {
  const r = render(AMBIENT);
  const waveOf = (cluster: string, stage: DeliveryStage) =>
    Number(childOf(r, r.plan.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage)!).metadata.annotations[WAVE]);

  it('has an istio-cni and a ztunnel Application per cluster, in the waves of their steps', () => {
    for (const stage of [DeliveryStage.CNI, DeliveryStage.ZTUNNEL]) {
      expect(stepsOf(r, stage).map((s) => s.name)).toEqual(r.plan.clusters.map((c) => `${r.plan.meshId}-${c.name}-${stage}`));
      for (const step of stepsOf(r, stage)) expect(waveOf(step.cluster, stage)).toBe(step.wave);
    }
    for (const c of r.plan.clusters) {
      // istio-cni once the namespace is there; ztunnel once istiod and istio-cni are healthy.
      expect(waveOf(c.name, DeliveryStage.CNI)).toBeGreaterThan(waveOf(c.name, DeliveryStage.NAMESPACE));
      expect(waveOf(c.name, DeliveryStage.ZTUNNEL)).toBeGreaterThan(waveOf(c.name, DeliveryStage.ISTIOD));
      expect(waveOf(c.name, DeliveryStage.ZTUNNEL)).toBeGreaterThan(waveOf(c.name, DeliveryStage.CNI));
    }
  });

  it('gives every chart the values of the cluster\'s Helm values file, as the writer writes it', () => {
    const { mesh, files } = synth(AMBIENT);
    const apps = parseObjects(files, (p) => p.startsWith(`${ARGO_CD_APPLICATIONS_DIR}/`));
    for (const c of mesh.plan!.clusters) {
      for (const { chart, file } of CHARTS) {
        const app = apps.filter((a) => a.metadata.labels![CLUSTER_LABEL] === c.name && a.spec.source.chart === chart);
        expect(app, `${c.name} ${chart}`).toHaveLength(1);
        expect(app[0].spec.source.helm.valuesObject, `${c.name} ${chart}`).toEqual(fileDocument(files, file(c.name)));
      }
      // The values that make ztunnel report its workloads in the right cluster and network.
      const ztunnel = apps.find((a) => a.metadata.labels![CLUSTER_LABEL] === c.name && a.spec.source.chart === 'ztunnel')!;
      expect(ztunnel.spec.source.helm.valuesObject).toMatchObject({ profile: 'ambient', multiCluster: { clusterName: c.name }, network: c.network });
    }
  });

  it('gives sidecar meshes no istio-cni or ztunnel Application', () => {
    for (const [name, spec] of Object.entries(TOPOLOGIES).filter(([n]) => n !== 'ambient')) {
      const charts = childrenOf(render(spec)).map((a) => a.spec.source.chart).filter(Boolean);
      expect(charts.length, name).toBeGreaterThan(0);
      expect(charts.filter((c) => c === 'cni' || c === 'ztunnel'), name).toEqual([]);
    }
  });
});

describe('Argo CD ignores what istiod changes in the charts\' webhooks', () => {
  /**
   * The webhook configurations of Istio 1.30's charts (`helm template`, primary and remote
   * profile) and the fields istiod's webhook controller sets at run time.
   */
  const PATCHED_BY_ISTIOD: Record<'base' | 'istiod', { kind: string; name: string; fields: string[] }[]> = {
    base: [{ kind: 'ValidatingWebhookConfiguration', name: 'istiod-default-validator', fields: ['caBundle', 'failurePolicy'] }],
    istiod: [
      { kind: 'ValidatingWebhookConfiguration', name: 'istio-validator-istio-system', fields: ['caBundle', 'failurePolicy'] },
      { kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector', fields: ['caBundle'] },
    ],
  };
  const JQ: Record<string, string> = {
    caBundle: '.webhooks[]?.clientConfig.caBundle',
    failurePolicy: '.webhooks[]?.failurePolicy',
  };
  const r = render(TOPOLOGIES['primary-remote']);

  it.each([
    ['base', DeliveryStage.BASE],
    ['istiod', DeliveryStage.ISTIOD],
  ] as const)('of the %s chart, on primaries and remotes', (chart, stage) => {
    for (const step of stepsOf(r, stage)) {
      const ignored: any[] = childOf(r, step).spec.ignoreDifferences;
      for (const webhook of PATCHED_BY_ISTIOD[chart]) {
        const rules = ignored.filter((d) => d.group === 'admissionregistration.k8s.io' && d.kind === webhook.kind &&
          (d.name === undefined || d.name === webhook.name) && (d.namespace === undefined));
        expect(rules.length, `${step.name}: ${webhook.kind} ${webhook.name}`).toBeGreaterThan(0);
        const paths = rules.flatMap((d) => d.jqPathExpressions ?? []);
        for (const field of webhook.fields) expect(paths, `${step.name}: ${webhook.name} ${field}`).toContain(JQ[field]);
      }
    }
  });
});

describe('Argo CD output options', () => {
  it('is not rendered without delivery.argoCd', () => {
    const base = TOPOLOGIES['primary-remote'];
    expect(render({ ...base, delivery: undefined }).dirs).toEqual([]);
    expect(render({ ...base, delivery: { repository: DELIVERY.repository } }).dirs).toEqual([]);
  });

  it('points at the repository root without a ./ prefix when the mesh is at the root', () => {
    const r = render({ ...TOPOLOGIES['primary-remote'], delivery: { repository: { url: REPO_URL, path: '.', branch: 'release' }, argoCd: {} } });
    expect(rootOf(r).spec.source).toEqual({ repoURL: REPO_URL, targetRevision: 'release', path: ARGO_CD_APPLICATIONS_DIR });
    for (const step of stepsOf(r, DeliveryStage.NAMESPACE)) {
      expect(childOf(r, step).spec.source.path).toBe(`clusters/${step.cluster}/namespace`);
    }
    for (const step of stepsOf(r, DeliveryStage.OBJECTS)) {
      expect(childOf(r, step).spec.source.path).toBe(`clusters/${step.cluster}/mesh`);
    }
    for (const app of [rootOf(r), ...childrenOf(r)]) {
      if (app.spec.source.path !== undefined) expect(app.spec.source.path).not.toMatch(/^\.?\//);
      if (app.spec.source.chart === undefined) expect(app.spec.source.targetRevision).toBe('release');
    }
  });

  it('installs the newest patch of a release named without one', () => {
    const r = render({ ...TOPOLOGIES['primary-remote'], istioVersion: '1.28' });
    const charts = [...stepsOf(r, DeliveryStage.BASE), ...stepsOf(r, DeliveryStage.ISTIOD)];
    expect(charts.length).toBeGreaterThan(0);
    for (const step of charts) expect(childOf(r, step).spec.source.targetRevision).toBe('1.28.*');
  });

  it('puts every Application in the given namespace and project', () => {
    const r = render({ ...TOPOLOGIES['multi-primary'], delivery: { ...DELIVERY, argoCd: { namespace: 'gitops', project: 'mesh' } } });
    for (const app of [rootOf(r), ...childrenOf(r)]) {
      expect(app.metadata.namespace).toBe('gitops');
      expect(app.spec.project).toBe('mesh');
    }
    expect(rootOf(r).spec.destination.namespace).toBe('gitops');
  });

  it('is checked by a schema that rejects a broken Application', () => {
    const app = childrenOf(render(TOPOLOGIES['multi-primary']))[0];
    expect(() => new ArgoApplicationModel({ ...app, spec: { ...app.spec, syncPolicy: { retry: { limit: 'ten' } } } }).validate()).toThrow();
  });
});

describe('the Application health check for argocd-cm', () => {
  it('goes under the key Argo CD reads for argoproj.io Applications', () => {
    expect(APPLICATION_HEALTH_KEY).toBe('resource.customizations.health.argoproj.io_Application');
  });

  // No Lua interpreter is available to the tests; these check the script's content, not its run.
  it('passes on the Application\'s own health status and message, and is Progressing until there is one', () => {
    const lua = APPLICATION_HEALTH_LUA;
    expect(lua).toMatch(/obj\.status\.health/);
    expect(lua).toMatch(/status\s*=\s*health\.status/);
    expect(lua).toMatch(/message\s*=\s*health\.message/);
    expect(lua).toMatch(/return\s*\{\s*status\s*=\s*"Progressing"/);
    // Every `if … then` is closed.
    const count = (re: RegExp) => (lua.match(re) ?? []).length;
    expect(count(/\bif\b/g)).toBe(count(/\bend\b/g));
  });
});
