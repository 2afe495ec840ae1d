/**
 * Every object the library emits validates against an independent schema: the
 * Kubernetes OpenAPI schemas of `kubernetes-models` and Istio's CRD schemas of
 * `@kubernetes-models/istio`, neither of which this project generates or imports
 * in src/. Every emitted kind must have a registered model, so that a new kind
 * cannot slip through unvalidated.
 *
 * What these models do and do not check (see "the validator" below): wrong types,
 * enum values and missing required fields fail; unknown (misspelled) fields do not,
 * and neither does a missing metadata.name. The names are therefore checked here
 * explicitly, and the spelling of important fields in constructs.test.ts.
 */
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZATION_FILE, MeshFile, Topology, VerificationClient } from '../src';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import { MODELS, typeKey, validateObject } from './object-schemas';
import { MIXED_MESH, renderSeedFiles, synth } from './support';

// ---------------------------------------------------------------------------------------------
// The emitted files
// ---------------------------------------------------------------------------------------------

/** Istio's Helm values: YAML, but not Kubernetes objects, so no schema applies. */
const isHelmValues = (path: string) => /^install\/[^/]+\/helm\/[^/]+\.values\.yaml$/.test(path);
const isIstioOperator = (path: string) => /^install\/[^/]+\/istio-operator\.yaml$/.test(path);

interface Document {
  readonly file: string;
  readonly object: any;
}

/** Every document of every YAML file; fails on a file that is neither YAML, a kustomize file nor the README. */
function documentsOf(files: MeshFile[]): { objects: Document[]; helmValues: Document[] } {
  const objects: Document[] = [];
  const helmValues: Document[] = [];
  for (const f of files) {
    if (f.path === 'README.md') continue;
    if (f.path.endsWith(`/${KUSTOMIZATION_FILE}`)) {
      expect(yaml.load(f.content), f.path).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
      continue;
    }
    if (!f.path.endsWith('.yaml')) throw new Error(`unexpected file ${f.path}: neither YAML, a Kustomization nor the README`);
    const docs = yaml.loadAll(f.content).map((object) => ({ file: f.path, object }));
    (isHelmValues(f.path) ? helmValues : objects).push(...docs);
  }
  return { objects, helmValues };
}

/** The meshes whose output is validated, by a name that shows in the test title. */
function meshes(): Array<[string, MeshFile[]]> {
  const seeds = Object.entries(renderSeedFiles());
  return [
    ...seeds,
    ['mixed (MIXED_MESH)', synth(MIXED_MESH).files],
    ['sleep client', synth(Topology.primaryRemoteMultiNetwork({
      primary: { name: 'cluster1', network: 'network1', discoveryAddress: '192.0.2.10' },
      remotes: [{ name: 'cluster2', network: 'network2' }],
      verificationClient: VerificationClient.SLEEP,
    })).files],
  ];
}

/** The names Istio's own manifests use, per kind; IstioOperators are named after their cluster. */
const ISTIO_NAMES: Record<string, Array<string | RegExp>> = {
  // Sail installs ambient's node agent and ztunnel in namespaces of their own.
  // An external control plane's namespace, as Istio's guide names it.
  'v1/Namespace': ['istio-system', 'sample', 'istio-cni', 'ztunnel', 'external-istiod'],
  // An ambient mesh's east-west gateway: the Gateway API Gateway istiod deploys it from, and its overlays.
  'gateway.networking.k8s.io/v1/Gateway': ['istio-eastwestgateway'],
  'v1/ConfigMap': ['istio-eastwestgateway-options'],
  'v1/ServiceAccount': ['istio-eastwestgateway', 'curl', 'sleep'],
  'v1/Service': ['istio-eastwestgateway', 'istiod-external', 'helloworld', 'curl', 'sleep'],
  'rbac.authorization.k8s.io/v1/Role': ['istio-eastwestgateway'],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['istio-eastwestgateway'],
  'apps/v1/Deployment': ['istio-eastwestgateway', /^helloworld-v\d+$/, 'curl', 'sleep'],
  'policy/v1/PodDisruptionBudget': ['istio-eastwestgateway'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['istio-eastwestgateway'],
  'networking.istio.io/v1/Gateway': ['istiod-gateway', 'cross-network-gateway'],
  'networking.istio.io/v1/VirtualService': ['istiod-vs', 'backend'],
  // Traffic policies are named after the service they route (seed 001's backend in the examples).
  'networking.istio.io/v1/DestinationRule': ['backend'],
  // The Prometheus Operator's objects: scraping named after what is scraped, rules after what they watch.
  'monitoring.coreos.com/v1/ServiceMonitor': ['istiod'],
  'monitoring.coreos.com/v1/PodMonitor': ['istio-eastwestgateway', 'istio-sidecars'],
  'monitoring.coreos.com/v1/PrometheusRule': [/^istio-multicluster-(control-plane|eastwest-gateway|remote-proxies)$/],
  // The delivery objects are ours: named after the mesh, and for a cluster's steps after the cluster and step.
  'argoproj.io/v1alpha1/Application': [/^[a-z0-9-]+-(root|namespace|trust|istio-base|istiod|istio-cni|ztunnel|credentials|remote-secrets|mesh|traffic|monitoring)$/],
  'source.toolkit.fluxcd.io/v1/GitRepository': [/^[a-z0-9-]+-repository$/],
  'source.toolkit.fluxcd.io/v1/HelmRepository': [/^[a-z0-9-]+-istio-charts$/],
  'helm.toolkit.fluxcd.io/v2/HelmRelease': [/^[a-z0-9-]+-(istio-base|istiod|istio-cni|ztunnel)$/],
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': [/^[a-z0-9-]+-(namespace|trust|control-plane|credentials|remote-secrets|mesh|traffic|monitoring)$/],
  // cert-manager's: the root's Issuer (and its Secret, from the store), and the Certificate into Istio's cacerts.
  'cert-manager.io/v1/Issuer': ['istio-root-ca'],
  'cert-manager.io/v1/Certificate': ['cacerts'],
  // istioctl's names for the reader's token and the remote secrets; ours for the PushSecret.
  'v1/Secret': ['istio-reader-service-account-istio-remote-secret-token'],
  'external-secrets.io/v1alpha1/PushSecret': ['istio-reader-credentials'],
  'external-secrets.io/v1/ExternalSecret': ['istio-root-ca', /^istio-remote-secret-[a-z0-9-]+$/],
  // The Sail Operator's documented name for a cluster's one Istio.
  'sailoperator.io/v1/Istio': ['default'],
  'sailoperator.io/v1/IstioCNI': ['default'],
  'sailoperator.io/v1/ZTunnel': ['default'],
};

/** The hash cdk8s appends to generated names (`<path>-c8a1b2c3`). */
const CDK8S_HASH_SUFFIX = /-[0-9a-f]{8}$/;

const MESHES = meshes();

// ---------------------------------------------------------------------------------------------

describe('every emitted object validates against its schema', () => {
  it.each(MESHES)('%s', (_name, files) => {
    const { objects } = documentsOf(files);
    expect(objects.length).toBeGreaterThan(0);
    for (const { file, object } of objects) {
      expect(() => validateObject(object), `${file}: ${typeKey(object)} ${object?.metadata?.name}`).not.toThrow();
    }
  });

  it.each(MESHES)('%s: each install/istio-operator.yaml is one IstioOperator', (_name, files) => {
    const operatorFiles = files.filter((f) => isIstioOperator(f.path));
    expect(operatorFiles.length).toBeGreaterThan(0);
    for (const f of operatorFiles) {
      const docs = yaml.loadAll(f.content);
      expect(docs, f.path).toHaveLength(1);
      expect(MODELS[typeKey(docs[0] as any)], f.path).toBe(IstioOperator);
      expect(() => new IstioOperator(docs[0] as any).validate(), f.path).not.toThrow();
    }
  });

  it.each(MESHES)('%s: Helm values files are skipped by path, and are the only files skipped', (_name, files) => {
    const { objects, helmValues } = documentsOf(files);
    const clusters = new Set(files.filter((f) => f.path.startsWith('install/')).map((f) => f.path.split('/')[1]));
    // Every file below install/<cluster>/helm/ (base and istiod, in an ambient mesh also cni and ztunnel; an external
    // istiod has istiod alone), and istiod's for every cluster; each a single plain map without apiVersion/kind.
    expect(new Set(helmValues.map((d) => d.file))).toEqual(new Set(files.filter((f) => /^install\/[^/]+\/helm\//.test(f.path)).map((f) => f.path)));
    for (const c of clusters) expect(helmValues.some((d) => d.file === `install/${c}/helm/istiod.values.yaml`), c).toBe(true);
    for (const { file, object } of helmValues) {
      expect(object, file).toBeTypeOf('object');
      expect(object, file).not.toHaveProperty('kind');
      expect(object, file).not.toHaveProperty('apiVersion');
    }
    // every other YAML document is a Kubernetes object
    for (const { file, object } of objects) {
      expect(object, file).toHaveProperty('apiVersion');
      expect(object, file).toHaveProperty('kind');
    }
  });
});

describe('every emitted YAML file is clean multi-document YAML of named objects', () => {
  it.each(MESHES)('%s', (_name, files) => {
    for (const f of files.filter((file) => file.path.endsWith('.yaml'))) {
      // js-yaml rejects syntax errors and duplicate keys
      const docs = yaml.loadAll(f.content);
      expect(docs.length, f.path).toBeGreaterThan(0);
      // no empty documents (a stray `---`), and one document per separator
      const separators = f.content.split('\n').filter((line) => line === '---').length;
      expect(docs, f.path).toHaveLength(separators + 1);
      for (const d of docs) expect(d !== null && typeof d === 'object' && !Array.isArray(d), f.path).toBe(true);
    }

    const { objects } = documentsOf(files);
    for (const { file, object } of objects) {
      const where = `${file}: ${typeKey(object)}`;
      expect(object.apiVersion, where).toMatch(/\S/);
      expect(object.kind, where).toMatch(/\S/);
      const name = object.metadata?.name;
      expect(name, where).toBeTypeOf('string');
      expect(name, where).not.toMatch(CDK8S_HASH_SUFFIX);
      if (object.kind === 'IstioOperator') {
        expect(name, `${where}: named after its cluster`).toBe(file.split('/')[1]);
      } else {
        const allowed = ISTIO_NAMES[typeKey(object)] ?? [];
        const matches = allowed.some((a) => (typeof a === 'string' ? a === name : a.test(name)));
        expect(matches, `${where}: "${name}" is not one of Istio's names ${allowed.join(', ')}`).toBe(true);
      }
    }
  });

  it('uses exactly Istio\'s names for the objects of a multi-network primary with remotes', () => {
    const files = MESHES.find(([name]) => name === 'primary-remote-multi-network')![1];
    const installed = documentsOf(files).objects.filter((d) => /^(clusters|verify)\//.test(d.file) || isIstioOperator(d.file));
    const names = new Set(installed.map((d) => `${d.object.kind} ${d.object.metadata.name}`));
    expect([...names].sort()).toEqual([
      'Certificate cacerts',
      'Deployment curl',
      'Deployment helloworld-v1',
      'Deployment helloworld-v2',
      'Deployment istio-eastwestgateway',
      'DestinationRule backend',
      'ExternalSecret istio-remote-secret-cluster2',
      'ExternalSecret istio-root-ca',
      'Gateway cross-network-gateway',
      'Gateway istiod-gateway',
      'HorizontalPodAutoscaler istio-eastwestgateway',
      'Issuer istio-root-ca',
      'IstioOperator cluster1',
      'IstioOperator cluster2',
      'Namespace istio-system',
      'Namespace sample',
      'PodMonitor istio-eastwestgateway',
      'PodMonitor istio-sidecars',
      'PrometheusRule istio-multicluster-control-plane',
      'PrometheusRule istio-multicluster-eastwest-gateway',
      'PrometheusRule istio-multicluster-remote-proxies',
      'PushSecret istio-reader-credentials',
      'Role istio-eastwestgateway',
      'RoleBinding istio-eastwestgateway',
      'Secret istio-reader-service-account-istio-remote-secret-token',
      'Service curl',
      'Service helloworld',
      'Service istio-eastwestgateway',
      'ServiceAccount curl',
      'ServiceAccount istio-eastwestgateway',
      'ServiceMonitor istiod',
      'VirtualService backend',
      'VirtualService istiod-vs',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Negative controls: the validator can fail
// ---------------------------------------------------------------------------------------------

describe('the validator', () => {
  const deployment = (containerPort: unknown) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort }] }] } },
    },
  });
  const gateway = (number: unknown, mode = 'AUTO_PASSTHROUGH') => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'g' },
    spec: { selector: { istio: 'eastwestgateway' }, servers: [{ port: { number, name: 'tls', protocol: 'TLS' }, tls: { mode }, hosts: ['*.local'] }] },
  });
  const hpa = (spec: object) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec });

  it('accepts the valid counterparts of the broken objects below', () => {
    expect(() => validateObject(deployment(8080))).not.toThrow();
    expect(() => validateObject(gateway(15443))).not.toThrow();
    expect(() => validateObject(hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 3 }))).not.toThrow();
  });

  it('rejects a Deployment whose containerPort is a string', () => {
    expect(() => validateObject(deployment('8080'))).toThrow(/containerPort must be integer/);
  });

  it('rejects a Gateway whose server port number is a string', () => {
    expect(() => validateObject(gateway('15443'))).toThrow(/port\/number must be integer/);
  });

  it('rejects a Gateway with an unknown TLS mode', () => {
    expect(() => validateObject(gateway(15443, 'PASSTHRU'))).toThrow(/tls\/mode must be equal to one of the allowed values/);
  });

  it('rejects a HorizontalPodAutoscaler without scaleTargetRef', () => {
    expect(() => validateObject(hpa({ maxReplicas: 3 }))).toThrow(/spec must have required property scaleTargetRef/);
  });

  it('rejects a Service with an unknown type', () => {
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancr' } }))
      .toThrow(/type must be equal to one of the allowed values/);
  });

  it('rejects a kind with no registered model', () => {
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toThrow(/no schema registered for v1\/Pod/);
    expect(() => validateObject({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'g' } }))
      .toThrow(/no schema registered for networking.istio.io\/v1beta1\/Gateway/);
  });

  it('does not reject unknown fields, so field spelling is asserted directly elsewhere', () => {
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { loadBalancerIp: '192.0.2.1' } })).not.toThrow();
  });
});
