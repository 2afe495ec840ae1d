/**
 * The building blocks work standalone, in someone else's cdk8s app: a plain `App` and
 * `Chart`, no mesh description, no ManifestChart. Each construct is instantiated with
 * its defaults and with overrides, and the objects `Testing.synth` returns are checked.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, ChartProps, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CURL_IMAGE, DEFAULT_ISTIO_VERSION, EastWestGateway, EastWestGatewayProps, ExposeIstiod, ExposeServices, HELLOWORLD_IMAGE, HelloWorld,
  IstiodLoadBalancer, IstioSystemNamespace, LoadBalancerOptions, SampleClient, VerificationClient, VerificationWorkloads,
} from '../src';

/** A fresh consumer app and chart, built by `build`, synthesized as plain objects. */
function synthChart(build: (chart: Chart) => void, props?: ChartProps): any[] {
  const chart = new Chart(new App(), 'c', props);
  build(chart);
  return Testing.synth(chart);
}

/** The single object of a kind (fails when there are none or several). */
function one(objects: any[], kind: string): any {
  const matching = objects.filter((o) => o.kind === kind);
  expect(matching.map((o) => `${o.kind} ${o.metadata.name}`), `exactly one ${kind}`).toHaveLength(1);
  return matching[0];
}

function named(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found;
}

const kindsAndNames = (objects: any[]) => objects.map((o) => `${o.kind} ${o.metadata.name}`);
const portsOf = (service: any) => service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort, p.protocol]);

const NETWORK_LABEL = 'topology.istio.io/network';

// ---------------------------------------------------------------------------------------------

describe('IstioSystemNamespace', () => {
  it('defaults to a plain istio-system Namespace', () => {
    const objects = synthChart((c) => new IstioSystemNamespace(c, 'ns'));
    expect(kindsAndNames(objects)).toEqual(['Namespace istio-system']);
    const ns = objects[0];
    expect(ns.apiVersion).toBe('v1');
    expect(ns.metadata.labels?.[NETWORK_LABEL]).toBeUndefined();
    expect(ns.metadata.annotations).toBeUndefined();
  });

  it('labels the namespace with the network', () => {
    const [ns] = synthChart((c) => new IstioSystemNamespace(c, 'ns', { network: 'network1' }));
    expect(ns.metadata.labels).toEqual({ [NETWORK_LABEL]: 'network1' });
  });

  it('annotates a remote\'s namespace with the primary that controls it', () => {
    const [ns] = synthChart((c) => new IstioSystemNamespace(c, 'ns', { network: 'network2', controlPlaneClusters: ['cluster1'] }));
    expect(ns.metadata.annotations).toEqual({ 'topology.istio.io/controlPlaneClusters': 'cluster1' });
    expect(ns.metadata.labels).toEqual({ [NETWORK_LABEL]: 'network2' });
  });

  it('comma-joins several control plane clusters', () => {
    const [ns] = synthChart((c) => new IstioSystemNamespace(c, 'ns', { controlPlaneClusters: ['cluster1', 'cluster3'] }));
    expect(ns.metadata.annotations).toEqual({ 'topology.istio.io/controlPlaneClusters': 'cluster1,cluster3' });
  });

  it('writes no annotation for an empty list of control plane clusters', () => {
    const [ns] = synthChart((c) => new IstioSystemNamespace(c, 'ns', { controlPlaneClusters: [] }));
    expect(ns.metadata.annotations).toBeUndefined();
  });

  it('takes a name and extra labels', () => {
    let construct: IstioSystemNamespace | undefined;
    const [ns] = synthChart((c) => {
      construct = new IstioSystemNamespace(c, 'ns', { name: 'istio-cp', network: 'n1', labels: { team: 'mesh' } });
    });
    expect(construct!.name).toBe('istio-cp');
    expect(ns.metadata.name).toBe('istio-cp');
    expect(ns.metadata.labels).toEqual({ team: 'mesh', [NETWORK_LABEL]: 'n1' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('EastWestGateway', () => {
  const gateway = (props?: EastWestGatewayProps) => synthChart((c) => new EastWestGateway(c, 'gw', props));

  describe('with defaults', () => {
    const objects = gateway();

    it('is the objects of Istio\'s gateway chart, all named istio-eastwestgateway in istio-system', () => {
      expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
        'v1 ServiceAccount',
        'rbac.authorization.k8s.io/v1 Role',
        'rbac.authorization.k8s.io/v1 RoleBinding',
        'apps/v1 Deployment',
        'v1 Service',
        'autoscaling/v2 HorizontalPodAutoscaler',
      ]);
      for (const o of objects) {
        expect(o.metadata.name).toBe('istio-eastwestgateway');
        expect(o.metadata.namespace).toBe('istio-system');
        expect(o.metadata.labels).toMatchObject({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
      }
    });

    it('exposes the selector Istio Gateway resources use', () => {
      let gw: EastWestGateway | undefined;
      synthChart((c) => { gw = new EastWestGateway(c, 'gw'); });
      expect(gw!.gatewaySelector).toEqual({ istio: 'eastwestgateway' });
      expect(gw!.name).toBe('istio-eastwestgateway');
      expect(gw!.namespace).toBe('istio-system');
    });

    it('runs an injected proxy: image auto, the gateway injection template, no replica count', () => {
      const deployment = one(objects, 'Deployment');
      expect(deployment.spec.replicas).toBeUndefined();
      expect(deployment.spec.selector.matchLabels).toEqual({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
      const pod = deployment.spec.template;
      expect(pod.metadata.annotations).toMatchObject({ 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/inject': 'true' });
      expect(pod.metadata.labels).toMatchObject({ app: 'istio-eastwestgateway', istio: 'eastwestgateway', 'sidecar.istio.io/inject': 'true' });
      expect(pod.spec.serviceAccountName).toBe('istio-eastwestgateway');
      expect(pod.spec.containers).toHaveLength(1);
      expect(pod.spec.containers[0]).toMatchObject({ name: 'istio-proxy', image: 'auto' });
    });

    it('serves no particular network', () => {
      const deployment = one(objects, 'Deployment');
      expect(deployment.spec.template.spec.containers[0].env).toBeUndefined();
      expect(deployment.spec.template.metadata.labels[NETWORK_LABEL]).toBeUndefined();
      for (const o of objects) expect(o.metadata.labels[NETWORK_LABEL]).toBeUndefined();
    });

    it('has a LoadBalancer Service with the status and cross-network ports only', () => {
      const service = one(objects, 'Service');
      expect(service.spec.type).toBe('LoadBalancer');
      expect(service.spec.selector).toEqual({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
      expect(portsOf(service)).toEqual([['status-port', 15021, 15021, 'TCP'], ['tls', 15443, 15443, 'TCP']]);
      expect(service.spec.loadBalancerIP).toBeUndefined();
      expect(service.metadata.annotations).toBeUndefined();
    });

    it('lets the gateway read its namespace\'s secrets', () => {
      expect(one(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
      const binding = one(objects, 'RoleBinding');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istio-eastwestgateway' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-eastwestgateway' }]);
    });

    it('autoscales between 1 and 5 on CPU, with no PodDisruptionBudget to pin its single replica', () => {
      expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
      const hpa = one(objects, 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'istio-eastwestgateway' });
      expect(hpa.spec.minReplicas).toBe(1);
      expect(hpa.spec.maxReplicas).toBe(5);
      expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    });
  });

  it('carries istiod\'s ports 15012 and 15017 only with exposeIstiod', () => {
    expect(portsOf(one(gateway({ exposeIstiod: false }), 'Service'))).toEqual([
      ['status-port', 15021, 15021, 'TCP'], ['tls', 15443, 15443, 'TCP'],
    ]);
    expect(portsOf(one(gateway({ exposeIstiod: true }), 'Service'))).toEqual([
      ['status-port', 15021, 15021, 'TCP'],
      ['tls', 15443, 15443, 'TCP'],
      ['tls-istiod', 15012, 15012, 'TCP'],
      ['tls-webhook', 15017, 15017, 'TCP'],
    ]);
  });

  it('with a network, labels every object and the pods with it and requests that network\'s view', () => {
    const objects = gateway({ network: 'network2' });
    for (const o of objects) expect(o.metadata.labels[NETWORK_LABEL], `${o.kind}`).toBe('network2');
    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.template.metadata.labels[NETWORK_LABEL]).toBe('network2');
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: 'network2' }]);
    // the network does not change what the Service and PDB select
    expect(one(objects, 'Service').spec.selector).toEqual({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
  });

  it('scales between minReplicas and maxReplicas', () => {
    const hpa = one(gateway({ minReplicas: 2, maxReplicas: 4 }), 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 4]);
    expect(one(gateway({ minReplicas: 2, maxReplicas: 4 }), 'PodDisruptionBudget').spec.minAvailable).toBe(1);
  });

  it('raises the default maximum to a minimum above 5', () => {
    const hpa = one(gateway({ minReplicas: 7 }), 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([7, 7]);
  });

  it('puts a fixed address and annotations on the Service only', () => {
    const annotations = { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' };
    const objects = gateway({ loadBalancerIP: '192.0.2.20', serviceAnnotations: annotations });
    const service = one(objects, 'Service');
    // spelled as the Kubernetes API spells it
    expect(service.spec).toHaveProperty('loadBalancerIP', '192.0.2.20');
    expect(service.spec).not.toHaveProperty('loadBalancerIp');
    expect(service.metadata.annotations).toEqual(annotations);
    for (const o of objects.filter((x) => x.kind !== 'Service')) expect(o.metadata.annotations, o.kind).toBeUndefined();
  });

  it('writes no annotations for an empty annotation map', () => {
    expect(one(gateway({ serviceAnnotations: {} }), 'Service').metadata.annotations).toBeUndefined();
  });

  it('takes a name, namespace and extra labels, and derives the selector from the name', () => {
    let gw: EastWestGateway | undefined;
    const objects = synthChart((c) => {
      gw = new EastWestGateway(c, 'gw', { name: 'istio-crossgateway', namespace: 'istio-gateways', labels: { team: 'mesh' }, minReplicas: 2 });
    });
    expect(gw!.gatewaySelector).toEqual({ istio: 'crossgateway' });
    for (const o of objects) {
      expect(o.metadata.name).toBe('istio-crossgateway');
      expect(o.metadata.namespace).toBe('istio-gateways');
      expect(o.metadata.labels).toMatchObject({ team: 'mesh', app: 'istio-crossgateway', istio: 'crossgateway' });
    }
    const selector = { app: 'istio-crossgateway', istio: 'crossgateway' };
    expect(one(objects, 'Deployment').spec.selector.matchLabels).toEqual(selector);
    expect(one(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('istio-crossgateway');
    expect(one(objects, 'Service').spec.selector).toEqual(selector);
    expect(one(objects, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(selector);
    expect(one(objects, 'RoleBinding').roleRef.name).toBe('istio-crossgateway');
    expect(one(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-crossgateway' }]);
    expect(one(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('istio-crossgateway');
  });

  it('cannot be relabelled away from its selector by extra labels', () => {
    const objects = gateway({ labels: { app: 'other', istio: 'other' } });
    for (const o of objects) expect(o.metadata.labels).toMatchObject({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
  });

  describe('validation of the replica range, which cdk8s runs when the app or chart is synthesized', () => {
    const outdirs: string[] = [];
    afterEach(() => {
      for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });
    const appWithGateway = (props: EastWestGatewayProps) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-constructs-'));
      outdirs.push(outdir);
      const app = new App({ outdir });
      const chart = new Chart(app, 'c');
      const gw = new EastWestGateway(chart, 'gw', props);
      return { app, chart, gw, outdir };
    };

    it.each<[string, EastWestGatewayProps, RegExp]>([
      ['minReplicas 0', { minReplicas: 0 }, /minReplicas \(0\) must be a whole number of at least 1/],
      ['a negative minReplicas', { minReplicas: -1 }, /minReplicas \(-1\) must be a whole number of at least 1/],
      ['a fractional minReplicas', { minReplicas: 1.5 }, /minReplicas \(1\.5\) must be a whole number of at least 1/],
      ['maxReplicas below minReplicas', { minReplicas: 3, maxReplicas: 2 }, /maxReplicas \(2\) must be a whole number no smaller than minReplicas \(3\)/],
      ['a fractional maxReplicas', { maxReplicas: 2.5 }, /maxReplicas \(2\.5\) must be a whole number/],
    ])('rejects %s', (_case, props, message) => {
      const { app, gw, outdir } = appWithGateway(props);
      expect(gw.node.validate().join('\n')).toMatch(message);
      expect(() => app.synth()).toThrow(/Validation failed/);
      expect(() => app.synth()).toThrow(message);
      expect(() => app.synthYaml()).toThrow(message);
      // nothing was written
      expect(fs.readdirSync(outdir)).toEqual([]);
    });

    it('accepts a valid range and writes the chart', () => {
      const { app, gw, outdir } = appWithGateway({ minReplicas: 2, maxReplicas: 2 });
      expect(gw.node.validate()).toEqual([]);
      expect(() => app.synth()).not.toThrow();
      expect(fs.readdirSync(outdir)).toEqual(['c.k8s.yaml']);
    });

    it('is also run by Testing.synth (chart.toJson validates the whole app)', () => {
      const { chart } = appWithGateway({ minReplicas: 0 });
      expect(() => Testing.synth(chart)).toThrow(/minReplicas \(0\) must be a whole number of at least 1/);
    });
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * What Istio's `gateway` chart renders for an east-west gateway (`networkGateway` set) and
 * how that changed between releases. These are facts about the charts 1.24.6, 1.25.5, 1.26.8,
 * 1.27.9, 1.28.10, 1.29.6, 1.30.3 and the 1.31 branch, written out here so that the tests
 * need nothing but this repository:
 * - `istio.io/dataplane-mode: none`: in the chart's default `labels` from 1.25 (1.24: `labels: {}`),
 *   hence on every object and on the pod template, never in a selector;
 * - container `runAsUser: 1337` and `runAsGroup: 1337`: in the Deployment template up to 1.29,
 *   removed in 1.30 (the injector's `gateway` template sets the proxy's UID/GID instead);
 * - the rest of the container securityContext, the pod's sysctl, ports and HPA defaults:
 *   the same in every release.
 */
const GATEWAY_CHART: Array<{ release: string; istioVersion: string; ambientOptOut: boolean; fixedProxyUser: boolean }> = [
  { release: '1.24 (chart 1.24.6)', istioVersion: '1.24.6', ambientOptOut: false, fixedProxyUser: true },
  { release: '1.25 (chart 1.25.5)', istioVersion: '1.25.0', ambientOptOut: true, fixedProxyUser: true },
  { release: '1.26 (chart 1.26.8)', istioVersion: '1.26.8', ambientOptOut: true, fixedProxyUser: true },
  { release: '1.27 (chart 1.27.9)', istioVersion: '1.27.1', ambientOptOut: true, fixedProxyUser: true },
  { release: '1.28 (chart 1.28.10)', istioVersion: '1.28.0', ambientOptOut: true, fixedProxyUser: true },
  { release: '1.29 (chart 1.29.6)', istioVersion: '1.29', ambientOptOut: true, fixedProxyUser: true },
  { release: '1.30 (chart 1.30.3)', istioVersion: '1.30.0-beta.1', ambientOptOut: true, fixedProxyUser: false },
  { release: '1.31 (chart of the 1.31 branch)', istioVersion: '1.31.1', ambientOptOut: true, fixedProxyUser: false },
  { release: '1.33, newer than the newest chart, as 1.31', istioVersion: '1.33.0', ambientOptOut: true, fixedProxyUser: false },
];

describe('EastWestGateway follows the gateway chart of its Istio release', () => {
  const gatewayAt = (istioVersion: string, props: EastWestGatewayProps = {}) =>
    synthChart((c) => new EastWestGateway(c, 'gw', { network: 'network1', ...props, istioVersion }));
  const selector = { app: 'istio-eastwestgateway', istio: 'eastwestgateway' };

  describe.each(GATEWAY_CHART)('Istio $release', ({ istioVersion, ambientOptOut, fixedProxyUser }) => {
    const objects = gatewayAt(istioVersion, { minReplicas: 2 });
    const deployment = one(objects, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];

    it(ambientOptOut
      ? 'labels every object and the pods istio.io/dataplane-mode: none, outside the selectors'
      : 'has no istio.io/dataplane-mode label', () => {
      const expected = ambientOptOut ? 'none' : undefined;
      expect(objects.map((o) => o.kind)).toContain('PodDisruptionBudget');
      for (const o of objects) expect(o.metadata.labels['istio.io/dataplane-mode'], o.kind).toBe(expected);
      expect(deployment.spec.template.metadata.labels['istio.io/dataplane-mode']).toBe(expected);
      expect(deployment.spec.selector.matchLabels).toEqual(selector);
      expect(one(objects, 'Service').spec.selector).toEqual(selector);
      expect(one(objects, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(selector);
    });

    it(fixedProxyUser
      ? 'pins the proxy to UID and GID 1337 in the Deployment'
      : 'leaves the proxy\'s UID and GID to the injector', () => {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        ...(fixedProxyUser ? { runAsUser: 1337, runAsGroup: 1337 } : {}),
      });
    });

    it('keeps what every release shares: the sysctl, the injection template, the ports and the autoscaling', () => {
      const pod = deployment.spec.template;
      expect(pod.spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
      expect(pod.metadata.annotations).toEqual({
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/stats/prometheus',
        'inject.istio.io/templates': 'gateway',
        'sidecar.istio.io/inject': 'true',
      });
      expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('true');
      // The chart puts the network on the pods only from 1.26; this gateway does for every
      // release, as istioctl's east-west gateway did (a deliberate difference).
      expect(pod.metadata.labels[NETWORK_LABEL]).toBe('network1');
      expect(container.image).toBe('auto');
      expect(container.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
      expect(portsOf(one(objects, 'Service'))).toEqual([['status-port', 15021, 15021, 'TCP'], ['tls', 15443, 15443, 'TCP']]);
      expect(one(objects, 'Service').metadata.labels[NETWORK_LABEL]).toBe('network1');
      const hpa = one(objects, 'HorizontalPodAutoscaler');
      expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    });
  });

  it('renders the default release, DEFAULT_ISTIO_VERSION, when given none', () => {
    expect(gatewayAt(DEFAULT_ISTIO_VERSION)).toEqual(synthChart((c) => new EastWestGateway(c, 'gw', { network: 'network1' })));
  });

  it('lets extra labels set the dataplane mode, on the objects and the pods alike', () => {
    const objects = gatewayAt('1.24.6', { labels: { 'istio.io/dataplane-mode': 'none' } });
    for (const o of objects) expect(o.metadata.labels['istio.io/dataplane-mode'], o.kind).toBe('none');
    expect(one(objects, 'Deployment').spec.template.metadata.labels['istio.io/dataplane-mode']).toBe('none');
  });

  it.each([
    ['latest', 'istioVersion: "latest" is not an Istio version'],
    ['1.23.4', 'istioVersion: Istio 1.23.4 is not supported'],
    ['2.0.0', 'istioVersion: Istio 2.0.0 is not supported'],
  ])('reports the unusable version %s when validated', (istioVersion, message) => {
    const chart = new Chart(new App(), 'c');
    const gw = new EastWestGateway(chart, 'gw', { istioVersion });
    const problems = gw.node.validate();
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message), problems[0]).toBe(true);
    expect(() => Testing.synth(chart)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------

describe('EastWestGateway PodDisruptionBudget: only one that allows a disruption', () => {
  /** How many pods an eviction may take when `replicas` are running and healthy. */
  const allowedDisruptions = (pdb: any, replicas: number) => {
    expect(pdb.spec.maxUnavailable, 'the budget is stated as minAvailable').toBeUndefined();
    return replicas - pdb.spec.minAvailable;
  };
  const pdbsOf = (objects: any[]) => objects.filter((o) => o.kind === 'PodDisruptionBudget');

  // Istio's gateway chart rendered a PDB at one replica up to 1.27 (whenever
  // `podDisruptionBudget` was set) and stopped in 1.28; this construct never does.
  it.each(GATEWAY_CHART.map((f) => [f.istioVersion]))('has none at one replica, for Istio %s', (istioVersion) => {
    expect(pdbsOf(synthChart((c) => new EastWestGateway(c, 'gw', { istioVersion })))).toEqual([]);
    expect(pdbsOf(synthChart((c) => new EastWestGateway(c, 'gw', { istioVersion, minReplicas: 1, maxReplicas: 3 })))).toEqual([]);
  });

  it.each([2, 3, 7])('with %i replicas at least, keeps one available and lets the others be evicted', (minReplicas) => {
    const objects = synthChart((c) => new EastWestGateway(c, 'gw', { minReplicas }));
    const [pdb] = pdbsOf(objects);
    expect(pdbsOf(objects)).toHaveLength(1);
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' } } });
    expect(allowedDisruptions(pdb, minReplicas)).toBe(minReplicas - 1);
    expect(allowedDisruptions(pdb, minReplicas)).toBeGreaterThan(0);
    // it selects exactly the gateway's pods
    expect(pdb.spec.selector.matchLabels).toEqual(one(objects, 'Deployment').spec.selector.matchLabels);
    expect(pdb.metadata.labels).toEqual(one(objects, 'Deployment').metadata.labels);
  });
});

// ---------------------------------------------------------------------------------------------

describe('ExposeIstiod', () => {
  it('passes TLS on 15012 and 15017 through the east-west gateway (Gateway istiod-gateway)', () => {
    const objects = synthChart((c) => new ExposeIstiod(c, 'ei'));
    expect(kindsAndNames(objects)).toEqual(['Gateway istiod-gateway', 'VirtualService istiod-vs']);
    const gw = named(objects, 'Gateway', 'istiod-gateway');
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    expect(gw.metadata.namespace).toBe('istio-system');
    expect(gw.spec).toEqual({
      selector: { istio: 'eastwestgateway' },
      servers: [
        { port: { name: 'tls-istiod', number: 15012, protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
        { port: { name: 'tls-istiodwebhook', number: 15017, protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
      ],
    });
  });

  it('routes 15012 to istiod\'s xDS port and 15017 to its webhook port 443 (VirtualService istiod-vs)', () => {
    const vs = named(synthChart((c) => new ExposeIstiod(c, 'ei')), 'VirtualService', 'istiod-vs');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.metadata.namespace).toBe('istio-system');
    expect(vs.spec).toEqual({
      hosts: ['*'],
      gateways: ['istiod-gateway'],
      tls: [
        { match: [{ port: 15012, sniHosts: ['*'] }], route: [{ destination: { host: 'istiod.istio-system.svc.cluster.local', port: { number: 15012 } } }] },
        { match: [{ port: 15017, sniHosts: ['*'] }], route: [{ destination: { host: 'istiod.istio-system.svc.cluster.local', port: { number: 443 } } }] },
      ],
    });
  });

  it('takes istiod\'s namespace, the gateway selector and extra labels', () => {
    const objects = synthChart((c) => new ExposeIstiod(c, 'ei', {
      namespace: 'istio-cp', gatewaySelector: { istio: 'crossgateway' }, labels: { team: 'mesh' },
    }));
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('istio-cp');
      expect(o.metadata.labels).toEqual({ team: 'mesh' });
    }
    expect(named(objects, 'Gateway', 'istiod-gateway').spec.selector).toEqual({ istio: 'crossgateway' });
    const hosts = named(objects, 'VirtualService', 'istiod-vs').spec.tls.map((t: any) => t.route[0].destination.host);
    expect(hosts).toEqual(['istiod.istio-cp.svc.cluster.local', 'istiod.istio-cp.svc.cluster.local']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('ExposeServices', () => {
  it('exposes every *.local service on 15443 with AUTO_PASSTHROUGH (Gateway cross-network-gateway)', () => {
    const objects = synthChart((c) => new ExposeServices(c, 'es'));
    expect(kindsAndNames(objects)).toEqual(['Gateway cross-network-gateway']);
    const gw = objects[0];
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    expect(gw.metadata.namespace).toBe('istio-system');
    expect(gw.spec).toEqual({
      selector: { istio: 'eastwestgateway' },
      servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
    });
  });

  it('takes hosts, namespace, extra labels and the selector of a custom east-west gateway', () => {
    const objects = synthChart((c) => {
      const ew = new EastWestGateway(c, 'gw', { name: 'istio-crossgateway' });
      new ExposeServices(c, 'es', {
        gatewaySelector: ew.gatewaySelector, hosts: ['*.sample.svc.cluster.local'], namespace: 'istio-gateways', labels: { team: 'mesh' },
      });
    });
    const gw = named(objects, 'Gateway', 'cross-network-gateway');
    expect(gw.metadata.namespace).toBe('istio-gateways');
    expect(gw.metadata.labels).toEqual({ team: 'mesh' });
    expect(gw.spec.selector).toEqual({ istio: 'crossgateway' });
    expect(gw.spec.servers[0].hosts).toEqual(['*.sample.svc.cluster.local']);
    // the selector matches the gateway's pods
    expect(one(objects, 'Deployment').spec.template.metadata.labels).toMatchObject(gw.spec.selector);
  });
});

// ---------------------------------------------------------------------------------------------

describe('IstiodLoadBalancer', () => {
  it('is a LoadBalancer Service istiod-external in front of istiod\'s 15012 and 15017', () => {
    const objects = synthChart((c) => new IstiodLoadBalancer(c, 'lb'));
    expect(kindsAndNames(objects)).toEqual(['Service istiod-external']);
    const service = objects[0];
    expect(service.metadata.namespace).toBe('istio-system');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.selector).toEqual({ app: 'istiod', istio: 'pilot' });
    expect(portsOf(service)).toEqual([['tls-istiod', 15012, 15012, 'TCP'], ['tls-webhook', 15017, 15017, 'TCP']]);
    expect(service.spec.loadBalancerIP).toBeUndefined();
    expect(service.metadata.annotations).toBeUndefined();
  });

  it('takes a fixed address, annotations, name, namespace and labels', () => {
    const annotations = { 'networking.gke.io/load-balancer-type': 'Internal' };
    const [service] = synthChart((c) => new IstiodLoadBalancer(c, 'lb', {
      loadBalancerIP: '198.51.100.7', serviceAnnotations: annotations, name: 'istiod-lb', namespace: 'istio-cp', labels: { team: 'mesh' },
    }));
    expect(service.metadata).toEqual({ name: 'istiod-lb', namespace: 'istio-cp', labels: { team: 'mesh' }, annotations });
    expect(service.spec).toHaveProperty('loadBalancerIP', '198.51.100.7');
    expect(service.spec).not.toHaveProperty('loadBalancerIp');
  });
});

// ---------------------------------------------------------------------------------------------

describe('loadBalancerSourceRanges on the LoadBalancer Services', () => {
  const ranges = ['203.0.113.0/24', '198.51.100.0/25', '2001:db8::/32'];
  const services: Array<[string, (c: Chart, props: LoadBalancerOptions) => Construct]> = [
    ['EastWestGateway', (c, props) => new EastWestGateway(c, 'gw', props)],
    ['IstiodLoadBalancer', (c, props) => new IstiodLoadBalancer(c, 'lb', props)],
  ];

  describe.each(services)('%s', (_name, build) => {
    it('restricts the Service to the given client networks, in order', () => {
      const objects = synthChart((c) => build(c, { loadBalancerSourceRanges: ranges }));
      expect(one(objects, 'Service').spec.loadBalancerSourceRanges).toEqual(ranges);
      // only the Service has a load balancer
      for (const o of objects.filter((x) => x.kind !== 'Service')) expect(JSON.stringify(o), o.kind).not.toContain('loadBalancerSourceRanges');
    });

    it.each<[string, string[] | undefined]>([['no', undefined], ['an empty list of', []]])('writes no field for %s source ranges', (_case, given) => {
      const service = one(synthChart((c) => build(c, { loadBalancerSourceRanges: given })), 'Service');
      expect(service.spec).not.toHaveProperty('loadBalancerSourceRanges');
    });

    it('reports every range that is not in CIDR notation, by its index, and refuses to synthesize', () => {
      const chart = new Chart(new App(), 'c');
      const construct = build(chart, { loadBalancerSourceRanges: ['203.0.113.0/24', '203.0.113.7', '10.0.0.0/33', 'internal/8', 'fd00::/129'] });
      expect(construct.node.validate()).toEqual([
        'loadBalancerSourceRanges[1] "203.0.113.7" must be in CIDR notation, such as 10.0.0.0/16',
        'loadBalancerSourceRanges[2] "10.0.0.0/33" has a prefix length over 32',
        'loadBalancerSourceRanges[3] "internal/8" has an address that is neither IPv4 nor IPv6',
        'loadBalancerSourceRanges[4] "fd00::/129" has a prefix length over 128',
      ]);
      expect(() => Testing.synth(chart)).toThrow(/loadBalancerSourceRanges\[1\] "203\.0\.113\.7" must be in CIDR notation/);
    });

    it('accepts IPv4 and IPv6 networks', () => {
      const chart = new Chart(new App(), 'c');
      const construct = build(chart, { loadBalancerSourceRanges: ranges });
      expect(construct.node.validate()).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('HelloWorld', () => {
  it('is the helloworld Service and the helloworld-<version> Deployment in sample', () => {
    const objects = synthChart((c) => new HelloWorld(c, 'hw', { version: 'v3' }));
    expect(kindsAndNames(objects)).toEqual(['Service helloworld', 'Deployment helloworld-v3']);
    for (const o of objects) expect(o.metadata.namespace).toBe('sample');

    const service = named(objects, 'Service', 'helloworld');
    expect(service.metadata.labels).toEqual({ app: 'helloworld', service: 'helloworld' });
    expect(service.spec.selector).toEqual({ app: 'helloworld' });
    expect(portsOf(service)).toEqual([['http', 5000, 5000, 'TCP']]);

    const deployment = named(objects, 'Deployment', 'helloworld-v3');
    expect(deployment.metadata.labels).toEqual({ app: 'helloworld', version: 'v3' });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'helloworld', version: 'v3' });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'helloworld', version: 'v3' });
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(HELLOWORLD_IMAGE);
    expect(container.env).toEqual([{ name: 'SERVICE_VERSION', value: 'v3' }]);
    expect(container.ports).toEqual([{ containerPort: 5000, protocol: 'TCP' }]);
  });

  it('takes a namespace, an image and extra labels', () => {
    const objects = synthChart((c) => new HelloWorld(c, 'hw', {
      version: 'v1', namespace: 'demo', image: 'example.com/helloworld:2', labels: { team: 'mesh' },
    }));
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('demo');
      expect(o.metadata.labels.team).toBe('mesh');
    }
    expect(named(objects, 'Deployment', 'helloworld-v1').spec.template.spec.containers[0].image).toBe('example.com/helloworld:2');
  });
});

// ---------------------------------------------------------------------------------------------

describe('SampleClient', () => {
  it('is Istio\'s curl sample by default', () => {
    let client: SampleClient | undefined;
    const objects = synthChart((c) => { client = new SampleClient(c, 'client'); });
    expect(client!.name).toBe('curl');
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount curl', 'Service curl', 'Deployment curl']);
    for (const o of objects) expect(o.metadata.namespace).toBe('sample');
    const service = named(objects, 'Service', 'curl');
    expect(service.spec.selector).toEqual({ app: 'curl' });
    expect(portsOf(service)).toEqual([['http', 80, 80, 'TCP']]);
    const deployment = named(objects, 'Deployment', 'curl');
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'curl' });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'curl' });
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('curl');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]).toMatchObject({ name: 'curl', image: CURL_IMAGE, command: ['/bin/sleep', 'infinity'] });
  });

  it('is named sleep throughout for the sleep client', () => {
    const objects = synthChart((c) => new SampleClient(c, 'client', { client: VerificationClient.SLEEP }));
    expect(kindsAndNames(objects)).toEqual(['ServiceAccount sleep', 'Service sleep', 'Deployment sleep']);
    const deployment = named(objects, 'Deployment', 'sleep');
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'sleep' });
    expect(deployment.spec.template.spec.serviceAccountName).toBe('sleep');
    expect(deployment.spec.template.spec.containers[0].name).toBe('sleep');
    expect(named(objects, 'Service', 'sleep').spec.selector).toEqual({ app: 'sleep' });
    expect(JSON.stringify(objects)).not.toContain('"curl"');
  });

  it('takes a namespace, an image and extra labels', () => {
    const objects = synthChart((c) => new SampleClient(c, 'client', { namespace: 'demo', image: 'example.com/curl:1', labels: { team: 'mesh' } }));
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('demo');
      expect(o.metadata.labels.team).toBe('mesh');
    }
    expect(named(objects, 'Deployment', 'curl').spec.template.spec.containers[0].image).toBe('example.com/curl:1');
  });
});

// ---------------------------------------------------------------------------------------------

describe('VerificationWorkloads', () => {
  it('is the sample namespace with injection enabled, helloworld at the version, and the curl client', () => {
    let workloads: VerificationWorkloads | undefined;
    const objects = synthChart((c) => { workloads = new VerificationWorkloads(c, 'vw', { version: 'v2' }); });
    expect(kindsAndNames(objects)).toEqual([
      'Namespace sample',
      'Service helloworld',
      'Deployment helloworld-v2',
      'ServiceAccount curl',
      'Service curl',
      'Deployment curl',
    ]);
    expect(named(objects, 'Namespace', 'sample').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('sample');
    expect(named(objects, 'Deployment', 'helloworld-v2').spec.template.spec.containers[0].env)
      .toEqual([{ name: 'SERVICE_VERSION', value: 'v2' }]);
    expect(workloads!.client.name).toBe('curl');
    expect(workloads!.helloWorld.deployment.name).toBe('helloworld-v2');
    expect(workloads!.namespace.name).toBe('sample');
  });

  it('takes the client, namespace and extra labels for every object', () => {
    const objects = synthChart((c) => new VerificationWorkloads(c, 'vw', {
      version: 'v1', client: VerificationClient.SLEEP, namespace: 'verify', labels: { team: 'mesh' },
    }));
    expect(kindsAndNames(objects)).toEqual([
      'Namespace verify',
      'Service helloworld',
      'Deployment helloworld-v1',
      'ServiceAccount sleep',
      'Service sleep',
      'Deployment sleep',
    ]);
    expect(named(objects, 'Namespace', 'verify').metadata.labels).toEqual({ team: 'mesh', 'istio-injection': 'enabled' });
    for (const o of objects) expect(o.metadata.labels.team, `${o.kind} ${o.metadata.name}`).toBe('mesh');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('verify');
  });
});

// ---------------------------------------------------------------------------------------------

describe('in a consumer\'s own cdk8s app', () => {
  const everything = (c: Chart) => {
    new IstioSystemNamespace(c, 'IstioSystem', { network: 'network1' });
    new IstiodLoadBalancer(c, 'IstiodLb');
    new EastWestGateway(c, 'EastWest', { network: 'network1', exposeIstiod: true });
    new ExposeIstiod(c, 'ExposeIstiod');
    new ExposeServices(c, 'ExposeServices');
    new VerificationWorkloads(c, 'Verify', { version: 'v1' });
  };

  it('applies the chart\'s labels to every object of every construct, next to the constructs\' own labels', () => {
    const objects = synthChart(everything, { labels: { 'app.kubernetes.io/part-of': 'platform', team: 'mesh' } });
    // the gateway has one replica, so no PodDisruptionBudget
    expect(objects.length).toBe(1 + 1 + 6 + 2 + 1 + 6);
    for (const o of objects) {
      expect(o.metadata.labels, `${o.kind} ${o.metadata.name}`).toMatchObject({ 'app.kubernetes.io/part-of': 'platform', team: 'mesh' });
    }
    expect(named(objects, 'Namespace', 'istio-system').metadata.labels[NETWORK_LABEL]).toBe('network1');
    expect(named(objects, 'Service', 'istio-eastwestgateway').metadata.labels).toMatchObject({ istio: 'eastwestgateway', [NETWORK_LABEL]: 'network1' });
    expect(named(objects, 'Namespace', 'sample').metadata.labels['istio-injection']).toBe('enabled');
    // selectors are not widened by the chart's labels
    expect(named(objects, 'Service', 'istio-eastwestgateway').spec.selector).toEqual({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
  });

  it('keeps Istio\'s names in a chart that hashes generated names (the cdk8s default)', () => {
    const objects = synthChart(everything);
    expect(new Set(kindsAndNames(objects))).toEqual(new Set([
      'Namespace istio-system',
      'Service istiod-external',
      'ServiceAccount istio-eastwestgateway',
      'Role istio-eastwestgateway',
      'RoleBinding istio-eastwestgateway',
      'Deployment istio-eastwestgateway',
      'Service istio-eastwestgateway',
      'HorizontalPodAutoscaler istio-eastwestgateway',
      'Gateway istiod-gateway',
      'VirtualService istiod-vs',
      'Gateway cross-network-gateway',
      'Namespace sample',
      'Service helloworld',
      'Deployment helloworld-v1',
      'ServiceAccount curl',
      'Service curl',
      'Deployment curl',
    ]));
  });

  it('synthesizes with App.synth into the consumer\'s output directory', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-constructs-'));
    try {
      const app = new App({ outdir });
      everything(new Chart(app, 'mesh'));
      app.synth();
      const written = fs.readFileSync(path.join(outdir, 'mesh.k8s.yaml'), 'utf8');
      expect(written).toContain('name: istio-eastwestgateway');
      expect(written).toContain('mode: AUTO_PASSTHROUGH');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('lets two gateways of different names share a chart', () => {
    const objects = synthChart((c) => {
      new EastWestGateway(c, 'A');
      new EastWestGateway(c, 'B', { name: 'istio-crossgateway' });
    });
    expect(objects.filter((o) => o.metadata.name === 'istio-eastwestgateway')).toHaveLength(6);
    expect(objects.filter((o) => o.metadata.name === 'istio-crossgateway')).toHaveLength(6);
  });
});
