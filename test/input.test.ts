import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { formatProblem, IstiodExposure, IstioMulticlusterMesh, MeshProblem, planMesh, renderMeshFiles, validateMesh } from '../src';

/**
 * Descriptions reach the library from plain JavaScript, parsed JSON and YAML too, where
 * the TypeScript types protect nothing. Every wrong value must come back as a problem
 * that names its field, reported with all others, never as an exception.
 */

const primary = { name: 'cluster1', network: 'network1' };
const remoteOf = (name: string) => ({ name: 'cluster2', network: 'network1', controlPlaneCluster: name });
/** A valid primary-remote description whose fields the tests replace. */
const primaryRemote = (p: object = {}, r: object = {}) => ({
  clusters: [{ ...primary, discoveryAddress: '192.0.2.10', ...p }, { ...remoteOf('cluster1'), ...r }],
});

function problemsOf(input: unknown): MeshProblem[] {
  let problems: MeshProblem[] = [];
  expect(() => { problems = validateMesh(input); }).not.toThrow();
  return problems;
}

function expectOnly(input: unknown, field: string, message: RegExp, cluster?: string) {
  const problems = problemsOf(input);
  expect(problems.map(formatProblem)).toHaveLength(1);
  expect(problems[0]).toMatchObject({ field, cluster });
  expect(problems[0].message).toMatch(message);
}

describe('a description of the wrong shape', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined], ['null', null], ['a string', 'mesh'], ['a list', []], ['a number', 5],
  ])('is a problem when it is %s, not an object', (_what, input) => {
    expectOnly(input, 'description', /^must be an object, not /);
  });

  it('says that clusters must be a list when it is an object', () => {
    expectOnly({ clusters: {} }, 'clusters', /^must be a list, not an object/);
  });

  it('says which cluster entry is not an object, and keeps checking the others', () => {
    const problems = problemsOf({ clusters: [null, { ...primary, network: 'Bad Net' }] });
    expect(problems.map((p) => p.field)).toEqual(['clusters[0]', 'clusters[1].network']);
    expect(problems[0].message).toMatch(/^must be an object, not null/);
    expect(problems[1].cluster).toBe('cluster1');
  });

  it('reports a list field given as a string', () => {
    expectOnly(primaryRemote({ podCidrs: '10.0.0.0/16' }), 'clusters[0].podCidrs', /^must be a list, not the string "10\.0\.0\.0\/16"/, 'cluster1');
  });

  it('reports a number where an address belongs', () => {
    expectOnly(primaryRemote({ discoveryAddress: 5 }), 'clusters[0].discoveryAddress', /^must be a string, not the number 5/, 'cluster1');
  });

  it('reports null where gateway options belong', () => {
    expectOnly(primaryRemote({ eastWestGateway: null }), 'clusters[0].eastWestGateway', /^must be an object, not null/, 'cluster1');
  });

  it('reports numeric names and domains instead of accepting them', () => {
    const problems = problemsOf({ meshId: 1, trustDomain: 2, clusters: [primary] });
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['meshId', expect.stringMatching(/^must be a string, not the number 1: quote it/)],
      ['trustDomain', expect.stringMatching(/^must be a string, not the number 2: quote it/)],
    ]);
  });

  it('tells to quote an Istio version that YAML or JSON read as a number', () => {
    expectOnly({ istioVersion: 1.25, clusters: [primary] }, 'istioVersion', /^must be a string, not the number 1\.25: quote it \("1\.31\.1"\)/);
  });

  it('reports annotation values that are not strings', () => {
    expectOnly(primaryRemote({ eastWestGateway: { serviceAnnotations: { 'example.com/a': 1 } } }),
      'clusters[0].eastWestGateway.serviceAnnotations["example.com/a"]', /^must be a string, not the number 1/, 'cluster1');
  });

  it('reports an unknown field and suggests the field that was meant', () => {
    // Without this, a misspelt controlPlaneCluster silently turns a remote into a primary.
    const { controlPlaneCluster: _dropped, ...remote } = remoteOf('cluster1');
    expectOnly(primaryRemote({}, { ...remote, controlPlane: 'cluster1', controlPlaneCluster: undefined }),
      'clusters[1].controlPlane', /^is not a field of the mesh description.*did you mean "controlPlaneCluster"\?/, 'cluster2');
  });

  it('lists the known fields when an unknown one resembles none', () => {
    expectOnly({ clusters: [primary], colour: 'blue' }, 'colour', /the fields here are: meshId, trustDomain, istioVersion, clusters/);
  });

  it('reports a missing name and network as required', () => {
    const problems = problemsOf({ clusters: [{}] });
    expect(problems.map((p) => [p.field, p.message])).toEqual([['clusters[0].name', 'is required'], ['clusters[0].network', 'is required']]);
  });

  it('reports a value of an unknown enumeration member', () => {
    expectOnly(primaryRemote({ istiodExposure: 'Ingress' }), 'clusters[0].istiodExposure', /^the string "Ingress" is not one of: "EastWestGateway", "LoadBalancer"/, 'cluster1');
  });
});

describe('values that are not plain data', () => {
  const cyclic: Record<string, unknown> = { ...primary };
  cyclic.self = cyclic;
  const throwing = Object.defineProperty({ ...primary }, 'network', { enumerable: true, get: () => { throw new Error('boom'); } });
  const hostileProxy = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });

  it.each<[string, unknown, string, RegExp]>([
    ['a Symbol', { clusters: [{ ...primary, network: Symbol('n') }] }, 'clusters[0].network', /^is a Symbol, which a mesh description cannot hold/],
    ['a BigInt', { clusters: [{ ...primary, network: 10n }] }, 'clusters[0].network', /^is a BigInt/],
    ['a function', { clusters: [primary], meshId: () => 'mesh1' }, 'meshId', /^is a function/],
    ['a Map', { clusters: new Map() }, 'clusters', /^is an instance of Map; use a plain object or list/],
    ['a Date', { clusters: [{ ...primary, network: new Date(0) }] }, 'clusters[0].network', /^is an instance of Date/],
    ['a cycle', { clusters: [cyclic] }, 'clusters[0].self', /^refers back to an object that contains it \(a cycle\)/],
    ['a getter that throws', { clusters: [throwing] }, 'clusters[0].network', /^could not be read \(boom\)/],
    ['a proxy that throws', { clusters: [primary], verification: hostileProxy }, 'verification', /^could not be read \(no keys\)/],
  ])('reports %s as a problem at its field', (_what, input, field, message) => {
    const problems = problemsOf(input);
    const problem = problems.find((p) => p.field === field);
    expect(problem, problems.map(formatProblem).join('\n')).toBeDefined();
    expect(problem!.message).toMatch(message);
    // Reported once: not also as a value of the wrong type.
    expect(problems.filter((p) => p.field === field)).toHaveLength(1);
  });

  it('reports nesting deeper than any field of a description, without exhausting the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const problems = problemsOf({ clusters: [primary], extra: deep });
    expect(problems.some((p) => /nested more than 16 levels deep/.test(p.message))).toBe(true);
  });

  it('keeps "__proto__" and "constructor" as ordinary keys, reported like any unknown field', () => {
    const input = JSON.parse('{"clusters":[{"name":"cluster1","network":"network1","__proto__":{"controlPlaneCluster":"x"},"constructor":1}]}');
    const problems = problemsOf(input);
    expect(problems.map((p) => p.field)).toEqual(['clusters[0].__proto__', 'clusters[0].constructor']);
  });
});

describe('what is checked against what is rendered', () => {
  it('renders the description as it was when validated, whatever the caller changes afterwards', () => {
    const spec = { clusters: [{ ...primary }] };
    const mesh = new IstioMulticlusterMesh(new App(), 'm', spec);
    spec.clusters[0].network = 'changed';
    expect(mesh.plan!.clusters[0].network).toBe('network1');
  });

  it('accepts v1.31.1 and renders it as 1.31.1, the way Helm and istioctl name releases', () => {
    const plan = planMesh({ istioVersion: 'v1.31.1', clusters: [primary] });
    expect(plan.istioVersion).toBe('1.31.1');
  });

  it('renders a release newer than the newest it knows with the newest charts it knows', () => {
    const plan = planMesh({ istioVersion: '1.40.2', clusters: [primary] });
    expect(plan.istioVersion).toBe('1.40.2');
    expect(plan.chartMinor).toBe(31);
  });
});

describe('annotations follow the rules of Kubernetes', () => {
  const withAnnotations = (serviceAnnotations: Record<string, string>) => primaryRemote({ eastWestGateway: { serviceAnnotations } });
  /** Identifier-like keys are named with a dot, all others in brackets. */
  const field = (key: string) => `clusters[0].eastWestGateway.serviceAnnotations${/^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;

  it.each([
    ['example.com/name', true], ['name_1.x-y', true], ['a/b', true], [`${'a'.repeat(253)}/${'b'.repeat(63)}`, true],
    ['', false], ['/name', false], ['Example.com/name', false], ['example.com/', false], ['-name', false],
    [`${'b'.repeat(64)}`, false], [`${'a'.repeat(254)}/b`, false], ['a/b/c', false], ['sp ace', false],
  ])('key %j is valid: %s', (key, valid) => {
    const problems = problemsOf(withAnnotations({ [key]: 'v' }));
    expect(problems.map((p) => p.field)).toEqual(valid ? [] : [field(key)]);
  });

  it('limits the total size of keys and values to 256 KiB', () => {
    const big = { 'example.com/a': 'x'.repeat(200 * 1024), 'example.com/b': 'x'.repeat(100 * 1024) };
    expectOnly(withAnnotations(big), 'clusters[0].eastWestGateway.serviceAnnotations', /Kubernetes allows at most 262144 in all/, 'cluster1');
  });

  it('checks thousands of annotations, and hostile long keys, in linear time', () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`example.com/k${i}`, 'v']));
    const hostile = { [`${'a-'.repeat(50_000)}!/x`]: 'v', [`x/${'a.'.repeat(50_000)}!`]: 'v' };
    const start = performance.now();
    expect(problemsOf(withAnnotations(many))).toEqual([]);
    expect(problemsOf(withAnnotations(hostile))).toHaveLength(2);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

describe('addresses that must agree', () => {
  it('refuses a discovery address that differs from the pinned address of the gateway exposing istiod', () => {
    expectOnly(primaryRemote({ eastWestGateway: { loadBalancerIP: '192.0.2.99' } }), 'clusters[0].discoveryAddress',
      /"192\.0\.2\.10" differs from eastWestGateway\.loadBalancerIP "192\.0\.2\.99".*make them the same/, 'cluster1');
  });

  it('refuses one that differs from the pinned address of istiod-external', () => {
    expectOnly(primaryRemote({ istiodExposure: IstiodExposure.LOAD_BALANCER, istiodLoadBalancer: { loadBalancerIP: '198.51.100.7' } }),
      'clusters[0].discoveryAddress', /differs from istiodLoadBalancer\.loadBalancerIP "198\.51\.100\.7"/, 'cluster1');
  });

  it('compares IPv6 addresses by value, not by spelling', () => {
    expect(problemsOf(primaryRemote({ discoveryAddress: '2001:db8::10', eastWestGateway: { loadBalancerIP: '2001:0db8:0:0:0:0:0:10' } }))).toEqual([]);
  });

  it('accepts a DNS name next to a pinned address, which it cannot compare', () => {
    expect(problemsOf(primaryRemote({ discoveryAddress: 'istiod.example.com', eastWestGateway: { loadBalancerIP: '192.0.2.99' } }))).toEqual([]);
  });

  it('refuses an IPv6 discovery address before Istio 1.30, whose remote chart makes it an ExternalName Service', () => {
    expectOnly({ istioVersion: '1.29.6', ...primaryRemote({ discoveryAddress: '2001:db8::10' }) }, 'clusters[0].discoveryAddress',
      /is an IPv6 address: the remote profile of Istio 1\.29\.6 turns it into an ExternalName Service, which Kubernetes rejects; use Istio 1\.30 or later/, 'cluster1');
    expect(problemsOf({ istioVersion: '1.30.0', ...primaryRemote({ discoveryAddress: '2001:db8::10' }) })).toEqual([]);
  });

  it('refuses discovery addresses that the remote chart of every release rejects', () => {
    expectOnly(primaryRemote({ discoveryAddress: 'Istiod.Example.com' }), 'clusters[0].discoveryAddress', /has uppercase letters/, 'cluster1');
    expectOnly(primaryRemote({ discoveryAddress: '2001:DB8::10' }), 'clusters[0].discoveryAddress', /has uppercase letters/, 'cluster1');
    expectOnly(primaryRemote({ discoveryAddress: '::ffff:192.0.2.10' }), 'clusters[0].discoveryAddress', /with an IPv4 tail/, 'cluster1');
  });

  it('checks source ranges of load balancers as CIDRs', () => {
    expectOnly(primaryRemote({ eastWestGateway: { loadBalancerSourceRanges: ['203.0.113.0/24', '203.0.113.1'] } }),
      'clusters[0].eastWestGateway.loadBalancerSourceRanges[1]', /must be in CIDR notation/, 'cluster1');
  });

  it('takes an https URL as the API server address other clusters use', () => {
    expect(problemsOf(primaryRemote({ apiServer: 'https://10.0.0.1:6443' }))).toEqual([]);
    expectOnly(primaryRemote({ apiServer: 'http://10.0.0.1:6443' }), 'clusters[0].apiServer', /must be an https:\/\/ URL/, 'cluster1');
    expectOnly(primaryRemote({ apiServer: 'https://user:pw@host' }), 'clusters[0].apiServer', /must not contain credentials/, 'cluster1');
  });

  it('takes a TLS server name for the API server where the remote secret can carry it: istioctl from 1.26, or External Secrets', () => {
    const named = { apiServer: 'https://10.0.0.1:6443', apiServerTlsName: 'api.cluster2.internal' };
    expect(problemsOf({ ...primaryRemote({}, named), istioVersion: '1.26.0' })).toEqual([]);
    expectOnly({ ...primaryRemote({}, named), istioVersion: '1.25.5' }, 'clusters[1].apiServerTlsName',
      /needs istioctl's --tls-server-name, which Istio 1.25.5 lacks \(from 1.26\)/, 'cluster2');
    const externalSecrets = { remoteCredentials: { externalSecrets: { secretStore: { name: 'mesh-store' } } } };
    expect(problemsOf({ ...primaryRemote({ apiServer: 'https://10.0.0.2:6443' }, named), ...externalSecrets, istioVersion: '1.25.5' })).toEqual([]);
  });
});

describe('names that are object keys in JavaScript', () => {
  it.each(['constructor', 'prototype', 'tostring', 'hasownproperty'])('synthesizes a cluster named %s', (name) => {
    const mesh = new IstioMulticlusterMesh(new App(), 'm', { clusters: [{ name, network: 'network1' }] });
    expect(renderMeshFiles(mesh).some((f) => f.path === `clusters/${name}/namespace/istio-system-namespace.yaml`)).toBe(true);
  });

  it('synthesizes clusters "a" and "a-verify" side by side, whose ids once collided', () => {
    const mesh = new IstioMulticlusterMesh(new App(), 'm', { clusters: [{ name: 'a', network: 'n' }, { name: 'a-verify', network: 'n' }] });
    const paths = renderMeshFiles(mesh).map((f) => f.path);
    expect(paths).toContain('verify/a/10-helloworld.yaml');
    expect(paths).toContain('verify/a-verify/10-helloworld.yaml');
  });
});
