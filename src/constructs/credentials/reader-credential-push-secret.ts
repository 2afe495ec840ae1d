import { Construct } from 'constructs';
import {
  PushSecret, PushSecretSpecDeletionPolicy, PushSecretSpecSecretStoreRefsKind, PushSecretSpecUpdatePolicy,
} from '../../../imports/external-secrets-push-external-secrets.io';
import { readerTokenSecretName, RemoteCredentialKeys, TOKEN_SECRET_CA_KEY, TOKEN_SECRET_TOKEN_KEY } from './istio-remote-secret';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { DEFAULT_CREDENTIAL_REFRESH_INTERVAL, RemoteCredentialProperties, SecretStoreRef, secretStoreKind, secretStoreProblems } from './secret-store';

/** The name of the PushSecret unless told otherwise. */
export const READER_CREDENTIAL_PUSH_SECRET_NAME = 'istio-reader-credentials';

/** Properties of {@link ReaderCredentialPushSecret}. */
export interface ReaderCredentialPushSecretProps {
  /** The store to push to. */
  readonly secretStoreRef: SecretStoreRef;

  /** The store keys to push the token and the CA to, such as those of `remoteCredentialKeys`. */
  readonly keys: RemoteCredentialKeys;

  /**
   * The properties of the store's entries to push to, for stores whose entries are maps.
   * @default - none: each entry is the value itself
   */
  readonly properties?: RemoteCredentialProperties;

  /**
   * The token Secret to push from, such as a {@link ReaderTokenSecret}. The PushSecret lives in
   * its namespace, which External Secrets requires.
   * @default - istioctl's token Secret in istio-system, the one `ReaderTokenSecret` makes by default
   */
  readonly tokenSecret?: { readonly name: string; readonly namespace: string };

  /**
   * How often the Secret is pushed again, as a Go duration.
   * @default '1h'
   */
  readonly refreshInterval?: string;

  /**
   * The PushSecret's name.
   * @default 'istio-reader-credentials'
   */
  readonly name?: string;

  /**
   * Labels of the PushSecret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Publishes a cluster's reader credentials to a secret store: an External Secrets PushSecret
 * (external-secrets.io/v1alpha1) that pushes the `token` and `ca.crt` keys of the reader's token
 * Secret, which the cluster fills, to two store keys. The primaries that read the cluster build
 * their remote secret from them with a {@link RemoteSecretExternalSecret}.
 */
export class ReaderCredentialPushSecret extends Construct {
  /** The PushSecret's name. */
  public readonly name: string;
  /** The PushSecret's namespace: the token Secret's. */
  public readonly namespace: string;
  /** The underlying PushSecret object. */
  public readonly resource: PushSecret;

  constructor(scope: Construct, id: string, props: ReaderCredentialPushSecretProps) {
    super(scope, id);
    this.name = props.name ?? READER_CREDENTIAL_PUSH_SECRET_NAME;
    const source = props.tokenSecret ?? { name: readerTokenSecretName(), namespace: ISTIO_SYSTEM_NAMESPACE };
    this.namespace = source.namespace;
    const refreshInterval = props.refreshInterval ?? DEFAULT_CREDENTIAL_REFRESH_INTERVAL;
    this.node.addValidation({
      validate: () => [
        ...secretStoreProblems(props.secretStoreRef, refreshInterval),
        ...(props.keys.token !== '' && props.keys.ca !== '' ? [] : ['keys.token and keys.ca must not be empty']),
        ...(props.keys.token !== props.keys.ca || props.properties?.token !== props.properties?.ca
          ? [] : ['keys.token and keys.ca must differ (or their properties must): the token and the CA cannot share an entry']),
      ],
    });
    this.resource = new PushSecret(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        secretStoreRefs: [{
          name: props.secretStoreRef.name,
          kind: secretStoreKind(props.secretStoreRef) === 'ClusterSecretStore'
            ? PushSecretSpecSecretStoreRefsKind.CLUSTER_SECRET_STORE : PushSecretSpecSecretStoreRefsKind.SECRET_STORE,
        }],
        selector: { secret: { name: source.name } },
        data: [
          { match: { secretKey: TOKEN_SECRET_TOKEN_KEY, remoteRef: { remoteKey: props.keys.token, property: props.properties?.token } } },
          { match: { secretKey: TOKEN_SECRET_CA_KEY, remoteRef: { remoteKey: props.keys.ca, property: props.properties?.ca } } },
        ],
        refreshInterval,
        // The cluster's Secret is the source of truth: a token issued anew (the Secret or the
        // service account recreated) or a rotated CA must overwrite what the store holds, or the
        // reading primaries keep a revoked token. `IfNotExists` would keep the first value forever.
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        // The entries live and die with the cluster's membership: when the PushSecret is removed
        // (the cluster leaves the mesh, its objects pruned), its token Secret goes too and the
        // token is revoked, so the entries could only mislead. External Secrets deletes only
        // entries this PushSecret pushed. The readers keep their last remote secret meanwhile
        // (their ExternalSecrets retain it), until their own objects are pruned.
        deletionPolicy: PushSecretSpecDeletionPolicy.DELETE,
      },
    });
  }
}
