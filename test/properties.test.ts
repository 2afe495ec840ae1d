/**
 * Properties over random mesh descriptions, valid and not: whatever a caller passes,
 * the library answers with problems or with output, never with another exception; and
 * whatever valid description it is given, every object is schema-valid, every string a
 * user wrote reads back unchanged through a YAML 1.1 reader (as Go's readers in
 * kubectl, Helm and istioctl read YAML), and the output is the same every time.
 */
import { App } from 'cdk8s';
import fc from 'fast-check';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  DataPlaneMode, ClusterSpec, DEFAULT_ISTIO_VERSION, deliveryOrder, FluxMode, IstioMulticlusterMesh, MeshFile, MeshSpec, MeshValidationError, planMesh,
  renderMeshFiles, SAIL_ISTIO_VERSIONS, validateMesh,
} from '../src';
import { validateObject } from './object-schemas';
import { expectProcedureOrder } from './procedure-order';
import { loadAllYaml11 } from './yaml11';

/** Strings that YAML readers are tempted to read as something else, valid as DNS labels. */
const trickyLabels = ['0b-1', '1e3', '0x10', '00', '0o7', '12', 'y', 'n', 'no', 'on', 'off', 'yes', 'true', 'null', 'nan', 'inf', 'constructor', 'prototype'];
/** The same for label values, which also allow "_" and ".". */
const trickyValues = [...trickyLabels, '0_9', '3_e2', '1.5', '1_000', 'True', 'NULL', 'Off', '1.0e5', '0.0', '190_20_30'];

const dnsLabel = fc.oneof(
  fc.constantFrom(...trickyLabels),
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/),
);
const labelValue = fc.oneof(fc.constantFrom(...trickyValues), fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/));
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const ipv6 = fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([a, b]) => `2001:db8::${a.toString(16)}:${b.toString(16)}`);
const dnsName = fc.tuple(dnsLabel, dnsLabel).map(([a, b]) => `${a}.${b}.example`);
const annotationKey = fc.oneof(
  fc.constantFrom('example.com/0_9', 'example.com/yes', 'a/1e3', 'null', '0b-1', 'networking.gke.io/load-balancer-type'),
  fc.tuple(fc.stringMatching(/^[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}$/), fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/))
    .map(([prefix, name]) => `${prefix}/${name}`),
);
const annotationValue = fc.oneof(fc.constantFrom('0x1F', 'yes', '1:20', 'null', '', '~', '3_e2', ' lead', 'a: b', '- x', '#c', '"q"', "'s'", 'multi\nline'), fc.string());
const annotations = fc.dictionary(annotationKey, annotationValue, { maxKeys: 4 });
const minors = fc.integer({ min: 24, max: 33 });
const version = fc.oneof(fc.constantFrom('1.30.3', 'v1.29.6', '1.28.1'), fc.tuple(minors, fc.nat(12), fc.boolean()).map(([minor, patch, v]) => `${v ? 'v' : ''}1.${minor}.${patch}`));

/** A valid description: unique names, remotes of primaries, a discovery address wherever remotes need one. */
const validMesh: fc.Arbitrary<MeshSpec> = fc.record({
  names: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 7 }),
  networks: fc.array(labelValue, { minLength: 1, maxLength: 3 }),
  meshId: fc.option(dnsLabel, { nil: undefined }),
  trustDomain: fc.option(fc.oneof(fc.constantFrom('3_e2', '1.0', 'cluster.local', 'yes'), fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/)), { nil: undefined }),
  istioVersion: fc.option(version, { nil: undefined }),
  seeds: fc.array(fc.record({
    network: fc.nat(), remoteOf: fc.option(fc.nat(), { nil: undefined }),
    address: fc.oneof(ipv4, ipv6, dnsName), annotations, sourceRange: fc.boolean(), replicas: fc.integer({ min: 1, max: 4 }),
  }), { minLength: 7, maxLength: 7 }),
  ambient: fc.boolean(),
  delivery: fc.record({
    argoCd: fc.boolean(), flux: fc.option(fc.constantFrom(FluxMode.HUB, FluxMode.PER_CLUSTER), { nil: undefined }), hubFirst: fc.boolean(),
    path: fc.constantFrom('.', 'meshes/0_9', 'a/yes/1e3'), branch: fc.constantFrom('main', 'release/1.30', 'no'), sail: fc.boolean(),
  }),
}).map(({ names, networks, meshId, trustDomain, istioVersion, seeds, ambient: ambientWanted, delivery }) => {
  const minor = Number(/1\.(\d+)/.exec(istioVersion ?? '1.31.1')![1]);
  // Ambient where Istio supports it: one cluster, or from 1.27 every cluster a primary over several networks.
  const ambient = ambientWanted && (names.length === 1 || minor >= 27);
  const primaries = names.filter((_n, i) => i === 0 || seeds[i].remoteOf === undefined || ambient);
  const clusters: ClusterSpec[] = names.map((name, i) => {
    const seed = seeds[i];
    const isRemote = i > 0 && seed.remoteOf !== undefined && !ambient;
    const network = networks[seed.network % networks.length];
    // The last cluster of an ambient mesh leaves a shared network, so that the mesh spans two.
    const lonely = ambient && i === names.length - 1 && i > 0 && names.slice(0, i).every((_n, j) => networks[seeds[j].network % networks.length] === network);
    return {
      name,
      network: lonely ? `${network}-b` : network,
      ...(isRemote ? { controlPlaneCluster: primaries[seed.remoteOf! % primaries.length] } : {}),
    };
  });
  const multiNetwork = new Set(clusters.map((c) => c.network)).size > 1;
  const served = new Set(clusters.map((c) => c.controlPlaneCluster).filter((c) => c !== undefined));
  const withAddresses = clusters.map((c, i) => {
    const seed = seeds[i];
    // Before 1.30 Istio's remote chart cannot take an IPv6 address.
    const address = minor < 30 && seed.address.includes(':') ? '192.0.2.1' : seed.address;
    const getsGateway = multiNetwork || served.has(c.name);
    return {
      ...c,
      ...(served.has(c.name) ? { discoveryAddress: address } : {}),
      ...(getsGateway ? {
        eastWestGateway: {
          replicas: seed.replicas, serviceAnnotations: seed.annotations,
          ...(seed.sourceRange ? { loadBalancerSourceRanges: ['203.0.113.0/24'] } : {}),
        },
      } : {}),
    };
  });
  // The Sail Operator only where it lists the version.
  const sail = delivery.sail && SAIL_ISTIO_VERSIONS.includes(`v${(istioVersion ?? DEFAULT_ISTIO_VERSION).replace(/^v/, '')}`);
  const gitOps = delivery.argoCd || delivery.flux !== undefined;
  return {
    meshId, trustDomain, istioVersion, clusters: withAddresses,
    ...(ambient ? { dataPlaneMode: DataPlaneMode.AMBIENT } : {}),
    delivery: {
      ...(gitOps ? { repository: { url: 'ssh://git@git.example.com/platform/meshes.git', path: delivery.path, branch: delivery.branch } } : {}),
      ...(delivery.argoCd ? { argoCd: {} } : {}),
      ...(delivery.flux ? { flux: { mode: delivery.flux, ...(delivery.flux === FluxMode.HUB && delivery.hubFirst ? { hubCluster: names[0] } : {}) } } : {}),
      ...(sail ? { sailOperator: true } : {}),
    },
  };
});

function render(spec: MeshSpec): MeshFile[] {
  return renderMeshFiles(new IstioMulticlusterMesh(new App(), 'mesh', spec));
}

function yamlFiles(files: MeshFile[]): MeshFile[] {
  return files.filter((f) => f.path.endsWith('.yaml'));
}

describe('every valid description', () => {
  it('is valid and renders objects that all pass their schemas', () => {
    fc.assert(fc.property(validMesh, (spec) => {
      expect(validateMesh(spec)).toEqual([]);
      for (const f of yamlFiles(render(spec))) {
        if (f.path.startsWith('install/') && !f.path.includes('/sail/')) continue;
        for (const doc of yaml.loadAll(f.content)) validateObject(doc);
      }
    }), { numRuns: 60 });
  });

  it('is read back the same by a YAML 1.1 reader and a YAML 1.2 reader, and keeps every user string', () => {
    fc.assert(fc.property(validMesh, (spec) => {
      const files = render(spec);
      for (const f of yamlFiles(files)) expect(loadAllYaml11(f.content), f.path).toEqual(yaml.loadAll(f.content));
      const doc = (path: string) => loadAllYaml11(files.find((f) => f.path === path)!.content)[0] as any;
      for (const c of spec.clusters) {
        const values = doc(`install/${c.name}/helm/istiod.values.yaml`);
        expect(values.global.multiCluster.clusterName).toBe(c.name);
        expect(values.global.network).toBe(c.network);
        expect(values.global.meshID).toBe(spec.meshId ?? 'mesh1');
        expect(values.meshConfig.trustDomain).toBe(spec.trustDomain ?? 'cluster.local');
        if (values.global.remotePilotAddress !== undefined) {
          expect(values.global.remotePilotAddress).toBe(spec.clusters.find((p) => p.name === c.controlPlaneCluster)!.discoveryAddress);
        }
        expect(doc(`clusters/${c.name}/namespace/istio-system-namespace.yaml`).metadata.labels['topology.istio.io/network']).toBe(c.network);
        if (c.eastWestGateway) {
          const objects = loadAllYaml11(files.find((f) => f.path === `clusters/${c.name}/mesh/20-eastwest-gateway.yaml`)!.content) as any[];
          // An ambient gateway's Service is istiod's to create, from the overlay its ConfigMap holds.
          const service = spec.dataPlaneMode === DataPlaneMode.AMBIENT
            ? loadAllYaml11(objects.find((o) => o.kind === 'ConfigMap').data.service ?? '{}')[0] ?? {}
            : objects.find((o) => o.kind === 'Service');
          expect(service.metadata?.annotations ?? {}).toEqual(c.eastWestGateway.serviceAnnotations);
        }
      }
    }), { numRuns: 60 });
  });

  it('has a procedure that keeps every order rule, whose delivery order is read off it', () => {
    fc.assert(fc.property(validMesh, (spec) => {
      const plan = planMesh(spec);
      expectProcedureOrder(plan);
      expect(deliveryOrder(plan.procedure)).toEqual({ steps: plan.delivery.steps, manualSteps: plan.delivery.manualSteps });
    }), { numRuns: 60 });
  });

  it('renders byte-identical files every time', () => {
    fc.assert(fc.property(validMesh, (spec) => {
      expect(render(structuredClone(spec))).toEqual(render(structuredClone(spec)));
    }), { numRuns: 25 });
  });
});

/** Anything at all, and descriptions that are nearly right but broken somewhere. */
const hostileInput = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }),
  fc.record({ clusters: fc.array(fc.dictionary(fc.constantFrom('name', 'network', 'controlPlaneCluster', 'discoveryAddress', 'eastWestGateway', 'podCidrs', 'constructor', '__proto__', 'controlPlane'),
    fc.anything({ withBigInt: true, maxDepth: 2 }))) }, { requiredKeys: [] }),
  validMesh.chain((spec) => fc.tuple(fc.nat(spec.clusters.length - 1), fc.constantFrom('name', 'network', 'discoveryAddress', 'eastWestGateway', 'controlPlaneCluster', 'istiodExposure'),
    fc.anything({ withBigInt: true, maxDepth: 2 })).map(([i, field, value]) => ({
    ...spec, clusters: spec.clusters.map((c, j) => (j === i ? { ...c, [field]: value } : c)),
  }))),
);

describe('any input at all', () => {
  it('gets problems or output, never another exception', () => {
    fc.assert(fc.property(hostileInput, (input) => {
      const problems = validateMesh(input);
      for (const p of problems) {
        expect(typeof p.field).toBe('string');
        expect(typeof p.message).toBe('string');
      }
      const mesh = new IstioMulticlusterMesh(new App(), 'mesh', input as MeshSpec);
      try {
        renderMeshFiles(mesh);
        expect(problems).toEqual([]);
      } catch (e) {
        expect(e).toBeInstanceOf(MeshValidationError);
        expect((e as MeshValidationError).problems.length).toBeGreaterThan(0);
      }
    }), { numRuns: 400 });
  });
});
