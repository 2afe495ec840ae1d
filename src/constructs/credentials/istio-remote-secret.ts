/**
 * The Istio remote secret: the Secret through which a primary's istiod reads another cluster's
 * API server, as `istioctl create-remote-secret` builds it, and the pieces to build the same
 * Secret declaratively (a Go template for External Secrets and the keys of a secret store).
 *
 * What istioctl does, read from istio/istio (unchanged from 1.30.3 to 1.31 and master), in
 * `istioctl/pkg/multicluster/remote_secret.go` unless noted:
 * - `createRemoteSecret` names the Secret with `remoteSecretNameFromClusterName`
 *   (`istio-remote-secret-<cluster>`), reads the `ca.crt` and `token` keys of the reader service
 *   account's token Secret (`tokenDataFromSecret`) and puts the Secret in the namespace of
 *   `KubeOptions.prepare` (`options.go`): Istio's namespace, `istio-system` by default.
 * - `createRemoteServiceAccountSecret` labels it `istio/multiCluster: "true"`
 *   (`MultiClusterSecretLabel`, `pkg/kube/multicluster/secretcontroller.go`), the label istiod
 *   watches, annotates it `networking.istio.io/cluster: <cluster>` (`clusterNameAnnotationKey`,
 *   `options.go`), and stores the kubeconfig under one key, the cluster's name, encoded by
 *   client-go's `clientcmd/api/latest.Codec`. It sets no `type` (the API server makes it Opaque).
 * - `createBaseKubeconfig` and `createBearerTokenKubeconfig` build the kubeconfig: one cluster,
 *   one context and one user, all three named after the cluster; the context is the current one;
 *   the cluster has `certificate-authority-data` (the CA bytes, which the encoder writes in
 *   base64), `server` and `tls-server-name` (left out when empty, `--tls-server-name`); the user
 *   has only `token`. Since Istio 1.28 (client-go 0.34) the encoder writes no `preferences: {}`
 *   (see `TestCreateRemoteSecrets` in `remote_secret_test.go`).
 * - `CreateRemoteSecret` moves the data to `stringData` before writing, for review; the API
 *   server stores it as `data` again.
 * - `getOrCreateServiceAccountSecret` and `tokenSecretName` create, on Kubernetes 1.24 and later,
 *   the token Secret `istio-reader-service-account-istio-remote-secret-token` of type
 *   `kubernetes.io/service-account-token` with the annotation `kubernetes.io/service-account.name:
 *   istio-reader-service-account` (`constants.DefaultServiceAccountName`), and no labels; it reuses
 *   any Secret of that type annotated for the account (`secretReferencesServiceAccount`).
 */
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { dns1123LabelProblem } from '../../model/formats';
import { toYaml } from '../../model/yaml';

/** The prefix of a remote secret's name, followed by the name of the cluster it reads. */
export const REMOTE_SECRET_NAME_PREFIX = 'istio-remote-secret-';
/** The label by which istiod's secret controller finds remote secrets. */
export const MULTICLUSTER_SECRET_LABEL = 'istio/multiCluster';
/** The annotation naming the cluster a remote secret reads. */
export const REMOTE_CLUSTER_ANNOTATION = 'networking.istio.io/cluster';
/** The service account whose token a remote secret carries; Istio's `base` chart creates it. */
export const ISTIO_READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
/** The Secret type the API server fills with a service account's long-lived token. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** The annotation naming the service account a token Secret is for. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
/** The keys of a token Secret holding the token and the cluster's CA certificates (PEM). */
export const TOKEN_SECRET_TOKEN_KEY = 'token';
export const TOKEN_SECRET_CA_KEY = 'ca.crt';
/** The first segment of the default store keys, see {@link remoteCredentialKeys}. */
export const DEFAULT_REMOTE_CREDENTIAL_PREFIX = 'istio-remote';

/** The name of the remote secret that reads `cluster`. */
export function remoteSecretName(cluster: string): string {
  return `${REMOTE_SECRET_NAME_PREFIX}${cluster}`;
}

/** The name istioctl gives the token Secret it creates for a service account. */
export function readerTokenSecretName(serviceAccount: string = ISTIO_READER_SERVICE_ACCOUNT): string {
  return `${serviceAccount}-istio-remote-secret-token`;
}

/**
 * The token Secret istioctl creates for a service account (a `kubernetes.io/service-account-token`
 * Secret annotated with the account), which the cluster fills with `token` and `ca.crt`.
 */
export function readerTokenSecret(serviceAccount: string, namespace: string, name = readerTokenSecretName(serviceAccount), labels?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels, annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: serviceAccount } },
    type: SERVICE_ACCOUNT_TOKEN_TYPE,
  };
}

/** How a remote secret reaches a cluster, without its credentials. */
export interface RemoteClusterEndpoint {
  /** The cluster's name in the mesh (`--name`): a DNS-1123 label. */
  readonly cluster: string;
  /** The URL of the cluster's API server as the reading primaries reach it (`--server`). */
  readonly server: string;
  /**
   * The name to check the API server's certificate against, when `server` is not a name on it,
   * such as a proxy's address (`--tls-server-name`).
   * @default - the host of `server`
   */
  readonly tlsServerName?: string;
}

/** Everything a remote secret holds. */
export interface RemoteSecretInput extends RemoteClusterEndpoint {
  /** The cluster's CA certificates as its token Secret holds them under `ca.crt`: PEM text, not base64. */
  readonly caData: string;
  /** The reader service account's token, as its token Secret holds it under `token`. */
  readonly token: string;
}

/** A kubeconfig of the shape istioctl writes into a remote secret, with field names as in YAML. */
export interface RemoteKubeconfig {
  readonly apiVersion: 'v1';
  readonly clusters: { readonly cluster: { readonly 'certificate-authority-data': string; readonly server: string; readonly 'tls-server-name'?: string }; readonly name: string }[];
  readonly contexts: { readonly context: { readonly cluster: string; readonly user: string }; readonly name: string }[];
  readonly 'current-context': string;
  readonly kind: 'Config';
  readonly users: { readonly name: string; readonly user: { readonly token: string } }[];
}

/** A remote secret as istioctl writes it. */
export interface IstioRemoteSecret {
  readonly apiVersion: 'v1';
  readonly kind: 'Secret';
  readonly metadata: {
    readonly annotations: Record<string, string>;
    readonly labels: Record<string, string>;
    readonly name: string;
    readonly namespace: string;
  };
  /** One key, the cluster's name, holding the kubeconfig text. */
  readonly stringData: Record<string, string>;
}

/**
 * The remote secret for reading one cluster, field for field as `istioctl create-remote-secret
 * --name <cluster> --server <server> [--tls-server-name <name>]` prints it for a bearer token.
 * Throws when an input would make istioctl refuse (see {@link remoteEndpointProblems}).
 */
export function istioRemoteSecret(input: RemoteSecretInput, namespace: string = ISTIO_SYSTEM_NAMESPACE): IstioRemoteSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...remoteSecretMetadata(input.cluster), name: remoteSecretName(input.cluster), namespace },
    stringData: { [input.cluster]: remoteSecretKubeconfig(input) },
  };
}

/** The labels and annotations of the remote secret that reads `cluster`. */
export function remoteSecretMetadata(cluster: string): { annotations: Record<string, string>; labels: Record<string, string> } {
  return { annotations: { [REMOTE_CLUSTER_ANNOTATION]: cluster }, labels: { [MULTICLUSTER_SECRET_LABEL]: 'true' } };
}

/**
 * The kubeconfig text of a remote secret. The structure and every value are istioctl's; the
 * bytes may differ in layout and quoting (this library's YAML writer indents sequences and quotes
 * more readily than Go's), which no YAML reader sees. The CA is written base64-encoded, as
 * `certificate-authority-data` always is.
 */
export function remoteSecretKubeconfig(input: RemoteSecretInput): string {
  throwOnProblems(remoteEndpointProblems(input));
  return kubeconfigText(input, Buffer.from(input.caData, 'utf8').toString('base64'), input.token);
}

/** The kubeconfig of a remote secret as a structure, for comparing parsed kubeconfigs. */
export function remoteKubeconfig(input: RemoteSecretInput): RemoteKubeconfig {
  throwOnProblems(remoteEndpointProblems(input));
  return kubeconfigObject(input, Buffer.from(input.caData, 'utf8').toString('base64'), input.token);
}

/** The names of the values {@link remoteSecretKubeconfigTemplate} reads: the `secretKey`s an ExternalSecret must fetch. */
export const TEMPLATE_TOKEN_KEY = 'token';
export const TEMPLATE_CA_KEY = 'ca';

/**
 * The kubeconfig of a remote secret as an External Secrets (engine v2) Go template: the
 * kubeconfig of {@link remoteSecretKubeconfig} with the token taken from `.token` and the
 * certificate authority data from `.ca` (PEM text, as pushed from `ca.crt`) through `b64enc`.
 *
 * The two actions end up inside quoted YAML scalars. That is sound because what they produce
 * cannot end a quoted scalar: a service account token is a JWT (`A-Z a-z 0-9 - _ .`) and base64
 * has `A-Z a-z 0-9 + / =`; neither has a quote or a backslash.
 *
 * Throws when an input would make istioctl refuse, or holds `{{` or `}}`, which the template
 * engine would take for an action (see {@link remoteTemplateProblems}).
 */
export function remoteSecretKubeconfigTemplate(endpoint: RemoteClusterEndpoint): string {
  throwOnProblems(remoteTemplateProblems(endpoint));
  return kubeconfigTemplateText(endpoint);
}

/**
 * Why istioctl would refuse these inputs: the cluster name must be a DNS-1123 label
 * (`RemoteSecretOptions.prepare`) and the server must be set (`clientcmd.Validate`).
 */
export function remoteEndpointProblems(endpoint: RemoteClusterEndpoint): string[] {
  const clusterProblem = dns1123LabelProblem(endpoint.cluster);
  return [
    ...(clusterProblem === undefined ? [] : [`cluster ${JSON.stringify(endpoint.cluster)} ${clusterProblem}`]),
    ...(endpoint.server.trim() !== '' ? [] : [`the API server URL of cluster ${endpoint.cluster} must not be empty`]),
  ];
}

/** {@link remoteEndpointProblems}, and a template delimiter in a value written into the template. */
export function remoteTemplateProblems(endpoint: RemoteClusterEndpoint): string[] {
  const values: [string, string | undefined][] = [['cluster', endpoint.cluster], ['server', endpoint.server], ['tlsServerName', endpoint.tlsServerName]];
  return [
    ...remoteEndpointProblems(endpoint),
    ...values
      .filter(([, value]) => value !== undefined && /\{\{|\}\}/.test(value))
      .map(([field, value]) => `${field} ${JSON.stringify(value)} must not contain '{{' or '}}', which External Secrets' template engine would read as an action`),
  ];
}

/** The store keys a cluster's reader credentials are pushed to and read from. */
export interface RemoteCredentialKeys {
  /** The key holding the reader service account's token. */
  readonly token: string;
  /** The key holding the cluster's CA certificates, PEM text as in the token Secret's `ca.crt`. */
  readonly ca: string;
}

/**
 * The default store keys of a cluster's reader credentials: `<prefix>/<mesh>/<cluster>/reader-token`
 * and `<prefix>/<mesh>/<cluster>/ca.crt`: one entry per value, so that stores of plain values need
 * no properties. Stores whose secret names allow neither `/` nor `.` (Google Secret Manager,
 * Azure Key Vault) need keys of the user's own instead.
 */
export function remoteCredentialKeys(meshId: string, cluster: string, prefix: string = DEFAULT_REMOTE_CREDENTIAL_PREFIX): RemoteCredentialKeys {
  const problems = [
    ...(prefix.split('/').every((segment) => segment !== '') ? [] : [`prefix ${JSON.stringify(prefix)} must be non-empty, without an empty segment or a leading or trailing '/'`]),
    ...[['mesh', meshId], ['cluster', cluster]].filter(([, value]) => value === '' || value.includes('/'))
      .map(([what, value]) => `${what} ${JSON.stringify(value)} must be non-empty and without '/'`),
  ];
  throwOnProblems(problems);
  const base = `${prefix}/${meshId}/${cluster}`;
  return { token: `${base}/reader-token`, ca: `${base}/ca.crt` };
}

/**
 * Values that stand for the template actions while the YAML writer lays the kubeconfig out
 * (it writes them plain); upper-case, so that no cluster name (a DNS-1123 label) equals one.
 */
const TOKEN_MARK = 'X0REMOTE0SECRET0TOKEN0X';
const CA_MARK = 'X0REMOTE0SECRET0CA0X';
const TOKEN_ACTION = `{{ .${TEMPLATE_TOKEN_KEY} }}`;
const CA_ACTION = `{{ .${TEMPLATE_CA_KEY} | b64enc }}`;

function kubeconfigTemplateText(endpoint: RemoteClusterEndpoint): string {
  let text = kubeconfigText(endpoint, CA_MARK, TOKEN_MARK);
  // Each action is quoted, so that its output reads back as a string whatever it starts with
  // (see remoteSecretKubeconfigTemplate). The keys are unique in the kubeconfig.
  for (const [line, quoted] of [
    [`certificate-authority-data: ${CA_MARK}\n`, `certificate-authority-data: '${CA_ACTION}'\n`],
    [`token: ${TOKEN_MARK}\n`, `token: '${TOKEN_ACTION}'\n`],
  ]) {
    const parts = text.split(line);
    if (parts.length !== 2) throw new Error(`internal: expected the kubeconfig to have the line ${JSON.stringify(line)} once`);
    text = parts.join(quoted);
  }
  return text;
}

function kubeconfigText(endpoint: RemoteClusterEndpoint, certificateAuthorityData: string, token: string): string {
  return toYaml([kubeconfigObject(endpoint, certificateAuthorityData, token)]);
}

/** The kubeconfig, keys in the order istioctl's encoder writes them (sorted). */
function kubeconfigObject(endpoint: RemoteClusterEndpoint, certificateAuthorityData: string, token: string): RemoteKubeconfig {
  const name = endpoint.cluster;
  return {
    apiVersion: 'v1',
    clusters: [{
      cluster: {
        'certificate-authority-data': certificateAuthorityData,
        'server': endpoint.server,
        ...(endpoint.tlsServerName ? { 'tls-server-name': endpoint.tlsServerName } : {}),
      },
      name,
    }],
    contexts: [{ context: { cluster: name, user: name }, name }],
    'current-context': name,
    'kind': 'Config',
    users: [{ name, user: { token } }],
  };
}

function throwOnProblems(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('; '));
}
