/**
 * The three trust modes: every primary gets its intermediate CA before istiod starts, remotes
 * get nothing, and with cert-manager the Issuer and Certificate are in the output, in the apply
 * order and in every GitOps order.
 */
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IstioIntermediateCa } from '../src/constructs/cert-manager/istio-intermediate-ca';
import { CaKeyType, ClusterRole, FluxMode, formatProblem, MeshSpec, TrustMode, TrustSpec, validateMesh } from '../src';
import { istioRemoteSecret } from '../src/constructs/credentials/istio-remote-secret';
import { asStored, externalSecretTarget, filledTokenSecret, push, Store } from './external-secrets-standin';
import { expectMeshInvariants } from './invariants';
import { validateObject } from './object-schemas';
import { formatRun, isCall, StubCall } from './readme-shell';
import { contextOf, executeReadme, expectReadmeOrder } from './readme-order';
import { guideTopologies, LOOPED, MIXED_MESH, parseObjects, synth } from './support';

const FROM_STORE: TrustSpec = {
  mode: TrustMode.CERT_MANAGER,
  certManager: { rootCaFromStore: { secretStore: { name: 'vault' }, key: 'istio/mesh-root' }, keyType: CaKeyType.ECDSA_P256, duration: '2160h', renewBefore: '360h' },
};
const MODES: [string, TrustSpec][] = [
  ['the offline CA', { mode: TrustMode.OFFLINE_CA }],
  ['your own cacerts', { mode: TrustMode.BRING_YOUR_OWN }],
  ['cert-manager, root by hand', { mode: TrustMode.CERT_MANAGER }],
  ['cert-manager, root from a secret store', FROM_STORE],
];
const MESHES: [string, MeshSpec][] = [['a mix of primaries and remotes', MIXED_MESH], ['primary-remote', guideTopologies()['primary-remote']]];

describe.each(MODES)('trust by %s', (_mode, trust) => {
  it.each(MESHES)('keeps the install order on empty clusters for %s', async (_name, spec) => {
    const { mesh, files } = synth({ ...spec, trust });
    expectMeshInvariants(mesh.plan!, files);
    await expectReadmeOrder(mesh.plan!, files);
  });

  it('runs the whole README', async () => {
    const { mesh, files } = synth({ ...MIXED_MESH, trust });
    const run = await executeReadme(mesh.plan!, files);
    expect(run.ok, formatRun(run)).toBe(true);
  });

  it('puts trust objects in primaries only, and only with cert-manager', () => {
    const { mesh, files } = synth({ ...MIXED_MESH, trust });
    for (const c of mesh.plan!.clusters) {
      const trustFiles = files.filter((f) => f.path.startsWith(`clusters/${c.name}/trust/`));
      expect(trustFiles.length > 0, c.name).toBe(trust.mode === TrustMode.CERT_MANAGER && c.role === ClusterRole.PRIMARY);
    }
  });
});

describe('cert-manager\'s intermediate CA', () => {
  it('is a CA Certificate into cacerts, with Istio\'s subject and SAN, issued by a CA Issuer of the shared root', () => {
    const { files } = synth({ ...MIXED_MESH, trust: FROM_STORE });
    const objects = parseObjects(files, (p) => p.startsWith('clusters/east-1/trust/'));
    for (const o of objects) expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    const cert = objects.find((o) => o.kind === 'Certificate')!;
    expect(cert.metadata).toMatchObject({ name: 'cacerts', namespace: 'istio-system' });
    expect(cert.spec).toMatchObject({
      secretName: 'cacerts', isCA: true, commonName: 'Intermediate CA',
      subject: { organizations: ['Istio'], localities: ['east-1'] }, dnsNames: ['istiod.istio-system.svc'],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }, duration: '2160h', renewBefore: '360h',
      issuerRef: { name: 'istio-root-ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(cert.spec.usages).toContain('cert sign');
    const issuer = objects.find((o) => o.kind === 'Issuer')!;
    expect(issuer.spec).toEqual({ ca: { secretName: 'istio-root-ca' } });
    const root = objects.find((o) => o.kind === 'ExternalSecret')!;
    expect(root.spec.target).toMatchObject({ name: 'istio-root-ca', template: { type: 'kubernetes.io/tls' } });
    expect(root.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(root.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key, d.remoteRef.property])).toEqual([
      ['tls.crt', 'istio/mesh-root', 'tls.crt'], ['tls.key', 'istio/mesh-root', 'tls.key'],
    ]);
  });

  it('is RSA 4096 by default, as Istio\'s Makefile makes it, with no root ExternalSecret without a store', () => {
    const { files } = synth({ ...MIXED_MESH, trust: { mode: TrustMode.CERT_MANAGER } });
    const objects = parseObjects(files, (p) => p.startsWith('clusters/west-1/trust/'));
    expect(objects.map((o) => o.kind).sort()).toEqual(['Certificate', 'Issuer']);
    expect(objects.find((o) => o.kind === 'Certificate')!.spec.privateKey).toMatchObject({ algorithm: 'RSA', size: 4096 });
  });
});

describe('trust settings that cannot work', () => {
  const problems = (trust: TrustSpec) => validateMesh({ ...MIXED_MESH, trust }).map(formatProblem);
  it('refuses cert-manager settings without cert-manager', () => {
    expect(problems({ mode: TrustMode.OFFLINE_CA, certManager: {} })).toEqual([expect.stringMatching(/^trust.certManager: is set, but the trust mode is OfflineCa/)]);
  });
  it('refuses a renewal that is not before the expiry, and durations that are not durations', () => {
    expect(problems({ mode: TrustMode.CERT_MANAGER, certManager: { duration: '720h', renewBefore: '720h' } }))
      .toEqual([expect.stringMatching(/^trust.certManager.renewBefore: 720h is not shorter than the duration 720h/)]);
    expect(problems({ mode: TrustMode.CERT_MANAGER, certManager: { duration: 'a year' } }))
      .toEqual([expect.stringMatching(/^trust.certManager.duration: "a year" is not a duration/)]);
    expect(problems({ mode: TrustMode.CERT_MANAGER, certManager: { duration: '30m', renewBefore: '10m' } }))
      .toEqual([expect.stringMatching(/under cert-manager's minimum of 1h/)]);
  });
  it('refuses names that are not Secret or store names', () => {
    expect(problems({ mode: TrustMode.CERT_MANAGER, certManager: { rootCaSecret: 'Root CA', rootCaFromStore: { secretStore: { name: 'My Store' }, key: ' ' } } })).toEqual([
      expect.stringMatching(/^trust.certManager.rootCaSecret: "Root CA"/),
      expect.stringMatching(/^trust.certManager.rootCaFromStore.secretStore.name: "My Store"/),
      expect.stringMatching(/^trust.certManager.rootCaFromStore.key: must name/),
    ]);
  });
});

describe('an intermediate CA changed by escape hatches', () => {
  const patched = (...patches: JsonPatch[]) => {
    const chart = new Chart(new App(), 'c');
    new IstioIntermediateCa(chart, 'Ca', { cluster: 'east-1' }).certificate.addJsonPatch(...patches);
    return () => Testing.synth(chart);
  };
  it('synthesizes as it is', () => {
    expect(patched()).not.toThrow();
  });
  it('is refused as a leaf, which istiod cannot sign workload certificates with', () => {
    // Patches of imported classes apply to their property names (isCa), before the mapping to isCA.
    expect(patched(JsonPatch.replace('/spec/isCa', false))).toThrow(/must have spec.isCA: true/);
  });
  it('is refused with extended key usages that forbid mutual TLS below it', () => {
    expect(patched(JsonPatch.add('/spec/usages/-', 'server auth'))).toThrow(/\(server auth\) without "client auth"/);
    expect(patched(JsonPatch.add('/spec/usages/-', 'server auth'), JsonPatch.add('/spec/usages/-', 'client auth'))).not.toThrow();
    expect(patched(JsonPatch.add('/spec/usages/-', 'code signing'))).toThrow(/without "server auth" and "client auth"/);
  });
  it('is refused when it writes anywhere but cacerts', () => {
    expect(patched(JsonPatch.replace('/spec/secretName', 'istio-ca'))).toThrow(/must write the Secret "cacerts"/);
  });
});

describe('secret stores', () => {
  it('are refused when one name is given as a ClusterSecretStore in one place and a SecretStore in another', () => {
    const spec = (kind: 'SecretStore' | 'ClusterSecretStore' | undefined): MeshSpec => ({
      ...MIXED_MESH,
      trust: { mode: TrustMode.CERT_MANAGER, certManager: { rootCaFromStore: { secretStore: { name: 'vault' }, key: 'root' } } },
      remoteCredentials: { externalSecrets: { secretStore: { name: 'vault', kind } } },
      clusters: MIXED_MESH.clusters.map((c) => ({ ...c, apiServer: `https://${c.name}.example.com` })),
    });
    expect(validateMesh(spec('SecretStore')).map(formatProblem)).toEqual([
      'remoteCredentials.externalSecrets.secretStore.kind: names the store "vault" as a SecretStore, but trust.certManager.rootCaFromStore.secretStore ' +
      'names it as a ClusterSecretStore; these are different objects, so one of them is missing in your clusters; give both the kind of the store you have',
    ]);
    expect(validateMesh(spec('ClusterSecretStore'))).toEqual([]);
    expect(validateMesh(spec(undefined))).toEqual([]);
  });
});

describe('remote secrets through External Secrets', () => {
  const STORE: MeshSpec['remoteCredentials'] = { externalSecrets: { secretStore: { name: 'mesh-credentials' } } };
  const withServers = (spec: MeshSpec): MeshSpec => ({
    ...spec,
    remoteCredentials: STORE,
    clusters: spec.clusters.map((c) => ({ ...c, apiServer: `https://${c.name}.k8s.example.com:6443` })),
  });

  it.each(MESHES)('keep the install order on empty clusters for %s, with no istioctl', async (_name, spec) => {
    const { mesh, files } = synth(withServers(spec));
    expectMeshInvariants(mesh.plan!, files);
    await expectReadmeOrder(mesh.plan!, files);
  });

  it('publish every read cluster\'s token, and render every remote secret at that cluster\'s apiServer, schema-valid', () => {
    const { mesh, files } = synth(withServers(MIXED_MESH));
    for (const c of mesh.plan!.clusters) {
      const credentials = parseObjects(files, (p) => p.startsWith(`clusters/${c.name}/credentials/`));
      expect(credentials.map((o) => o.kind).sort(), c.name).toEqual(['PushSecret', 'Secret']);
      const remote = parseObjects(files, (p) => p.startsWith(`clusters/${c.name}/remote-secrets/`));
      expect(remote.length, c.name).toBe(c.readsApiServersOf.length);
      for (const o of remote) {
        const read = o.spec.target.name.replace('istio-remote-secret-', '');
        expect(o.spec.target.template.data[read]).toContain(`server: https://${read}.k8s.example.com:6443`);
      }
      for (const o of [...credentials, ...remote]) expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
  });

  it('with Flux in every cluster, where no Flux can wait for another cluster, are waited for by the README', async () => {
    const spec: MeshSpec = { ...withServers(MIXED_MESH), delivery: { repository: { url: 'https://git.example.com/m.git', path: 'meshes/prod' }, flux: { mode: FluxMode.PER_CLUSTER } } };
    const { mesh, files } = synth(spec);
    const run = await executeReadme(mesh.plan!, files);
    expect(run.ok, formatRun(run)).toBe(true);
    const waited = run.calls.filter((c) => isCall('kubectl', '-n', 'flux-system', 'wait')(c)).map((c) => `${c.context} ${c.args.find((a) => a.startsWith('kustomization/'))}`);
    const readers = mesh.plan!.clusters.filter((c) => c.readsApiServersOf.length > 0);
    expect(readers.length).toBeGreaterThan(0);
    for (const p of readers) expect(waited).toContain(`${contextOf(p.name)} kustomization/${mesh.plan!.meshId}-${p.name}-remote-secrets`);
  });

  it('need the API server address of every cluster a primary reads', () => {
    const problems = validateMesh({ ...MIXED_MESH, remoteCredentials: STORE }).map(formatProblem);
    expect(problems).toHaveLength(MIXED_MESH.clusters.length);
    expect(problems[0]).toMatch(/^cluster "east-1" \(clusters\[0\]\.apiServer\): is required with remoteCredentials.externalSecrets: west-1 read/);
  });
});

describe('every remote secret a mesh renders through External Secrets', () => {
  const TOKEN_OF = (cluster: string) => `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZWFkZXItJHtjbHVzdGVyfSJ9.${Buffer.from(cluster).toString('base64url')}`;
  const CA_OF = (cluster: string) => `-----BEGIN CERTIFICATE-----\nMIIB${Buffer.from(cluster).toString('base64')}\n-----END CERTIFICATE-----\n`;
  const withServers = (spec: MeshSpec): MeshSpec => ({
    ...spec,
    remoteCredentials: { externalSecrets: { secretStore: { name: 'mesh-credentials' }, keyPrefix: 'meshes' } },
    clusters: spec.clusters.map((c, i) => ({
      ...c,
      apiServer: i % 2 === 0 ? `https://${c.name}.k8s.example.com:6443` : `https://[2001:db8::${i + 1}]:443`,
      ...(i % 2 === 1 ? { apiServerTlsName: 'kubernetes.default.svc' } : {}),
    })),
  });

  it.each([...Object.entries(guideTopologies()), ['a mix of primaries and remotes', MIXED_MESH]] as [string, MeshSpec][])(
    'equals, for %s, what istioctl create-remote-secret makes for every primary and cluster it reads', (_name, spec) => {
      const { mesh, files } = synth(withServers(spec));
      const plan = mesh.plan!;
      const store: Store = new Map();
      // Every read cluster's token, as its token controller fills it, pushed to the store.
      for (const c of plan.clusters) {
        const objects = parseObjects(files, (p) => p.startsWith(`clusters/${c.name}/credentials/`));
        if (objects.length === 0) continue;
        const tokenSecret = objects.find((o) => o.kind === 'Secret')!;
        push(objects.find((o) => o.kind === 'PushSecret'), filledTokenSecret(tokenSecret, TOKEN_OF(c.name), CA_OF(c.name)), store);
      }
      let pairs = 0;
      for (const reader of plan.clusters) {
        for (const read of reader.readsApiServersOf) {
          const external = parseObjects(files, (p) => p === `clusters/${reader.name}/remote-secrets/remote-secret-${read}.yaml`);
          expect(external, `${reader.name} reads ${read}`).toHaveLength(1);
          const readPlan = plan.clusters.find((c) => c.name === read)!;
          const expected = istioRemoteSecret({
            cluster: read, server: readPlan.apiServer!, tlsServerName: readPlan.apiServerTlsName, caData: CA_OF(read), token: TOKEN_OF(read),
          });
          expect(asStored(externalSecretTarget(external[0], store)), `${reader.name} reads ${read}`).toEqual(asStored(expected));
          pairs++;
        }
      }
      expect(pairs).toBe(plan.clusters.reduce((n, c) => n + c.readsApiServersOf.length, 0));
      expect(pairs).toBeGreaterThan(0);
    });
});

describe('the README\'s CA rotation', () => {
  it.each(MODES)('says, for %s, how to rotate the intermediates and how to move to a new root in three ordered steps', (_mode, trust) => {
    const readme = synth({ ...MIXED_MESH, trust }).files.find((f) => f.path === 'README.md')!.content;
    const section = readme.slice(readme.indexOf('## Rotating the CA'), readme.indexOf('\n## ', readme.indexOf('## Rotating the CA') + 3));
    expect(section).toContain('**Intermediates.**');
    const steps = ['1. **Trust both roots.**', '2. **Sign with the new root.**', '3. **Drop the old root.**'].map((s) => section.indexOf(s));
    expect(steps.every((i) => i > 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(section.includes('renews each primary\'s intermediate')).toBe(trust.mode === TrustMode.CERT_MANAGER);
    expect(section.includes('signs a new intermediate with the kept root')).toBe(trust.mode === TrustMode.OFFLINE_CA);
  });
});

describe('the README\'s uninstall, with cert-manager and External Secrets', () => {
  const withEverything = (spec: MeshSpec): MeshSpec => ({
    ...spec,
    trust: FROM_STORE,
    remoteCredentials: { externalSecrets: { secretStore: { name: 'vault' } } },
    // The executed README's contexts are contextOf(name): a declared kubeContext would hide which cluster a call is for.
    clusters: spec.clusters.map(({ kubeContext: _declared, ...c }) => ({ ...c, apiServer: `https://${c.name}.k8s.example.com:6443` })),
  });

  it.each([['a small mesh', MIXED_MESH], ['a large mesh (loops)', LOOPED]] as [string, MeshSpec][])(
    'for %s, deletes the ExternalSecrets before the remote secrets, the credentials before the control planes, and the trust objects after istiod', async (_name, spec) => {
      const { mesh, files } = synth(withEverything(spec));
      const plan = mesh.plan!;
      const run = await executeReadme(plan, files);
      expect(run.ok, formatRun(run)).toBe(true);
      const readme = files.find((f) => f.path === 'README.md')!.content;
      const heading = readme.split('\n').indexOf('## Uninstalling') + 1;
      const block = run.blocks.find((b) => b.line > heading)!.index;
      const calls = run.calls.filter((c) => c.block === block);
      const at = (cluster: string, predicate: (c: StubCall) => boolean) => calls.findIndex((c) => c.context === contextOf(cluster) && predicate(c));
      const deletes = (dir: string) => (c: StubCall) => isCall('kubectl', 'delete')(c) && c.args.includes(`${dir}/`);
      const helmUninstall = (release: string) => isCall('helm', 'uninstall', release);
      const read = plan.clusters.filter((c) => plan.clusters.some((p) => p.readsApiServersOf.includes(c.name)));
      const lastRemoteSecret = Math.max(...plan.clusters.filter((c) => c.readsApiServersOf.length > 0).map((p) => at(p.name, isCall('kubectl', '-n', 'istio-system', 'delete', 'secret'))));
      for (const p of plan.clusters.filter((c) => c.readsApiServersOf.length > 0)) {
        const externalSecrets = at(p.name, deletes(`clusters/${p.name}/remote-secrets`));
        expect(externalSecrets, p.name).toBeGreaterThanOrEqual(0);
        expect(externalSecrets, p.name).toBeLessThan(at(p.name, isCall('kubectl', '-n', 'istio-system', 'delete', 'secret')));
      }
      for (const c of read) {
        const credentials = at(c.name, deletes(`clusters/${c.name}/credentials`));
        expect(credentials, c.name).toBeGreaterThan(lastRemoteSecret);
        expect(credentials, c.name).toBeLessThan(at(c.name, helmUninstall('istiod')));
      }
      for (const c of plan.clusters) {
        const trust = at(c.name, deletes(`clusters/${c.name}/trust`));
        if (c.role !== ClusterRole.PRIMARY) {
          expect(trust, c.name).toBe(-1);
          continue;
        }
        expect(trust, c.name).toBeGreaterThan(at(c.name, helmUninstall('istiod')));
        expect(trust, c.name).toBeLessThan(at(c.name, isCall('kubectl', 'delete', 'namespace')));
      }
      // Every directory it deletes is one the output has.
      for (const c of calls.filter((c) => isCall('kubectl', 'delete')(c) && c.args.includes('-f'))) {
        const dir = c.args[c.args.indexOf('-f') + 1];
        expect(files.some((f) => f.path.startsWith(dir)), dir).toBe(true);
      }
    });
});
