import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ISTIO_READER_SERVICE_ACCOUNT, readerTokenSecret, readerTokenSecretName, TOKEN_SECRET_CA_KEY, TOKEN_SECRET_TOKEN_KEY,
} from './istio-remote-secret';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';

/** Properties of {@link ReaderTokenSecret}. */
export interface ReaderTokenSecretProps {
  /**
   * The service account whose token the cluster puts in the Secret. It must exist when the
   * Secret is applied (Istio's `base` chart creates the default one), or Kubernetes deletes the
   * Secret again.
   * @default 'istio-reader-service-account'
   */
  readonly serviceAccountName?: string;

  /**
   * The namespace of the service account and the Secret.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * The Secret's name. The default is the name `istioctl create-remote-secret` gives the Secret
   * it creates, so that the two never make two tokens for the account.
   * @default '<serviceAccountName>-istio-remote-secret-token'
   */
  readonly name?: string;

  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A long-lived token for Istio's reader service account: a Secret of type
 * `kubernetes.io/service-account-token` that the cluster fills with `token`, `ca.crt` and
 * `namespace`, as the one `istioctl create-remote-secret` creates on Kubernetes 1.24 and later.
 * It holds no credential in Git: only the request for one.
 */
export class ReaderTokenSecret extends Construct {
  /** The key the cluster puts the token under. */
  public static readonly TOKEN_KEY = TOKEN_SECRET_TOKEN_KEY;
  /** The key the cluster puts its CA certificates (PEM) under. */
  public static readonly CA_KEY = TOKEN_SECRET_CA_KEY;

  /** The Secret's name. */
  public readonly name: string;
  /** The Secret's namespace. */
  public readonly namespace: string;
  /** The service account the token is for. */
  public readonly serviceAccountName: string;
  /** The underlying Secret object. */
  public readonly resource: k8s.KubeSecret;

  constructor(scope: Construct, id: string, props: ReaderTokenSecretProps = {}) {
    super(scope, id);
    this.serviceAccountName = props.serviceAccountName ?? ISTIO_READER_SERVICE_ACCOUNT;
    this.namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    this.name = props.name ?? readerTokenSecretName(this.serviceAccountName);
    const { metadata, type } = readerTokenSecret(this.serviceAccountName, this.namespace, this.name, props.labels);
    this.resource = new k8s.KubeSecret(this, 'Resource', { metadata, type });
  }
}
