/** How the clusters of a mesh get their intermediate CAs, signed by one shared root. */
export enum TrustMode {
  /**
   * The package's `ca` command makes the root and the intermediates offline, outside the
   * output; the README applies each primary's `cacerts` Secret from there.
   */
  OFFLINE_CA = 'OfflineCa',
  /**
   * cert-manager issues each primary's intermediate into `cacerts`, signed by the shared root
   * through a CA Issuer; the output holds the Issuer and the Certificate.
   */
  CERT_MANAGER = 'CertManager',
  /** You provide each primary's `cacerts` Secret; the README says what it must hold. */
  BRING_YOUR_OWN = 'BringYourOwn',
}

/** The key type of a CA. */
export enum CaKeyType {
  /** RSA, 2048 bits. */
  RSA_2048 = 'rsa-2048',
  /** RSA, 3072 bits. */
  RSA_3072 = 'rsa-3072',
  /** RSA, 4096 bits: what Istio's `tools/certs` Makefile makes. */
  RSA_4096 = 'rsa-4096',
  /** ECDSA on P-256, signing with SHA-256. */
  ECDSA_P256 = 'ecdsa-p256',
  /** ECDSA on P-384, signing with SHA-384. */
  ECDSA_P384 = 'ecdsa-p384',
}

/**
 * The kinds of External Secrets store: a `ClusterSecretStore` every namespace can use, or a
 * `SecretStore` in the namespace of the objects that use it (istio-system).
 */
export type SecretStoreKind = 'SecretStore' | 'ClusterSecretStore';

/** A store of External Secrets, as the objects that read it or push to it name it. */
export interface SecretStoreRef {
  /** The store's name. */
  readonly name: string;

  /**
   * The store's kind.
   * @default 'ClusterSecretStore'
   */
  readonly kind?: SecretStoreKind;
}

/** The kind of a store reference, its default filled in. */
export function secretStoreKind(ref: SecretStoreRef): SecretStoreKind {
  return ref.kind ?? 'ClusterSecretStore';
}

/** Where cert-manager's CA Issuer finds the shared root. */
export interface RootCaFromStore {
  /** The store that holds the root. */
  readonly secretStore: SecretStoreRef;

  /**
   * The key of the root in the store, whose properties `tls.crt` and `tls.key` hold the root's
   * certificate and private key in PEM.
   */
  readonly key: string;
}

/** cert-manager settings of the intermediates. */
export interface CertManagerTrustOptions {
  /**
   * The Secret in istio-system of every primary that holds the shared root (`tls.crt`,
   * `tls.key`), from which the CA Issuer signs the intermediate.
   * @default 'istio-root-ca'
   */
  readonly rootCaSecret?: string;

  /**
   * Fetch that Secret from your secret store with an ExternalSecret, so that the root key is
   * never handled by hand.
   * @default - you create the Secret in every primary (the README says how)
   */
  readonly rootCaFromStore?: RootCaFromStore;

  /**
   * The key type of the intermediates.
   * @default CaKeyType.RSA_4096
   */
  readonly keyType?: CaKeyType;

  /**
   * How long an intermediate is valid, as a Go duration.
   * @default '8760h'
   */
  readonly duration?: string;

  /**
   * How long before it expires cert-manager renews an intermediate (istiod reloads it).
   * @default '720h'
   */
  readonly renewBefore?: string;
}

/** The mesh's trust: one root, an intermediate CA (`cacerts`) per primary. */
export interface TrustSpec {
  /**
   * How the intermediates are made.
   * @default TrustMode.OFFLINE_CA
   */
  readonly mode?: TrustMode;

  /**
   * Settings of cert-manager, with `TrustMode.CERT_MANAGER`.
   * @default - the defaults of each setting
   */
  readonly certManager?: CertManagerTrustOptions;
}

/** How primaries get the remote secrets with which they read other clusters' API servers. */
export interface RemoteCredentialsSpec {
  /**
   * Declaratively, through External Secrets: every cluster read by a primary publishes its
   * `istio-reader-service-account` token and CA to this store (a PushSecret), and every primary
   * renders each remote secret from there (an ExternalSecret). Every such cluster needs its
   * `apiServer`.
   * @default - the README creates them with `istioctl create-remote-secret`
   */
  readonly externalSecrets?: ExternalSecretsCredentials;
}

/** The store the clusters' reader credentials go through. */
export interface ExternalSecretsCredentials {
  /** The store; it must support pushing (PushSecret), and every cluster must reach it. */
  readonly secretStore: SecretStoreRef;

  /**
   * The prefix of the credentials' keys in the store: `<prefix>/<mesh>/<cluster>/reader-token`
   * and `…/ca.crt`.
   * @default 'istio-remote'
   */
  readonly keyPrefix?: string;
}
