/**
 * Istio remote secrets, declaratively: the reference Secret is the one `istioctl
 * create-remote-secret` prints, and the External Secrets objects rebuild exactly that Secret from
 * a secret store, without any credential in the manifests.
 *
 * The chain is exercised as External Secrets runs it: the cluster fills the reader's token Secret,
 * the PushSecret copies two of its keys to the store, the ExternalSecret reads them back and renders
 * its target template with a Go-template stand-in. The result must equal `istioRemoteSecret(...)`.
 */
import { ExternalSecret as ExternalSecretModel } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { PushSecret as PushSecretModel } from '@kubernetes-models/external-secrets/external-secrets.io/v1alpha1/PushSecret';
import { App, Chart, Testing } from 'cdk8s';
import { Secret as SecretModel } from 'kubernetes-models/v1/Secret';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ReaderCredentialPushSecret, ReaderCredentialPushSecretProps } from '../src/constructs/credentials/reader-credential-push-secret';
import { ReaderTokenSecret } from '../src/constructs/credentials/reader-token-secret';
import { RemoteSecretExternalSecret, RemoteSecretExternalSecretProps } from '../src/constructs/credentials/remote-secret-external-secret';
import { SecretStoreRef } from '../src/constructs/credentials/secret-store';
import {
  istioRemoteSecret, IstioRemoteSecret, RemoteCredentialKeys, remoteCredentialKeys, remoteKubeconfig, RemoteSecretInput,
  remoteSecretKubeconfig, remoteSecretKubeconfigTemplate,
} from '../src/constructs/credentials/istio-remote-secret';
import { toYaml } from '../src/model/yaml';
import { asStored, externalSecretTarget, filledTokenSecret, push, renderGoTemplate, Store } from './external-secrets-standin';

// -- test credentials: shaped like the real ones, never in any manifest ----------------------

/** A JWT-shaped token, with the `-` and `_` of base64url. */
const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6Ii1fUmVhZGVyXy0ifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLV9fLQ-_x';
/** A CA bundle of two certificates, as the cluster writes `ca.crt`: PEM, ending in a line feed. */
const CA = [
  '-----BEGIN CERTIFICATE-----', 'MIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy', '-----END CERTIFICATE-----',
  '-----BEGIN CERTIFICATE-----', 'MIIBeDCCAR6gAwIBAgIBADAKBggqhkjOPQQDAjAkMSIwIAYDVQQDDBlrM3MtY2xp', '-----END CERTIFICATE-----', '',
].join('\n');

const STORE: SecretStoreRef = { name: 'mesh-credentials', kind: 'ClusterSecretStore' };

// -- building the objects -------------------------------------------------------------------

interface Endpoint { cluster: string; server: string; tlsServerName?: string }

/** The objects of one cluster that is read (token Secret, PushSecret) and one primary that reads it. */
function synthPair(endpoint: Endpoint, options: { keys?: RemoteCredentialKeys; push?: Partial<ReaderCredentialPushSecretProps>; read?: Partial<RemoteSecretExternalSecretProps> } = {}) {
  const keys = options.keys ?? remoteCredentialKeys('mesh1', endpoint.cluster);
  const readChart = new Chart(new App(), 'read');
  const tokenSecret = new ReaderTokenSecret(readChart, 'ReaderToken');
  new ReaderCredentialPushSecret(readChart, 'PushReader', { secretStoreRef: STORE, keys, tokenSecret, ...options.push });
  const readerChart = new Chart(new App(), 'reader');
  new RemoteSecretExternalSecret(readerChart, `Cluster-${endpoint.cluster}`, { ...endpoint, secretStoreRef: STORE, keys, ...options.read });
  const readObjects = Testing.synth(readChart);
  const readerObjects = Testing.synth(readerChart);
  return {
    tokenSecret: one(readObjects, 'Secret'),
    pushSecret: one(readObjects, 'PushSecret'),
    externalSecret: one(readerObjects, 'ExternalSecret'),
    all: [...readObjects, ...readerObjects],
  };
}

function one(objects: any[], kind: string): any {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0];
}

/** Runs the whole chain for one endpoint and returns the remote secret External Secrets makes. */
function remoteSecretThroughTheStore(pair: ReturnType<typeof synthPair>): any {
  const store: Store = new Map();
  push(pair.pushSecret, filledTokenSecret(pair.tokenSecret, TOKEN, CA), store);
  return externalSecretTarget(pair.externalSecret, store);
}

const ENDPOINTS: Endpoint[] = [
  { cluster: 'cluster1', server: 'https://192.0.2.10:6443' },
  { cluster: 'cluster2', server: 'https://api.cluster2.example.com' },
  { cluster: 'east', server: 'https://api.east.example.com:443', tlsServerName: 'kubernetes.default.svc' },
  { cluster: 'west-2', server: 'https://[2001:db8::10]:6443' },
  { cluster: 'w3', server: 'https://[fd00:10::1]:443', tlsServerName: 'api.internal.example.com' },
  { cluster: '0', server: 'https://198.51.100.7:16443', tlsServerName: '198.51.100.7' },
  { cluster: 'a'.repeat(63), server: 'https://[::1]:6443' },
  // A name that is also a property of every JavaScript object.
  { cluster: 'constructor', server: 'https://constructor.example.com:6443' },
];

// -- the specification ----------------------------------------------------------------------

describe('istioRemoteSecret: the Secret istioctl create-remote-secret prints', () => {
  /**
   * The reference, written from istio/istio `istioctl/pkg/multicluster/remote_secret.go`
   * (`createRemoteServiceAccountSecret`, `createBaseKubeconfig`, `createBearerTokenKubeconfig`,
   * `CreateRemoteSecret`) as istioctl prints it for `--name primary --server gateway
   * --tls-server-name server` in istio-system, CA `caData` and token `token` (the inputs of Istio's
   * own TestCreateRemoteSecrets): go-yaml's layout, keys sorted, sequences not indented.
   */
  const ISTIOCTL_OUTPUT = `# This file is autogenerated, do not edit.
apiVersion: v1
kind: Secret
metadata:
  annotations:
    networking.istio.io/cluster: primary
  labels:
    istio/multiCluster: "true"
  name: istio-remote-secret-primary
  namespace: istio-system
stringData:
  primary: |
    apiVersion: v1
    clusters:
    - cluster:
        certificate-authority-data: Y2FEYXRh
        server: gateway
        tls-server-name: server
      name: primary
    contexts:
    - context:
        cluster: primary
        user: primary
      name: primary
    current-context: primary
    kind: Config
    users:
    - name: primary
      user:
        token: token
`;
  const REFERENCE_INPUT: RemoteSecretInput = { cluster: 'primary', server: 'gateway', tlsServerName: 'server', caData: 'caData', token: 'token' };

  it('equals, field by field and in the kubeconfig, what istioctl prints', () => {
    expect(asStored(istioRemoteSecret(REFERENCE_INPUT))).toEqual(asStored(parse(ISTIOCTL_OUTPUT)));
  });

  it('is literally the Secret istioctl prints, with only the kubeconfig laid out differently', () => {
    const secret = istioRemoteSecret(REFERENCE_INPUT);
    const reference = parse(ISTIOCTL_OUTPUT) as IstioRemoteSecret;
    expect({ ...secret, stringData: undefined }).toEqual({ ...reference, stringData: undefined });
    expect(Object.keys(secret.stringData)).toEqual(['primary']);
    // istioctl does not indent sequences; otherwise the texts are the same, line for line.
    const lines = (text: string) => text.split('\n').map((line) => line.trim());
    expect(lines(secret.stringData.primary)).toEqual(lines(reference.stringData.primary));
  });

  it('leaves tls-server-name out when none is given, as istioctl does', () => {
    const secret = istioRemoteSecret({ ...REFERENCE_INPUT, tlsServerName: undefined });
    expect(parse(secret.stringData.primary).clusters).toEqual([{ cluster: { 'certificate-authority-data': 'Y2FEYXRh', 'server': 'gateway' }, name: 'primary' }]);
    expect(istioRemoteSecret({ ...REFERENCE_INPUT, tlsServerName: '' })).toEqual(secret);
  });

  it('writes the CA base64-encoded and the token as is', () => {
    const kubeconfig = remoteKubeconfig({ cluster: 'c1', server: 'https://192.0.2.1:6443', caData: CA, token: TOKEN });
    expect(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8')).toBe(CA);
    expect(kubeconfig.users[0].user.token).toBe(TOKEN);
    expect(parse(remoteSecretKubeconfig({ cluster: 'c1', server: 'https://192.0.2.1:6443', caData: CA, token: TOKEN }), { version: '1.1' })).toEqual(kubeconfig);
  });

  it('puts the Secret in the namespace given', () => {
    expect(istioRemoteSecret(REFERENCE_INPUT, 'istio-control').metadata.namespace).toBe('istio-control');
  });

  it.each([
    ['Cluster1', /cluster "Cluster1" must be a DNS-1123 label/],
    ['c_1', /cluster "c_1" must be a DNS-1123 label/],
    ['a'.repeat(64), /must be at most 63 characters/],
    ['', /must not be empty/],
  ])('refuses the cluster name %j, as istioctl does', (cluster, message) => {
    expect(() => istioRemoteSecret({ ...REFERENCE_INPUT, cluster })).toThrow(message);
  });

  it('refuses an empty server', () => {
    expect(() => istioRemoteSecret({ ...REFERENCE_INPUT, server: ' ' })).toThrow(/API server URL of cluster primary must not be empty/);
  });

  it('is a valid Secret', () => {
    expect(() => new SecretModel(istioRemoteSecret(REFERENCE_INPUT) as any).validate()).not.toThrow();
  });
});

describe('the Go-template stand-in', () => {
  it('renders the two constructs it knows', () => {
    expect(renderGoTemplate("a: '{{ .x }}'\nb: {{.y|b64enc}}", { x: '1', y: 'hi' })).toBe("a: '1'\nb: aGk=");
  });

  it.each([
    ['{{ .x | upper }}'], ['{{ index . "ca.crt" }}'], ['{{- .x }}'], ['{{ .x }} {{ printf "%s" .x }}'], ['{{ .x'], ['{{ $x := .x }}'],
  ])('throws on anything else: %s', (template) => {
    expect(() => renderGoTemplate(template, { x: '1' })).toThrow(/template stand-in/);
  });

  it('throws on a missing key, as missingkey=error does', () => {
    expect(() => renderGoTemplate('{{ .token }}', {})).toThrow(/no entry for key "token"/);
  });
});

describe('the remote secret External Secrets makes equals istioctl\'s', () => {
  it.each(ENDPOINTS.map((e) => [`${e.cluster.slice(0, 12)} at ${e.server}${e.tlsServerName ? ` (TLS name ${e.tlsServerName})` : ''}`, e]))(
    '%s', (_name, endpoint) => {
      const pair = synthPair(endpoint);
      const made = remoteSecretThroughTheStore(pair);
      const expected = istioRemoteSecret({ ...endpoint, caData: CA, token: TOKEN });
      expect(asStored(made)).toEqual(asStored(expected));
      // And the kubeconfig, as istiod's client reads it, is the one istioctl writes.
      const kubeconfig = Buffer.from(made.data[endpoint.cluster], 'base64').toString('utf8');
      expect(parse(kubeconfig, { version: '1.1' })).toEqual(remoteKubeconfig({ ...endpoint, caData: CA, token: TOKEN }));
      expect(parse(kubeconfig)).toEqual(remoteKubeconfig({ ...endpoint, caData: CA, token: TOKEN }));
    },
  );

  it('with stores whose entries are maps: both values in one entry, under two properties', () => {
    const endpoint = ENDPOINTS[2];
    const keys = { token: 'istio/mesh1/east', ca: 'istio/mesh1/east' };
    const properties = { token: 'token', ca: 'ca.crt' };
    const pair = synthPair(endpoint, { keys, push: { properties }, read: { properties } });
    expect(pair.pushSecret.spec.data.map((d: any) => d.match.remoteRef)).toEqual([
      { remoteKey: 'istio/mesh1/east', property: 'token' }, { remoteKey: 'istio/mesh1/east', property: 'ca.crt' },
    ]);
    expect(asStored(remoteSecretThroughTheStore(pair))).toEqual(asStored(istioRemoteSecret({ ...endpoint, caData: CA, token: TOKEN })));
  });

  it('would not, if the token were read from the wrong key (the comparison can fail)', () => {
    const pair = synthPair(ENDPOINTS[0]);
    const store: Store = new Map();
    push(pair.pushSecret, { ...filledTokenSecret(pair.tokenSecret, TOKEN, CA), token: 'another-token' }, store);
    expect(asStored(externalSecretTarget(pair.externalSecret, store)))
      .not.toEqual(asStored(istioRemoteSecret({ ...ENDPOINTS[0], caData: CA, token: TOKEN })));
  });

  it('survives the YAML the library writes: the written objects read back unchanged', () => {
    for (const endpoint of ENDPOINTS) {
      const { all } = synthPair(endpoint);
      expect(all.map((o) => parse(toYaml([o]), { version: '1.1' }))).toEqual(all);
    }
  });
});

describe('ReaderTokenSecret', () => {
  it('asks the cluster for a long-lived token of istio-reader-service-account, under istioctl\'s name', () => {
    const secret = one(Testing.synth(chartWith((c) => new ReaderTokenSecret(c, 'T'))), 'Secret');
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        // istioctl's tokenSecretName(): "<service account>-istio-remote-secret-token".
        name: 'istio-reader-service-account-istio-remote-secret-token',
        namespace: 'istio-system',
        annotations: { 'kubernetes.io/service-account.name': 'istio-reader-service-account' },
      },
      type: 'kubernetes.io/service-account-token',
    });
  });

  it('takes another service account, namespace, name and labels', () => {
    const secret = one(Testing.synth(chartWith((c) => new ReaderTokenSecret(c, 'T', {
      serviceAccountName: 'reader', namespace: 'istio-control', name: 'reader-token', labels: { team: 'mesh' },
    }))), 'Secret');
    expect(secret.metadata).toEqual({
      name: 'reader-token', namespace: 'istio-control', labels: { team: 'mesh' }, annotations: { 'kubernetes.io/service-account.name': 'reader' },
    });
    expect(one(Testing.synth(chartWith((c) => new ReaderTokenSecret(c, 'T', { serviceAccountName: 'reader' }))), 'Secret').metadata.name)
      .toBe('reader-istio-remote-secret-token');
  });
});

describe('ReaderCredentialPushSecret', () => {
  it('pushes the token Secret\'s token and ca.crt to the two keys, replacing and deleting with the cluster', () => {
    const { pushSecret, tokenSecret } = synthPair(ENDPOINTS[0]);
    expect(pushSecret.metadata).toEqual({ name: 'istio-reader-credentials', namespace: tokenSecret.metadata.namespace });
    expect(pushSecret.spec).toEqual({
      secretStoreRefs: [{ name: 'mesh-credentials', kind: 'ClusterSecretStore' }],
      selector: { secret: { name: tokenSecret.metadata.name } },
      data: [
        { match: { secretKey: 'token', remoteRef: { remoteKey: 'istio-remote/mesh1/cluster1/reader-token' } } },
        { match: { secretKey: 'ca.crt', remoteRef: { remoteKey: 'istio-remote/mesh1/cluster1/ca.crt' } } },
      ],
      refreshInterval: '1h',
      updatePolicy: 'Replace',
      deletionPolicy: 'Delete',
    });
  });

  it('defaults to istioctl\'s token Secret in istio-system, and takes a name, labels, a store and an interval', () => {
    const objects = Testing.synth(chartWith((c) => new ReaderCredentialPushSecret(c, 'P', {
      secretStoreRef: { name: 'vault', kind: 'SecretStore' }, keys: { token: 't', ca: 'c' }, name: 'push', labels: { a: 'b' }, refreshInterval: '10m',
    })));
    const pushSecret = one(objects, 'PushSecret');
    expect(pushSecret.metadata).toEqual({ name: 'push', namespace: 'istio-system', labels: { a: 'b' } });
    expect(pushSecret.spec.selector).toEqual({ secret: { name: 'istio-reader-service-account-istio-remote-secret-token' } });
    expect(pushSecret.spec.secretStoreRefs).toEqual([{ name: 'vault', kind: 'SecretStore' }]);
    expect(pushSecret.spec.refreshInterval).toBe('10m');
  });

  it.each([
    [{ secretStoreRef: { name: '', kind: 'ClusterSecretStore' } }, /secretStoreRef.name must not be empty/],
    [{ secretStoreRef: { name: 's', kind: 'Vault' } }, /secretStoreRef.kind "Vault" must be SecretStore or ClusterSecretStore/],
    [{ refreshInterval: 'hourly' }, /refreshInterval "hourly" is not a duration/],
    [{ keys: { token: 'k', ca: 'k' } }, /keys.token and keys.ca must differ/],
    [{ keys: { token: '', ca: 'k' } }, /keys.token and keys.ca must not be empty/],
  ])('reports unusable props when validated: %j', (override, message) => {
    const chart = chartWith((c) => new ReaderCredentialPushSecret(c, 'P', { secretStoreRef: STORE, keys: { token: 't', ca: 'c' }, ...(override as any) }));
    expect(() => Testing.synth(chart)).toThrow(message);
  });
});

describe('RemoteSecretExternalSecret', () => {
  it('reads the two keys and owns a target named and labelled as istioctl\'s Secret', () => {
    const { externalSecret } = synthPair(ENDPOINTS[2]);
    const { template, ...target } = externalSecret.spec.target;
    expect(externalSecret.metadata).toEqual({ name: 'istio-remote-secret-east', namespace: 'istio-system' });
    expect(externalSecret.spec.secretStoreRef).toEqual({ name: 'mesh-credentials', kind: 'ClusterSecretStore' });
    expect(externalSecret.spec.refreshInterval).toBe('1h');
    expect(externalSecret.spec.data).toEqual([
      { secretKey: 'token', remoteRef: { key: 'istio-remote/mesh1/east/reader-token' } },
      { secretKey: 'ca', remoteRef: { key: 'istio-remote/mesh1/east/ca.crt' } },
    ]);
    expect(target).toEqual({ name: 'istio-remote-secret-east', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(template.engineVersion).toBe('v2');
    expect(template.mergePolicy).toBe('Replace');
    expect(template.metadata).toEqual({ annotations: { 'networking.istio.io/cluster': 'east' }, labels: { 'istio/multiCluster': 'true' } });
    expect(Object.keys(template.data)).toEqual(['east']);
    expect(template.data.east).toBe(remoteSecretKubeconfigTemplate(ENDPOINTS[2]));
  });

  it('takes a namespace, a name, labels, an interval and a SecretStore', () => {
    const { externalSecret } = synthPair(ENDPOINTS[0], {
      read: { namespace: 'istio-control', name: 'read-cluster1', labels: { a: 'b' }, refreshInterval: '15m', secretStoreRef: { name: 'local', kind: 'SecretStore' } },
    });
    expect(externalSecret.metadata).toEqual({ name: 'read-cluster1', namespace: 'istio-control', labels: { a: 'b' } });
    expect(externalSecret.spec.refreshInterval).toBe('15m');
    expect(externalSecret.spec.secretStoreRef).toEqual({ name: 'local', kind: 'SecretStore' });
    // The remote secret keeps istioctl's name and goes where the ExternalSecret is.
    expect(externalSecret.spec.target.name).toBe('istio-remote-secret-cluster1');
    expect(remoteSecretThroughTheStore(synthPair(ENDPOINTS[0], { read: { namespace: 'istio-control' } })).metadata.namespace).toBe('istio-control');
  });

  it.each([
    [{ cluster: 'Cluster1' }, /cluster "Cluster1" must be a DNS-1123 label/],
    [{ server: '' }, /API server URL of cluster c1 must not be empty/],
    [{ server: 'https://{{ .token }}:6443' }, /server "https:\/\/\{\{ \.token \}\}:6443" must not contain '\{\{' or '\}\}'/],
    [{ tlsServerName: 'a}}b' }, /tlsServerName "a}}b" must not contain/],
    [{ secretStoreRef: { name: 's', kind: 'clustersecretstore' } }, /secretStoreRef.kind "clustersecretstore" must be/],
    [{ refreshInterval: '1 hour' }, /refreshInterval "1 hour" is not a duration/],
  ])('reports unusable props when validated: %j', (override, message) => {
    const chart = chartWith((c) => new RemoteSecretExternalSecret(c, 'E', {
      cluster: 'c1', server: 'https://192.0.2.1:6443', secretStoreRef: STORE, keys: { token: 't', ca: 'c' }, ...(override as any),
    }));
    expect(() => Testing.synth(chart)).toThrow(message);
  });

  it('uses construct ids that user names cannot collide with', () => {
    const chart = chartWith((c) => {
      for (const cluster of ['constructor', 'resource', 'node']) {
        new RemoteSecretExternalSecret(c, `Cluster-${cluster}`, { cluster, server: 'https://192.0.2.1:6443', secretStoreRef: STORE, keys: remoteCredentialKeys('m', cluster) });
      }
    });
    expect(Testing.synth(chart).map((o) => o.metadata.name)).toEqual(['istio-remote-secret-constructor', 'istio-remote-secret-resource', 'istio-remote-secret-node']);
  });
});

describe('remoteCredentialKeys', () => {
  it('names one entry per value under <prefix>/<mesh>/<cluster>/', () => {
    expect(remoteCredentialKeys('mesh1', 'cluster1')).toEqual({ token: 'istio-remote/mesh1/cluster1/reader-token', ca: 'istio-remote/mesh1/cluster1/ca.crt' });
    expect(remoteCredentialKeys('mesh1', 'cluster1', 'secret/platform/istio')).toEqual({
      token: 'secret/platform/istio/mesh1/cluster1/reader-token', ca: 'secret/platform/istio/mesh1/cluster1/ca.crt',
    });
  });

  it('gives every cluster of every mesh its own keys', () => {
    const all = ['m1', 'm2'].flatMap((mesh) => ['c1', 'c2'].flatMap((cluster) => Object.values(remoteCredentialKeys(mesh, cluster))));
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([
    [['m', 'c', ''], /prefix "" must be non-empty/],
    [['m', 'c', '/istio'], /prefix "\/istio"/],
    [['m', 'c', 'istio/'], /prefix "istio\/"/],
    [['m', 'c', 'a//b'], /prefix "a\/\/b"/],
    [['', 'c'], /mesh "" must be non-empty and without '\/'/],
    [['m', 'c/1'], /cluster "c\/1" must be non-empty and without '\/'/],
  ])('refuses %j', (args, message) => {
    expect(() => (remoteCredentialKeys as (...a: string[]) => unknown)(...args)).toThrow(message);
  });
});

describe('every emitted object', () => {
  const pairs = ENDPOINTS.map((e) => synthPair(e));
  const emitted = pairs.flatMap((p) => p.all);

  it('validates against its independent schema', () => {
    const models: Record<string, new (data: any) => { validate(): void }> = {
      'v1/Secret': SecretModel,
      'external-secrets.io/v1alpha1/PushSecret': PushSecretModel,
      'external-secrets.io/v1/ExternalSecret': ExternalSecretModel,
    };
    const kinds = new Set<string>();
    for (const o of emitted) {
      const Model = models[`${o.apiVersion}/${o.kind}`];
      expect(Model, `a schema for ${o.apiVersion}/${o.kind}`).toBeDefined();
      expect(() => new Model(o).validate()).not.toThrow();
      kinds.add(`${o.apiVersion}/${o.kind}`);
    }
    expect([...kinds].sort()).toEqual(Object.keys(models).sort());
  });

  it('and the Secret External Secrets makes from them, are valid', () => {
    for (const pair of pairs) expect(() => new SecretModel(remoteSecretThroughTheStore(pair)).validate()).not.toThrow();
  });

  it('holds no token, CA or key: only store keys and a template that refers to them', () => {
    const credentialPatterns: [string, RegExp][] = [
      ['a JSON Web Token', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./],
      ['a PEM block', /-----BEGIN [A-Z ]+-----/],
      ['a base64 PEM block', /LS0tLS1CRUdJTi/],
      ['the test token', new RegExp(TOKEN.slice(0, 24))],
    ];
    const found = (objects: any[]) => credentialPatterns.filter(([, re]) => re.test(JSON.stringify(objects))).map(([what]) => what);
    expect(found(emitted)).toEqual([]);
    // The scan finds credentials where they are: in the Secret External Secrets makes, once decoded.
    expect(found([asStored(remoteSecretThroughTheStore(pairs[0]))])).toEqual(['a JSON Web Token', 'a base64 PEM block', 'the test token']);

    for (const { tokenSecret, pushSecret, externalSecret } of pairs) {
      // The token Secret asks for a token; the cluster fills it.
      expect(tokenSecret.data).toBeUndefined();
      expect(tokenSecret.stringData).toBeUndefined();
      expect(pushSecret.spec.template).toBeUndefined();
      // Every template action names one of the values fetched, and those come from store keys.
      const fetched = externalSecret.spec.data.map((d: any) => d.secretKey);
      expect(fetched).toEqual(['token', 'ca']);
      const actions = Object.values(externalSecret.spec.target.template.data as Record<string, string>)
        .flatMap((text) => [...text.matchAll(/\{\{(.*?)\}\}/g)].map((m) => m[1].trim()));
      expect(actions).toEqual(['.ca | b64enc', '.token']);
      const kubeconfig = parse(Object.values(externalSecret.spec.target.template.data as Record<string, string>)[0]);
      expect(kubeconfig.users).toEqual([{ name: kubeconfig['current-context'], user: { token: '{{ .token }}' } }]);
      expect(kubeconfig.clusters[0].cluster['certificate-authority-data']).toBe('{{ .ca | b64enc }}');
    }
  });
});

function chartWith(build: (chart: Chart) => void): Chart {
  const chart = new Chart(new App(), 'c');
  build(chart);
  return chart;
}
