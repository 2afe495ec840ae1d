/**
 * A highly available control plane and gateways. A primary's `istiod` option sets how many
 * istiod replicas run and whether they autoscale; it is derived into the cluster's one values
 * model, so every install format carries it, and with it istiod's PodDisruptionBudget, which is
 * on only when at least two replicas always run. The east-west gateway spreads two or more
 * replicas across zones and nodes. Without these options, the output is what it was.
 */
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClusterSpec, EastWestGateway, EastWestGatewayProps, formatProblem, IstiodExposure, IstiodOptions, JsonObject, meshObjectsDir, MeshSpec,
  planMesh, seedTopologySpecs, Topology, validateMesh,
} from '../src';
import { derivedInstallValues, istioInstallValues } from '../src/plan/install/istio-values';
import { DELIVERED, valuesByFormat } from './install-formats';
import { validateObject } from './object-schemas';
import { appliedObjects, EmittedObject, readTree, renderSeedFiles, synth } from './support';

// ---------------------------------------------------------------------------------------------
// What the `istiod` chart makes of the values, transcribed from its templates of 1.24 to 1.31
// (istio-control/istio-discovery: autoscale.yaml, deployment.yaml, poddisruptionbudget.yaml and
// the defaults of values.yaml), as `helm template` renders them. Helm values files carry the
// values under `pilot` and `global` the IstioOperator, Argo CD, Flux and Sail hand on as given.

/** The istiod replicas the chart of a release runs for the given values. */
function chartReplicas(values: any): { hpa?: { min: number; max: number }; fixed?: number } {
  const pilot = values.pilot ?? {};
  // values.yaml: autoscaleEnabled true, autoscaleMin 1, autoscaleMax 5, replicaCount 1.
  if (pilot.autoscaleEnabled ?? true) return { hpa: { min: pilot.autoscaleMin ?? 1, max: pilot.autoscaleMax ?? 5 } };
  return { fixed: pilot.replicaCount ?? 1 };
}

/** Whether the chart of a minor release renders istiod's PodDisruptionBudget (`minAvailable: 1`). */
function chartRendersPdb(minor: number, values: any): boolean {
  if (!(values.global?.defaultPodDisruptionBudget?.enabled ?? true)) return false;
  // Up to 1.27 the budget came with the switch alone, at one replica too; from 1.28 only above one.
  if (minor < 28) return true;
  const replicas = chartReplicas(values);
  return (replicas.hpa?.min ?? replicas.fixed!) > 1;
}

const MINORS = [24, 25, 26, 27, 28, 29, 30, 31];

// ---------------------------------------------------------------------------------------------

/** Primaries with each kind of `istiod` option, and remotes, delivered in every format. */
const HA_MESH: MeshSpec = {
  ...DELIVERED,
  meshId: 'prod',
  clusters: [
    { name: 'east-1', network: 'east', discoveryAddress: '203.0.113.10', istiod: { replicas: 3 } },
    { name: 'east-2', network: 'east', controlPlaneCluster: 'east-1' },
    { name: 'west-1', network: 'west', discoveryAddress: 'istiod.west.example.com', istiod: { replicas: 2, maxReplicas: 2 } },
    { name: 'west-2', network: 'west', controlPlaneCluster: 'west-1' },
    { name: 'solo', network: 'west', istiod: { maxReplicas: 3 } },
    { name: 'plain', network: 'east' },
  ],
};

/** What each cluster's values must hold: istiod's replicas and budget, or nothing at all. */
const EXPECTED: Record<string, { pilot?: JsonObject; pdb?: boolean }> = {
  'east-1': { pilot: { autoscaleEnabled: true, autoscaleMin: 3, autoscaleMax: 5 }, pdb: true },
  'east-2': {},
  'west-1': { pilot: { autoscaleEnabled: false, replicaCount: 2 }, pdb: true },
  'west-2': {},
  'solo': { pilot: { autoscaleEnabled: true, autoscaleMin: 1, autoscaleMax: 3 }, pdb: false },
  'plain': {},
};

const REPLICA_KEYS = ['autoscaleEnabled', 'autoscaleMin', 'autoscaleMax', 'replicaCount'];

/** istiod's replica values and budget switch, as a values object holds them. */
function haValues(values: any): { pilot?: JsonObject; pdb?: boolean } {
  const pilot = Object.fromEntries(Object.entries(values.pilot ?? {}).filter(([k]) => REPLICA_KEYS.includes(k))) as JsonObject;
  const pdb = values.global?.defaultPodDisruptionBudget?.enabled;
  return { ...(Object.keys(pilot).length > 0 ? { pilot } : {}), ...(pdb !== undefined ? { pdb } : {}) };
}

describe('istiod\'s replicas reach every install format equally', () => {
  const { mesh, files } = synth(HA_MESH);
  const plan = mesh.plan!;

  it.each(Object.keys(EXPECTED))('%s: the IstioOperator, Helm, Argo CD, Flux and Sail carry the same istiod replicas and budget', (cluster) => {
    const formats = valuesByFormat(plan, files, cluster);
    expect(Object.keys(formats)).toEqual(['IstioOperator', 'Helm istiod values', 'Argo CD valuesObject', 'Flux HelmRelease values', 'Sail Istio spec.values']);
    for (const [format, values] of Object.entries(formats)) {
      expect(haValues(values), format).toEqual(EXPECTED[cluster]);
      expect(values, format).toEqual(formats['Helm istiod values']);
    }
  });

  it('autoscales between replicas and maxReplicas, which defaults to the chart\'s 5', () => {
    expect(chartReplicas(valuesByFormat(plan, files, 'east-1')['Helm istiod values'])).toEqual({ hpa: { min: 3, max: 5 } });
    expect(chartReplicas(valuesByFormat(plan, files, 'solo')['Helm istiod values'])).toEqual({ hpa: { min: 1, max: 3 } });
  });

  it('runs a fixed number of replicas, with no autoscaler, when maxReplicas equals replicas', () => {
    expect(chartReplicas(valuesByFormat(plan, files, 'west-1')['Helm istiod values'])).toEqual({ fixed: 2 });
  });

  it('keeps the other values the library derives beside them', () => {
    const west1 = valuesByFormat(plan, files, 'west-1')['Helm istiod values'];
    expect(west1.pilot.env).toEqual({ ISTIOD_CUSTOM_HOST: 'istiod.west.example.com' });
    expect(west1.global).toMatchObject({ meshID: 'prod', network: 'west', externalIstiod: true });
  });

  it('carries the option through the plan of primaries only', () => {
    expect(plan.clusters.map((c) => [c.name, c.istiod])).toEqual([
      ['east-1', { minReplicas: 3, maxReplicas: 5 }],
      ['east-2', undefined],
      ['west-1', { minReplicas: 2, maxReplicas: 2 }],
      ['west-2', undefined],
      ['solo', { minReplicas: 1, maxReplicas: 3 }],
      ['plain', undefined],
    ]);
  });

  it('raises the default maximum to replicas above 5, which then is a fixed number', () => {
    const { clusters: [c] } = planMesh({ clusters: [{ name: 'big', network: 'n', istiod: { replicas: 7 } }] });
    expect(c.istiod).toEqual({ minReplicas: 7, maxReplicas: 7 });
  });
});

describe('istiod\'s PodDisruptionBudget: only when at least two replicas always run', () => {
  /** The values of a one-primary mesh with the given `istiod` option. */
  const valuesWith = (istiod: IstiodOptions | undefined) => {
    const plan = planMesh({ clusters: [{ name: 'c1', network: 'n1', ...(istiod ? { istiod } : {}) }] });
    return istioInstallValues(plan, plan.clusters[0]);
  };

  it.each<[IstiodOptions, boolean]>([
    [{}, false],
    [{ replicas: 1 }, false],
    [{ replicas: 1, maxReplicas: 1 }, false],
    [{ replicas: 1, maxReplicas: 10 }, false],
    [{ replicas: 2 }, true],
    [{ replicas: 2, maxReplicas: 2 }, true],
    [{ replicas: 3, maxReplicas: 9 }, true],
  ])('istiod %j: the chart of every release from 1.24 to 1.31 renders a budget: %s', (istiod, pdb) => {
    const values = valuesWith(istiod);
    expect(values.global.defaultPodDisruptionBudget).toEqual({ enabled: pdb });
    for (const minor of MINORS) expect(chartRendersPdb(minor, values), `1.${minor}`).toBe(pdb);
  });

  it('is needed up to 1.27, whose chart renders a budget that blocks every drain at one replica', () => {
    const chartDefaults = valuesWith(undefined);
    expect(MINORS.filter((minor) => chartRendersPdb(minor, chartDefaults))).toEqual([24, 25, 26, 27]);
    expect(MINORS.filter((minor) => chartRendersPdb(minor, valuesWith({})))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** A primary serving one remote on one network, valid as is. */
function primaryRemote(primary: Partial<ClusterSpec> = {}, remote: Partial<ClusterSpec> = {}, mesh: Partial<MeshSpec> = {}): MeshSpec {
  return {
    ...mesh,
    clusters: [
      { name: 'east-1', network: 'east', discoveryAddress: '192.0.2.10', ...primary },
      { name: 'east-2', network: 'east', controlPlaneCluster: 'east-1', ...remote },
    ],
  };
}

const problems = (spec: MeshSpec) => validateMesh(spec).map(formatProblem);

describe('validation of istiod', () => {
  it('accepts a primary\'s replicas, autoscaling or fixed', () => {
    for (const istiod of [{}, { replicas: 1 }, { replicas: 3 }, { maxReplicas: 1 }, { replicas: 2, maxReplicas: 2 }, { replicas: 3, maxReplicas: 12 }]) {
      expect(problems(primaryRemote({ istiod })), JSON.stringify(istiod)).toEqual([]);
    }
  });

  it('refuses it on a remote, which runs no istiod', () => {
    expect(problems(primaryRemote({}, { istiod: { replicas: 3 } }))).toEqual([
      'cluster "east-2" (clusters[1].istiod): is set on a remote, which runs no istiod: the istiod of its primary "east-1" serves it; set istiod there instead',
    ]);
  });

  it('refuses maxReplicas below replicas', () => {
    expect(problems(primaryRemote({ istiod: { replicas: 3, maxReplicas: 2 } }))).toEqual([
      'cluster "east-1" (clusters[0].istiod.maxReplicas): 2 must be a whole number no smaller than replicas (3); make them equal for a fixed number of replicas',
    ]);
    expect(problems(primaryRemote({ istiod: { maxReplicas: 0 } }))).toEqual([
      'cluster "east-1" (clusters[0].istiod.maxReplicas): 0 must be a whole number no smaller than replicas (1); make them equal for a fixed number of replicas',
    ]);
  });

  it('refuses replicas that are not a whole number of at least 1, and reports it once', () => {
    expect(problems(primaryRemote({ istiod: { replicas: 0 } }))).toEqual([
      'cluster "east-1" (clusters[0].istiod.replicas): 0 must be a whole number of at least 1',
    ]);
    expect(problems(primaryRemote({ istiod: { replicas: 2.5, maxReplicas: 2 } }))).toEqual([
      'cluster "east-1" (clusters[0].istiod.replicas): 2.5 must be a whole number of at least 1',
    ]);
  });

  it('refuses unknown fields and wrong types, from mesh files as from TypeScript', () => {
    const found = problems(primaryRemote({ istiod: { replicaCount: 3, maxReplicas: '5' } as never }));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^cluster "east-1" \(clusters\[0\]\.istiod\.replicaCount\): /);
    expect(found[1]).toMatch(/^cluster "east-1" \(clusters\[0\]\.istiod\.maxReplicas\): /);
  });
});

describe('the values istiod derives are owned: an override may repeat them, not change them', () => {
  it('refuses a pilot.autoscaleMin that contradicts istiod.replicas, naming cluster, field and the value required', () => {
    expect(problems(primaryRemote({ istiod: { replicas: 3 }, values: { pilot: { autoscaleMin: 2 } } }))).toEqual([
      'cluster "east-1" (clusters[0].values.pilot.autoscaleMin): is 2, but the mesh requires 3 here: it is the cluster\'s istiod.replicas; set that instead',
    ]);
  });

  it('refuses the other replica values and the budget switch alike', () => {
    expect(problems(primaryRemote({
      istiod: { replicas: 1, maxReplicas: 1 },
      values: { pilot: { autoscaleEnabled: true, replicaCount: 3 }, global: { defaultPodDisruptionBudget: { enabled: true } } },
    }))).toEqual([
      'cluster "east-1" (clusters[0].values.pilot.autoscaleEnabled): is true, but the mesh requires false here: it follows the cluster\'s ' +
        'istiod option: false when replicas equals maxReplicas; set istiod.replicas and istiod.maxReplicas instead',
      'cluster "east-1" (clusters[0].values.pilot.replicaCount): is 3, but the mesh requires 1 here: it is the cluster\'s istiod.replicas, ' +
        'a fixed number since it equals istiod.maxReplicas; set that instead',
      'cluster "east-1" (clusters[0].values.global.defaultPodDisruptionBudget.enabled): is true, but the mesh requires false here: istiod gets ' +
        'a PodDisruptionBudget only when istiod.replicas is 2 or more, since with one replica it blocks every node drain; set istiod.replicas instead',
    ]);
  });

  it('reports a mesh-level override for the clusters whose istiod it contradicts', () => {
    const spec: MeshSpec = { ...HA_MESH, values: { pilot: { autoscaleMax: 5 } } };
    expect(problems(spec)).toEqual([
      'values.pilot.autoscaleMax: is 5, but the mesh requires 3 for solo: it is the cluster\'s istiod.maxReplicas; set that instead',
    ]);
  });

  it('accepts an override that repeats the derived value', () => {
    expect(problems(primaryRemote({ istiod: { replicas: 3 }, values: { pilot: { autoscaleMin: 3, autoscaleEnabled: true } } }))).toEqual([]);
  });

  it('leaves these values free where istiod is not set: the values form of seed 001 stays valid', () => {
    expect(problems(primaryRemote({ values: { pilot: { autoscaleMin: 3 }, global: { defaultPodDisruptionBudget: { enabled: false } } } }))).toEqual([]);
  });
});

describe('without the istiod option the library derives nothing new', () => {
  it('gives no replica values and no budget switch to any cluster of the seed topologies', () => {
    let checked = 0;
    for (const [name, spec] of Object.entries(seedTopologySpecs())) {
      const plan = planMesh(spec);
      for (const c of plan.clusters) {
        // The primary-remote examples set seed 001's HA istiod; every other cluster sets none.
        if (spec.clusters.find((k) => k.name === c.name)!.istiod !== undefined) continue;
        checked++;
        expect(c.istiod, `${name} ${c.name}`).toBeUndefined();
        expect(haValues(derivedInstallValues(plan, c)), `${name} ${c.name}`).toEqual({});
      }
    }
    expect(checked).toBeGreaterThan(4);
  });

  it('renders the seed topologies\' install values and gateways byte for byte as dist/ holds them', () => {
    const root = path.join(__dirname, '..', 'dist');
    let compared = 0;
    for (const [name, files] of Object.entries(renderSeedFiles())) {
      const committed = readTree(path.join(root, name));
      for (const f of files.filter((file) => file.path.startsWith('install/') || file.path.endsWith('/20-eastwest-gateway.yaml'))) {
        expect(f.content, `${name}/${f.path}`).toBe(committed[f.path]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------

const SPREAD_KEYS = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'];

describe('the east-west gateway spreads two or more replicas across zones and nodes', () => {
  const synthGateway = (props: EastWestGatewayProps = {}) => {
    const chart = new Chart(new App(), 'c');
    new EastWestGateway(chart, 'gw', { network: 'network1', ...props });
    return Testing.synth(chart) as any[];
  };
  const kindOf = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
  const podSpec = (objects: any[]) => kindOf(objects, 'Deployment')[0].spec.template.spec;

  it.each([2, 3, 7])('with %i replicas at least: soft zone then node spread of exactly its own pods, and a budget', (minReplicas) => {
    const objects = synthGateway({ minReplicas });
    const deployment = kindOf(objects, 'Deployment')[0];
    const constraints = podSpec(objects).topologySpreadConstraints;
    expect(constraints).toEqual(SPREAD_KEYS.map((topologyKey) => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' } },
    })));
    for (const c of constraints) {
      // It counts the gateway's pods: its selector, which the pods' labels carry.
      expect(c.labelSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.template.metadata.labels).toMatchObject(c.labelSelector.matchLabels);
    }
    expect(kindOf(objects, 'PodDisruptionBudget')).toHaveLength(1);
    for (const o of objects) expect(() => validateObject(o), o.kind).not.toThrow();
  });

  it('has neither spread nor budget with one replica guaranteed, as Istio\'s chart by default', () => {
    for (const props of [{}, { minReplicas: 1, maxReplicas: 1 }, { minReplicas: 1, maxReplicas: 8 }]) {
      const objects = synthGateway(props);
      expect(podSpec(objects), JSON.stringify(props)).not.toHaveProperty('topologySpreadConstraints');
      expect(kindOf(objects, 'PodDisruptionBudget'), JSON.stringify(props)).toEqual([]);
    }
  });

  it('leaves the spread out when told to, keeping the budget', () => {
    const objects = synthGateway({ minReplicas: 3, topologySpread: false });
    expect(podSpec(objects)).not.toHaveProperty('topologySpreadConstraints');
    expect(kindOf(objects, 'PodDisruptionBudget')).toHaveLength(1);
  });

  describe('in a mesh, from the cluster\'s eastWestGateway', () => {
    const gatewayOf = (spec: MeshSpec, cluster: string): EmittedObject[] =>
      appliedObjects(synth(spec).files, cluster).filter((o) => o.file === `${meshObjectsDir(cluster)}/20-eastwest-gateway.yaml`);
    const twoNetworks = (west: ClusterSpec['eastWestGateway']): MeshSpec => ({
      clusters: [{ name: 'east-1', network: 'east' }, { name: 'west-1', network: 'west', ...(west ? { eastWestGateway: west } : {}) }],
    });
    const spreadOf = (objects: EmittedObject[]) => objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.topologySpreadConstraints;

    it('spreads a gateway of two replicas or more, and not one of one', () => {
      expect(spreadOf(gatewayOf(twoNetworks({ replicas: 2 }), 'west-1')).map((c: any) => [c.topologyKey, c.whenUnsatisfiable]))
        .toEqual(SPREAD_KEYS.map((k) => [k, 'ScheduleAnyway']));
      expect(spreadOf(gatewayOf(twoNetworks({ replicas: 2 }), 'east-1'))).toBeUndefined();
      expect(spreadOf(gatewayOf(twoNetworks({ replicas: 2, topologySpread: false }), 'west-1'))).toBeUndefined();
    });

    it('writes objects their schemas accept', () => {
      const objects = gatewayOf(twoNetworks({ replicas: 3, maxReplicas: 6 }), 'west-1');
      expect(objects.map((o) => o.kind)).toContain('PodDisruptionBudget');
      for (const { file, ...o } of objects) expect(() => validateObject(o), `${file}: ${o.kind}`).not.toThrow();
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('seed 001: "run multiple istiod replicas in the primary cluster" (3) is one line', () => {
  /** Seed 001's primary-remote mesh, as the README describes it. */
  const seed001 = (primary: Partial<ClusterSpec>): MeshSpec => Topology.primaryRemote({
    ...DELIVERED,
    meshConfig: { accessLogFile: '/dev/stdout' },
    primary: { name: 'cluster-1', discoveryAddress: '192.0.2.10', istiodExposure: IstiodExposure.LOAD_BALANCER, ...primary },
    remotes: ['cluster-2'],
  });
  const ha = seed001({ istiod: { replicas: 3 } });

  it('differs from the mesh without it by that one field', () => {
    const without = seed001({});
    const { istiod, ...rest } = ha.clusters[0];
    expect(istiod).toEqual({ replicas: 3 });
    expect({ ...ha, clusters: [rest, ...ha.clusters.slice(1)] }).toEqual(without);
  });

  it('runs at least 3 istiod replicas, in every format, and a budget that lets a drain take all but one', () => {
    const { mesh, files } = synth(ha);
    for (const [format, values] of Object.entries(valuesByFormat(mesh.plan!, files, 'cluster-1'))) {
      expect(chartReplicas(values), format).toEqual({ hpa: { min: 3, max: 5 } });
      for (const minor of MINORS) expect(chartRendersPdb(minor, values), `${format}, 1.${minor}`).toBe(true);
    }
    for (const [format, values] of Object.entries(valuesByFormat(mesh.plan!, files, 'cluster-2'))) {
      expect(haValues(values), format).toEqual({});
    }
  });
});
