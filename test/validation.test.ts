import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClusterSpec, DEFAULT_ISTIO_VERSION, formatProblem, IstiodExposure, IstioMulticlusterMesh, ISTIO_RELEASES, IstioRelease, istioRelease,
  MeshProblem, MeshSpec, MeshValidationError, MIN_ISTIO_MINOR, NEWEST_KNOWN_ISTIO_MINOR, renderMeshFiles, Topology, validateMesh,
} from '../src';
import { MIXED_MESH, thrown } from './support';

/** The problem a test expects: its cluster, its field path, and what the message must say. */
interface Expected {
  readonly cluster?: string;
  readonly field: string;
  readonly message: RegExp;
}

/** Renders a mesh that must fail, and returns the one error it fails with. */
function renderError(mesh: IstioMulticlusterMesh): MeshValidationError {
  const error = thrown(() => renderMeshFiles(mesh));
  expect(error).toBeInstanceOf(MeshValidationError);
  return error as MeshValidationError;
}

/** Asserts that the description has exactly the expected problems, in order. */
function expectProblems(spec: MeshSpec, expected: Expected[]) {
  const problems = validateMesh(spec);
  expect(problems.map((p) => ({ cluster: p.cluster, field: p.field })))
    .toEqual(expected.map((e) => ({ cluster: e.cluster, field: e.field })));
  problems.forEach((p, i) => expect(p.message).toMatch(expected[i].message));
}

/** Asserts that the description has exactly one problem, the expected one. */
function expectProblem(spec: MeshSpec, expected: Expected) {
  expectProblems(spec, [expected]);
}

function expectValid(spec: MeshSpec) {
  expect(validateMesh(spec).map(formatProblem)).toEqual([]);
}

/** Two primaries on one network, valid as is; `a` and `b` override fields of each cluster. */
function twoPrimaries(a: Partial<ClusterSpec> = {}, b: Partial<ClusterSpec> = {}): MeshSpec {
  return { clusters: [{ name: 'cluster1', network: 'network1', ...a }, { name: 'cluster2', network: 'network1', ...b }] };
}

/** A primary serving one remote on one network, valid as is. */
function primaryRemote(primary: Partial<ClusterSpec> = {}, remote: Partial<ClusterSpec> = {}): MeshSpec {
  return {
    clusters: [
      { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10', ...primary },
      { name: 'cluster2', network: 'network1', controlPlaneCluster: 'cluster1', ...remote },
    ],
  };
}

describe('the baseline descriptions these tests vary', () => {
  it('are valid as they are', () => {
    expectValid(twoPrimaries());
    expectValid(primaryRemote());
  });
});

describe('cluster names', () => {
  it('must be unique: the second use of a name is reported', () => {
    expectProblem(twoPrimaries({}, { name: 'cluster1' }), {
      cluster: 'cluster1', field: 'clusters[1].name', message: /"cluster1" is used by more than one cluster.*must be unique/,
    });
  });

  it('must not contain uppercase letters', () => {
    expectProblem(twoPrimaries({}, { name: 'Cluster2' }), {
      cluster: 'Cluster2', field: 'clusters[1].name', message: /"Cluster2" must be a DNS-1123 label: lowercase letters, digits and "-"/,
    });
  });

  it('must not contain underscores', () => {
    expectProblem(twoPrimaries({ name: 'cluster_1' }), {
      cluster: 'cluster_1', field: 'clusters[0].name', message: /"cluster_1" must be a DNS-1123 label/,
    });
  });

  it('must be at most 63 characters long', () => {
    const long = 'c'.repeat(64);
    expectValid(twoPrimaries({ name: 'c'.repeat(63) }));
    expectProblem(twoPrimaries({ name: long }), {
      cluster: long, field: 'clusters[0].name', message: /must be at most 63 characters \(has 64\)/,
    });
  });

  it('must not be empty', () => {
    expectProblem(twoPrimaries({}, { name: '' }), { cluster: '', field: 'clusters[1].name', message: /must not be empty/ });
  });
});

describe('network names', () => {
  it('must not contain spaces', () => {
    expectProblem(twoPrimaries({}, { network: 'network 2' }), {
      cluster: 'cluster2', field: 'clusters[1].network', message: /network "network 2" must be a valid Kubernetes label value/,
    });
  });

  it('must not be empty', () => {
    expectProblem(twoPrimaries({ network: '' }), {
      cluster: 'cluster1', field: 'clusters[0].network', message: /network "" must not be empty/,
    });
  });

  it('must be at most 63 characters long', () => {
    expectProblem(twoPrimaries({}, { network: 'n'.repeat(64) }), {
      cluster: 'cluster2', field: 'clusters[1].network', message: /must be at most 63 characters \(has 64\)/,
    });
  });
});

describe('mesh identity', () => {
  it('rejects a meshId that is not a DNS-1123 label', () => {
    expectProblem({ ...twoPrimaries(), meshId: 'Mesh_1' }, {
      field: 'meshId', message: /"Mesh_1" must be a DNS-1123 label: lowercase letters, digits and "-"/,
    });
  });

  it('rejects a trustDomain that is not a SPIFFE trust domain', () => {
    expectProblem({ ...twoPrimaries(), trustDomain: 'Cluster Local' }, {
      field: 'trustDomain', message: /"Cluster Local" must be a SPIFFE trust domain.*for example cluster\.local/,
    });
  });

  it('reports mesh-wide problems without a cluster', () => {
    const [problem] = validateMesh({ ...twoPrimaries(), meshId: 'Mesh_1' });
    expect(problem.cluster).toBeUndefined();
    expect(formatProblem(problem)).toMatch(/^meshId: "Mesh_1" must be/);
  });
});

describe('a remote\'s controlPlaneCluster', () => {
  it('must name a cluster of the mesh, and the problem lists the clusters to choose from', () => {
    expectProblem(primaryRemote({}, { controlPlaneCluster: 'cluster9' }), {
      cluster: 'cluster2', field: 'clusters[1].controlPlaneCluster',
      message: /names "cluster9", which is not a cluster of this mesh; name one of: cluster1, cluster2/,
    });
  });

  it('must not name another remote', () => {
    const spec = primaryRemote();
    const chained: MeshSpec = {
      clusters: [...spec.clusters, { name: 'cluster3', network: 'network1', controlPlaneCluster: 'cluster2' }],
    };
    expectProblem(chained, {
      cluster: 'cluster3', field: 'clusters[2].controlPlaneCluster',
      message: /names "cluster2", which is itself a remote \(of "cluster1"\); a remote must be controlled by a primary/,
    });
  });

  it('must not name the cluster itself', () => {
    expectProblem(primaryRemote({}, { controlPlaneCluster: 'cluster2' }), {
      cluster: 'cluster2', field: 'clusters[1].controlPlaneCluster',
      message: /names the cluster itself; leave controlPlaneCluster out to make this cluster a primary/,
    });
  });
});

describe('a primary\'s discoveryAddress', () => {
  it('is required when the primary serves remotes, and the problem names the remotes and what to set', () => {
    expectProblem(primaryRemote({ discoveryAddress: undefined }), {
      cluster: 'cluster1', field: 'clusters[0].discoveryAddress',
      message: /is required: the remote\(s\) cluster2 reach this primary's istiod at it; set it to the IP address or DNS name/,
    });
  });

  it.each([
    ['an IPv4 address', '192.0.2.10'],
    ['an IPv6 address', '2001:db8::10'],
    ['a DNS name', 'istiod.example.com'],
    ['a single-label DNS name', 'istiod'],
  ])('accepts %s (%s)', (_kind, address) => {
    expectValid(primaryRemote({ discoveryAddress: address }));
  });

  it.each([
    ['a URL', 'https://1.2.3.4', /is a URL; give only the host/],
    ['an IPv4 address with a port', '1.2.3.4:15012', /contains a port; give only the host: Istio adds ports 15012 and 15017 itself/],
    ['a DNS name with a port', 'istiod.example.com:15012', /contains a port; give only the host/],
    ['a bracketed IPv6 address with a port', '[2001:db8::1]:15012', /contains a port; give only the host/],
    ['a value with spaces', 'istiod example.com', /must not contain spaces/],
    ['a value with a path', 'istiod.example.com/discovery', /contains a "\/"; give only the host/],
    ['an IPv4 address with an octet over 255', '999.1.1.1', /must be an IPv4 address, an IPv6 address or a DNS name/],
    ['an IPv4 address with three octets', '1.2.3', /must be an IPv4 address, an IPv6 address or a DNS name/],
    ['an empty value', '', /must not be empty/],
  ])('rejects %s (%s)', (_kind, address, message) => {
    expectProblem(primaryRemote({ discoveryAddress: address }), {
      cluster: 'cluster1', field: 'clusters[0].discoveryAddress', message,
    });
    expect(validateMesh(primaryRemote({ discoveryAddress: address }))[0].message).toContain(`"${address}"`);
  });
});

describe('settings that only a primary has', () => {
  it('rejects a discoveryAddress on a remote: it gets its primary\'s', () => {
    expectProblem(primaryRemote({}, { discoveryAddress: '192.0.2.20' }), {
      cluster: 'cluster2', field: 'clusters[1].discoveryAddress',
      message: /is set on a remote; only a primary that serves remotes has a discovery address/,
    });
  });

  it('rejects an istiodExposure on a remote: it runs no istiod', () => {
    expectProblem(primaryRemote({}, { istiodExposure: IstiodExposure.LOAD_BALANCER }), {
      cluster: 'cluster2', field: 'clusters[1].istiodExposure', message: /is set on a remote; only a primary runs an istiod/,
    });
  });
});

describe('pod and service CIDRs', () => {
  const overlapMessage = /overlaps .* of cluster "cluster1" on the same network "network1"; pod and service ranges must be unique/;

  it('must not overlap between two clusters on the same network (pod vs pod)', () => {
    expectProblem(twoPrimaries({ podCidrs: ['10.0.0.0/16'] }, { podCidrs: ['10.0.128.0/17'] }), {
      cluster: 'cluster2', field: 'clusters[1].podCidrs[0]', message: overlapMessage,
    });
    expect(validateMesh(twoPrimaries({ podCidrs: ['10.0.0.0/16'] }, { podCidrs: ['10.0.128.0/17'] }))[0].message)
      .toMatch(/^10\.0\.128\.0\/17 overlaps 10\.0\.0\.0\/16 \(podCidrs\[0\]\) of cluster "cluster1"/);
  });

  it('must not overlap between two clusters on the same network (pod vs service)', () => {
    expectProblem(twoPrimaries({ podCidrs: ['10.0.0.0/16'] }, { podCidrs: ['10.1.0.0/16'], serviceCidrs: ['10.0.5.0/24'] }), {
      cluster: 'cluster2', field: 'clusters[1].serviceCidrs[0]', message: /^10\.0\.5\.0\/24 overlaps 10\.0\.0\.0\/16 \(podCidrs\[0\]\)/,
    });
  });

  it('must not overlap between two clusters on the same network (IPv6)', () => {
    expectProblem(twoPrimaries({ serviceCidrs: ['fd00::/48'] }, { serviceCidrs: ['fd00:0:0:1::/64'] }), {
      cluster: 'cluster2', field: 'clusters[1].serviceCidrs[0]', message: overlapMessage,
    });
  });

  it('may overlap between clusters on different networks', () => {
    expectValid(twoPrimaries(
      { podCidrs: ['10.0.0.0/16', 'fd00::/48'], serviceCidrs: ['10.96.0.0/12'] },
      { network: 'network2', podCidrs: ['10.0.0.0/16', 'fd00::/48'], serviceCidrs: ['10.96.0.0/12'] },
    ));
  });

  it('accepts ranges that do not overlap on the same network', () => {
    expectValid(twoPrimaries(
      { podCidrs: ['10.0.0.0/16', 'fd00:0:0:1::/64'], serviceCidrs: ['10.100.0.0/16'] },
      { podCidrs: ['10.1.0.0/16', 'fd00:0:0:2::/64'], serviceCidrs: ['10.101.0.0/16'] },
    ));
  });

  it('must be well-formed CIDRs, each reported at its own index', () => {
    expectProblems(twoPrimaries({ podCidrs: ['10.0.0.0/16', '10.1.0.0'], serviceCidrs: ['10.0.0.0/33', 'fd00::/129', 'banana/8'] }), [
      { cluster: 'cluster1', field: 'clusters[0].podCidrs[1]', message: /"10\.1\.0\.0" must be in CIDR notation, such as 10\.0\.0\.0\/16/ },
      { cluster: 'cluster1', field: 'clusters[0].serviceCidrs[0]', message: /"10\.0\.0\.0\/33" has a prefix length over 32/ },
      { cluster: 'cluster1', field: 'clusters[0].serviceCidrs[1]', message: /"fd00::\/129" has a prefix length over 128/ },
      { cluster: 'cluster1', field: 'clusters[0].serviceCidrs[2]', message: /"banana\/8" has an address that is neither IPv4 nor IPv6/ },
    ]);
  });
});

describe('the Istio version', () => {
  it.each(['1.23.4', '1.20', '2.0.0'])('rejects %s, saying that 1.24 and later are supported', (version) => {
    expectProblem({ ...twoPrimaries(), istioVersion: version }, {
      field: 'istioVersion', message: new RegExp(`Istio ${version.replace(/\./g, '\\.')} is not supported: .*Istio 1\\.24 and later`),
    });
  });

  it.each(['latest', 'banana'])('rejects "%s", which is not a version, saying that 1.24 and later are supported', (version) => {
    expectProblem({ ...twoPrimaries(), istioVersion: version }, {
      field: 'istioVersion',
      message: new RegExp(`"${version}" is not an Istio version; name a release of Istio 1\\.24 or later, such as ${DEFAULT_ISTIO_VERSION.replace(/\./g, '\\.')}`),
    });
  });

  it.each(['1.24.0', '1.24', '1.31.1', '1.29.0-beta.1', 'v1.31.1', '1.40.0'])('accepts %s', (version) => {
    expectValid({ ...twoPrimaries(), istioVersion: version });
  });
});

describe('the shape of the mesh', () => {
  it('needs a primary', () => {
    expectProblems({ clusters: [{ name: 'cluster1', network: 'network1', controlPlaneCluster: 'cluster1' }] }, [
      { cluster: 'cluster1', field: 'clusters[0].controlPlaneCluster', message: /names the cluster itself/ },
      { field: 'clusters', message: /no cluster is a primary: at least one cluster must run istiod \(leave its controlPlaneCluster out\)/ },
    ]);
  });

  it('needs at least one cluster', () => {
    expectProblem({ clusters: [] }, { field: 'clusters', message: /a mesh needs at least one cluster, and at least one of them must be a primary/ });
  });
});

describe('east-west gateway options', () => {
  it('reject zero replicas', () => {
    expectProblem(primaryRemote({ eastWestGateway: { replicas: 0 } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway.replicas', message: /^0 must be a whole number of at least 1/,
    });
  });

  it('reject a non-integer number of replicas', () => {
    expectProblem(primaryRemote({ eastWestGateway: { replicas: 1.5 } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway.replicas', message: /^1\.5 must be a whole number of at least 1/,
    });
  });

  it('reject maxReplicas smaller than replicas', () => {
    expectValid(primaryRemote({ eastWestGateway: { replicas: 3, maxReplicas: 3 } }));
    expectProblem(primaryRemote({ eastWestGateway: { replicas: 3, maxReplicas: 2 } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway.maxReplicas', message: /^2 must be a whole number no smaller than replicas \(3\)/,
    });
  });

  it('reject a loadBalancerIP that is not an IP address', () => {
    expectProblem(primaryRemote({ eastWestGateway: { loadBalancerIP: '999.1.1.1' } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway.loadBalancerIP', message: /"999\.1\.1\.1" must be an IPv4 or IPv6 address/,
    });
  });

  it('reject an invalid annotation key', () => {
    expectProblem(primaryRemote({ eastWestGateway: { serviceAnnotations: { 'cloud.example.com/ok': 'yes', 'not a key': 'x' } } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway.serviceAnnotations["not a key"]',
      message: /^annotation key has a name part that is not letters, digits/,
    });
  });

  it('are a problem on a cluster that gets no gateway (one network, no remotes)', () => {
    expectProblem(twoPrimaries({}, { eastWestGateway: { replicas: 2 } }), {
      cluster: 'cluster2', field: 'clusters[1].eastWestGateway',
      message: /is set, but this cluster gets no east-west gateway.*remove the overrides/,
    });
  });

  it('are a problem on a remote of a single-network mesh', () => {
    expectProblem(primaryRemote({}, { eastWestGateway: { replicas: 2 } }), {
      cluster: 'cluster2', field: 'clusters[1].eastWestGateway', message: /gets no east-west gateway.*remove the overrides/,
    });
  });

  it('are a problem on a single-network primary that exposes istiod through its own load balancer instead', () => {
    expectValid(primaryRemote({ eastWestGateway: { replicas: 2 } }));
    expectProblem(primaryRemote({ istiodExposure: IstiodExposure.LOAD_BALANCER, eastWestGateway: { replicas: 2 } }), {
      cluster: 'cluster1', field: 'clusters[0].eastWestGateway', message: /gets no east-west gateway.*remove the overrides/,
    });
  });

  it('are accepted on every cluster of a multi-network mesh, where every cluster gets a gateway', () => {
    expectValid(twoPrimaries({ eastWestGateway: { replicas: 2 } }, { network: 'network2', eastWestGateway: { maxReplicas: 3 } }));
  });
});

describe('istiodLoadBalancer', () => {
  it('is a problem without istiodExposure LOAD_BALANCER', () => {
    expectProblem(primaryRemote({ istiodLoadBalancer: { loadBalancerIP: '198.51.100.7' } }), {
      cluster: 'cluster1', field: 'clusters[0].istiodLoadBalancer',
      message: /is set, but this cluster has no istiod-external Service: .*istiodExposure IstiodExposure\.LOAD_BALANCER/,
    });
  });

  it('is accepted with istiodExposure LOAD_BALANCER on a primary that serves remotes', () => {
    expectValid(primaryRemote({ istiodExposure: IstiodExposure.LOAD_BALANCER, istiodLoadBalancer: { loadBalancerIP: '192.0.2.10' } }));
  });
});

describe('reporting', () => {
  /** Five distinct mistakes, one each. */
  const fiveMistakes: MeshSpec = {
    meshId: 'Mesh_1',
    clusters: [
      { name: 'cluster1', network: 'network1' },
      { name: 'cluster1', network: 'network1' },
      { name: 'cluster3', network: 'network 3' },
      { name: 'cluster4', network: 'network1', controlPlaneCluster: 'cluster9' },
      { name: 'cluster5', network: 'network1', podCidrs: ['10.0.0.0/40'] },
    ],
  };

  it('reports all problems at once', () => {
    expect(validateMesh(fiveMistakes).map((p) => p.field)).toEqual([
      'meshId', 'clusters[1].name', 'clusters[2].network', 'clusters[3].controlPlaneCluster', 'clusters[4].podCidrs[0]',
    ]);
  });

  it('throws one MeshValidationError that lists every problem and says nothing was written', () => {
    const mesh = new IstioMulticlusterMesh(new App(), 'm', fiveMistakes);
    const { problems, message } = renderError(mesh);
    expect(problems).toEqual(validateMesh(fiveMistakes));
    expect(problems).toHaveLength(5);
    expect(message).toMatch(/\b5 problems\b.*; nothing was written:\n/);
    for (const problem of problems) expect(message).toContain(formatProblem(problem));
  });

  it('formats a cluster\'s problem with its cluster and field', () => {
    const problem: MeshProblem = { cluster: 'c2', field: 'clusters[1].network', message: 'is wrong' };
    expect(formatProblem(problem)).toBe('cluster "c2" (clusters[1].network): is wrong');
  });
});

describe('valid descriptions', () => {
  it.each<[string, MeshSpec]>([
    ['multi-primary', Topology.multiPrimary({ clusters: ['cluster1', 'cluster2'], network: 'network1' })],
    ['multi-primary-multi-network', Topology.multiPrimaryMultiNetwork({
      clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
    })],
    ['primary-remote', Topology.primaryRemote({
      primary: { name: 'cluster1', discoveryAddress: '192.0.2.10' }, remotes: ['cluster2'], network: 'network1',
    })],
    ['primary-remote-multi-network', Topology.primaryRemoteMultiNetwork({
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10' },
      remotes: [{ name: 'cluster2', network: 'network2' }],
    })],
    ['the mixed mesh', MIXED_MESH],
  ])('%s has no problems', (_name, spec) => {
    expectValid(spec);
  });
});

describe('an IstioMulticlusterMesh built from an invalid description', () => {
  const spec = primaryRemote({ discoveryAddress: undefined });
  const mesh = new IstioMulticlusterMesh(new App(), 'm', spec);

  it('keeps the problems and creates no clusters', () => {
    expect(mesh.problems).toEqual(validateMesh(spec));
    expect(mesh.problems).toHaveLength(1);
    expect(mesh.clusters).toEqual([]);
    expect(mesh.plan).toBeUndefined();
    expect(mesh.node.findAll().length).toBe(1);
  });

  it('cannot be rendered: renderMeshFiles throws a MeshValidationError naming the mesh and listing its problem', () => {
    const { problems, message } = renderError(mesh);
    expect(problems).toEqual(mesh.problems);
    expect(message).toMatch(/\b1 problem\b/);
    expect(message).toMatch(/mesh "m"/i);
    expect(message).toMatch(/; nothing was written:\n/);
    expect(message).toContain('  - cluster "cluster1" (clusters[0].discoveryAddress): is required');
  });
});

describe('the releases the library knows (ISTIO_RELEASES)', () => {
  it('has one row per minor release, without a gap, from the oldest supported to the newest known', () => {
    expect(ISTIO_RELEASES.map((r) => r.minor)).toEqual(
      Array.from({ length: NEWEST_KNOWN_ISTIO_MINOR - MIN_ISTIO_MINOR + 1 }, (_v, i) => MIN_ISTIO_MINOR + i));
  });

  it('renders a release newer than the newest known as the newest known, and refuses one older than the oldest', () => {
    expect(istioRelease(NEWEST_KNOWN_ISTIO_MINOR + 3)).toBe(ISTIO_RELEASES[ISTIO_RELEASES.length - 1]);
    expect(() => istioRelease(MIN_ISTIO_MINOR - 1)).toThrow(/older than every release/);
  });

  it('keeps facts that, once a release has them, every later release has too', () => {
    const monotone = (fact: (r: IstioRelease) => boolean) => ISTIO_RELEASES.every((r, i) => i === 0 || !fact(ISTIO_RELEASES[i - 1]) || fact(r));
    expect(monotone((r) => r.remoteSecretTlsServerName)).toBe(true);
    expect(monotone((r) => r.remoteIpv6DiscoveryAddress)).toBe(true);
    expect(monotone((r) => r.gatewayAmbientOptOut)).toBe(true);
    expect(monotone((r) => !r.gatewayFixedProxyUser)).toBe(true);
    expect(monotone((r) => r.ambientMulticluster !== undefined)).toBe(true);
    expect(monotone((r) => r.ambientMulticluster === 'beta')).toBe(true);
  });
});
