/**
 * The Flux output: each cluster is delivered by a Kustomization for its namespace, one for its
 * control plane (which applies, where Flux runs, the HelmReleases of Istio's `base` and `istiod`
 * charts) and one for its mesh objects, ordered by `dependsOn`. One Flux reconciles every
 * cluster (hub mode), or each cluster runs its own (per-cluster mode).
 */
import { HelmRelease as FluxHelmReleaseModel } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import { Kustomization as FluxKustomizationModel } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository as FluxGitRepositoryModel } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { HelmRepository as FluxHelmRepositoryModel } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import { ApiObject } from 'cdk8s';
import { PrecedenceGraph } from './graph';
import { fileDocument, guideTopologies, parseObjects, synth } from './support';
import { dir, filesOf, objectsOf, Rendered, renderWith } from './delivery-renderer';
import { describe, expect, it } from 'vitest';
import { DeliverySpec, FluxMode, FluxOptions } from '../src/model/delivery-spec';
import { DeliveryStage, HelmStage } from '../src/model/delivery-names';
import { DataPlaneMode, MeshSpec } from '../src/model/mesh-spec';
import { Topology } from '../src/model/topology';
import { ClusterRole } from '../src/plan/mesh-plan';
import { renderFlux } from '../src/render/delivery/flux';
import { renderBaseChartValues, renderCniChartValues, renderIstiodChartValues, renderZtunnelChartValues } from '../src/render/install/helm-values';
import { IstioInstallValues } from '../src/plan/install/istio-values';
import { CLUSTER_LABEL, commonLabels, meshLabels } from '../src/render/labels';
import {
  FLUX_HUB_DIR, fluxClusterDir, fluxControlPlaneDir, helmBaseValuesPath, helmCniValuesPath, helmIstiodValuesPath, helmZtunnelValuesPath,
} from '../src/render/layout';

const REPO_URL = 'https://git.example.com/platform/mesh.git';
const CHART_REPO = 'https://istio-release.storage.googleapis.com/charts';
const VERSION = '1.30.3';
const REPOSITORY = { url: REPO_URL, path: 'meshes/prod' };
const DELIVERY: DeliverySpec = { repository: REPOSITORY, flux: {} };

const SCHEMAS: Record<string, new (data: any) => { validate(): void }> = {
  'source.toolkit.fluxcd.io/v1/GitRepository': FluxGitRepositoryModel,
  'source.toolkit.fluxcd.io/v1/HelmRepository': FluxHelmRepositoryModel,
  'helm.toolkit.fluxcd.io/v2/HelmRelease': FluxHelmReleaseModel,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': FluxKustomizationModel,
};

/** Ambient mode, as a mesh description gives it: three primaries, two of them on one network. */
const AMBIENT: MeshSpec = {
  dataPlaneMode: DataPlaneMode.AMBIENT,
  istioVersion: VERSION,
  delivery: DELIVERY,
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
};

/**
 * Each of Istio's charts: its name in Istio's repository, its release and file, its values and
 * values file, and the charts of the same cluster its HelmRelease waits for.
 */
const CHARTS: Record<HelmStage, { chart: string; releaseName: string; valuesOf: (v: IstioInstallValues) => object; valuesFile: (c: string) => string; after: HelmStage[] }> = {
  [DeliveryStage.BASE]: { chart: 'base', releaseName: 'istio-base', valuesOf: renderBaseChartValues, valuesFile: helmBaseValuesPath, after: [] },
  [DeliveryStage.ISTIOD]: { chart: 'istiod', releaseName: 'istiod', valuesOf: renderIstiodChartValues, valuesFile: helmIstiodValuesPath, after: [DeliveryStage.BASE] },
  [DeliveryStage.CNI]: { chart: 'cni', releaseName: 'istio-cni', valuesOf: renderCniChartValues, valuesFile: helmCniValuesPath, after: [] },
  [DeliveryStage.ZTUNNEL]: {
    chart: 'ztunnel', releaseName: 'ztunnel', valuesOf: renderZtunnelChartValues, valuesFile: helmZtunnelValuesPath, after: [DeliveryStage.ISTIOD, DeliveryStage.CNI],
  },
};

/** The charts a cluster gets: base and istiod, and in an ambient mesh cni and ztunnel. */
const chartsOf = (r: Rendered): HelmStage[] => (r.plan.dataPlaneMode === DataPlaneMode.AMBIENT
  ? [DeliveryStage.BASE, DeliveryStage.ISTIOD, DeliveryStage.CNI, DeliveryStage.ZTUNNEL] : [DeliveryStage.BASE, DeliveryStage.ISTIOD]);

const TOPOLOGIES: Record<string, MeshSpec> = {
  ...guideTopologies({ istioVersion: VERSION, delivery: DELIVERY }),
  'ambient': AMBIENT,
  // Two primaries, each with a remote; one cluster with a kubeconfig Secret of its own name.
  'mixed': {
    istioVersion: VERSION,
    meshId: 'prod',
    delivery: DELIVERY,
    clusters: [
      { name: 'east', network: 'network1', discoveryAddress: '192.0.2.10' },
      { name: 'east-remote', network: 'network1', controlPlaneCluster: 'east', delivery: { fluxKubeConfigSecret: 'east-remote-admin' } },
      { name: 'west', network: 'network2', discoveryAddress: 'istiod.west.example.com' },
      { name: 'west-remote', network: 'network3', controlPlaneCluster: 'west' },
    ],
  },
};

const withFlux = (spec: MeshSpec, flux: FluxOptions, delivery: Partial<DeliverySpec> = {}): MeshSpec =>
  ({ ...spec, delivery: { ...spec.delivery, ...delivery, flux } });

type ModeName = 'hub' | 'hub cluster' | 'per cluster';
const MODES: Record<ModeName, (spec: MeshSpec) => MeshSpec> = {
  'hub': (spec) => withFlux(spec, {}),
  // Flux runs in the mesh's first cluster.
  'hub cluster': (spec) => withFlux(spec, { hubCluster: spec.clusters[0].name }),
  // Without kubeconfig Secrets, which only a hub Flux reads.
  'per cluster': (spec) => withFlux({ ...spec, clusters: spec.clusters.map(({ delivery, ...c }) => c) }, { mode: FluxMode.PER_CLUSTER }),
};

const render = (spec: MeshSpec) => renderWith(renderFlux, spec);

const allObjects = (r: Rendered) => r.dirs.flatMap(objectsOf);
const isHub = (r: Rendered) => r.plan.delivery.flux!.mode === FluxMode.HUB;
const clusterOf = (o: any): string => o.metadata.labels[CLUSTER_LABEL];

/**
 * The objects one Flux holds: in hub mode all of them; in per-cluster mode one cluster's entry
 * and its control-plane directory (what that cluster's Flux applies).
 */
function fluxes(r: Rendered): { name: string; objects: any[] }[] {
  if (isHub(r)) return [{ name: 'hub', objects: allObjects(r) }];
  return r.plan.clusters.map((c) => ({
    name: c.name,
    objects: [...objectsOf(dir(r, fluxClusterDir(c.name))), ...objectsOf(dir(r, fluxControlPlaneDir(c.name)))],
  }));
}

/** What an emitted Kustomization applies, read from its path; a HelmRelease's chart. */
function stageOf(o: any): 'namespace' | 'control-plane' | 'mesh' | 'traffic' | 'monitoring' | 'base' | 'istiod' | 'cni' | 'ztunnel' {
  if (o.kind === 'HelmRelease') return o.spec.chart.spec.chart;
  const path: string = o.spec.path;
  if (/\/clusters\/[^/]+\/namespace$/.test(path)) return 'namespace';
  if (/\/clusters\/[^/]+\/mesh$/.test(path)) return 'mesh';
  if (/\/clusters\/[^/]+\/(traffic|monitoring)$/.test(path)) return path.endsWith('traffic') ? 'traffic' : 'monitoring';
  if (/\/flux\/control-planes\/[^/]+$/.test(path)) return 'control-plane';
  throw new Error(`${o.metadata.name} applies ${path}, which is no step's directory`);
}

/** The one object of a cluster and stage in one Flux's objects. */
function find(objects: any[], cluster: string, stage: ReturnType<typeof stageOf>): any {
  const found = objects.filter((o) => (o.kind === 'Kustomization' || o.kind === 'HelmRelease') && clusterOf(o) === cluster && stageOf(o) === stage);
  expect(found, `${cluster} ${stage}`).toHaveLength(1);
  return found[0];
}
const findOptional = (objects: any[], cluster: string, stage: ReturnType<typeof stageOf>) =>
  objects.find((o) => (o.kind === 'Kustomization' || o.kind === 'HelmRelease') && clusterOf(o) === cluster && stageOf(o) === stage);

/**
 * Which object is sure to be Ready before another starts, read from one Flux's objects alone:
 * a Kustomization starts once its `dependsOn` are Ready; a HelmRelease exists only once the
 * Kustomization that applies its directory starts, and starts once its own `dependsOn` are
 * Ready; a Kustomization that waits is Ready only once the HelmReleases it applies are.
 */
function readyOrder(r: Rendered, objects: any[]) {
  const id = (o: any) => `${o.kind}/${o.metadata.name}`;
  const graph = new PrecedenceGraph();
  const dependsOn = (o: any): string[] => (o.spec.dependsOn ?? []).map((d: any) => `${o.kind}/${d.name}`);
  for (const o of objects.filter((x) => x.kind === 'Kustomization' || x.kind === 'HelmRelease')) {
    for (const d of dependsOn(o)) graph.edge(d, id(o));
  }
  for (const ks of objects.filter((o) => o.kind === 'Kustomization' && stageOf(o) === 'control-plane')) {
    const cluster = clusterOf(ks);
    expect(ks.spec.path).toBe(`./${r.plan.delivery.repository!.path === '.' ? '' : `${r.plan.delivery.repository!.path}/`}${fluxControlPlaneDir(cluster)}`);
    for (const hr of objectsOf(dir(r, fluxControlPlaneDir(cluster)))) {
      for (const d of dependsOn(ks)) graph.edge(d, id(hr));
      if (ks.spec.wait === true) graph.edge(id(hr), id(ks));
    }
  }
  return {
    precedes: (a: any, b: any) => graph.precedes(id(a), id(b)),
    describe: () => graph.describe(),
  };
}

/** The kubeconfig Secret a cluster's objects name, worked out from the mesh description. */
function expectedKubeConfig(r: Rendered, cluster: string): object | undefined {
  const flux = r.spec.delivery!.flux!;
  if (flux.mode === FluxMode.PER_CLUSTER || flux.hubCluster === cluster) return undefined;
  const own = r.spec.clusters.find((c) => c.name === cluster)!.delivery?.fluxKubeConfigSecret;
  return { secretRef: { name: own ?? `${cluster}-kubeconfig` } };
}

describe.each(Object.entries(TOPOLOGIES))('Flux output of %s', (_topology, topology) => {
  describe.each(Object.keys(MODES) as ModeName[])('with %s', (mode) => {
    const r = render(MODES[mode](topology));
    const meshId = r.plan.meshId;
    const clusters = r.plan.clusters;

    it('has the entry directories of its mode, and a control-plane directory per cluster, every object in exactly one file', () => {
      const entries = isHub(r) ? [FLUX_HUB_DIR] : clusters.map((c) => fluxClusterDir(c.name));
      expect(r.dirs.map((d) => d.path)).toEqual([...entries, ...clusters.map((c) => fluxControlPlaneDir(c.name))]);
      for (const d of r.dirs) {
        const inChart = d.chart!.node.findAll().filter((c) => ApiObject.isApiObject(c));
        expect(objectsOf(d), d.path).toHaveLength(inChart.length);
        expect(d.header, d.path).not.toBe('');
        expect(d.subdirectories ?? []).toEqual([]);
      }
      if (isHub(r)) {
        const files = filesOf(dir(r, FLUX_HUB_DIR));
        expect(files.map((f) => f.name).sort()).toEqual(['sources.yaml', ...clusters.map((c) => `cluster-${c.name}.yaml`)].sort());
        for (const c of clusters) {
          const own = files.find((f) => f.name === `cluster-${c.name}.yaml`)!.objects;
          expect(own.every((o) => o.kind === 'Kustomization' && clusterOf(o) === c.name), c.name).toBe(true);
          expect(own).toHaveLength(c.hasMeshObjects ? 3 : 2);
        }
      } else {
        for (const c of clusters) {
          const files = filesOf(dir(r, fluxClusterDir(c.name)));
          expect(files.map((f) => f.name)).toEqual(['sources.yaml', 'steps.yaml']);
          expect(files[1].objects.every((o) => o.kind === 'Kustomization' && clusterOf(o) === c.name)).toBe(true);
          expect(files[1].objects).toHaveLength(c.hasMeshObjects ? 3 : 2);
        }
      }
      for (const c of clusters) {
        const files = filesOf(dir(r, fluxControlPlaneDir(c.name)));
        const expected = chartsOf(r).map((stage) => [`${CHARTS[stage].releaseName}.yaml`, [`HelmRelease/${CHARTS[stage].chart}`]]);
        expect(files.map((f) => [f.name, f.objects.map((o) => `${o.kind}/${o.spec.chart.spec.chart}`)])).toEqual(expected.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
      }
    });

    it('emits only Flux objects that validate against the Flux schemas, in Flux\'s namespace, labelled as delivery objects', () => {
      for (const o of allObjects(r)) {
        const Schema = SCHEMAS[`${o.apiVersion}/${o.kind}`];
        expect(Schema, `${o.apiVersion}/${o.kind}`).toBeDefined();
        expect(() => new Schema(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
        expect(o.metadata.namespace).toBe('flux-system');
        const isSource = o.kind === 'GitRepository' || o.kind === 'HelmRepository';
        expect(o.metadata.labels, o.metadata.name).toEqual(isSource && isHub(r)
          ? meshLabels(meshId, 'delivery') : commonLabels(meshId, clusterOf(o), 'delivery'));
        expect(o.spec.interval).toBe('10m');
      }
    });

    it('reads the repository\'s branch and Istio\'s chart repository, once per Flux', () => {
      for (const flux of fluxes(r)) {
        const git = flux.objects.filter((o) => o.kind === 'GitRepository');
        const helm = flux.objects.filter((o) => o.kind === 'HelmRepository');
        expect(git.map((o) => [o.metadata.name, o.spec]), flux.name).toEqual([
          [`${meshId}-repository`, { url: REPO_URL, ref: { branch: 'main' }, interval: '10m' }],
        ]);
        expect(helm.map((o) => [o.metadata.name, o.spec]), flux.name).toEqual([
          [`${meshId}-istio-charts`, { url: CHART_REPO, interval: '10m' }],
        ]);
        for (const ks of flux.objects.filter((o) => o.kind === 'Kustomization')) {
          expect(ks.spec.sourceRef).toEqual({ kind: 'GitRepository', name: git[0].metadata.name, namespace: git[0].metadata.namespace });
        }
        for (const hr of flux.objects.filter((o) => o.kind === 'HelmRelease')) {
          expect(hr.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: helm[0].metadata.name, namespace: helm[0].metadata.namespace });
        }
      }
    });

    it('applies each cluster\'s namespace, never pruned, and its mesh objects, to the cluster itself', () => {
      for (const flux of fluxes(r)) {
        for (const c of clusters.filter((k) => isHub(r) || k.name === flux.name)) {
          const namespace = find(flux.objects, c.name, 'namespace');
          expect(namespace.metadata.name).toBe(`${meshId}-${c.name}-namespace`);
          expect(namespace.spec).toMatchObject({ path: `./meshes/prod/clusters/${c.name}/namespace`, prune: false, wait: true });
          expect(namespace.spec.timeout).toMatch(/^\d+m$/);
          expect(namespace.spec.kubeConfig).toEqual(expectedKubeConfig(r, c.name));

          const objects = findOptional(flux.objects, c.name, 'mesh');
          expect(objects !== undefined, `${c.name} has mesh objects`).toBe(c.hasMeshObjects);
          if (objects === undefined) continue;
          expect(objects.metadata.name).toBe(`${meshId}-${c.name}-mesh`);
          expect(objects.spec).toMatchObject({ path: `./meshes/prod/clusters/${c.name}/mesh`, prune: true, wait: true });
          expect(objects.spec.timeout).toMatch(/^\d+m$/);
          expect(objects.spec.kubeConfig).toEqual(expectedKubeConfig(r, c.name));
        }
      }
    });

    it('applies each cluster\'s HelmReleases where Flux runs, with a Kustomization that waits for them', () => {
      for (const flux of fluxes(r)) {
        for (const c of clusters.filter((k) => isHub(r) || k.name === flux.name)) {
          const ks = find(flux.objects, c.name, 'control-plane');
          expect(ks.metadata.name).toBe(`${meshId}-${c.name}-control-plane`);
          expect(ks.spec).toMatchObject({ path: `./meshes/prod/flux/control-planes/${c.name}`, prune: true, wait: true });
          expect(ks.spec.timeout).toMatch(/^\d+m$/);
          expect(ks.spec.kubeConfig).toBeUndefined();
        }
      }
    });

    it('installs Istio\'s charts into each cluster at the mesh\'s release, with exactly the cluster\'s chart values', () => {
      for (const c of clusters) {
        const releases = objectsOf(dir(r, fluxControlPlaneDir(c.name)));
        const nameOf = (stage: HelmStage) => `${meshId}-${c.name}-${CHARTS[stage].releaseName}`;
        expect(releases.map((hr) => hr.metadata.name).sort()).toEqual(chartsOf(r).map(nameOf).sort());
        for (const stage of chartsOf(r)) {
          const { chart, releaseName, valuesOf, after } = CHARTS[stage];
          const hr = releases.find((o) => o.metadata.name === nameOf(stage))!;
          const values = valuesOf(r.values.get(c.name)!);
          // Within the control plane, each chart waits for the charts its step comes after.
          expect(hr.spec.dependsOn, chart).toEqual(after.length > 0 ? after.map((s) => ({ name: nameOf(s) })) : undefined);
          expect(clusterOf(hr)).toBe(c.name);
          expect(hr.spec.chart.spec).toMatchObject({ chart, version: VERSION, interval: '10m' });
          expect(hr.spec.values).toEqual(values);
          expect(hr.spec).toMatchObject({ releaseName, targetNamespace: 'istio-system', storageNamespace: 'istio-system' });
          // The namespace comes from the namespace step, with its network label.
          expect(hr.spec.install.createNamespace).toBe(false);
          expect(hr.spec.install.remediation.retries).toBeGreaterThan(0);
          expect(hr.spec.upgrade.remediation.retries).toBeGreaterThan(0);
          expect(hr.spec.kubeConfig).toEqual(expectedKubeConfig(r, c.name));
          // Istiod patches the webhooks at run time: Flux must not correct that as drift.
          expect(hr.spec.driftDetection?.mode ?? 'disabled').toBe('disabled');
        }
      }
    });

    it('orders each cluster\'s namespace, charts (istio-cni and ztunnel in ambient mode) and mesh objects by dependsOn', () => {
      for (const flux of fluxes(r)) {
        const order = readyOrder(r, flux.objects);
        for (const c of clusters.filter((k) => isHub(r) || k.name === flux.name)) {
          const ambient = r.plan.dataPlaneMode === DataPlaneMode.AMBIENT;
          const chains = [
            [find(flux.objects, c.name, 'namespace'), find(flux.objects, c.name, 'base'), find(flux.objects, c.name, 'istiod'), findOptional(flux.objects, c.name, 'mesh')],
            // The ambient data plane: istio-cni once the namespace is there, ztunnel once istiod and istio-cni are ready.
            ...(ambient ? [
              [find(flux.objects, c.name, 'namespace'), find(flux.objects, c.name, 'cni'), find(flux.objects, c.name, 'ztunnel')],
              [find(flux.objects, c.name, 'istiod'), find(flux.objects, c.name, 'ztunnel')],
            ] : []),
          ].map((chain) => chain.filter(Boolean));
          for (const chain of chains) {
            for (let i = 1; i < chain.length; i++) {
              expect(order.precedes(chain[i - 1], chain[i]), `${c.name}: ${chain[i - 1].metadata.name} before ${chain[i].metadata.name}\n${order.describe()}`).toBe(true);
            }
            for (const o of chain) expect(order.precedes(o, o), `${o.metadata.name} is in a cycle`).toBe(false);
          }
        }
      }
    });

    it('names in dependsOn only objects of the same kind that the same Flux has', () => {
      for (const flux of fluxes(r)) {
        const names = new Set(flux.objects.map((o) => `${o.kind}/${o.metadata.name}`));
        for (const o of flux.objects) {
          for (const d of o.spec.dependsOn ?? []) {
            expect(names.has(`${o.kind}/${d.name}`), `${flux.name}: ${o.metadata.name} depends on ${d.name}`).toBe(true);
            expect(d.namespace, 'the same namespace').toBeUndefined();
          }
        }
      }
    });

    if (mode === 'per cluster') {
      it('depends only on the cluster\'s own objects: the order across clusters is the bootstrap order', () => {
        for (const flux of fluxes(r)) {
          expect(flux.objects.filter((o) => o.kind === 'Kustomization' || o.kind === 'HelmRelease').every((o) => clusterOf(o) === flux.name)).toBe(true);
        }
        for (const c of clusters.filter((k) => k.role === ClusterRole.REMOTE)) {
          const ks = find(objectsOf(dir(r, fluxClusterDir(c.name))), c.name, 'control-plane');
          expect(ks.spec.dependsOn).toEqual([{ name: `${meshId}-${c.name}-namespace` }]);
        }
      });
    } else {
      it('installs each remote only once its primary\'s mesh objects (its exposed istiod) are Ready', () => {
        const objects = allObjects(r);
        const order = readyOrder(r, objects);
        for (const c of clusters.filter((k) => k.role === ClusterRole.REMOTE)) {
          const primary = clusters.find((k) => k.name === c.controlPlaneCluster)!;
          const primaryReady = findOptional(objects, primary.name, 'mesh') ?? find(objects, primary.name, 'istiod');
          expect(order.precedes(primaryReady, find(objects, c.name, 'base')), `${primary.name} before ${c.name}\n${order.describe()}`).toBe(true);
        }
      });
    }

    it('is the same every time it is rendered', () => {
      const json = (x: Rendered) => JSON.stringify(x.dirs.map((d) => ({ path: d.path, header: d.header, files: filesOf(d) })));
      expect(json(render(r.spec))).toBe(json(r));
    });
  });
});

describe('Flux output of an ambient mesh', () => {
  it.each(Object.keys(MODES) as ModeName[])('with %s, gives every chart the values of the cluster\'s Helm values file, as the writer writes it', (mode) => {
    const { mesh, files } = synth(MODES[mode](AMBIENT));
    const releases = parseObjects(files, (p) => p.startsWith('flux/control-planes/'));
    for (const c of mesh.plan!.clusters) {
      for (const stage of Object.keys(CHARTS) as HelmStage[]) {
        const { chart, releaseName, valuesFile } = CHARTS[stage];
        const hr = releases.filter((o) => o.file === `${fluxControlPlaneDir(c.name)}/${releaseName}.yaml`);
        expect(hr.map((o) => `${o.kind}/${o.spec.chart.spec.chart}/${o.spec.releaseName}`), `${c.name} ${chart}`).toEqual([`HelmRelease/${chart}/${releaseName}`]);
        expect(hr[0].spec.values, `${c.name} ${chart}`).toEqual(fileDocument(files, valuesFile(c.name)));
      }
    }
  });

  it.each(Object.keys(MODES) as ModeName[])('with %s, is Ready, and delivers the mesh objects, only once istio-cni and ztunnel are', (mode) => {
    const r = render(MODES[mode](AMBIENT));
    for (const flux of fluxes(r)) {
      const order = readyOrder(r, flux.objects);
      for (const c of r.plan.clusters.filter((k) => isHub(r) || k.name === flux.name)) {
        const ks = find(flux.objects, c.name, 'control-plane');
        expect(ks.spec.wait).toBe(true);
        // Each chart has Helm's 5 minutes, in the worst case one after another.
        expect(parseInt(ks.spec.timeout, 10)).toBeGreaterThanOrEqual(4 * 5);
        for (const chart of ['cni', 'ztunnel'] as const) {
          const hr = find(flux.objects, c.name, chart);
          expect(order.precedes(find(flux.objects, c.name, 'namespace'), hr), `${c.name}: namespace before ${chart}\n${order.describe()}`).toBe(true);
          expect(order.precedes(hr, find(flux.objects, c.name, 'mesh')), `${c.name}: ${chart} before the mesh objects\n${order.describe()}`).toBe(true);
        }
      }
    }
  });

  it('gives sidecar meshes no istio-cni or ztunnel HelmRelease', () => {
    for (const [name, spec] of Object.entries(TOPOLOGIES).filter(([n]) => n !== 'ambient')) {
      const charts = allObjects(render(spec)).filter((o) => o.kind === 'HelmRelease').map((o) => o.spec.chart.spec.chart);
      expect(charts.length, name).toBeGreaterThan(0);
      expect(charts.filter((c) => c === 'cni' || c === 'ztunnel'), name).toEqual([]);
    }
  });
});

describe('Flux output options', () => {
  const base = TOPOLOGIES['primary-remote'];

  it('is not rendered without delivery.flux', () => {
    expect(render({ ...base, delivery: undefined }).dirs).toEqual([]);
    expect(render({ ...base, delivery: { repository: REPOSITORY } }).dirs).toEqual([]);
    expect(render({ ...base, delivery: { repository: REPOSITORY, argoCd: {} } }).dirs).toEqual([]);
  });

  it.each([FluxMode.HUB, FluxMode.PER_CLUSTER])('points at the repository root with ./ paths when the mesh is at the root (%s)', (mode) => {
    const r = render(withFlux(base, { mode }, { repository: { url: REPO_URL, path: '.', branch: 'release' } }));
    const kustomizations = allObjects(r).filter((o) => o.kind === 'Kustomization');
    expect(kustomizations.length).toBeGreaterThan(0);
    const expected: Record<string, (cluster: string) => string> = {
      'namespace': (c) => `./clusters/${c}/namespace`,
      'control-plane': (c) => `./flux/control-planes/${c}`,
      'mesh': (c) => `./clusters/${c}/mesh`,
    };
    for (const ks of kustomizations) expect(ks.spec.path).toBe(expected[stageOf(ks)](clusterOf(ks)));
    for (const git of allObjects(r).filter((o) => o.kind === 'GitRepository')) expect(git.spec.ref).toEqual({ branch: 'release' });
  });

  it('installs the newest patch of a release named without one', () => {
    const r = render({ ...base, istioVersion: '1.28' });
    const releases = allObjects(r).filter((o) => o.kind === 'HelmRelease');
    expect(releases).toHaveLength(4);
    for (const hr of releases) expect(hr.spec.chart.spec.version).toBe('1.28.x');
  });

  it('puts every object in the given namespace, reconciles at the given interval, and reads the repository with the given Secret', () => {
    for (const mode of [FluxMode.HUB, FluxMode.PER_CLUSTER]) {
      const r = render(withFlux(base, { mode, namespace: 'gitops', interval: '1h', gitSecretName: 'mesh-repo-auth' }));
      const objects = allObjects(r);
      for (const o of objects) {
        expect(o.metadata.namespace).toBe('gitops');
        expect(o.spec.interval).toBe('1h');
        for (const ref of [o.spec.sourceRef, o.spec.chart?.spec.sourceRef].filter(Boolean)) expect(ref.namespace).toBe('gitops');
      }
      for (const hr of objects.filter((o) => o.kind === 'HelmRelease')) expect(hr.spec.chart.spec.interval).toBe('1h');
      const git = objects.filter((o) => o.kind === 'GitRepository');
      expect(git.length).toBeGreaterThan(0);
      for (const g of git) expect(g.spec.secretRef).toEqual({ name: 'mesh-repo-auth' });
    }
  });

  it('keeps the cross-cluster order with one Flux, and leaves it to the bootstrap order with one per cluster', () => {
    const dependencies = (mode: FluxMode) => {
      const objects = allObjects(render(withFlux(base, { mode })));
      return {
        primaryObjects: find(objects, 'cluster1', 'mesh').metadata.name,
        remote: find(objects, 'cluster2', 'control-plane').spec.dependsOn.map((d: any) => d.name),
      };
    };
    const hub = dependencies(FluxMode.HUB);
    expect(hub.remote).toContain(hub.primaryObjects);
    const perCluster = dependencies(FluxMode.PER_CLUSTER);
    expect(perCluster.remote).not.toContain(perCluster.primaryObjects);
  });

  it('gives clusters named like its files their own files and objects', () => {
    const r = render(Topology.multiPrimary({ istioVersion: VERSION, delivery: DELIVERY, clusters: ['sources', 'steps', 'constructor'] }));
    const files = filesOf(dir(r, FLUX_HUB_DIR));
    expect(files.map((f) => f.name)).toEqual(['cluster-constructor.yaml', 'cluster-sources.yaml', 'cluster-steps.yaml', 'sources.yaml']);
    expect(files[3].objects.map((o) => o.kind)).toEqual(['GitRepository', 'HelmRepository']);
  });

  it('is checked by schemas that reject broken objects', () => {
    const r = render(base);
    const ks = allObjects(r).find((o) => o.kind === 'Kustomization');
    const hr = allObjects(r).find((o) => o.kind === 'HelmRelease');
    expect(() => new FluxKustomizationModel({ ...ks, spec: { ...ks.spec, prune: 'yes' } }).validate()).toThrow();
    expect(() => new FluxHelmReleaseModel({ ...hr, spec: { ...hr.spec, interval: undefined } }).validate()).toThrow();
  });
});
