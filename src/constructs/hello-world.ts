import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Istio's helloworld image; its reply names the version in `SERVICE_VERSION`. */
export const HELLOWORLD_IMAGE = 'registry.istio.io/release/examples-helloworld-v1:1.0';
export const HELLOWORLD_PORT = 5000;

/** Properties of {@link HelloWorld}. */
export interface HelloWorldProps {
  /**
   * The version this cluster serves (`v1`, `v2`, ...): the Deployment is
   * `helloworld-<version>` and every reply says `Hello version: <version>`.
   */
  readonly version: string;

  /**
   * The namespace of the Service and Deployment.
   * @default 'sample'
   */
  readonly namespace?: string;

  /**
   * The container image. It must answer on port 5000 at `/hello` with the
   * version from the `SERVICE_VERSION` environment variable.
   * @default HELLOWORLD_IMAGE
   */
  readonly image?: string;

  /**
   * Extra labels for the Service and Deployment.
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra labels for the Service alone, such as `istio.io/global: "true"` in an ambient mesh.
   * @default - none
   */
  readonly serviceLabels?: Record<string, string>;
}

/**
 * Istio's helloworld sample for one cluster: the `helloworld` Service, which every
 * cluster needs so the name resolves everywhere, and the `helloworld-<version>`
 * Deployment. Calling it from any cluster alternates between the clusters' versions
 * when cross-cluster load balancing works.
 */
export class HelloWorld extends Construct {
  public readonly service: k8s.KubeService;
  public readonly deployment: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: HelloWorldProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'sample';
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: 'helloworld', namespace, labels: { ...props.labels, ...props.serviceLabels, app: 'helloworld', service: 'helloworld' } },
      spec: {
        ports: [{ port: HELLOWORLD_PORT, name: 'http', targetPort: k8s.IntOrString.fromNumber(HELLOWORLD_PORT), protocol: 'TCP' }],
        selector: { app: 'helloworld' },
      },
    });
    const versionLabels = { app: 'helloworld', version: props.version };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: `helloworld-${props.version}`, namespace, labels: { ...props.labels, ...versionLabels } },
      spec: {
        replicas: 1,
        selector: { matchLabels: versionLabels },
        template: {
          metadata: { labels: versionLabels },
          spec: {
            containers: [{
              name: 'helloworld',
              image: props.image ?? HELLOWORLD_IMAGE,
              // One image serves every version, as Istio's gen-helloworld.sh does.
              env: [{ name: 'SERVICE_VERSION', value: props.version }],
              resources: { requests: { cpu: k8s.Quantity.fromString('100m') } },
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: HELLOWORLD_PORT, protocol: 'TCP' }],
            }],
          },
        },
      },
    });
  }
}
