/**
 * The offline plug-in CA: what Istio's tools/certs Makefile makes, checked with the real
 * openssl: each intermediate verifies against the root, a workload certificate signed by an
 * intermediate verifies against the chain, keys match their certificates, private keys are
 * 0600, and a second run changes nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACERTS_FILES, CaKeyType, generateMeshCa, MeshCaError } from '../src/trust/offline-ca';
import { readTree } from './support';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-ca-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const openssl = (args: string[], input?: string) => execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const text = (cert: string) => openssl(['x509', '-in', cert, '-noout', '-text']);
const DAY = 24 * 60 * 60 * 1000;

describe.each([CaKeyType.RSA_2048, CaKeyType.ECDSA_P256, CaKeyType.ECDSA_P384])('a CA with %s keys', (keyType) => {
  it('is a root and per cluster an intermediate that openssl verifies, with Istio\'s names and extensions', async () => {
    // Relative to the real clock, whole seconds as X.509 keeps them: openssl verifies against
    // the clock, and so does the workload certificate it signs below, on any day the suite runs.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY);
    const ca = path.join(tmp, 'ca');
    await generateMeshCa({ clusters: ['cluster1', 'cluster2'], directory: ca, keyType, now, rootValidityDays: 100, intermediateValidityDays: 30 });
    const root = path.join(ca, 'root-cert.pem');
    const rootText = text(root);
    expect(rootText).toMatch(/Subject: O ?= ?Istio, CN ?= ?Root CA/);
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(rootText).toMatch(/Key Usage: critical\s+.*Certificate Sign/);

    for (const cluster of ['cluster1', 'cluster2']) {
      const dir = path.join(ca, cluster);
      const cert = path.join(dir, 'ca-cert.pem');
      expect(openssl(['verify', '-CAfile', root, cert]).trim()).toBe(`${cert}: OK`);
      const t = text(cert);
      expect(t).toMatch(new RegExp(`Subject: O ?= ?Istio, CN ?= ?Intermediate CA, L ?= ?${cluster}`));
      expect(t).toMatch(/Issuer: O ?= ?Istio, CN ?= ?Root CA/);
      expect(t).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(t).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation, (Key Encipherment, )?Certificate Sign/);
      expect(t).toContain('DNS:istiod.istio-system.svc');
      const [notBefore, notAfter] = ['-startdate', '-enddate'].map((f) => new Date(openssl(['x509', '-in', cert, '-noout', f]).split('=')[1]));
      expect(notBefore.getTime()).toBe(now.getTime());
      expect(notAfter.getTime() - notBefore.getTime()).toBe(30 * DAY);
      // The validity is the one asked for: a day after it ends, the intermediate has expired.
      const after = String(Math.floor(notAfter.getTime() / 1000) + 24 * 60 * 60);
      expect(() => openssl(['verify', '-attime', after, '-CAfile', root, cert])).toThrow(/certificate has expired/);

      // The key is the certificate's: their public keys are the same.
      expect(openssl(['pkey', '-in', path.join(dir, 'ca-key.pem'), '-pubout'])).toBe(openssl(['x509', '-in', cert, '-noout', '-pubkey']));
      // The chain is the intermediate, then the root; root-cert.pem is the root.
      expect(fs.readFileSync(path.join(dir, 'cert-chain.pem'), 'utf8')).toBe(`${fs.readFileSync(cert, 'utf8')}${fs.readFileSync(root, 'utf8')}`);
      expect(fs.readFileSync(path.join(dir, 'root-cert.pem'), 'utf8')).toBe(fs.readFileSync(root, 'utf8'));

      // A workload certificate signed by the intermediate, as istiod signs them, verifies against the chain.
      const leafKey = path.join(dir, 'leaf-key.pem');
      const csr = path.join(dir, 'leaf.csr');
      const leaf = path.join(dir, 'leaf.pem');
      const ext = path.join(dir, 'leaf.ext');
      fs.writeFileSync(ext, 'basicConstraints=critical,CA:false\nsubjectAltName=URI:spiffe://cluster.local/ns/sample/sa/curl\n');
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', leafKey, '-subj', '/O=Workload', '-out', csr]);
      openssl(['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', path.join(dir, 'ca-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', leaf]);
      expect(openssl(['verify', '-CAfile', root, '-untrusted', cert, leaf]).trim()).toBe(`${leaf}: OK`);
      // Path length 0: a CA signed by the intermediate is not trusted.
      const subCa = path.join(dir, 'sub-ca.pem');
      const subKey = path.join(dir, 'sub-key.pem');
      const subCsr = path.join(dir, 'sub.csr');
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', subKey, '-subj', '/O=Sub CA', '-out', subCsr]);
      fs.writeFileSync(ext, 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n');
      openssl(['x509', '-req', '-in', subCsr, '-CA', cert, '-CAkey', path.join(dir, 'ca-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', subCa]);
      const subLeaf = path.join(dir, 'sub-leaf.pem');
      fs.writeFileSync(ext, 'basicConstraints=critical,CA:false\n');
      openssl(['x509', '-req', '-in', csr, '-CA', subCa, '-CAkey', subKey, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', subLeaf]);
      expect(() => openssl(['verify', '-CAfile', root, '-untrusted', `${cert}`, '-untrusted', subCa, subLeaf])).toThrow(/path length constraint exceeded/);
    }
  });
});

describe('the generated CA directory', () => {
  it('makes RSA 4096 keys by default, as Istio\'s Makefile does', async () => {
    await generateMeshCa({ clusters: ['c1'], directory: path.join(tmp, 'ca') });
    expect(text(path.join(tmp, 'ca', 'c1', 'ca-cert.pem'))).toContain('Public-Key: (4096 bit)');
  });

  it('writes private keys and the cacerts Secret with mode 0600, and the Secret holds the four files', async () => {
    const ca = path.join(tmp, 'ca');
    await generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    const mode = (f: string) => fs.statSync(path.join(ca, f)).mode & 0o777;
    expect(mode('root-key.pem')).toBe(0o600);
    expect(mode('c1/ca-key.pem')).toBe(0o600);
    expect(mode('c1/cacerts.yaml')).toBe(0o600);
    const secret = yaml.load(fs.readFileSync(path.join(ca, 'c1', 'cacerts.yaml'), 'utf8')) as any;
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cacerts', namespace: 'istio-system' }, type: 'Opaque' });
    expect(Object.keys(secret.data).sort()).toEqual([...CACERTS_FILES].sort());
    for (const f of CACERTS_FILES) expect(Buffer.from(secret.data[f], 'base64').toString()).toBe(fs.readFileSync(path.join(ca, 'c1', f), 'utf8'));
  });

  it('changes nothing on a second run, and signs a new cluster with the existing root', async () => {
    const ca = path.join(tmp, 'ca');
    await generateMeshCa({ clusters: ['c1', 'c2'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    const before = readTree(ca);
    const again = await generateMeshCa({ clusters: ['c1', 'c2'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    expect(again.written).toEqual([]);
    expect(readTree(ca)).toEqual(before);

    const added = await generateMeshCa({ clusters: ['c1', 'c2', 'c3'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    expect(added.written.every((f) => f.startsWith('c3/'))).toBe(true);
    const after = readTree(ca);
    for (const [f, content] of Object.entries(before)) expect(after[f], f).toBe(content);
    const c3 = path.join(ca, 'c3', 'ca-cert.pem');
    expect(openssl(['verify', '-CAfile', path.join(ca, 'root-cert.pem'), c3]).trim()).toBe(`${c3}: OK`);
  });

  it('replaces everything, root included, only when asked to overwrite', async () => {
    const ca = path.join(tmp, 'ca');
    await generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    const before = readTree(ca);
    await generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256, overwrite: true });
    const after = readTree(ca);
    expect(after['root-key.pem']).not.toBe(before['root-key.pem']);
    expect(after['c1/ca-key.pem']).not.toBe(before['c1/ca-key.pem']);
    expect(Object.keys(after).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses, writing nothing, a directory in the output directory, incomplete files, and bad cluster names', async () => {
    const out = path.join(tmp, 'dist');
    await expect(generateMeshCa({ clusters: ['c1'], directory: path.join(out, 'ca'), outputDirectory: out })).rejects.toThrow(MeshCaError);
    await expect(generateMeshCa({ clusters: ['c1'], directory: path.join(out, 'ca'), outputDirectory: out })).rejects.toThrow(/lies in the output directory/);
    expect(fs.existsSync(out)).toBe(false);
    // Through a symbolic link too.
    fs.mkdirSync(out);
    fs.symlinkSync(out, path.join(tmp, 'link'));
    await expect(generateMeshCa({ clusters: ['c1'], directory: path.join(tmp, 'link', 'ca'), outputDirectory: out })).rejects.toThrow(/lies in the output directory/);

    const ca = path.join(tmp, 'ca');
    fs.mkdirSync(path.join(ca, 'c1'), { recursive: true });
    fs.writeFileSync(path.join(ca, 'c1', 'ca-cert.pem'), 'x');
    await expect(generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256 })).rejects.toThrow(/holds only ca-cert.pem; remove it, or pass overwrite/);
    expect(fs.readdirSync(ca)).toEqual(['c1']);

    await expect(generateMeshCa({ clusters: ['Cluster_1', 'c2', 'c2'], directory: path.join(tmp, 'x') }))
      .rejects.toThrow(/cluster "Cluster_1" must be a DNS-1123 label.*named more than once/);
  });

  it('refuses intermediates whose root is gone, rather than signing them with a new one', async () => {
    const ca = path.join(tmp, 'ca');
    await generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256 });
    fs.rmSync(path.join(ca, 'root-key.pem'));
    await expect(generateMeshCa({ clusters: ['c1'], directory: ca, keyType: CaKeyType.ECDSA_P256 })).rejects.toThrow(/root-cert.pem exists without its key/);
    fs.rmSync(path.join(ca, 'root-cert.pem'));
    await expect(generateMeshCa({ clusters: ['c1', 'c2'], directory: ca, keyType: CaKeyType.ECDSA_P256 })).rejects.toThrow(/clusters c1 have intermediates of a root/);
  });
});

describe('the command', () => {
  const cli = (args: string[]) => {
    try {
      const stdout = execFileSync(process.execPath, [path.join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(__dirname, '..', 'src', 'cli.ts'), ...args],
        { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: 0, stdout, stderr: '' };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { code: err.status, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('generates the CA, prints only file names, and keeps it on a second run', () => {
    const first = cli(['ca', '--dir', 'certs', '--clusters', 'c1,c2', '--key-type', 'ecdsa-p256']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('wrote c2/cacerts.yaml');
    expect(first.stdout).not.toMatch(/BEGIN/);
    const second = cli(['ca', '--dir', 'certs', '--clusters', 'c1,c2', '--key-type', 'ecdsa-p256']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('wrote');
  });

  it('answers bad usage with exit 2 and a refusal with exit 1, in one line and the usage, never a stack trace', () => {
    const usage = cli(['ca', '--clusters', 'c1', '--key-type', 'dsa']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: --dir is required; --key-type dsa is not one of/);
    const refused = cli(['ca', '--dir', 'dist/ca', '--clusters', 'c1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^error: the CA directory dist\/ca lies in the output directory dist/);
    expect(`${usage.stderr}${refused.stderr}`).not.toMatch(/\n\s+at /);
  });
});
