import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy, ExternalSecretSpecTargetTemplateEngineVersion, ExternalSecretSpecTargetTemplateMergePolicy,
} from '../../../imports/external-secrets-external-secrets.io';
import {
  RemoteClusterEndpoint, RemoteCredentialKeys, remoteSecretKubeconfigTemplate, remoteSecretMetadata, remoteSecretName,
  remoteTemplateProblems, TEMPLATE_CA_KEY, TEMPLATE_TOKEN_KEY,
} from './istio-remote-secret';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { DEFAULT_CREDENTIAL_REFRESH_INTERVAL, RemoteCredentialProperties, SecretStoreRef, secretStoreKind, secretStoreProblems } from './secret-store';

/** Properties of {@link RemoteSecretExternalSecret}. */
export interface RemoteSecretExternalSecretProps {
  /** The name, in the mesh, of the cluster to read (a DNS-1123 label): the remote secret's key and name suffix. */
  readonly cluster: string;

  /** The URL of the cluster's API server as this primary reaches it, such as `https://203.0.113.10:6443`. */
  readonly server: string;

  /**
   * The name to check the API server's certificate against, when `server` is not a name on it,
   * such as a proxy's address.
   * @default - the host of `server`
   */
  readonly tlsServerName?: string;

  /** The store the cluster's credentials were pushed to. */
  readonly secretStoreRef: SecretStoreRef;

  /** The store keys of the cluster's token and CA, as its {@link ReaderCredentialPushSecret} pushes them. */
  readonly keys: RemoteCredentialKeys;

  /**
   * The properties of the store's entries to read, as pushed.
   * @default - none: each entry is the value itself
   */
  readonly properties?: RemoteCredentialProperties;

  /**
   * How often the credentials are read again, as a Go duration.
   * @default '1h'
   */
  readonly refreshInterval?: string;

  /**
   * The namespace of the ExternalSecret and of the remote secret: the one istiod watches.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * The ExternalSecret's name.
   * @default - the remote secret's: `istio-remote-secret-<cluster>`
   */
  readonly name?: string;

  /**
   * Labels of the ExternalSecret. The remote secret gets istioctl's labels only.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * The remote secret through which this primary's istiod reads another cluster, built by External
 * Secrets: an ExternalSecret (external-secrets.io/v1) that reads the cluster's reader token and CA
 * from the store and renders, with its target template, the Secret `istioctl create-remote-secret`
 * would make: `istio-remote-secret-<cluster>`, labelled `istio/multiCluster: "true"`, annotated
 * `networking.istio.io/cluster`, with the kubeconfig under the cluster's name. The manifest holds
 * only the store keys and a template; the token reaches only the cluster.
 */
export class RemoteSecretExternalSecret extends Construct {
  /** The ExternalSecret's name. */
  public readonly name: string;
  /** The namespace of the ExternalSecret and the remote secret. */
  public readonly namespace: string;
  /** The name of the remote secret External Secrets makes. */
  public readonly secretName: string;
  /** The underlying ExternalSecret object. */
  public readonly resource: ExternalSecret;

  constructor(scope: Construct, id: string, props: RemoteSecretExternalSecretProps) {
    super(scope, id);
    this.secretName = remoteSecretName(props.cluster);
    this.name = props.name ?? this.secretName;
    this.namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    const refreshInterval = props.refreshInterval ?? DEFAULT_CREDENTIAL_REFRESH_INTERVAL;
    const endpoint: RemoteClusterEndpoint = { cluster: props.cluster, server: props.server, tlsServerName: props.tlsServerName };
    const endpointProblems = remoteTemplateProblems(endpoint);
    this.node.addValidation({
      validate: () => [
        ...endpointProblems,
        ...secretStoreProblems(props.secretStoreRef, refreshInterval),
        ...(props.keys.token !== '' && props.keys.ca !== '' ? [] : ['keys.token and keys.ca must not be empty']),
      ],
    });
    // Unusable inputs leave the template empty; validation reports them before anything is written.
    const kubeconfig = endpointProblems.length === 0 ? remoteSecretKubeconfigTemplate(endpoint) : '';
    this.resource = new ExternalSecret(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        secretStoreRef: {
          name: props.secretStoreRef.name,
          kind: secretStoreKind(props.secretStoreRef) === 'ClusterSecretStore'
            ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
        },
        refreshInterval,
        // The template's values: the token as pushed from `token`, the CA as pushed from `ca.crt`.
        data: [
          { secretKey: TEMPLATE_TOKEN_KEY, remoteRef: { key: props.keys.token, property: props.properties?.token } },
          { secretKey: TEMPLATE_CA_KEY, remoteRef: { key: props.keys.ca, property: props.properties?.ca } },
        ],
        target: {
          name: this.secretName,
          // The remote secret belongs to this ExternalSecret: removing it (the cluster leaves the
          // mesh) removes the Secret, and istiod stops reading the cluster.
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // When the entries vanish from the store, keep the last remote secret: dropping it would
          // drop the cluster's endpoints from this primary at once, for what may be a store outage.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            // Only the template's keys: the fetched token and CA are not copied into the Secret.
            mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            metadata: remoteSecretMetadata(props.cluster),
          },
        },
      },
    });
    // The data's key is the cluster's name. Set through a typed field, it would go through cdk8s's
    // resolver, which refuses any object with a key `constructor` (a valid cluster name); a patch
    // is applied to the resolved JSON.
    this.resource.addJsonPatch(JsonPatch.add('/spec/target/template/data', { [props.cluster]: kubeconfig }));
  }
}
