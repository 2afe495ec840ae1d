/**
 * Ambient multicluster. A mesh in ambient mode installs istiod with the ambient profile, the
 * `istio-cni` node agent and `ztunnel` in every cluster, and joins networks through Gateway API
 * east-west gateways of class `istio-east-west` (HBONE on 15008). Istio supports it across
 * clusters only for multi-primary meshes on several networks (alpha in 1.27 and 1.28, beta from
 * 1.29), so every other combination is refused with the release status in the message.
 */
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  ClusterRole, DataPlaneMode, formatProblem, helmCniValuesPath, helmIstiodValuesPath, helmZtunnelValuesPath, istioOperatorPath, MeshSpec,
  meshObjectsDir, monitoringDir, planMesh, seedTopologySpecs, Topology, validateMesh, verifyDir,
} from '../src';
import { istioInstallValues } from '../src/plan/install/istio-values';
import { validateObject } from './object-schemas';
import { appliedObjects, EmittedObject, fileDocument, parseObjects, synth, verifyObjects } from './support';

/** The proof: three clusters over two networks, two of them sharing one. */
const AMBIENT: MeshSpec = Topology.ambientMultiNetwork({
  istioVersion: '1.30.3',
  clusters: [
    { name: 'cluster1', network: 'network1' },
    { name: 'cluster2', network: 'network1' },
    { name: 'cluster3', network: 'network2', eastWestGateway: { replicas: 2, serviceAnnotations: { 'example.com/lb': 'internal' } } },
  ],
  monitoring: {},
});

const problems = (spec: unknown) => validateMesh(spec).map(formatProblem);

describe('which ambient meshes Istio supports', () => {
  it('accepts multi-primary on several networks from Istio 1.27, and one cluster on any supported release', () => {
    expect(problems(AMBIENT)).toEqual([]);
    expect(problems({ ...AMBIENT, istioVersion: '1.27.0' })).toEqual([]);
    expect(problems({ dataPlaneMode: 'ambient', istioVersion: '1.24.0', clusters: [{ name: 'solo', network: 'n1' }] })).toEqual([]);
  });

  it('refuses ambient multicluster before 1.27, naming the release that brought it', () => {
    expect(problems({ ...AMBIENT, istioVersion: '1.26.8' })).toEqual([
      'dataPlaneMode: is ambient for a mesh of 3 clusters, but Istio 1.26.8 has no ambient multicluster (it arrived as alpha in 1.27); ' +
      'Istio supports ambient mode across clusters for multi-primary meshes on several networks only (alpha in 1.27 and 1.28, beta from 1.29); ' +
      'use Istio 1.27 or later (1.29 or later for beta), or dataPlaneMode sidecar',
    ]);
  });

  it('refuses primary-remote, with the status of the release in the message', () => {
    const spec = { ...AMBIENT, istioVersion: '1.28.2', clusters: [...AMBIENT.clusters.slice(0, 2), { ...AMBIENT.clusters[2], controlPlaneCluster: 'cluster1' }] };
    const found = problems({ ...spec, clusters: spec.clusters.map((c) => (c.name === 'cluster1' ? { ...c, discoveryAddress: '192.0.2.10' } : c)) });
    expect(found).toEqual([
      'cluster "cluster3" (clusters[2].controlPlaneCluster): makes this cluster a remote, but the mesh is ambient: primary-remote is not supported ' +
      'in ambient mode; in Istio 1.28.2 ambient multicluster is alpha, and Istio supports ambient mode across clusters for multi-primary meshes ' +
      'on several networks only (alpha in 1.27 and 1.28, beta from 1.29). Leave controlPlaneCluster out to make it a primary, or use dataPlaneMode sidecar',
    ]);
  });

  it('refuses several clusters on one network', () => {
    expect(problems(Topology.multiPrimary({ clusters: ['a', 'b'], dataPlaneMode: DataPlaneMode.AMBIENT }))).toEqual([
      'clusters: are all on the network "network1", but the mesh is ambient: ambient multicluster on a single network is untested by Istio and ' +
      'not supported; in Istio 1.31.1 ambient multicluster is beta, and Istio supports ambient mode across clusters for multi-primary meshes on ' +
      'several networks only (alpha in 1.27 and 1.28, beta from 1.29). Put the clusters on distinct networks (each gets an east-west gateway), ' +
      'or use dataPlaneMode sidecar',
    ]);
  });

  it('refuses traffic policies, which only a waypoint would apply', () => {
    const found = problems({ ...AMBIENT, trafficPolicies: [{ host: 'backend.production.svc.cluster.local', outlierDetection: {}, failoverPriority: ['topology.kubernetes.io/region'] }] });
    expect(found).toEqual([expect.stringMatching(/^trafficPolicies\[0\]: needs a waypoint proxy in ambient mode/)]);
  });

  it('reports an unknown mode as a shape problem', () => {
    expect(problems({ ...AMBIENT, dataPlaneMode: 'sidecarless' })).toEqual(['dataPlaneMode: the string "sidecarless" is not one of: "sidecar", "ambient"']);
  });
});

describe('the plan and the values of an ambient mesh', () => {
  const plan = planMesh(AMBIENT);

  it('makes every cluster a primary that reads every other, with an east-west gateway and no exposed services', () => {
    expect(plan.dataPlaneMode).toBe(DataPlaneMode.AMBIENT);
    for (const c of plan.clusters) {
      expect(c.role).toBe(ClusterRole.PRIMARY);
      expect(c.readsApiServersOf).toEqual(plan.clusters.map((o) => o.name).filter((n) => n !== c.name));
      expect(c.eastWestGateway?.network).toBe(c.network);
      expect(c.eastWestGateway?.exposesIstiod).toBe(false);
      expect(c.exposesServices).toBe(false);
    }
  });

  it('installs istiod with the ambient profile, multi-network on, and ztunnel with the cluster and network', () => {
    for (const c of plan.clusters) {
      const values = istioInstallValues(plan, c);
      expect(values.profile).toBe('ambient');
      expect(values.pilot?.env?.AMBIENT_ENABLE_MULTI_NETWORK).toBe('true');
      expect(values.global).toMatchObject({ meshID: 'mesh1', multiCluster: { clusterName: c.name }, network: c.network });
      expect(values.ztunnel).toEqual({ multiCluster: { clusterName: c.name }, network: c.network });
    }
  });

  it('leaves multi-network off for a single ambient cluster, and sidecar meshes without any ambient value', () => {
    const solo = planMesh({ dataPlaneMode: DataPlaneMode.AMBIENT, clusters: [{ name: 'solo', network: 'n1' }] });
    const soloValues = istioInstallValues(solo, solo.clusters[0]);
    expect(soloValues.profile).toBe('ambient');
    expect(soloValues.pilot).toBeUndefined();
    const sidecar = planMesh({ ...AMBIENT, dataPlaneMode: undefined });
    const values = istioInstallValues(sidecar, sidecar.clusters[0]);
    expect(values.profile).toBeUndefined();
    expect(values.ztunnel).toBeUndefined();
    expect(values.pilot).toBeUndefined();
  });

  it('refuses the namespace istiod trusts ztunnel in, which depends on how ztunnel is installed', () => {
    expect(problems({ ...AMBIENT, values: { pilot: { trustedZtunnelNamespace: 'kube-system' }, trustedZtunnelNamespace: 'kube-system' } })).toEqual([
      'values.pilot.trustedZtunnelNamespace: is chosen by the library in an ambient mesh: istiod must trust the namespace ztunnel is installed in, ' +
      'istio-system with istioctl and Helm, ztunnel with the Sail Operator; remove it',
      'values.trustedZtunnelNamespace: is chosen by the library in an ambient mesh: istiod must trust the namespace ztunnel is installed in, ' +
      'istio-system with istioctl and Helm, ztunnel with the Sail Operator; remove it',
    ]);
    // A sidecar mesh has no ztunnel, and the value does nothing there.
    expect(problems({ ...AMBIENT, dataPlaneMode: undefined, clusters: AMBIENT.clusters, values: { pilot: { trustedZtunnelNamespace: 'x' } } })
      .filter((p) => p.includes('trustedZtunnelNamespace'))).toEqual([]);
  });

  it('refuses an override of ztunnel\'s cluster name or network, which istiod relies on', () => {
    const spec = { ...AMBIENT, clusters: AMBIENT.clusters.map((c, i) => (i === 0 ? { ...c, values: { ztunnel: { network: 'elsewhere' } } } : c)) };
    expect(problems(spec)).toEqual([expect.stringMatching(/^cluster "cluster1" \(clusters\[0\]\.values\.ztunnel\.network\): .*"network1"/)]);
  });
});

describe('the files of an ambient mesh', () => {
  const { files } = synth(AMBIENT);
  const names = AMBIENT.clusters.map((c) => c.name);

  it('gives every cluster the cni and ztunnel values, from the same values model as istiod\'s', () => {
    for (const name of names) {
      const istiod = fileDocument(files, helmIstiodValuesPath(name));
      expect(fileDocument(files, helmCniValuesPath(name))).toEqual({ profile: 'ambient', global: istiod.global });
      expect(fileDocument(files, helmZtunnelValuesPath(name))).toEqual({ profile: 'ambient', global: istiod.global, ...istiod.ztunnel });
      const operator = fileDocument(files, istioOperatorPath(name));
      expect(operator.spec.profile).toBe('ambient');
      expect(operator.spec.values.ztunnel).toEqual(istiod.ztunnel);
    }
  });

  it('declares each east-west gateway as Istio\'s ambient guide does, labelled with its network', () => {
    for (const name of names) {
      const network = AMBIENT.clusters.find((c) => c.name === name)!.network;
      const gateways = appliedObjects(files, name).filter((o) => o.kind === 'Gateway');
      expect(gateways).toHaveLength(1);
      const gw = gateways[0];
      expect(gw.file).toBe(`${meshObjectsDir(name)}/20-eastwest-gateway.yaml`);
      expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(gw.metadata).toMatchObject({ name: 'istio-eastwestgateway', namespace: 'istio-system', labels: { 'topology.istio.io/network': network } });
      expect(gw.spec.gatewayClassName).toBe('istio-east-west');
      expect(gw.spec.listeners).toEqual([{
        name: 'mesh', port: 15008, protocol: 'HBONE',
        tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
      }]);
      expect(gw.spec.infrastructure.parametersRef).toEqual({ group: '', kind: 'ConfigMap', name: 'istio-eastwestgateway-options' });
      // Nothing of the sidecar mesh's gateway: no Deployment (istiod deploys it), no 15443 Gateway.
      const applied = appliedObjects(files, name);
      expect(applied.filter((o) => o.kind === 'Deployment')).toEqual([]);
      expect(applied.filter((o) => o.apiVersion.startsWith('networking.istio.io'))).toEqual([]);
    }
  });

  it('scales the gateway through the overlays istiod merges: a budget and a spread only from two replicas', () => {
    const options = (name: string) => {
      const cm = appliedObjects(files, name).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-eastwestgateway-options')!;
      return Object.fromEntries(Object.entries(cm.data as Record<string, string>).map(([k, v]) => [k, yaml.load(v)])) as any;
    };
    const one = options('cluster1');
    expect(Object.keys(one)).toEqual(['horizontalPodAutoscaler']);
    expect(one.horizontalPodAutoscaler.spec).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    const two = options('cluster3');
    expect(Object.keys(two)).toEqual(['deployment', 'horizontalPodAutoscaler', 'podDisruptionBudget', 'service']);
    expect(two.podDisruptionBudget).toEqual({ spec: { minAvailable: 1 } });
    expect(two.horizontalPodAutoscaler.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(two.deployment.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(two.deployment.spec.template.spec.topologySpreadConstraints[0].labelSelector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'istio-eastwestgateway' } });
    expect(two.service).toEqual({ metadata: { annotations: { 'example.com/lb': 'internal' } } });
  });

  it('enrolls the verification workloads in ambient mode and makes helloworld global', () => {
    for (const name of names) {
      const objects = verifyObjects(files, name);
      const ns = objects.find((o) => o.kind === 'Namespace')!;
      expect(ns.metadata.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient' });
      expect(ns.metadata.labels).not.toHaveProperty('istio-injection');
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'helloworld')!;
      expect(svc.metadata.labels).toMatchObject({ 'istio.io/global': 'true' });
      expect(objects.every((o) => o.file.startsWith(verifyDir(name)))).toBe(true);
    }
  });

  it('scrapes the gateway by the label istiod gives its pods', () => {
    for (const name of names) {
      const monitors = parseObjects(files, (p) => p.startsWith(`${monitoringDir(name)}/`)).filter((o) => o.kind === 'PodMonitor');
      expect(monitors.map((m) => m.spec.selector.matchLabels)).toEqual([{ 'gateway.networking.k8s.io/gateway-name': 'istio-eastwestgateway' }]);
    }
  });

  it('emits only objects that validate against their schemas', () => {
    const objects: EmittedObject[] = parseObjects(files, (p) => p.startsWith('clusters/') || p.startsWith('verify/'));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(() => validateObject(o), `${o.file}: ${o.kind} ${o.metadata.name}`).not.toThrow();
  });

  it('is among the examples, with the same facts', () => {
    const example = seedTopologySpecs()['ambient-multi-network'];
    expect(example.dataPlaneMode).toBe(DataPlaneMode.AMBIENT);
    expect(problems(example)).toEqual([]);
    expect(new Set(example.clusters.map((c) => c.network)).size).toBe(2);
    expect(example.clusters).toHaveLength(3);
  });
});
