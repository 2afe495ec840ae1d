import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SailIstio } from '../src/constructs/sail/sail-istio';
import { MeshSpec } from '../src/model/mesh-spec';
import { Topology } from '../src/model/topology';
import { validateMesh } from '../src/model/validation';
import { ClusterRole, MeshPlan, planMesh } from '../src/plan/mesh-plan';
import { renderSail } from '../src/render/delivery/sail';
import { IstioInstallValues, istioInstallValues } from '../src/render/install/istio-values';
import { commonLabels } from '../src/render/labels';
import { sailIstioDir } from '../src/render/layout';
import { OutputDirectory } from '../src/render/output-directory';
import { sailSchemaErrors as schemaErrors } from './sail-schema';

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
