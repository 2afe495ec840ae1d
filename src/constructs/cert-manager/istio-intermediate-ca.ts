import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages,
} from '../../../imports/cert-manager-cert-manager.io';
import { Issuer } from '../../../imports/cert-manager-issuer-cert-manager.io';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../../imports/external-secrets-external-secrets.io';
import { CaKeyType, RootCaFromStore, secretStoreKind } from '../../model/trust-spec';
import { secretStoreProblems } from '../credentials/secret-store';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';

/** The Secret istiod reads its plug-in CA from; cert-manager writes `tls.crt`, `tls.key` and `ca.crt`, which Istio reads too. */
export const CACERTS_SECRET = 'cacerts';
/** The subject and SAN of Istio's `tools/certs` Makefile, so that both trust modes issue the same intermediates. */
const ORGANIZATION = 'Istio';
const COMMON_NAME = 'Intermediate CA';
const ISTIOD_SAN = `istiod.${ISTIO_SYSTEM_NAMESPACE}.svc`;

/** Properties of {@link IstioIntermediateCa}. */
export interface IstioIntermediateCaProps {
  /** The cluster, written as the intermediate's locality (`L=<cluster>`), as Istio's Makefile does. */
  readonly cluster: string;

  /**
   * The Secret in istio-system holding the shared root (`tls.crt`, `tls.key`).
   * @default 'istio-root-ca'
   */
  readonly rootCaSecret?: string;

  /**
   * Fetch the root Secret from a secret store with an ExternalSecret.
   * @default - the root Secret is created by hand
   */
  readonly rootCaFromStore?: RootCaFromStore;

  /**
   * The intermediate's key type.
   * @default CaKeyType.RSA_4096
   */
  readonly keyType?: CaKeyType;

  /**
   * How long the intermediate is valid.
   * @default '8760h'
   */
  readonly duration?: string;

  /**
   * How long before expiry cert-manager renews it.
   * @default '720h'
   */
  readonly renewBefore?: string;
}

/**
 * A primary's intermediate CA, issued by cert-manager into `cacerts`: a CA Issuer backed by
 * the shared root, and a Certificate for a CA that signs workload certificates. cert-manager
 * cannot limit a certificate's path length; the root's own constraints and istiod, which only
 * signs workload (non-CA) certificates, keep the chain as short as Istio's Makefile makes it.
 */
export class IstioIntermediateCa extends Construct {
  public readonly issuer: Issuer;
  public readonly certificate: Certificate;
  /** The ExternalSecret that brings the root, when it comes from a store. */
  public readonly rootCa?: ApiObject;

  constructor(scope: Construct, id: string, props: IstioIntermediateCaProps) {
    super(scope, id);
    const rootCaSecret = props.rootCaSecret ?? 'istio-root-ca';
    if (props.rootCaFromStore) {
      const store = props.rootCaFromStore;
      this.rootCa = new ExternalSecret(this, 'RootCa', {
        metadata: { name: rootCaSecret, namespace: ISTIO_SYSTEM_NAMESPACE },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: {
            name: store.secretStore.name,
            kind: secretStoreKind(store.secretStore) === 'SecretStore'
              ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          },
          // A TLS Secret, the form a CA Issuer reads.
          target: { name: rootCaSecret, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER, template: { type: 'kubernetes.io/tls' } },
          data: ['tls.crt', 'tls.key'].map((property) => ({ secretKey: property, remoteRef: { key: store.key, property } })),
        },
      });
    }
    this.issuer = new Issuer(this, 'Issuer', {
      metadata: { name: rootCaSecret, namespace: ISTIO_SYSTEM_NAMESPACE },
      spec: { ca: { secretName: rootCaSecret } },
    });
    const keyType = props.keyType ?? CaKeyType.RSA_4096;
    const rsa = keyType.startsWith('rsa-');
    this.certificate = new Certificate(this, 'Certificate', {
      metadata: { name: CACERTS_SECRET, namespace: ISTIO_SYSTEM_NAMESPACE },
      spec: {
        secretName: CACERTS_SECRET,
        isCa: true,
        commonName: COMMON_NAME,
        subject: { organizations: [ORGANIZATION], localities: [props.cluster] },
        dnsNames: [ISTIOD_SAN],
        usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN],
        privateKey: {
          algorithm: rsa ? CertificateSpecPrivateKeyAlgorithm.RSA : CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: Number(keyType.replace(/^(rsa-|ecdsa-p)/, '')),
          encoding: CertificateSpecPrivateKeyEncoding.PKCS8,
          // A renewed intermediate gets a new key, as a rotated CA should.
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        duration: props.duration ?? '8760h',
        renewBefore: props.renewBefore ?? '720h',
        issuerRef: { name: this.issuer.name, kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
    // Checked on the final objects, so that escape-hatch patches cannot turn the intermediate
    // into something istiod cannot sign workload certificates with.
    this.node.addValidation({
      validate: () => [
        ...(props.rootCaFromStore ? secretStoreProblems(props.rootCaFromStore.secretStore, '1h') : []),
        ...intermediateCaProblems(this.certificate.toJson()),
      ],
    });
  }
}

/** Extended key usages that permit what Istio's workload certificates are used for. */
const WORKLOAD_EXTENDED_USAGES = ['server auth', 'client auth'];

/**
 * Why a cert-manager Certificate cannot serve as istiod's plug-in CA: it must be a CA, and any extended key usage it lists constrains every certificate under
 * it (verifiers such as Go's and Envoy's enforce this), so it must allow both server and client
 * authentication, which every workload certificate is used for in mutual TLS.
 */
export function intermediateCaProblems(certificate: { spec?: { isCA?: boolean; usages?: string[]; secretName?: string } }): string[] {
  const spec = certificate.spec ?? {};
  const problems: string[] = [];
  if (spec.isCA !== true) problems.push('the Certificate must have spec.isCA: true: istiod signs workload certificates with it, which a leaf cannot do');
  // cert-manager adds "cert sign" to a CA's key usages itself; extended usages it takes as given.
  const extended = (spec.usages ?? []).filter((u) => EXTENDED_USAGES.has(u));
  const missing = WORKLOAD_EXTENDED_USAGES.filter((u) => !extended.includes(u));
  if (extended.length > 0 && !extended.includes('any') && missing.length > 0) {
    problems.push(`the Certificate's spec.usages list extended key usages (${extended.join(', ')}) without ${missing.map((u) => `"${u}"`).join(' and ')}: ` +
      'that forbids the mutual TLS every workload certificate is used for; remove the extended usages, or add those');
  }
  if (spec.secretName !== CACERTS_SECRET) problems.push(`the Certificate must write the Secret "${CACERTS_SECRET}", the only one istiod reads its plug-in CA from`);
  return problems;
}

/** cert-manager's extended key usages (the rest of its usages are key usages). */
const EXTENDED_USAGES = new Set([
  'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel',
  'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
]);
