import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { VerificationClient } from '../model/mesh-spec';

export const CURL_IMAGE = 'docker.io/curlimages/curl:8.16.0';

/** Properties of {@link SampleClient}. */
export interface SampleClientProps {
  /**
   * Which of Istio's client samples to deploy; it names the ServiceAccount,
   * Service, Deployment and container.
   * @default VerificationClient.CURL
   */
  readonly client?: VerificationClient;

  /**
   * The namespace of the client.
   * @default 'sample'
   */
  readonly namespace?: string;

  /**
   * The container image; it must have `curl` and `/bin/sleep`.
   * @default CURL_IMAGE
   */
  readonly image?: string;

  /**
   * Extra labels for the client's objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Istio's `curl` (or older `sleep`) sample: an idle pod in the mesh to send requests
 * from with `kubectl exec`.
 */
export class SampleClient extends Construct {
  /** The name of the client's objects and container (`curl` or `sleep`). */
  public readonly name: string;
  public readonly deployment: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: SampleClientProps = {}) {
    super(scope, id);
    this.name = props.client ?? VerificationClient.CURL;
    const namespace = props.namespace ?? 'sample';
    const appLabels = { app: this.name };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, namespace, labels: props.labels },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace, labels: { ...props.labels, ...appLabels, service: this.name } },
      spec: {
        ports: [{ port: 80, name: 'http', targetPort: k8s.IntOrString.fromNumber(80), protocol: 'TCP' }],
        selector: appLabels,
      },
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, namespace, labels: props.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: appLabels },
        template: {
          metadata: { labels: appLabels },
          spec: {
            terminationGracePeriodSeconds: 0,
            serviceAccountName: this.name,
            containers: [{
              name: this.name,
              image: props.image ?? CURL_IMAGE,
              command: ['/bin/sleep', 'infinity'],
              imagePullPolicy: 'IfNotPresent',
            }],
          },
        },
      },
    });
  }
}
