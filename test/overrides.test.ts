/**
 * Istio values and mesh config given in the description (`values` and `meshConfig`, on the mesh
 * and on each cluster) reach every install format through the one values model of a cluster:
 * the values the library derives, then the mesh's overrides merged over them, then the
 * cluster's, as Helm merges values. The values the library derives cannot be overridden.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClusterSpec, formatProblem, helmBaseValuesPath, helmIstiodValuesPath, IstioMulticlusterMesh, JsonObject,
  MeshSpec, MeshValidationError, renderMeshFiles, validateMesh,
} from '../src';
import { mergeValues } from '../src/plan/install/merge-values';
import { DELIVERED, valuesByFormat } from './install-formats';
import { validateObject } from './object-schemas';
import { sailSchemaErrors } from './sail-schema';
import { fileDocument, MIXED_MESH, parseObjects, synth, thrown } from './support';

/** The mesh's overrides, for every cluster. */
const MESH_VALUES: JsonObject = {
  pilot: { autoscaleMin: 3, env: { PILOT_ENABLE_STATUS: 'true' } },
  global: { logAsJson: true, imagePullSecrets: ['mesh-registry', 'mirror'], proxy: { resources: { requests: { cpu: '50m' } } } },
};
const MESH_CONFIG: JsonObject = {
  accessLogFile: '/dev/stdout',
  defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } },
};

/** west-1's own overrides, over the mesh's; west-1 is a primary that remotes reach by DNS name. */
const WEST_1_VALUES: JsonObject = {
  pilot: { autoscaleMin: 5, autoscaleMax: 7 },
  global: { logAsJson: null, imagePullSecrets: ['west-registry'], proxy: { resources: { limits: { memory: '256Mi' } } } },
  sidecarInjectorWebhook: null,
};
const WEST_1_MESH_CONFIG: JsonObject = {
  accessLogEncoding: 'JSON',
  defaultConfig: { proxyMetadata: { ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } },
};
/** east-2's own overrides: a remote, which takes mesh config too. */
const EAST_2_MESH_CONFIG: JsonObject = { accessLogFile: '' };

const OVERRIDDEN: MeshSpec = {
  ...MIXED_MESH,
  ...DELIVERED,
  values: MESH_VALUES,
  meshConfig: MESH_CONFIG,
  clusters: MIXED_MESH.clusters.map((c): ClusterSpec => {
    if (c.name === 'west-1') return { ...c, values: WEST_1_VALUES, meshConfig: WEST_1_MESH_CONFIG };
    if (c.name === 'east-2') return { ...c, meshConfig: EAST_2_MESH_CONFIG };
    return c;
  }),
};

/** Every leaf of an object, as a path of keys and its value. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[path, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function at(values: any, path: string[]): unknown {
  return path.reduce((v, k) => (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined), values);
}

const startsWith = (path: string[], prefix: string[]) => prefix.every((k, i) => path[i] === k);

describe('Istio values and mesh config reach every format', () => {
  const { mesh, files } = synth(OVERRIDDEN);
  const plan = mesh.plan!;

  it.each(plan.clusters.map((c) => c.name))('%s: the IstioOperator, Helm, Argo CD, Flux and Sail carry the same values', (cluster) => {
    const formats = valuesByFormat(plan, files, cluster);
    for (const [format, values] of Object.entries(formats)) {
      expect(values, format).toEqual(formats['Helm istiod values']);
    }
  });

  it.each(plan.clusters.map((c) => c.name))('%s: every override it is given is in them, the cluster\'s over the mesh\'s', (cluster) => {
    const spec = OVERRIDDEN.clusters.find((c) => c.name === cluster)!;
    const given = [
      ...leaves(spec.values ?? {}).map(([p, v]): [string[], unknown] => [p, v]),
      ...leaves(spec.meshConfig ?? {}).map(([p, v]): [string[], unknown] => [['meshConfig', ...p], v]),
    ];
    const fromMesh = [...leaves(MESH_VALUES), ...leaves(MESH_CONFIG).map(([p, v]): [string[], unknown] => [['meshConfig', ...p], v])]
      // A key the cluster gives, or deletes, is the cluster's.
      .filter(([p]) => !given.some(([q]) => startsWith(p, q) || startsWith(q, p)));
    expect(given.length + fromMesh.length).toBeGreaterThan(0);
    for (const [format, values] of Object.entries(valuesByFormat(plan, files, cluster))) {
      for (const [path, value] of [...fromMesh, ...given]) {
        expect(at(values, path), `${format}: ${path.join('.')}`).toEqual(value === null ? undefined : value);
      }
    }
  });

  it('keeps the values the library derives beside them', () => {
    const helm = (cluster: string) => fileDocument(files, helmIstiodValuesPath(cluster));
    expect(helm('west-1').pilot.env).toEqual({ PILOT_ENABLE_STATUS: 'true', ISTIOD_CUSTOM_HOST: 'istiod.west.example.com' });
    expect(helm('west-2').global).toMatchObject({ meshID: 'prod', network: 'west', remotePilotAddress: 'istiod.west.example.com', configCluster: true });
    expect(helm('east-2').meshConfig.trustDomain).toBe('prod.example.com');
  });

  it('gives the base chart the profile only', () => {
    for (const c of plan.clusters) {
      expect(fileDocument(files, helmBaseValuesPath(c.name)), c.name).toEqual(c.role === 'remote' ? { profile: 'remote' } : {});
    }
  });
});

describe('how overrides merge (Helm\'s rules)', () => {
  const { files } = synth(OVERRIDDEN);
  const helm = (cluster: string) => fileDocument(files, helmIstiodValuesPath(cluster));

  it('gives a cluster\'s values precedence over the mesh\'s', () => {
    expect(helm('east-1').pilot.autoscaleMin).toBe(3);
    expect(helm('west-1').pilot.autoscaleMin).toBe(5);
    expect(helm('east-2').meshConfig.accessLogFile).toBe('');
    expect(helm('west-1').meshConfig.accessLogFile).toBe('/dev/stdout');
  });

  it('merges objects key by key', () => {
    expect(helm('west-1').meshConfig.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' });
    expect(helm('west-1').global.proxy.resources).toEqual({ requests: { cpu: '50m' }, limits: { memory: '256Mi' } });
    expect(helm('west-1').pilot).toMatchObject({ autoscaleMin: 5, autoscaleMax: 7, env: { PILOT_ENABLE_STATUS: 'true' } });
  });

  it('replaces lists whole', () => {
    expect(helm('east-1').global.imagePullSecrets).toEqual(['mesh-registry', 'mirror']);
    expect(helm('west-1').global.imagePullSecrets).toEqual(['west-registry']);
  });

  it('deletes a key given null, and writes no null', () => {
    expect(helm('east-1').global.logAsJson).toBe(true);
    expect(helm('west-1').global).not.toHaveProperty('logAsJson');
    // Nothing to delete: dropped, not passed on to Helm.
    expect(helm('west-1')).not.toHaveProperty('sidecarInjectorWebhook');
    expect(files.filter((f) => f.path.endsWith('.yaml') && /:\s*null\s*$/m.test(f.content)).map((f) => f.path)).toEqual([]);
  });

  it('changes neither its arguments nor shares the override\'s objects, and takes "__proto__" as a key', () => {
    const base = { a: { b: 1, c: [1] } };
    const override = JSON.parse('{"a":{"c":[2],"d":{"e":null,"f":"g"}},"__proto__":{"polluted":true}}');
    const merged = mergeValues(base, override);
    expect(merged).toEqual(JSON.parse('{"a":{"b":1,"c":[2],"d":{"f":"g"}},"__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(base).toEqual({ a: { b: 1, c: [1] } });
    expect((merged.a as any).c).not.toBe(override.a.c);
  });
});

/** A primary reached by DNS name (so that it derives a custom host) serving a remote, one network. */
function primaryAndRemote(primary: Partial<ClusterSpec> = {}, remote: Partial<ClusterSpec> = {}, mesh: Partial<MeshSpec> = {}): MeshSpec {
  return {
    meshId: 'prod',
    trustDomain: 'prod.example.com',
    ...mesh,
    clusters: [
      { name: 'east-1', network: 'east', discoveryAddress: 'istiod.example.com', ...primary },
      { name: 'east-2', network: 'east', controlPlaneCluster: 'east-1', ...remote },
      { name: 'west-1', network: 'west' },
    ],
  };
}

/** The problems of a description, as cluster, field and message. */
function problemsOf(spec: MeshSpec) {
  return validateMesh(spec).map((p) => ({ cluster: p.cluster, field: p.field, message: p.message }));
}

describe('the values the library derives cannot be overridden', () => {
  it('refuses every conflict at once, naming the cluster, the field and the value the mesh requires', () => {
    const problems = problemsOf(primaryAndRemote(
      { values: { global: { network: 'west', multiCluster: { clusterName: 'primary' } }, pilot: { env: { ISTIOD_CUSTOM_HOST: 'istiod.other.com' } } } },
      {
        values: { global: { remotePilotAddress: '192.0.2.1', configCluster: false }, istiodRemote: { injectionURL: null } },
        meshConfig: { trustDomain: 'other.example.com' },
      },
    ));
    expect(problems.map((p) => [p.cluster, p.field])).toEqual([
      ['east-1', 'clusters[0].values.global.network'],
      ['east-1', 'clusters[0].values.global.multiCluster.clusterName'],
      ['east-1', 'clusters[0].values.pilot.env.ISTIOD_CUSTOM_HOST'],
      ['east-2', 'clusters[1].values.global.remotePilotAddress'],
      ['east-2', 'clusters[1].values.global.configCluster'],
      ['east-2', 'clusters[1].values.istiodRemote.injectionURL'],
      ['east-2', 'clusters[1].meshConfig.trustDomain'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'is "west", but the mesh requires "east" here: it is the cluster\'s network; set that instead',
      'is "primary", but the mesh requires "east-1" here: it is the cluster\'s name; rename the cluster instead',
      'is "istiod.other.com", but the mesh requires "istiod.example.com" here: it is the cluster\'s discoveryAddress, which istiod\'s certificate must name; set that instead',
      'is "192.0.2.1", but the mesh requires "istiod.example.com" here: it is the discoveryAddress of the cluster\'s primary; set that instead',
      'is false, but the mesh requires true here: the library sets it on every remote of a primary, as Istio\'s primary-remote guide does, and on an external control plane\'s config cluster; leave it out',
      'deletes (null), but the mesh requires "https://istiod.example.com:15017/inject/cluster/east-2/net/east" here: the library derives it from the ' +
        'primary\'s discoveryAddress and the cluster\'s name and network; leave it out',
      'is "other.example.com", but the mesh requires "prod.example.com" here: it is the mesh\'s trustDomain; set that instead',
    ]);
  });

  it('reports a mesh-level conflict once, with the value each cluster requires', () => {
    const problems = problemsOf(primaryAndRemote({}, {}, { values: { global: { network: 'east', meshID: 'mesh1' } } }));
    expect(problems).toEqual([
      {
        cluster: undefined, field: 'values.global.network',
        message: 'is "east", but the mesh requires "west" for west-1: it is the cluster\'s network; set that instead',
      },
      {
        cluster: undefined, field: 'values.global.meshID',
        message: 'is "mesh1", but the mesh requires "prod" for east-1, east-2, west-1: it is the mesh\'s meshId; set that instead',
      },
    ]);
  });

  it('refuses replacing or deleting an object that holds derived values, and going below a derived value', () => {
    const problems = problemsOf(primaryAndRemote(
      { values: { global: { multiCluster: 'east-1', network: { name: 'east' } } } },
      { values: { istiodRemote: null }, meshConfig: {} },
      { meshConfig: { trustDomain: { value: 'prod.example.com' } } },
    ));
    expect(problems.map((p) => [p.cluster, p.field])).toEqual([
      [undefined, 'meshConfig.trustDomain'],
      ['east-1', 'clusters[0].values.global.multiCluster'],
      ['east-1', 'clusters[0].values.global.network'],
      ['east-2', 'clusters[1].values.istiodRemote'],
    ]);
    expect(problems[0].message).toBe('is an object, but the mesh requires "prod.example.com" for east-1, east-2, west-1: it is the mesh\'s trustDomain; set that instead');
    expect(problems[1].message).toBe('is "east-1", which would replace values the mesh requires here: {"clusterName":"east-1"}; ' +
      'give an object with only the keys you want to change');
    expect(problems[3].message).toBe('deletes (null) values the mesh requires here: {"injectionURL":"https://istiod.example.com:15017/inject/cluster/east-2/net/east"}; ' +
      'give an object with only the keys you want to change');
  });

  it('accepts a derived value given the very value the mesh requires', () => {
    expect(problemsOf(primaryAndRemote(
      { values: { global: { network: 'east', meshID: 'prod', multiCluster: { clusterName: 'east-1' }, externalIstiod: true } } },
      { values: { global: { configCluster: true, remotePilotAddress: 'istiod.example.com' } }, meshConfig: { trustDomain: 'prod.example.com' } },
      { values: { global: { meshID: 'prod' } }, meshConfig: { trustDomain: 'prod.example.com' } },
    ))).toEqual([]);
  });

  it('leaves every value the library does not derive free, on any cluster', () => {
    expect(problemsOf(primaryAndRemote(
      { values: { global: { externalIstiod: true, logAsJson: null }, pilot: { env: { PILOT_X: 'y' } } } },
      { values: { global: { proxy: null }, istiodRemote: { enabledLocalInjectorIstiod: false } } },
    ))).toEqual([]);
  });

  it('refuses the profile, mesh config inside values, and revisions, whatever else is wrong', () => {
    const problems = problemsOf(primaryAndRemote(
      { values: { profile: 'demo', global: { profile: 'minimal' } } },
      { network: 'Not A Label', values: { meshConfig: { accessLogFile: '/dev/stdout' }, revision: 'canary' } },
    ));
    expect(problems.map((p) => [p.cluster, p.field])).toEqual([
      ['east-2', 'clusters[1].network'],
      ['east-1', 'clusters[0].values.profile'],
      ['east-1', 'clusters[0].values.global.profile'],
      ['east-2', 'clusters[1].values.meshConfig'],
      ['east-2', 'clusters[1].values.revision'],
    ]);
    expect(problems[1].message).toMatch(/^the library chooses each cluster's profile: remote on a remote/);
    expect(problems[2].message).toMatch(/^is read by Istio's charts as the profile/);
    expect(problems[3].message).toMatch(/^is not where mesh config goes: move it to clusters\[1\]\.meshConfig/);
    expect(problems[4].message).toMatch(/^"canary": revisions are not supported yet, since the east-west gateway, the exposed istiod and the remote secrets assume the default revision/);
    // The default revision is no revision.
    expect(problemsOf(primaryAndRemote({ values: { revision: '' } }))).toEqual([]);
  });

  it('writes nothing for a description with a conflict, and says why', () => {
    const mesh = new IstioMulticlusterMesh(new App(), 'prod', primaryAndRemote({}, {}, { values: { global: { network: 'east' } } }));
    expect(mesh.clusters).toEqual([]);
    const error = thrown(() => renderMeshFiles(mesh));
    expect(error).toBeInstanceOf(MeshValidationError);
    expect((error as MeshValidationError).message).toContain('values.global.network: is "east", but the mesh requires "west" for west-1');
  });
});

describe('the shape of values and mesh config', () => {
  it('accepts nested objects, lists, strings, numbers, booleans and null, from JSON as from TypeScript', () => {
    const values = { a: { b: [1, 'two', true, null, { c: [] }], d: -0.5, e: null, f: {} } };
    expect(problemsOf(JSON.parse(JSON.stringify(primaryAndRemote({ values, meshConfig: values }, {}, { values, meshConfig: values }))))).toEqual([]);
  });

  it('refuses what is not an object, and numbers JSON cannot hold', () => {
    const problems = validateMesh({
      ...primaryAndRemote({ values: ['a'] as never, meshConfig: { x: { y: [Number.NaN] } } }),
      values: 'pilot.autoscaleMin=3' as never,
    });
    expect(problems.map(formatProblem)).toEqual([
      'cluster "east-1" (clusters[0].values): must be an object, not a list',
      'values: must be an object, not the string "pilot.autoscaleMin=3"',
      'cluster "east-1" (clusters[0].meshConfig.x.y[0]): is NaN, which JSON, YAML and Helm cannot carry; give a finite number',
    ]);
  });
});

describe('the output with overrides against the schemas of its consumers', () => {
  const { files } = synth(OVERRIDDEN);
  // Helm values files are not Kubernetes objects.
  const objects = parseObjects(files, (p) => !/^install\/[^/]+\/helm\//.test(p));

  it('validates every object: IstioOperator, Argo CD Applications, Flux HelmReleases and Sail Istio resources', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['IstioOperator', 'Application', 'HelmRelease', 'Istio']) expect(kinds, kind).toContain(kind);
    for (const o of objects) {
      const { file, ...object } = o;
      expect(() => validateObject(object), `${file}: ${o.kind} ${o.metadata.name}`).not.toThrow();
    }
  });

  it('gives the Sail Operator values its CRD knows, and the check sees a value it does not', () => {
    const sail = objects.filter((o) => o.kind === 'Istio');
    expect(sail).toHaveLength(OVERRIDDEN.clusters.length);
    for (const { file, ...istio } of sail) expect(sailSchemaErrors(istio), file).toEqual([]);
    const { file: _file, ...istio } = sail[0];
    expect(sailSchemaErrors({ ...istio, spec: { ...istio.spec, values: { ...istio.spec.values, pilot: { notAValue: 1 } } } })).not.toEqual([]);
  });
});
