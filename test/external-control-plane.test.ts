/**
 * Istio's external control plane. istiod runs in a cluster outside the mesh, in its own namespace
 * (`external-istiod`), and serves every cluster of the mesh: the config cluster, whose API server
 * holds the mesh's configuration, and further remotes. Every cluster of the mesh gets the remote
 * install pointed at the external istiod's address; the external cluster gets istiod alone,
 * exposed by a LoadBalancer Service with its own TLS.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_LABEL, ClusterRole, formatProblem, ManualStepKind, IstioMulticlusterMesh, MeshSpec, planMesh, renderBaseChartValues, renderIstioOperator, validateMesh,
} from '../src';
import { externalIstiodInstallValues, istioInstallValues } from '../src/plan/install/istio-values';
import { expectMeshInvariants } from './invariants';
import { expectReadmeOrder } from './readme-order';
import { validateObject } from './object-schemas';
import { ECP_CONFIG_ONLY, parseObjects, synth } from './support';

/** (a) The config cluster alone. */
const CONFIG_ONLY = ECP_CONFIG_ONLY;

/** The third proof: a config cluster and a further remote on another network, istiod reached by DNS name. */
const WITH_REMOTE: MeshSpec = {
  istioVersion: '1.30.3',
  externalControlPlane: {
    name: 'external', configCluster: 'cluster1', discoveryAddress: 'istiod.mesh.example.com', istiod: { replicas: 2 },
    istiodLoadBalancer: { serviceAnnotations: { 'example.com/lb': 'internal' } },
  },
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }],
};

const problems = (spec: unknown) => validateMesh(spec).map(formatProblem);

describe('what an external control plane accepts', () => {
  it('accepts a config cluster alone, and with further remotes', () => {
    expect(problems(CONFIG_ONLY)).toEqual([]);
    expect(problems(WITH_REMOTE)).toEqual([]);
  });

  it('refuses a config cluster that is not in the mesh, and an external cluster that is', () => {
    expect(problems({ ...CONFIG_ONLY, externalControlPlane: { ...CONFIG_ONLY.externalControlPlane!, name: 'cluster1', configCluster: 'cluster9' } })).toEqual([
      'externalControlPlane.name: "cluster1" is also the name of a cluster of the mesh; the external cluster runs only istiod and is not part of the mesh: give it a name of its own',
      'externalControlPlane.configCluster: names "cluster9", which is not a cluster of this mesh; name one of: cluster1',
    ]);
  });

  it('refuses clusters that configure an istiod of their own', () => {
    const spec = { ...WITH_REMOTE, clusters: [{ ...WITH_REMOTE.clusters[0], istiod: { replicas: 3 } }, { ...WITH_REMOTE.clusters[1], controlPlaneCluster: 'cluster1' }] };
    expect(problems(spec)).toEqual([
      'cluster "cluster1" (clusters[0].istiod): is set, but the mesh has an external control plane ("external"), whose istiod serves every cluster: set externalControlPlane.istiod instead',
      'cluster "cluster2" (clusters[1].controlPlaneCluster): is set, but the mesh has an external control plane ("external"), whose istiod serves every cluster; leave it out',
    ]);
  });

  it('checks the address as for a primary\'s: form, case, and the pinned load balancer address', () => {
    expect(problems({ ...CONFIG_ONLY, externalControlPlane: { ...CONFIG_ONLY.externalControlPlane!, discoveryAddress: 'Istiod.Example.com' } }))
      .toEqual(['externalControlPlane.discoveryAddress: "Istiod.Example.com" has uppercase letters, which Istio\'s remote chart and Kubernetes reject; write it in lowercase']);
    expect(problems({ ...CONFIG_ONLY, externalControlPlane: { ...CONFIG_ONLY.externalControlPlane!, istiodLoadBalancer: { loadBalancerIP: '192.0.2.21' } } }))
      .toEqual(['externalControlPlane.discoveryAddress: "192.0.2.20" differs from externalControlPlane.istiodLoadBalancer.loadBalancerIP "192.0.2.21", ' +
        'the address of the Service that exposes istiod: remotes would connect where nothing listens; make them the same']);
  });

  it('refuses a TLS server name for the API servers where istioctl cannot pass it (before 1.26)', () => {
    const spec = { ...CONFIG_ONLY, istioVersion: '1.25.5', clusters: [{ ...CONFIG_ONLY.clusters[0], apiServer: 'https://192.0.2.30:6443', apiServerTlsName: 'api.example.com' }] };
    expect(problems(spec)).toEqual([
      'cluster "cluster1" (clusters[0].apiServerTlsName): needs istioctl\'s --tls-server-name, which Istio 1.25.5 lacks (from 1.26); ' +
      'use Istio 1.26 or later, an apiServer address its certificate names, or remote credentials through External Secrets',
    ]);
    expect(problems({ ...spec, istioVersion: '1.26.0' })).toEqual([]);
  });

  it('refuses what it does not generate for an external control plane yet, naming each', () => {
    const found = problems({ ...CONFIG_ONLY, dataPlaneMode: 'ambient', monitoring: {}, trust: { mode: 'CertManager' } });
    expect(found.map((p) => p.split(':')[0])).toEqual(['dataPlaneMode', 'trust.mode', 'monitoring']);
  });

  it('delivers with Argo CD, Flux (its hub may be the external cluster) and the Sail Operator, addressing the external cluster as any other', () => {
    const delivery = { repository: { url: 'https://git.example.com/m.git', path: 'meshes' }, argoCd: {}, flux: { hubCluster: 'external' }, sailOperator: true };
    expect(problems({ ...CONFIG_ONLY, delivery })).toEqual([]);
    expect(problems({ ...CONFIG_ONLY, delivery: { ...delivery, flux: { hubCluster: 'elsewhere' } } }))
      .toEqual(['delivery.flux.hubCluster: names "elsewhere", which is not a cluster of this mesh nor its external cluster; name the cluster Flux runs in, or leave it out for a management cluster outside the mesh']);
    const clash = { ...CONFIG_ONLY, delivery, externalControlPlane: { ...CONFIG_ONLY.externalControlPlane!, delivery: { argoCdClusterName: 'cluster1', fluxKubeConfigSecret: 'x' } } };
    expect(problems(clash)).toEqual([
      'cluster "external" (externalControlPlane.delivery.argoCdClusterName): addresses the same Argo CD cluster (name cluster1) as cluster "cluster1": both clusters\' objects would go to one cluster; give each cluster its own registration',
      'cluster "external" (externalControlPlane.delivery.fluxKubeConfigSecret): is set on the hub cluster, which Flux reconciles without a kubeconfig; remove it, or change delivery.flux.hubCluster',
    ]);
  });
});

describe('the plan and the values', () => {
  const plan = planMesh(WITH_REMOTE);
  const [config, remote] = plan.clusters;

  it('makes the config cluster CONFIG and the others its remotes, none reading another, all in external-istiod', () => {
    expect(plan.istioNamespace).toBe('external-istiod');
    expect([config.role, remote.role]).toEqual([ClusterRole.CONFIG, ClusterRole.REMOTE]);
    expect(remote.controlPlaneCluster).toBe('cluster1');
    expect(plan.clusters.map((c) => c.readsApiServersOf)).toEqual([[], []]);
    expect(plan.clusters.map((c) => c.remotePilotAddress)).toEqual(['istiod.mesh.example.com', 'istiod.mesh.example.com']);
    expect(plan.externalControlPlane!.readsApiServersOf).toEqual(['cluster2']);
    // Across networks: gateways everywhere, Istio's configuration (expose-services) on the config cluster only.
    expect(plan.clusters.map((c) => [c.eastWestGateway?.exposesIstiod, c.exposesServices])).toEqual([[false, true], [false, false]]);
  });

  it('installs the remote profile in external-istiod, pointed at the external istiod by DNS name', () => {
    expect(istioInstallValues(plan, config)).toEqual({
      profile: 'remote',
      meshConfig: { trustDomain: 'cluster.local' },
      global: {
        istioNamespace: 'external-istiod', meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1',
        remotePilotAddress: 'istiod.mesh.example.com', configCluster: true,
      },
      istiodRemote: { injectionURL: 'https://istiod.mesh.example.com:15017/inject/cluster/cluster1/net/network1' },
      pilot: { configMap: true },
      base: { validationURL: 'https://istiod.mesh.example.com:15017/validate' },
      defaultRevision: 'default',
    });
    const remoteValues = istioInstallValues(plan, remote);
    expect(remoteValues.global.configCluster).toBeUndefined();
    expect(remoteValues.defaultRevision).toBe('');
    expect(renderBaseChartValues(remoteValues)).toEqual({
      profile: 'remote', global: { istioNamespace: 'external-istiod' },
      base: { validationURL: 'https://istiod.mesh.example.com:15017/validate' }, defaultRevision: '',
    });
  });

  it('uses the injection path where istiod is reached by IP address, without a validation URL', () => {
    const ipPlan = planMesh(CONFIG_ONLY);
    const values = istioInstallValues(ipPlan, ipPlan.clusters[0]);
    expect(values.istiodRemote).toEqual({ injectionPath: '/inject/cluster/cluster1/net/network1' });
    expect(values.base).toBeUndefined();
  });

  it('installs the external istiod alone, as the config cluster\'s istiod, with its own mesh config and injection templates', () => {
    const values = externalIstiodInstallValues(plan) as any;
    expect(values.global).toEqual({
      istioNamespace: 'external-istiod', meshID: 'mesh1', multiCluster: { clusterName: 'cluster1' }, network: 'network1',
      externalIstiod: true, operatorManageWebhooks: true, configValidation: false, defaultPodDisruptionBudget: { enabled: true },
    });
    expect(values.meshConfig).toEqual({ trustDomain: 'cluster.local', rootNamespace: 'external-istiod' });
    expect(values.pilot.env).toEqual({ LOCAL_CLUSTER_SECRET_WATCHER: 'true', SHARED_MESH_CONFIG: 'istio', ISTIOD_CUSTOM_HOST: 'istiod.mesh.example.com' });
    expect(values.pilot.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/etc/istio/config', '/var/lib/istio/inject', '/var/run/secrets/config-cluster']);
    // istio-kubeconfig mounted again, not optional: istiod's pod cannot start before the Secret exists.
    expect(values.pilot.volumes[2]).toEqual({ name: 'config-cluster-kubeconfig', secret: { secretName: 'istio-kubeconfig' } });
    expect(values.pilot).toMatchObject({ autoscaleEnabled: true, autoscaleMin: 2 });
    const operator = renderIstioOperator('external', values, { istiodOnly: true });
    expect(operator.metadata.namespace).toBe('external-istiod');
    expect(operator.spec).toMatchObject({ profile: 'empty', components: { pilot: { enabled: true } } });
    // An IP address is on istiod's certificate by itself.
    expect((externalIstiodInstallValues(planMesh(CONFIG_ONLY)) as any).pilot.env.ISTIOD_CUSTOM_HOST).toBeUndefined();
  });
});

describe('the objects', () => {
  const mesh = new IstioMulticlusterMesh(new App(), 'ecp', WITH_REMOTE);
  const objectsOf = (path: string) => mesh.directories.find((d) => d.path === path)!.chart!.toJson() as any[];

  it('gives the external cluster its namespace and the istiod-external Service', () => {
    expect(objectsOf('clusters/external/namespace').map((o) => [o.kind, o.metadata.name, o.metadata.labels?.['topology.istio.io/network']]))
      .toEqual([['Namespace', 'external-istiod', undefined]]);
    const [service] = objectsOf('clusters/external/mesh');
    expect([service.kind, service.metadata.name, service.metadata.namespace, service.spec.type]).toEqual(['Service', 'istiod-external', 'external-istiod', 'LoadBalancer']);
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([15012, 15017]);
    expect(service.metadata.annotations).toEqual({ 'example.com/lb': 'internal' });
  });

  it('puts Istio\'s namespace, gateways and exposed services of the mesh clusters in external-istiod, the remote annotated with the config cluster', () => {
    const [configNs] = objectsOf('clusters/cluster1/namespace');
    const [remoteNs] = objectsOf('clusters/cluster2/namespace');
    expect([configNs.metadata.name, configNs.metadata.annotations]).toEqual(['external-istiod', undefined]);
    expect([remoteNs.metadata.name, remoteNs.metadata.annotations]).toEqual(['external-istiod', { 'topology.istio.io/controlPlaneClusters': 'cluster1' }]);
    for (const name of ['cluster1', 'cluster2']) {
      for (const o of objectsOf(`clusters/${name}/mesh`)) expect(o.metadata.namespace, `${name} ${o.kind}/${o.metadata.name}`).toBe('external-istiod');
    }
    expect(objectsOf('clusters/cluster1/mesh').some((o) => o.metadata.name === 'cross-network-gateway')).toBe(true);
    expect(objectsOf('clusters/cluster2/mesh').some((o) => o.metadata.name === 'cross-network-gateway')).toBe(false);
  });

  it('emits only objects that validate against their schemas', () => {
    for (const d of mesh.directories) for (const o of d.chart?.toJson() ?? []) expect(() => validateObject(o), `${d.path}: ${o.kind}`).not.toThrow();
  });
});

describe('traffic policies', () => {
  it('go to the config cluster, which the external istiod reads, and to no remote', () => {
    const mesh = new IstioMulticlusterMesh(new App(), 'ecp', {
      ...WITH_REMOTE,
      trafficPolicies: [{ host: 'backend.production.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }], routes: [{ route: [{ subset: 'v1' }] }] }],
    });
    const traffic = mesh.directories.filter((d) => /^clusters\/[^/]+\/traffic$/.test(d.path)).map((d) => d.path);
    expect(traffic).toEqual(['clusters/cluster1/traffic']);
    const kinds = mesh.directories.find((d) => d.path === 'clusters/cluster1/traffic')!.chart!.toJson().map((o: any) => o.kind);
    expect(kinds).toEqual(['DestinationRule', 'VirtualService']);
  });
});

describe('the per-cluster facts, as for the seed topologies', () => {
  it.each([['a config cluster alone', CONFIG_ONLY], ['a config cluster and a further remote on another network', WITH_REMOTE]] as const)(
    '%s: the clusters agree with each other and with the external istiod', async (_name, spec) => {
      const { mesh, files } = synth(spec);
      expectMeshInvariants(mesh.plan!, files);
      await expectReadmeOrder(mesh.plan!, files);
    });
});

describe('delivering an external control plane with Argo CD, Flux and the Sail Operator', () => {
  const delivery = { repository: { url: 'https://git.example.com/m.git', path: 'meshes' }, argoCd: {}, flux: {}, sailOperator: true };
  const { mesh, files } = synth({ ...WITH_REMOTE, delivery });
  const plan = mesh.plan!;
  // Every Kubernetes object, not the Helm values files.
  const objects = parseObjects(files, (p) => p.endsWith('.yaml') && !p.includes('/helm/'));
  const chartValues = (o: any) => o.spec.source?.helm?.valuesObject ?? o.spec.values;

  it('installs the external istiod with the same values as istioctl and Helm, into external-istiod, the remote profile everywhere else', () => {
    const external = externalIstiodInstallValues(plan);
    const apps = objects.filter((o) => o.kind === 'Application' && o.spec.source.chart !== undefined);
    const releases = objects.filter((o) => o.kind === 'HelmRelease');
    for (const o of [...apps, ...releases]) {
      expect(o.spec.destination?.namespace ?? o.spec.targetNamespace, o.metadata.name).toBe('external-istiod');
    }
    const extApp = apps.find((o) => o.metadata.name === 'mesh1-external-istiod')!;
    const extRelease = releases.find((o) => o.metadata.name === 'mesh1-external-istiod')!;
    expect(chartValues(extApp)).toEqual(external);
    expect(chartValues(extRelease)).toEqual(external);
    expect(extApp.spec.destination.name).toBe('external');
    // Its pod waits for istio-kubeconfig, made by hand: the release retries until then.
    expect(extRelease.spec.install.remediation.retries).toBe(-1);
    expect(extRelease.spec.kubeConfig).toEqual({ secretRef: { name: 'external-kubeconfig' } });
    expect(releases.filter((o) => o.metadata.name !== 'mesh1-external-istiod').every((o) => o.spec.install.remediation.retries > 0)).toBe(true);
    // No base chart in the external cluster.
    expect(apps.filter((o) => o.metadata.labels![CLUSTER_LABEL] === 'external').map((o) => o.spec.source.chart)).toEqual(['istiod']);
    const sail = objects.filter((o) => o.kind === 'Istio');
    expect(sail.map((o) => [o.metadata.labels![CLUSTER_LABEL], o.spec.profile, o.spec.namespace]).sort()).toEqual([
      ['cluster1', 'remote', 'external-istiod'], ['cluster2', 'remote', 'external-istiod'], ['external', 'empty', 'external-istiod'],
    ]);
    expect(sail.find((o) => o.metadata.labels![CLUSTER_LABEL] === 'external')!.spec.values).toEqual(external);
  });

  it('puts istio-kubeconfig by hand between the config cluster\'s istiod and the external istiod, and every emitted object validates', () => {
    const manual = plan.delivery.manualSteps.find((m) => m.kind === ManualStepKind.CONFIG_KUBECONFIG)!;
    const wave = (cluster: string, stage: string) => plan.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage)!.wave;
    expect(manual.afterWave).toBe(wave('cluster1', 'istiod'));
    expect(manual.before).toEqual([{ cluster: 'external', stage: 'istiod' }]);
    expect(wave('external', 'istiod')).toBeGreaterThan(manual.afterWave);
    expect(wave('cluster2', 'istio-base')).toBeGreaterThan(wave('external', 'istiod'));
    // The README's overview names the delivery directories, as for every other mesh.
    const readme = files.find((f) => f.path === 'README.md')!.content;
    for (const dir of ['install/<cluster>/sail/', 'argocd/', 'flux/']) expect(readme).toContain(`- \`${dir}\`: `);
    // Every Kubernetes object: kustomize's own Kustomization files are not applied.
    const applied = objects.filter((o) => !String(o.apiVersion).startsWith('kustomize.config.k8s.io/'));
    expect(applied.length).toBeGreaterThan(30);
    for (const { file, ...o } of applied) expect(() => validateObject(o), `${file}: ${o.kind}/${o.metadata.name}`).not.toThrow();
  });
});
