import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClusterSpec, DataPlaneMode, IstiodExposure, MeshSpec, planMesh, seedTopologies, Topology } from '../src';
import { expectMeshInvariants } from './invariants';
import { expectReadmeOrder } from './readme-order';
import { appliedObjects, EmittedObject, fileDocument, find, MIXED_MESH, renderSeedFiles, synth, verifyObjects } from './support';

const seeds = seedTopologies(new App());
const seedFiles = renderSeedFiles();
const kinds = (objects: EmittedObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const gatewayObjects = [
  'ServiceAccount/istio-eastwestgateway', 'Role/istio-eastwestgateway', 'RoleBinding/istio-eastwestgateway',
  'Deployment/istio-eastwestgateway', 'Service/istio-eastwestgateway',
  'HorizontalPodAutoscaler/istio-eastwestgateway',
];
const ports = (o: EmittedObject | undefined) => o?.spec.ports.map((p: any) => `${p.name}:${p.port}`);

describe('the four topologies of Istio\'s multicluster guide', () => {
  it('multi-primary: two primaries on one network need nothing but their namespaces and installs', () => {
    const files = seedFiles['multi-primary'];
    for (const cluster of ['cluster1', 'cluster2']) {
      expect(kinds(appliedObjects(files, cluster))).toEqual(['Namespace/istio-system']);
      const iop = fileDocument(files, `install/${cluster}/istio-operator.yaml`);
      expect(iop.spec.profile).toBeUndefined();
      expect(iop.spec.values.global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: cluster }, network: 'network1' });
      expect(fileDocument(files, `install/${cluster}/helm/base.values.yaml`)).toEqual({});
    }
  });

  it('multi-primary-multi-network: each primary has a network gateway and exposes its services, not istiod', () => {
    const files = seedFiles['multi-primary-multi-network'];
    for (const [cluster, network] of [['cluster1', 'network1'], ['cluster2', 'network2']]) {
      const objects = appliedObjects(files, cluster);
      expect(kinds(objects)).toEqual(['Namespace/istio-system', ...gatewayObjects, 'Gateway/cross-network-gateway']);
      expect(ports(find(objects, 'Service', 'istio-eastwestgateway'))).toEqual(['status-port:15021', 'tls:15443']);
      const pod = find(objects, 'Deployment', 'istio-eastwestgateway')!.spec.template;
      expect(pod.metadata.labels['topology.istio.io/network']).toBe(network);
      expect(pod.spec.containers[0].env).toEqual([{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: network }]);
      const server = find(objects, 'Gateway', 'cross-network-gateway')!.spec.servers[0];
      expect(server).toEqual({ hosts: ['*.local'], port: { name: 'tls', number: 15443, protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' } });
    }
  });

  it('primary-remote: the primary exposes istiod on its gateway; the remote only points at it', () => {
    const files = seedFiles['primary-remote'];
    const primary = appliedObjects(files, 'cluster1');
    expect(kinds(primary)).toEqual(['Namespace/istio-system', ...gatewayObjects, 'Gateway/istiod-gateway', 'VirtualService/istiod-vs']);
    expect(ports(find(primary, 'Service', 'istio-eastwestgateway'))).toEqual(['status-port:15021', 'tls:15443', 'tls-istiod:15012', 'tls-webhook:15017']);
    // A single network needs no network view on the gateway.
    expect(find(primary, 'Deployment', 'istio-eastwestgateway')!.spec.template.spec.containers[0].env).toBeUndefined();
    expect(fileDocument(files, 'install/cluster1/helm/istiod.values.yaml').global.externalIstiod).toBe(true);

    expect(kinds(appliedObjects(files, 'cluster2'))).toEqual(['Namespace/istio-system']);
    expect(find(appliedObjects(files, 'cluster2'), 'Namespace', 'istio-system')!.metadata.annotations)
      .toEqual({ 'topology.istio.io/controlPlaneClusters': 'cluster1' });
    expect(fileDocument(files, 'install/cluster2/helm/istiod.values.yaml')).toEqual({
      profile: 'remote',
      meshConfig: { trustDomain: 'cluster.local' },
      global: {
        meshID: 'mesh1', multiCluster: { clusterName: 'cluster2' }, network: 'network1',
        remotePilotAddress: '192.0.2.10', configCluster: true,
      },
      istiodRemote: { injectionPath: '/inject/cluster/cluster2/net/network1' },
    });
    expect(fileDocument(files, 'install/cluster2/helm/base.values.yaml')).toEqual({ profile: 'remote' });
  });

  it('primary-remote-multi-network: both clusters have gateways; Istio config stays on the primary', () => {
    const files = seedFiles['primary-remote-multi-network'];
    const primary = appliedObjects(files, 'cluster1');
    expect(kinds(primary)).toEqual([
      'Namespace/istio-system', ...gatewayObjects, 'Gateway/istiod-gateway', 'VirtualService/istiod-vs', 'Gateway/cross-network-gateway',
    ]);
    const remote = appliedObjects(files, 'cluster2');
    expect(kinds(remote)).toEqual(['Namespace/istio-system', ...gatewayObjects]);
    expect(ports(find(remote, 'Service', 'istio-eastwestgateway'))).toEqual(['status-port:15021', 'tls:15443']);
    expect(find(remote, 'Service', 'istio-eastwestgateway')!.metadata.labels!['topology.istio.io/network']).toBe('network2');
    expect(fileDocument(files, 'install/cluster2/istio-operator.yaml').spec.values.istiodRemote.injectionPath)
      .toBe('/inject/cluster/cluster2/net/network2');
  });

  it.each(Object.keys(seeds))('%s: the clusters agree with each other', (name) => {
    expectMeshInvariants(seeds[name].plan!, seedFiles[name]);
  });

  it.each(Object.keys(seeds))('%s: the README, run on stand-ins for the cluster tools, keeps the procedure\'s order', async (name) => {
    await expectReadmeOrder(seeds[name].plan!, seedFiles[name]);
  });

  it.each(Object.keys(seeds))('%s: cluster i runs helloworld-v<i>, and every cluster has the helloworld Service and a client', (name) => {
    const ambient = seeds[name].plan!.dataPlaneMode === DataPlaneMode.AMBIENT;
    for (const [i, cluster] of seeds[name].plan!.clusters.map((c) => c.name).entries()) {
      const objects = verifyObjects(seedFiles[name], cluster);
      expect(kinds(objects)).toEqual([
        'Namespace/sample', 'Service/helloworld', `Deployment/helloworld-v${i + 1}`, 'ServiceAccount/curl', 'Service/curl', 'Deployment/curl',
      ]);
      // Sidecars are injected into the labelled namespace; ambient enrolls it, and only a global service is seen across clusters.
      expect(find(objects, 'Namespace', 'sample')!.metadata.labels).toMatchObject(
        ambient ? { 'istio.io/dataplane-mode': 'ambient' } : { 'istio-injection': 'enabled' });
      expect(find(objects, 'Service', 'helloworld')!.metadata.labels!['istio.io/global']).toBe(ambient ? 'true' : undefined);
    }
  });
});

describe('ambient multi-primary on several networks (beyond the seeds)', () => {
  it('every cluster a primary with a Gateway API east-west gateway for its network, istio-cni and ztunnel in its install', () => {
    const files = seedFiles['ambient-multi-network'];
    for (const [cluster, network] of [['cluster1', 'network1'], ['cluster2', 'network1'], ['cluster3', 'network2']]) {
      const objects = appliedObjects(files, cluster);
      expect(kinds(objects)).toEqual(['Namespace/istio-system', 'ConfigMap/istio-eastwestgateway-options', 'Gateway/istio-eastwestgateway']);
      expect(find(objects, 'Namespace', 'istio-system')!.metadata.labels!['topology.istio.io/network']).toBe(network);
      const gateway = find(objects, 'Gateway', 'istio-eastwestgateway')!;
      expect([gateway.apiVersion, gateway.spec.gatewayClassName, gateway.metadata.labels!['topology.istio.io/network']])
        .toEqual(['gateway.networking.k8s.io/v1', 'istio-east-west', network]);
      const iop = fileDocument(files, `install/${cluster}/istio-operator.yaml`);
      expect(iop.spec.profile).toBe('ambient');
      expect(iop.spec.values.global).toEqual({ meshID: 'mesh1', multiCluster: { clusterName: cluster }, network });
      expect(iop.spec.values.pilot.env).toEqual({ AMBIENT_ENABLE_MULTI_NETWORK: 'true' });
      expect(fileDocument(files, `install/${cluster}/helm/ztunnel.values.yaml`)).toMatchObject({ multiCluster: { clusterName: cluster }, network });
      expect(fileDocument(files, `install/${cluster}/helm/cni.values.yaml`)).toMatchObject({ profile: 'ambient' });
    }
  });
});

describe('meshes beyond the guide', () => {
  it('two networks, two primaries each with a remote, one primary exposing istiod through its own load balancer', async () => {
    const { mesh, files } = synth(MIXED_MESH);
    expectMeshInvariants(mesh.plan!, files);
    await expectReadmeOrder(mesh.plan!, files);
    const west = appliedObjects(files, 'west-1');
    expect(find(west, 'Service', 'istiod-external')!.spec).toMatchObject({
      type: 'LoadBalancer', loadBalancerIP: '198.51.100.7', selector: { app: 'istiod', istio: 'pilot' },
    });
    expect(find(west, 'Gateway', 'istiod-gateway')).toBeUndefined();
    // The gateway still exists for the other network, without istiod's ports.
    expect(ports(find(west, 'Service', 'istio-eastwestgateway'))).toEqual(['status-port:15021', 'tls:15443']);
    expect(find(west, 'HorizontalPodAutoscaler', 'istio-eastwestgateway')!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(find(west, 'Service', 'istio-eastwestgateway')!.metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
    expect(fileDocument(files, 'install/west-2/helm/istiod.values.yaml').global.remotePilotAddress).toBe('istiod.west.example.com');
    expect(kinds(verifyObjects(files, 'west-2'))).toContain('Deployment/helloworld-v4');
  });

  it('a primary on a single network exposing istiod through a load balancer needs no east-west gateway', async () => {
    const { mesh, files } = synth(Topology.primaryRemote({
      primary: { name: 'hub', discoveryAddress: '192.0.2.20', istiodExposure: IstiodExposure.LOAD_BALANCER },
      remotes: ['spoke-a', 'spoke-b'],
    }));
    expectMeshInvariants(mesh.plan!, files);
    await expectReadmeOrder(mesh.plan!, files);
    expect(kinds(appliedObjects(files, 'hub'))).toEqual(['Namespace/istio-system', 'Service/istiod-external']);
  });

  // A deterministic family of meshes: 1-3 networks, 1-3 primaries per network, 0-2 remotes per primary,
  // remotes placed on the next network over, exposure alternating between gateway and load balancer.
  const generated: Array<[string, MeshSpec]> = [];
  for (let networks = 1; networks <= 3; networks++) {
    for (let primariesPerNetwork = 1; primariesPerNetwork <= 3; primariesPerNetwork++) {
      for (let remotesPerPrimary = 0; remotesPerPrimary <= 2; remotesPerPrimary++) {
        const clusters: ClusterSpec[] = [];
        for (let n = 0; n < networks; n++) {
          for (let p = 0; p < primariesPerNetwork; p++) {
            const name = `n${n}-p${p}`;
            clusters.push({
              name, network: `net-${n}`,
              ...(remotesPerPrimary > 0 ? {
                discoveryAddress: `198.51.100.${clusters.length + 1}`,
                istiodExposure: p % 2 === 0 ? IstiodExposure.EAST_WEST_GATEWAY : IstiodExposure.LOAD_BALANCER,
              } : {}),
            });
            for (let r = 0; r < remotesPerPrimary; r++) {
              clusters.push({ name: `${name}-r${r}`, network: `net-${(n + r) % networks}`, controlPlaneCluster: name });
            }
          }
        }
        generated.push([`${networks} networks, ${primariesPerNetwork} primaries each, ${remotesPerPrimary} remotes per primary`, { clusters }]);
      }
    }
  }

  it.each(generated)('%s: the clusters agree with each other, and the procedure keeps the order rules', (_name, spec) => {
    const { mesh, files } = synth(spec);
    expect(mesh.plan).toEqual(planMesh(spec));
    expectMeshInvariants(mesh.plan!, files);
  });
});

describe('the cross-cluster checks themselves', () => {
  const corrupt = (files: ReturnType<typeof synth>['files'], path: string, from: string, to: string) =>
    files.map((f) => (f.path === path ? { ...f, content: f.content.split(from).join(to) } : f));

  it('catch a remote pointing at an address its primary does not serve', async () => {
    const { mesh, files } = synth(Topology.primaryRemoteMultiNetwork({
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10' },
      remotes: [{ name: 'cluster2', network: 'network2' }],
    }));
    const broken = corrupt(files, 'install/cluster2/helm/istiod.values.yaml', '192.0.2.10', '192.0.2.99');
    expect(() => expectMeshInvariants(mesh.plan!, broken)).toThrow();
  });

  it('catch a network left without a gateway', async () => {
    const { mesh, files } = synth(Topology.multiPrimaryMultiNetwork({
      clusters: [{ name: 'a', network: 'n1' }, { name: 'b', network: 'n2' }],
    }));
    expect(() => expectMeshInvariants(mesh.plan!, files.filter((f) => f.path !== 'clusters/b/mesh/20-eastwest-gateway.yaml'))).toThrow();
  });

  it('catch a remote secret step that comes before the remote is installed', async () => {
    const { mesh, files } = synth(Topology.primaryRemote({ primary: { name: 'p', discoveryAddress: '192.0.2.1' }, remotes: ['r'] }));
    const readme = files.find((f) => f.path === 'README.md')!.content;
    const secret = 'istioctl create-remote-secret --context="${CTX_R}" --name=r | \\\n  kubectl apply -f - --context="${CTX_P}"\n';
    expect(readme).toContain(secret);
    const moved = readme.replace(secret, '').replace('## 2. Create', `\`\`\`bash\n${secret}\`\`\`\n\n## 2. Create`);
    await expect(expectReadmeOrder(mesh.plan!, files.map((f) => (f.path === 'README.md' ? { ...f, content: moved } : f)))).rejects.toThrow();
  });
});
