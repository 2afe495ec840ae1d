import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { VerificationClient } from '../model/mesh-spec';
import { HelloWorld } from './hello-world';
import { SampleClient } from './sample-client';

/** Properties of {@link VerificationWorkloads}. */
export interface VerificationWorkloadsProps {
  /** The helloworld version this cluster serves (`v1` in the first cluster, `v2` in the second, ...). */
  readonly version: string;

  /**
   * The client to call helloworld from.
   * @default VerificationClient.CURL
   */
  readonly client?: VerificationClient;

  /**
   * The namespace for the workloads, created with sidecar injection enabled.
   * @default 'sample'
   */
  readonly namespace?: string;

  /**
   * Extra labels for every object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Everything one cluster needs for Istio's multicluster verification: the `sample`
 * namespace with `istio-injection=enabled`, helloworld at this cluster's version and a
 * client to call it from.
 */
export class VerificationWorkloads extends Construct {
  public readonly namespace: k8s.KubeNamespace;
  public readonly helloWorld: HelloWorld;
  public readonly client: SampleClient;

  constructor(scope: Construct, id: string, props: VerificationWorkloadsProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'sample';
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: namespace, labels: { ...props.labels, 'istio-injection': 'enabled' } },
    });
    this.helloWorld = new HelloWorld(this, 'HelloWorld', { version: props.version, namespace, labels: props.labels });
    this.client = new SampleClient(this, 'Client', { client: props.client, namespace, labels: props.labels });
  }
}
