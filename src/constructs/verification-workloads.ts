import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DataPlaneMode, VerificationClient } from '../model/mesh-spec';
import { HelloWorld } from './hello-world';
import { DATAPLANE_MODE_LABEL, GLOBAL_SERVICE_LABEL } from './istio-names';
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
   * How the workloads join the mesh: sidecars (the namespace labelled `istio-injection: enabled`),
   * or ambient mode (`istio.io/dataplane-mode: ambient`, and the helloworld Service labelled
   * `istio.io/global: "true"`, since ambient services are reachable from other clusters only so).
   * @default DataPlaneMode.SIDECAR
   */
  readonly dataPlaneMode?: DataPlaneMode;

  /**
   * The namespace for the workloads, created enrolled in the mesh.
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
 * namespace enrolled in the mesh (`istio-injection=enabled`, or in ambient mode
 * `istio.io/dataplane-mode=ambient`), helloworld at this cluster's version and a client to
 * call it from.
 */
export class VerificationWorkloads extends Construct {
  public readonly namespace: k8s.KubeNamespace;
  public readonly helloWorld: HelloWorld;
  public readonly client: SampleClient;

  constructor(scope: Construct, id: string, props: VerificationWorkloadsProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'sample';
    const ambient = props.dataPlaneMode === DataPlaneMode.AMBIENT;
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespace,
        labels: { ...props.labels, ...(ambient ? { [DATAPLANE_MODE_LABEL]: 'ambient' } : { 'istio-injection': 'enabled' }) },
      },
    });
    this.helloWorld = new HelloWorld(this, 'HelloWorld', {
      version: props.version,
      namespace,
      labels: props.labels,
      serviceLabels: ambient ? { [GLOBAL_SERVICE_LABEL]: 'true' } : undefined,
    });
    this.client = new SampleClient(this, 'Client', { client: props.client, namespace, labels: props.labels });
  }
}
