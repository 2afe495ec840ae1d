/**
 * Delivery settings that cannot work are refused before anything is written, naming the
 * cluster and field and saying what to do.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSpec, DeliverySpec, FluxMode, formatProblem, MeshSpec, SAIL_ISTIO_VERSIONS, validateMesh } from '../src';

const REPO = { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' };

function mesh(delivery: DeliverySpec, clusters: Partial<ClusterSpec>[] = [{}, {}], extra: Partial<MeshSpec> = {}): MeshSpec {
  return {
    istioVersion: '1.30.3',
    ...extra,
    clusters: clusters.map((c, i) => ({ name: `cluster${i + 1}`, network: 'network1', ...c } as ClusterSpec)),
    delivery,
  };
}

function expectProblems(spec: MeshSpec, expected: [field: string, message: RegExp, cluster?: string][]) {
  const problems = validateMesh(spec);
  expect(problems.map((p) => [p.field, p.cluster]), problems.map(formatProblem).join('\n')).toEqual(expected.map(([f, , c]) => [f, c]));
  problems.forEach((p, i) => expect(p.message).toMatch(expected[i][1]));
}

describe('a valid delivery section', () => {
  it.each<[string, DeliverySpec]>([
    ['Argo CD', { repository: REPO, argoCd: {} }],
    ['Flux in hub mode', { repository: REPO, flux: { mode: FluxMode.HUB, hubCluster: 'cluster1', interval: '1h30m', gitSecretName: 'git-auth' } }],
    ['Flux in every cluster', { repository: { ...REPO, path: '.' }, flux: { mode: FluxMode.PER_CLUSTER } }],
    ['Argo CD from an scp-like address', { repository: { ...REPO, url: 'git@github.com:org/meshes.git', branch: 'release/1.30' }, argoCd: { project: 'platform' } }],
    ['the Sail Operator alone', { sailOperator: true }],
  ])('is accepted: %s', (_name, delivery) => {
    expect(validateMesh(mesh(delivery)).map(formatProblem)).toEqual([]);
  });
});

describe('delivery settings that cannot work', () => {
  it('refuses Argo CD and Flux without a repository to read from', () => {
    expectProblems(mesh({ argoCd: {}, flux: {} }), [['delivery.repository', /required by delivery.argoCd and delivery.flux.*url and the path/]]);
  });

  it.each<[string, string, RegExp]>([
    ['../elsewhere', 'delivery.repository.path', /leaves the repository/],
    ['/meshes/prod', 'delivery.repository.path', /is absolute/],
    ['meshes/../../x', 'delivery.repository.path', /leaves the repository/],
    ['meshes/my mesh', 'delivery.repository.path', /must not contain spaces/],
  ])('refuses the repository path %s', (path, field, message) => {
    expectProblems(mesh({ repository: { ...REPO, path }, argoCd: {} }), [[field, message]]);
  });

  it.each<[string, RegExp]>([
    ['https://user:token@git.example.com/mesh.git', /must not contain credentials/],
    ['ftp://git.example.com/mesh.git', /use https:\/\/, http:\/\/ or ssh:\/\//],
    ['not a url', /is not a Git URL/],
  ])('refuses the repository URL %s', (url, message) => {
    expectProblems(mesh({ repository: { ...REPO, url }, argoCd: {} }), [['delivery.repository.url', message]]);
  });

  it('refuses an scp-like URL for Flux, and says how to write it', () => {
    expectProblems(mesh({ repository: { ...REPO, url: 'git@github.com:org/meshes.git' }, flux: {} }),
      [['delivery.repository.url', /Flux does not read; write it as ssh:\/\/git@github.com\/org\/meshes.git/]]);
  });

  it('refuses a branch that is not a Git branch name', () => {
    expectProblems(mesh({ repository: { ...REPO, branch: 'main..x' }, argoCd: {} }), [['delivery.repository.branch', /not a valid Git branch name/]]);
  });

  it('refuses two clusters that Argo CD would address as one', () => {
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{ delivery: { argoCdClusterName: 'prod' } }, { delivery: { argoCdClusterName: 'prod' } }]),
      [['clusters[1].delivery.argoCdClusterName', /same Argo CD cluster \(name prod\) as cluster "cluster1"/, 'cluster2']]);
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{ delivery: { argoCdServer: 'https://kubernetes.default.svc' } }, { delivery: { argoCdServer: 'https://kubernetes.default.svc' } }]),
      [['clusters[1].delivery.argoCdServer', /same Argo CD cluster/, 'cluster2']]);
    // A cluster registered under another cluster's mesh name collides too.
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{}, { delivery: { argoCdClusterName: 'cluster1' } }]),
      [['clusters[1].delivery.argoCdClusterName', /same Argo CD cluster/, 'cluster2']]);
  });

  it('refuses a destination by both name and server, or by a server that is not an https URL', () => {
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{ delivery: { argoCdClusterName: 'a', argoCdServer: 'https://a.example.com' } }, {}]),
      [['clusters[0].delivery.argoCdServer', /keep one/, 'cluster1']]);
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{ delivery: { argoCdServer: 'http://a.example.com' } }, {}]),
      [['clusters[0].delivery.argoCdServer', /must be an https:\/\/ URL/, 'cluster1']]);
  });

  it('refuses addressing settings for a tool the mesh is not delivered with', () => {
    expectProblems(mesh({ sailOperator: true }, [{ delivery: { argoCdClusterName: 'a', fluxKubeConfigSecret: 'k' } }, {}]), [
      ['clusters[0].delivery.argoCdClusterName', /not delivered with Argo CD/, 'cluster1'],
      ['clusters[0].delivery.fluxKubeConfigSecret', /no hub Flux reconciles this cluster/, 'cluster1'],
    ]);
  });

  it('refuses two clusters with one kubeconfig Secret, and a Secret for the hub cluster itself', () => {
    expectProblems(mesh({ repository: REPO, flux: {} }, [{ delivery: { fluxKubeConfigSecret: 'cluster2-kubeconfig' } }, {}]),
      [['clusters[1].delivery.fluxKubeConfigSecret', /Secret "cluster2-kubeconfig" that cluster "cluster1" uses/, 'cluster2']]);
    expectProblems(mesh({ repository: REPO, flux: { hubCluster: 'cluster1' } }, [{ delivery: { fluxKubeConfigSecret: 'k' } }, {}]),
      [['clusters[0].delivery.fluxKubeConfigSecret', /on the hub cluster/, 'cluster1']]);
  });

  it('refuses a hub cluster outside the mesh, or with Flux in every cluster', () => {
    expectProblems(mesh({ repository: REPO, flux: { hubCluster: 'mgmt' } }), [['delivery.flux.hubCluster', /"mgmt", which is not a cluster of this mesh/]]);
    expectProblems(mesh({ repository: REPO, flux: { mode: FluxMode.PER_CLUSTER, hubCluster: 'cluster1' } }), [['delivery.flux.hubCluster', /Flux runs in every cluster/]]);
  });

  it('refuses names that Argo CD and Flux objects would carry in labels of over 63 characters', () => {
    const long = `c${'x'.repeat(40)}`;
    expectProblems(mesh({ repository: REPO, argoCd: {} }, [{ name: long }, {}], { meshId: 'a-rather-long-mesh-id' }),
      [['clusters[0].name', /names of up to 78 characters .* shorten the mesh ID or the cluster name/, long]]);
    // The same names are fine without Argo CD or Flux.
    expect(validateMesh(mesh({ sailOperator: true }, [{ name: long }, {}], { meshId: 'a-rather-long-mesh-id' }))).toEqual([]);
  });

  it('refuses a Flux interval that is not a duration, and namespaces that are not names', () => {
    expectProblems(mesh({ repository: REPO, flux: { interval: '10 minutes', namespace: 'Flux' }, argoCd: { namespace: 'argo_cd' } }), [
      ['delivery.argoCd.namespace', /DNS-1123 label/],
      ['delivery.flux.namespace', /DNS-1123 label/],
      ['delivery.flux.interval', /not a duration/],
    ]);
  });

  it('refuses an Istio version the Sail Operator does not list, naming the newest it does', () => {
    expectProblems(mesh({ sailOperator: true }, [{}, {}], { istioVersion: '1.31.1' }),
      [['istioVersion', /Istio 1.31.1 is not a version the Sail Operator's Istio resource lists.*the newest: 1\.30\.\d+/]]);
    expect(SAIL_ISTIO_VERSIONS).not.toContain('v1.31.1');
    expect(validateMesh(mesh({ repository: REPO, argoCd: {} }, [{}, {}], { istioVersion: '1.31.1' }))).toEqual([]);
  });

  it('reports unknown delivery fields with a suggestion, like any other field', () => {
    const problems = validateMesh({ ...mesh({ repository: REPO, argoCd: {} }), delivery: { repository: REPO, argocd: {} } } as unknown);
    expect(problems.map(formatProblem).join('\n')).toMatch(/delivery.argocd: is not a field .*did you mean "argoCd"/);
  });
});
