import 'reflect-metadata'; // @peculiar/x509 2 needs it loaded first; only the CA generator loads either.
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ISTIO_SYSTEM_NAMESPACE } from '../constructs/istio-names';
import { dns1123LabelProblem } from '../model/formats';
import { CaKeyType } from '../model/trust-spec';

export { CaKeyType } from '../model/trust-spec';
import { toYaml } from '../model/yaml';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
type EcKeyGenParams = webcrypto.EcKeyGenParams;

/** Options of {@link generateMeshCa}. */
export interface MeshCaOptions {
  /** The clusters that get an intermediate CA (each one's `cacerts`); none for a root alone. */
  readonly clusters: string[];

  /** The directory the CA is written to; it must lie outside `outputDirectory`. */
  readonly directory: string;

  /**
   * The directory the mesh's output is written to, which must never hold a private key.
   * @default 'dist'
   */
  readonly outputDirectory?: string;

  /**
   * The key type of the root and the intermediates.
   * @default CaKeyType.RSA_4096
   */
  readonly keyType?: CaKeyType;

  /**
   * How long the root is valid, in days.
   * @default 3650
   */
  readonly rootValidityDays?: number;

  /**
   * How long each intermediate is valid, in days.
   * @default 730
   */
  readonly intermediateValidityDays?: number;

  /**
   * Replace existing keys and certificates. Without it, what exists is kept: an existing root
   * signs intermediates for clusters that have none, and a second run changes nothing.
   * @default false
   */
  readonly overwrite?: boolean;

  /**
   * The namespace of the `cacerts` Secrets (`cacerts.yaml`): istiod's, such as an external
   * control plane's `external-istiod`.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * The time the certificates are valid from.
   * @default - now
   */
  readonly now?: Date;
}

/** What {@link generateMeshCa} did. */
export interface MeshCaResult {
  /** Files written, relative to the CA directory. */
  readonly written: string[];
  /** Files that existed and were kept. */
  readonly kept: string[];
}

/** Thrown, before anything is written, when the CA cannot be generated as asked. */
export class MeshCaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeshCaError';
  }
}

/** The files of each cluster, as Istio's plug-in CA reads them from the `cacerts` secret. */
export const CACERTS_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'] as const;
/** The `cacerts` Secret of a cluster, next to its files; it holds the intermediate's key. */
export const CACERTS_MANIFEST = 'cacerts.yaml';
const ROOT_CERT = 'root-cert.pem';
const ROOT_KEY = 'root-key.pem';

/** The names and extensions of Istio's `tools/certs` Makefile (common.mk). */
const ORGANIZATION = 'Istio';
const ROOT_CN = 'Root CA';
const INTERMEDIATE_CN = 'Intermediate CA';
const INTERMEDIATE_SAN = `istiod.${ISTIO_SYSTEM_NAMESPACE}.svc`;

type Algorithm = RsaHashedKeyGenParams | (EcKeyGenParams & { hash: string });

function algorithmOf(keyType: CaKeyType): Algorithm {
  switch (keyType) {
    case CaKeyType.RSA_2048: case CaKeyType.RSA_3072: case CaKeyType.RSA_4096:
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(keyType.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    case CaKeyType.ECDSA_P256:
      return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    case CaKeyType.ECDSA_P384:
      return { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
  }
  throw new MeshCaError(`unknown key type "${String(keyType)}"; use one of: ${Object.values(CaKeyType).join(', ')}`);
}

/** Key usages of a CA, as Istio's Makefile sets them; keyEncipherment only where the key can encipher (RSA). */
function caKeyUsages(algorithm: Algorithm): number {
  const usages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyCertSign;
  return algorithm.name === 'ECDSA' ? usages : usages | x509.KeyUsageFlags.keyEncipherment;
}

const pem = (label: string, der: ArrayBuffer) => x509.PemConverter.encode(der, label);
/** A positive 128-bit serial number, as RFC 5280 recommends for unpredictability. */
const serialNumber = () => {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
};
const days = (from: Date, count: number) => new Date(from.getTime() + count * 24 * 60 * 60 * 1000);

/** Whether `inner` is `outer` or lies below it, comparing real paths where they exist. */
function isWithin(inner: string, outer: string): boolean {
  const real = (p: string): string => {
    const resolved = path.resolve(p);
    try {
      return fs.realpathSync(resolved);
    } catch {
      const parent = path.dirname(resolved);
      return parent === resolved ? resolved : path.join(real(parent), path.basename(resolved));
    }
  };
  const relative = path.relative(real(outer), real(inner));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

interface KeyPairFiles {
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly algorithm: Algorithm;
}

/** Loads an existing root: its certificate, and its PKCS#8 key imported for the certificate's algorithm. */
async function loadRoot(certFile: string, keyFile: string): Promise<KeyPairFiles> {
  const cert = new x509.X509Certificate(fs.readFileSync(certFile, 'utf8'));
  const publicAlgorithm = cert.publicKey.algorithm as Algorithm & { namedCurve?: string };
  const algorithm: Algorithm = publicAlgorithm.name === 'ECDSA'
    ? { name: 'ECDSA', namedCurve: publicAlgorithm.namedCurve!, hash: publicAlgorithm.namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256' }
    : { ...(publicAlgorithm as RsaHashedKeyGenParams), name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const der = x509.PemConverter.decodeFirst(fs.readFileSync(keyFile, 'utf8'));
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']) as unknown as CryptoKey;
  const publicKey = await cert.publicKey.export(algorithm, ['verify']);
  return { cert, keys: { privateKey, publicKey }, algorithm };
}

/**
 * Generates a mesh's plug-in CA, as Istio's `tools/certs/Makefile.selfsigned.mk` does: a
 * self-signed root (`O=Istio, CN=Root CA`), and per cluster an intermediate CA with path length
 * 0 (`O=Istio, CN=Intermediate CA, L=<cluster>`, SAN `istiod.istio-system.svc`) signed by it.
 * Each cluster's directory gets `ca-cert.pem`, `ca-key.pem`, `root-cert.pem`, `cert-chain.pem`
 * and the `cacerts` Secret made of them (`cacerts.yaml`). Private keys, and the Secret, are
 * written with mode 0600.
 * @throws MeshCaError, before writing anything, when the directory lies in the output directory,
 *   when a cluster name is not a DNS-1123 label, or when existing files are incomplete
 */
export async function generateMeshCa(options: MeshCaOptions): Promise<MeshCaResult> {
  const dir = path.resolve(options.directory);
  const outputDirectory = options.outputDirectory ?? 'dist';
  if (isWithin(dir, outputDirectory)) {
    throw new MeshCaError(`the CA directory ${options.directory} lies in the output directory ${outputDirectory}, which must never hold a private key; ` +
      'choose a directory outside it, such as ~/istio-certs/<mesh>');
  }
  if (isWithin(outputDirectory, dir)) {
    throw new MeshCaError(`the output directory ${outputDirectory} lies in the CA directory ${options.directory}; keep them apart`);
  }
  const problems = options.clusters.map((c) => [c, dns1123LabelProblem(c)] as const).filter(([, p]) => p !== undefined)
    .map(([c, p]) => `cluster "${c}" ${p}`);
  if (new Set(options.clusters).size !== options.clusters.length) problems.push('a cluster is named more than once');
  for (const [field, value] of [['rootValidityDays', options.rootValidityDays], ['intermediateValidityDays', options.intermediateValidityDays]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) problems.push(`${field} ${value} must be a whole number of days, at least 1`);
  }
  if (options.namespace !== undefined) {
    const reason = dns1123LabelProblem(options.namespace);
    if (reason) problems.push(`namespace "${options.namespace}" ${reason}`);
  }
  if (problems.length > 0) throw new MeshCaError(`cannot generate the CA: ${problems.join('; ')}`);
  const algorithm = algorithmOf(options.keyType ?? CaKeyType.RSA_4096);
  const now = options.now ?? new Date();
  const overwrite = options.overwrite ?? false;

  const exists = (file: string) => fs.existsSync(path.join(dir, file));
  const rootFiles = [ROOT_CERT, ROOT_KEY].filter(exists);
  if (!overwrite && rootFiles.length === 1) {
    throw new MeshCaError(`${path.join(dir, rootFiles[0])} exists without its ${rootFiles[0] === ROOT_CERT ? 'key' : 'certificate'}; ` +
      'restore it, or pass overwrite to start a new root');
  }
  const clusterFiles = (c: string) => [...CACERTS_FILES, CACERTS_MANIFEST].map((f) => `${c}/${f}`);
  const todo: string[] = [];
  const kept: string[] = [];
  for (const c of options.clusters) {
    const present = clusterFiles(c).filter(exists);
    if (overwrite || present.length === 0) todo.push(c);
    else if (present.length === clusterFiles(c).length) kept.push(...present);
    else throw new MeshCaError(`${path.join(dir, c)} holds only ${present.map((p) => path.basename(p)).join(', ')}; remove it, or pass overwrite`);
  }

  const written: string[] = [];
  const write = (file: string, content: string, secret: boolean) => {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    // Written aside and renamed, so a key is never readable with a wider mode, nor half written.
    const staging = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(staging, content, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
    fs.renameSync(staging, target);
    written.push(file);
  };

  let root: KeyPairFiles;
  if (overwrite || rootFiles.length === 0) {
    if (!overwrite && todo.length < options.clusters.length) {
      throw new MeshCaError(`clusters ${kept.map((f) => f.split('/')[0]).filter((c, i, a) => a.indexOf(c) === i).join(', ')} have intermediates of a root ` +
        `that is not in ${dir}; restore root-cert.pem and root-key.pem, or pass overwrite to start a new root`);
    }
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as unknown as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: `O=${ORGANIZATION}, CN=${ROOT_CN}`,
      notBefore: now,
      notAfter: days(now, options.rootValidityDays ?? 3650),
      keys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(caKeyUsages(algorithm), true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    root = { cert, keys, algorithm };
    write(ROOT_KEY, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as any)), true);
    write(ROOT_CERT, `${cert.toString('pem')}\n`, false);
  } else {
    root = await loadRoot(path.join(dir, ROOT_CERT), path.join(dir, ROOT_KEY));
    kept.push(ROOT_CERT, ROOT_KEY);
  }

  for (const cluster of todo) {
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as unknown as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: `O=${ORGANIZATION}, CN=${INTERMEDIATE_CN}, L=${cluster}`,
      issuer: root.cert.subject,
      notBefore: now,
      notAfter: days(now, options.intermediateValidityDays ?? 730),
      publicKey: keys.publicKey,
      signingKey: root.keys.privateKey,
      signingAlgorithm: root.algorithm,
      extensions: [
        // Path length 0: it signs workload certificates, never another CA.
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(caKeyUsages(algorithm), true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: INTERMEDIATE_SAN }]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey),
      ],
    });
    const caCert = cert.toString('pem');
    const rootCert = root.cert.toString('pem');
    const files: Record<(typeof CACERTS_FILES)[number], string> = {
      'ca-cert.pem': `${caCert}\n`,
      'ca-key.pem': `${pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as any))}\n`,
      'root-cert.pem': `${rootCert}\n`,
      'cert-chain.pem': `${caCert}\n${rootCert}\n`,
    };
    for (const f of CACERTS_FILES) write(`${cluster}/${f}`, files[f], f === 'ca-key.pem');
    write(`${cluster}/${CACERTS_MANIFEST}`, cacertsSecret(cluster, files, options.namespace ?? ISTIO_SYSTEM_NAMESPACE), true);
  }
  return { written, kept };
}

/** The `cacerts` Secret, as `kubectl create secret generic cacerts --from-file=…` makes it. */
function cacertsSecret(cluster: string, files: Record<string, string>, namespace: string): string {
  return toYaml([{
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cacerts', namespace },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  }], [`The plug-in CA of cluster ${cluster}: kubectl apply -f this file. It holds the intermediate's private key: never commit it.`]);
}
