import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Namespace as NamespaceModel } from 'kubernetes-models/v1/Namespace';
import { describe, expect, it } from 'vitest';
import { SailIstio } from '../src/constructs/sail/sail-istio';
import { SailIstioCni } from '../src/constructs/sail/sail-istio-cni';
import { SailZTunnel } from '../src/constructs/sail/sail-ztunnel';
import { DataPlaneMode, MeshSpec } from '../src/model/mesh-spec';
import { Topology } from '../src/model/topology';
import { planMesh, validateMesh } from '../src/plan/analyze-mesh';
import { ClusterRole, MeshPlan } from '../src/plan/mesh-plan';
import { renderSail, SAIL_GLOBAL_VALUE_KEYS } from '../src/render/delivery/sail';
import { IstioInstallValues, istioInstallValues } from '../src/plan/install/istio-values';
import { commonLabels } from '../src/render/labels';
import { helmCniValuesPath, helmZtunnelValuesPath, sailIstioDir } from '../src/render/layout';
import { OutputDirectory } from '../src/render/output-directory';
import { sailSchemaErrors as schemaErrors, sailSchemaFixture } from './sail-schema';
import { fileDocument, parseObjects, synth } from './support';

const ISTIO_VERSION = '1.30.3';
const sail = { delivery: { sailOperator: true } };

const topologies: Record<string, MeshSpec> = {
  'multi-primary': Topology.multiPrimary({ istioVersion: ISTIO_VERSION, ...sail, clusters: ['cluster1', 'cluster2'] }),
  'multi-primary-multi-network': Topology.multiPrimaryMultiNetwork({
    istioVersion: ISTIO_VERSION, ...sail,
    clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
  }),
  'primary-remote': Topology.primaryRemote({
    istioVersion: ISTIO_VERSION, ...sail,
    primary: { name: 'cluster1', discoveryAddress: '192.0.2.10' }, remotes: ['cluster2', 'cluster3'],
  }),
  // A DNS name: the remote gets an injection URL, the primary a custom host for istiod's certificate.
  'primary-remote-multi-network': Topology.primaryRemoteMultiNetwork({
    istioVersion: ISTIO_VERSION, ...sail,
    primary: { name: 'east', network: 'net-east', discoveryAddress: 'istiod.east.example.com' },
    remotes: [{ name: 'west', network: 'net-west' }],
  }),
};

interface Rendered {
  readonly plan: MeshPlan;
  readonly values: Map<string, IstioInstallValues>;
  readonly directories: OutputDirectory[];
}

function render(spec: MeshSpec): Rendered {
  const plan = planMesh(spec);
  const values = new Map(plan.clusters.map((c) => [c.name, istioInstallValues(plan, c)]));
  const app = new App();
  const scope = new Construct(app, 'mesh');
  return { plan, values, directories: renderSail(scope, plan, values) };
}

/** The objects of a directory's files, in file order. */
function objectsOf(dir: OutputDirectory): { file: string; objects: any[] }[] {
  return dir.chart!.files.map((f) => ({
    file: f.name,
    objects: f.scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson()),
  }));
}

/** The one `Istio` of a cluster's Sail directory. */
function istioOf(dir: OutputDirectory): any {
  const files = objectsOf(dir);
  expect(files.map((f) => f.file)).toEqual(['istio.yaml']);
  expect(files[0].objects).toHaveLength(1);
  return files[0].objects[0];
}

describe('Sail Operator output', () => {
  for (const [name, spec] of Object.entries(topologies)) {
    it(`${name}: one valid Istio per cluster, carrying the cluster's install values unchanged`, () => {
      const { plan, values, directories } = render(spec);
      expect(directories.map((d) => d.path)).toEqual(plan.clusters.map((c) => sailIstioDir(c.name)));
      for (const [i, cluster] of plan.clusters.entries()) {
        const istio = istioOf(directories[i]);
        expect(schemaErrors(istio)).toEqual([]);
        expect(istio.apiVersion).toBe('sailoperator.io/v1');
        expect(istio.kind).toBe('Istio');
        // Cluster-scoped.
        expect(istio.metadata).toEqual({ name: 'default', labels: commonLabels(plan.meshId, cluster.name, 'install') });
        expect(istio.spec.version).toBe(`v${ISTIO_VERSION}`);
        expect(istio.spec.namespace).toBe('istio-system');
        const { profile, ...helmValues } = values.get(cluster.name)!;
        expect(istio.spec.profile).toBe(cluster.role === ClusterRole.REMOTE ? 'remote' : undefined);
        expect('profile' in istio.spec).toBe(cluster.role === ClusterRole.REMOTE);
        expect(profile).toBe(istio.spec.profile);
        // Istio's own keys, as Helm takes them (meshID, not the typed class's meshId).
        expect(istio.spec.values).toEqual(helmValues);
        expect(istio.spec.values.global.meshID).toBe(plan.meshId);
      }
    });
  }

  it('carries every kind of value the model has: remote address, injection URL and path, custom host', () => {
    const emitted = Object.values(topologies).flatMap((spec) => render(spec).directories.map(istioOf));
    const keys = new Set(emitted.flatMap((o) => [
      ...Object.keys(o.spec.values), ...Object.keys(o.spec.values.global).map((k) => `global.${k}`),
      ...Object.keys(o.spec.values.istiodRemote ?? {}).map((k) => `istiodRemote.${k}`),
    ]));
    for (const key of ['meshConfig', 'pilot', 'global.externalIstiod', 'global.remotePilotAddress', 'global.configCluster',
      'istiodRemote.injectionPath', 'istiodRemote.injectionURL']) {
      expect(keys, key).toContain(key);
    }
  });

  it('names a release without a patch by the newest patch the operator knows', () => {
    const { directories } = render({ ...topologies['multi-primary'], istioVersion: '1.29' });
    expect(directories.map((d) => istioOf(d).spec.version)).toEqual(['v1.29-latest', 'v1.29-latest']);
    for (const dir of directories) expect(schemaErrors(istioOf(dir))).toEqual([]);
  });

  it('refuses a release the operator does not list, only when the Sail output is asked for', () => {
    const withSail = validateMesh({ ...topologies['multi-primary'], istioVersion: '1.31.1' });
    expect(withSail.filter((p) => p.field === 'istioVersion' && /Sail/.test(p.message))).toHaveLength(1);
    const withoutSail = validateMesh({ ...topologies['multi-primary'], istioVersion: '1.31.1', delivery: { sailOperator: false } });
    expect(withoutSail).toEqual([]);
    expect(validateMesh({ ...topologies['multi-primary'], istioVersion: '1.31.1', delivery: undefined })).toEqual([]);
  });

  it('renders nothing when the mesh does not ask for the operator', () => {
    expect(render({ ...topologies['primary-remote'], delivery: undefined }).directories).toEqual([]);
    expect(render({ ...topologies['primary-remote'], delivery: { sailOperator: false } }).directories).toEqual([]);
  });

  it('renders the same objects every time', () => {
    for (const spec of Object.values(topologies)) {
      const json = () => JSON.stringify(render(spec).directories.map((d) => ({ ...d, chart: d.chart!.toJson() })));
      expect(json()).toBe(json());
    }
  });

  it('the schema check is not vacuous: it refuses what the API server would', () => {
    const good = istioOf(render(topologies['primary-remote']).directories[1]);
    expect(schemaErrors(good)).toEqual([]);
    const spec = (change: object) => ({ ...good, spec: { ...good.spec, ...change } });
    expect(schemaErrors(spec({ version: 'v1.31.1' })).join()).toMatch(/\/spec\/version must be equal to one of the allowed values/);
    expect(schemaErrors(spec({ profile: 'primary' })).join()).toMatch(/\/spec\/profile/);
    const { namespace, ...noNamespace } = good.spec;
    expect(namespace).toBe('istio-system');
    expect(schemaErrors({ ...good, spec: noNamespace }).join()).toMatch(/must have required property 'namespace'/);
    // The typed class's spelling is not the CRD's: the API server would prune it.
    const renamed = spec({ values: { ...good.spec.values, global: { ...good.spec.values.global, meshId: 'mesh1' } } });
    expect(schemaErrors(renamed).join()).toMatch(/\/spec\/values\/global must NOT have additional properties.*meshId/);
  });
});

describe('SailIstio', () => {
  const synth = (props: ConstructorParameters<typeof SailIstio>[2]) => {
    const chart = new Chart(new App(), 'test');
    const istio = new SailIstio(chart, 'SailIstio', props);
    const problems = istio.node.validate();
    return { istio, problems, objects: problems.length === 0 ? chart.toJson() : [] };
  };

  it('defaults to the resource `default` in istio-system, without profile or values', () => {
    const { istio, objects, problems } = synth({ version: 'v1.30-latest' });
    expect(problems).toEqual([]);
    expect(istio.name).toBe('default');
    expect(istio.namespace).toBe('istio-system');
    expect(objects).toEqual([{
      apiVersion: 'sailoperator.io/v1', kind: 'Istio',
      metadata: { name: 'default' }, spec: { namespace: 'istio-system', version: 'v1.30-latest' },
    }]);
    expect(schemaErrors(objects[0])).toEqual([]);
  });

  it('passes values as given, as they were when it was created', () => {
    const values = () => ({ global: { meshID: 'm', multiCluster: { clusterName: 'c' } }, meshConfig: { trustDomain: 't' } });
    const chart = new Chart(new App(), 'test');
    const given = values();
    new SailIstio(chart, 'SailIstio', { version: 'v1.30.3', values: given, name: 'mesh', namespace: 'istio-cp', labels: { a: 'b' } });
    given.global.meshID = 'changed later';
    const [istio] = chart.toJson();
    expect(istio.metadata).toEqual({ name: 'mesh', labels: { a: 'b' } });
    expect(istio.spec).toEqual({ namespace: 'istio-cp', version: 'v1.30.3', values: values() });
    expect(schemaErrors(istio)).toEqual([]);
  });

  it('reports a version or profile the operator does not list', () => {
    const { problems } = synth({ version: 'v1.31.1', profile: 'primary' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/version v1\.31\.1/);
    expect(problems[1]).toMatch(/profile primary/);
  });
});

/** Ambient mode, as a mesh description gives it: three primaries, two of them on one network. */
const AMBIENT: MeshSpec = {
  dataPlaneMode: DataPlaneMode.AMBIENT,
  istioVersion: ISTIO_VERSION,
  ...sail,
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
};

/** A cluster's Sail directory, by file: each object as `kind/name`. */
const layoutOf = (dir: OutputDirectory) => objectsOf(dir).map((f) => [f.file, f.objects.map((o) => `${o.kind}/${o.metadata.name}`)]);

/** The one object of a kind in a cluster's Sail directory. */
function oneOf(dir: OutputDirectory, kind: string): any {
  const found = objectsOf(dir).flatMap((f) => f.objects).filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
}

describe('Sail Operator output of an ambient mesh', () => {
  const { plan, values, directories } = render(AMBIENT);

  it('gives every cluster its Istio, and an IstioCNI and a ZTunnel, each with the namespace it installs into', () => {
    expect(directories.map((d) => d.path)).toEqual(plan.clusters.map((c) => sailIstioDir(c.name)));
    for (const d of directories) {
      expect(layoutOf(d)).toEqual([
        ['istio-cni.yaml', ['Namespace/istio-cni', 'IstioCNI/default']],
        ['istio.yaml', ['Istio/default']],
        ['ztunnel.yaml', ['Namespace/ztunnel', 'ZTunnel/default']],
      ]);
    }
  });

  it('emits resources the API server takes as they are: valid against their CRDs, named `default`, labelled, in sailoperator.io/v1', () => {
    for (const [i, cluster] of plan.clusters.entries()) {
      for (const kind of ['Istio', 'IstioCNI', 'ZTunnel']) {
        const o = oneOf(directories[i], kind);
        expect(schemaErrors(o), `${cluster.name} ${kind}`).toEqual([]);
        expect(o.apiVersion).toBe('sailoperator.io/v1');
        // Cluster-scoped; the CRDs of IstioCNI and ZTunnel allow only `default` (a CEL rule, which ajv does not run).
        expect(o.metadata).toEqual({ name: 'default', labels: commonLabels(plan.meshId, cluster.name, 'install') });
        expect(o.spec.version).toBe(`v${ISTIO_VERSION}`);
      }
      for (const ns of objectsOf(directories[i]).flatMap((f) => f.objects).filter((o) => o.kind === 'Namespace')) {
        expect(() => new NamespaceModel(ns).validate()).not.toThrow();
        expect(ns.metadata.labels).toEqual(commonLabels(plan.meshId, cluster.name, 'install'));
      }
    }
  });

  it('gives the Istio the ambient profile and the install values but their ztunnel section, which its CRD refuses, and tells istiod where ztunnel runs', () => {
    for (const [i, cluster] of plan.clusters.entries()) {
      const istio = oneOf(directories[i], 'Istio');
      const ztunnel = oneOf(directories[i], 'ZTunnel');
      const { profile, ztunnel: ztunnelValues, ...istioValues } = values.get(cluster.name)!;
      expect(ztunnelValues).toBeDefined();
      expect(istio.spec).toMatchObject({ namespace: 'istio-system', profile: 'ambient' });
      expect(profile).toBe('ambient');
      expect(istio.spec.values).toEqual({ ...istioValues, pilot: { ...istioValues.pilot, trustedZtunnelNamespace: 'ztunnel' } });
      expect(istio.spec.values.pilot.env.AMBIENT_ENABLE_MULTI_NETWORK).toBe('true');
      // istiod issues certificates only to a ztunnel in its own namespace or the trusted one.
      expect(ztunnel.spec.namespace).not.toBe(istio.spec.namespace);
      expect(istio.spec.values.pilot.trustedZtunnelNamespace).toBe(ztunnel.spec.namespace);
      // What the Istio's schema would refuse: the values' ztunnel section, kept in.
      expect(schemaErrors({ ...istio, spec: { ...istio.spec, values: { ...istio.spec.values, ztunnel: ztunnelValues } } }).join())
        .toMatch(/\/spec\/values must NOT have additional properties.*ztunnel/);
    }
  });

  it('installs istio-cni with the ambient profile into istio-cni, and ztunnel, following the Istio, into ztunnel', () => {
    for (const d of directories) {
      const cni = oneOf(d, 'IstioCNI');
      const ztunnel = oneOf(d, 'ZTunnel');
      expect(cni.spec).toEqual({ namespace: 'istio-cni', profile: 'ambient', version: `v${ISTIO_VERSION}` });
      expect(ztunnel.spec.namespace).toBe('ztunnel');
      // The operator copies the Istio's global values, mesh config and revision into ztunnel's.
      expect(ztunnel.spec.targetRef).toEqual({ kind: 'Istio', name: oneOf(d, 'Istio').metadata.name });
      // The Sail Operator's ZTunnel v1 has no profile: the operator always applies `ambient`.
      expect('profile' in ztunnel.spec).toBe(false);
    }
  });

  it('gives ztunnel the values of the cluster\'s Helm values file, as the operator assembles them', () => {
    const { mesh, files } = synth(AMBIENT);
    const sailObjects = (c: string) => parseObjects(files, (p) => p.startsWith(`${sailIstioDir(c)}/`));
    for (const c of mesh.plan!.clusters) {
      const [istio] = sailObjects(c.name).filter((o) => o.kind === 'Istio');
      const [ztunnel] = sailObjects(c.name).filter((o) => o.kind === 'ZTunnel');
      const [cni] = sailObjects(c.name).filter((o) => o.kind === 'IstioCNI');
      expect(ztunnel.spec.values.ztunnel).toEqual({ multiCluster: { clusterName: c.name }, network: c.network });
      // The ambient profile, the Istio's global values (targetRef), then values.ztunnel at the chart's top level.
      expect({ profile: 'ambient', global: istio.spec.values.global, ...ztunnel.spec.values.ztunnel })
        .toEqual(fileDocument(files, helmZtunnelValuesPath(c.name)));
      // The cni chart needs the profile; none of the mesh's global values are its.
      const cniFile = fileDocument(files, helmCniValuesPath(c.name));
      expect(cni.spec.profile).toBe(cniFile.profile);
      expect(cni.spec.values?.cni).toEqual(cniFile.cni);
    }
  });

  it('gives IstioCNI and ZTunnel the image settings of the global values, and no global value their CRDs refuse', () => {
    const spec: MeshSpec = { ...AMBIENT, values: { global: { hub: 'registry.example.com/istio', imagePullSecrets: ['registry'], logAsJson: true } } };
    expect(validateMesh(spec)).toEqual([]);
    const images = { hub: 'registry.example.com/istio', imagePullSecrets: ['registry'], logAsJson: true };
    for (const d of render(spec).directories) {
      const cni = oneOf(d, 'IstioCNI');
      const ztunnel = oneOf(d, 'ZTunnel');
      expect(cni.spec.values).toEqual({ global: images });
      expect(ztunnel.spec.values.global).toEqual(images);
      for (const o of [cni, ztunnel, oneOf(d, 'Istio')]) expect(schemaErrors(o), o.kind).toEqual([]);
    }
  });

  it('picks from the global values exactly the keys the IstioCNI and ZTunnel CRDs take', () => {
    const globalKeys = (kind: 'IstioCNI' | 'ZTunnel') =>
      Object.keys((sailSchemaFixture(kind) as any).properties.spec.properties.values.properties.global.properties).sort();
    expect([...SAIL_GLOBAL_VALUE_KEYS.IstioCNI].sort()).toEqual(globalKeys('IstioCNI'));
    expect([...SAIL_GLOBAL_VALUE_KEYS.ZTunnel].sort()).toEqual(globalKeys('ZTunnel'));
  });

  it('the schema checks of IstioCNI and ZTunnel are not vacuous: they refuse what the API server would', () => {
    const d = directories[0];
    const cni = oneOf(d, 'IstioCNI');
    const ztunnel = oneOf(d, 'ZTunnel');
    const withSpec = (o: any, change: object) => ({ ...o, spec: { ...o.spec, ...change } });
    expect(schemaErrors(withSpec(cni, { version: 'v1.31.1' })).join()).toMatch(/\/spec\/version must be equal to one of the allowed values/);
    expect(schemaErrors(withSpec(cni, { values: { global: { meshID: 'mesh1' } } })).join()).toMatch(/\/spec\/values\/global must NOT have additional properties.*meshID/);
    // ZTunnel v1 dropped v1alpha1's profile.
    expect(schemaErrors(withSpec(ztunnel, { profile: 'ambient' })).join()).toMatch(/\/spec must NOT have additional properties.*profile/);
    expect(schemaErrors(withSpec(ztunnel, { targetRef: { kind: 'Gateway', name: 'default' } })).join()).toMatch(/\/spec\/targetRef\/kind/);
    expect(schemaErrors(withSpec(ztunnel, { values: { ztunnel: { ...ztunnel.spec.values.ztunnel, clusterName: 'cluster1' } } })).join())
      .toMatch(/\/spec\/values\/ztunnel must NOT have additional properties.*clusterName/);
    expect(schemaErrors({ ...ztunnel, kind: 'ZTunnelX' })).toEqual(['no Sail Operator schema for kind ZTunnelX']);
  });

  it('gives sidecar meshes neither IstioCNI nor ZTunnel, nor a trusted ztunnel namespace', () => {
    for (const spec of Object.values(topologies)) {
      for (const d of render(spec).directories) {
        expect(layoutOf(d)).toEqual([['istio.yaml', ['Istio/default']]]);
        expect(istioOf(d).spec.values.pilot?.trustedZtunnelNamespace).toBeUndefined();
      }
    }
  });
});

describe('SailIstioCni and SailZTunnel', () => {
  const synthOne = (make: (chart: Chart) => Construct) => {
    const chart = new Chart(new App(), 'test');
    const construct = make(chart);
    const problems = construct.node.validate();
    return { construct, problems, objects: problems.length === 0 ? chart.toJson() : [] };
  };

  it('default to the resource `default` in the namespaces the CRDs default to, without values', () => {
    const cni = synthOne((chart) => new SailIstioCni(chart, 'Cni', { version: 'v1.30-latest' }));
    expect(cni.problems).toEqual([]);
    expect(cni.objects).toEqual([{ apiVersion: 'sailoperator.io/v1', kind: 'IstioCNI', metadata: { name: 'default' }, spec: { namespace: 'istio-cni', version: 'v1.30-latest' } }]);
    const ztunnel = synthOne((chart) => new SailZTunnel(chart, 'ZTunnel', { version: 'v1.30-latest' }));
    expect(ztunnel.problems).toEqual([]);
    expect(ztunnel.objects).toEqual([{ apiVersion: 'sailoperator.io/v1', kind: 'ZTunnel', metadata: { name: 'default' }, spec: { namespace: 'ztunnel', version: 'v1.30-latest' } }]);
    for (const o of [...cni.objects, ...ztunnel.objects]) expect(schemaErrors(o)).toEqual([]);
  });

  it('pass values as given, as they were when they were created, keys unrenamed', () => {
    const given = { cni: { psp_cluster_role: 'privileged', ambient: { dnsCapture: true } } };
    const cni = synthOne((chart) => new SailIstioCni(chart, 'Cni', { version: 'v1.30.3', values: given, profile: 'ambient', namespace: 'kube-system', labels: { a: 'b' } }));
    given.cni.psp_cluster_role = 'changed later';
    expect(cni.objects[0].metadata).toEqual({ name: 'default', labels: { a: 'b' } });
    expect(cni.objects[0].spec).toEqual({ namespace: 'kube-system', profile: 'ambient', version: 'v1.30.3', values: { cni: { psp_cluster_role: 'privileged', ambient: { dnsCapture: true } } } });
    expect(schemaErrors(cni.objects[0])).toEqual([]);
  });

  it('report a version or profile the operator does not list', () => {
    const cni = synthOne((chart) => new SailIstioCni(chart, 'Cni', { version: 'v1.31.1', profile: 'primary' }));
    expect(cni.problems).toHaveLength(2);
    expect(cni.problems[0]).toMatch(/version v1\.31\.1 .*IstioCNI/);
    expect(cni.problems[1]).toMatch(/profile primary/);
    // The ZTunnel CRD lists no release before 1.24, unlike the IstioCNI's.
    const ztunnel = synthOne((chart) => new SailZTunnel(chart, 'ZTunnel', { version: 'v1.23.6' }));
    expect(ztunnel.problems).toEqual([expect.stringMatching(/version v1\.23\.6 .*ZTunnel/)]);
    expect(synthOne((chart) => new SailIstioCni(chart, 'Cni', { version: 'v1.23.6' })).problems).toEqual([]);
  });
});
