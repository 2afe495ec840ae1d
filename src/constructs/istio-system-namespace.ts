import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CONTROL_PLANE_CLUSTERS_ANNOTATION, ISTIO_SYSTEM_NAMESPACE, NETWORK_LABEL } from './istio-names';

/** Properties of {@link IstioSystemNamespace}. */
export interface IstioSystemNamespaceProps {
  /**
   * The network of the cluster, set as the `topology.istio.io/network` label that
   * istiod reads to place the cluster's workloads on a network.
   * @default - no network label
   */
  readonly network?: string;

  /**
   * For a remote cluster: the primaries whose istiod manages it (patches its webhooks,
   * writes its namespace ConfigMaps), set as `topology.istio.io/controlPlaneClusters`.
   * It must exist before the remote's control plane is installed.
   * @default - none: the cluster is a primary
   */
  readonly controlPlaneClusters?: string[];

  /**
   * The namespace's name.
   * @default 'istio-system'
   */
  readonly name?: string;

  /**
   * Extra labels for the namespace.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * The namespace Istio's control plane lives in, labelled with the cluster's network and,
 * on a remote, annotated with the primary that controls it.
 */
export class IstioSystemNamespace extends Construct {
  /** The namespace's name. */
  public readonly name: string;
  /** The underlying Namespace object. */
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: IstioSystemNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? ISTIO_SYSTEM_NAMESPACE;
    const metadata: ApiObjectMetadata = {
      name: this.name,
      labels: {
        ...props.labels,
        ...(props.network !== undefined ? { [NETWORK_LABEL]: props.network } : {}),
      },
      ...(props.controlPlaneClusters?.length
        ? { annotations: { [CONTROL_PLANE_CLUSTERS_ANNOTATION]: props.controlPlaneClusters.join(',') } }
        : {}),
    };
    this.resource = new k8s.KubeNamespace(this, 'Resource', { metadata });
  }
}
