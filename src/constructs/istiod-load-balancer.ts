import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LoadBalancerOptions } from '../model/mesh-spec';
import { optionalAnnotations, optionalSourceRanges, sourceRangeProblems, tcpServicePort } from './service-helpers';
import { ISTIO_SYSTEM_NAMESPACE, ISTIOD_WEBHOOK_PORT, ISTIOD_XDS_PORT } from './istio-names';

/** Properties of {@link IstiodLoadBalancer}. */
export interface IstiodLoadBalancerProps extends LoadBalancerOptions {
  /**
   * The Service's name.
   * @default 'istiod-external'
   */
  readonly name?: string;

  /**
   * The namespace istiod runs in.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Extra labels for the Service.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A LoadBalancer Service in front of istiod's xDS (15012) and webhook (15017) ports:
 * the way to expose a primary's control plane to remotes without an east-west gateway.
 * Remotes point `global.remotePilotAddress` at its address; their `istiod` Service
 * forwards 15012 and 15017 to it just as it would to a gateway.
 */
export class IstiodLoadBalancer extends Construct {
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: IstiodLoadBalancerProps = {}) {
    super(scope, id);
    this.node.addValidation({ validate: () => sourceRangeProblems(props.loadBalancerSourceRanges) });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: props.name ?? 'istiod-external',
        namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE,
        labels: props.labels,
        ...optionalAnnotations(props.serviceAnnotations),
      },
      spec: {
        type: 'LoadBalancer',
        loadBalancerIp: props.loadBalancerIP,
        ...optionalSourceRanges(props.loadBalancerSourceRanges),
        // istiod's own Service selects the same pods.
        selector: { app: 'istiod', istio: 'pilot' },
        ports: [tcpServicePort('tls-istiod', ISTIOD_XDS_PORT), tcpServicePort('tls-webhook', ISTIOD_WEBHOOK_PORT)],
      },
    });
  }
}
