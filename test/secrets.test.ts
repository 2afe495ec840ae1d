/**
 * No private key, token or kubeconfig with credentials is ever in the output: not in the
 * committed dist/, not in the output of any delivery mode. The scanner is shown to find each
 * kind of secret, so that a clean result means something.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { FluxMode, MeshFile, MeshSpec } from '../src';
import { CaKeyType, generateMeshCa } from '../src/trust/offline-ca';
import { guideTopologies, MIXED_MESH, readTree, synth } from './support';

const SECRETS: [string, RegExp][] = [
  ['a PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a base64 PEM private key', /LS0tLS1CRUdJTi[A-Za-z0-9+/]*(UFJJVkFURSBLRVkt|BSSVZBVEUgS0VZL|QUklWQVRFIEtFWS0)/],
  ['a JSON Web Token', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/],
  ['a kubeconfig credential', /\b(client-key-data|client-certificate-data|auth-provider|password)\s*:\s*\S/],
  ['a bearer token', /\btoken\s*:\s*["']?[A-Za-z0-9._~+/-]{20,}/],
];

/** Every secret found in the files, as `path: kind`. */
function secretsIn(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, content]) => SECRETS.filter(([, re]) => re.test(content)).map(([what]) => `${file}: ${what}`));
}

const asTree = (files: MeshFile[]) => Object.fromEntries(files.map((f) => [f.path, f.content]));

const repository = { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' };
const modes: [string, MeshSpec][] = [
  ...Object.entries(guideTopologies({ istioVersion: '1.30.3', delivery: { repository, argoCd: {}, flux: {}, sailOperator: true } })),
  ['a mix with API server addresses, Flux in every cluster', {
    ...MIXED_MESH,
    clusters: MIXED_MESH.clusters.map((c) => ({ ...c, apiServer: `https://${c.name}.example.com:6443` })),
    delivery: { repository, flux: { mode: FluxMode.PER_CLUSTER, gitSecretName: 'git-credentials' } },
  }],
];

describe('the output never holds a secret', () => {
  it('in the committed dist/', () => {
    const dist = path.join(__dirname, '..', 'dist');
    const files = readTree(dist);
    expect(Object.keys(files).length).toBeGreaterThan(0);
    expect(secretsIn(files)).toEqual([]);
  });

  it.each(modes)('in the output of %s', (_name, spec) => {
    expect(secretsIn(asTree(synth(spec).files))).toEqual([]);
  });
});

describe('the scanner', () => {
  it('finds the private keys of a generated CA, in PEM files and in the cacerts Secret', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
    try {
      await generateMeshCa({ clusters: ['c1'], directory: dir, keyType: CaKeyType.ECDSA_P256 });
      const found = secretsIn(readTree(dir));
      expect(found).toEqual(expect.arrayContaining([
        'root-key.pem: a PEM private key', 'c1/ca-key.pem: a PEM private key', 'c1/cacerts.yaml: a base64 PEM private key',
      ]));
      expect(found.filter((f) => f.includes('cert.pem'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds tokens and kubeconfig credentials', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';
    expect(secretsIn({
      'remote-secret.yaml': `users:\n- name: c2\n  user:\n    token: ${jwt}\n`,
      'kubeconfig': 'users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t\n',
    }).sort()).toEqual([
      'kubeconfig: a base64 PEM private key', 'kubeconfig: a kubeconfig credential',
      'remote-secret.yaml: a JSON Web Token', 'remote-secret.yaml: a bearer token',
    ]);
  });
});
