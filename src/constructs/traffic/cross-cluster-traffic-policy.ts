import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-networking.istio.io';
import { outlierDetectionWithDefaults, serviceOfHost, TrafficPolicySpec } from '../../model/traffic-spec';
import { trafficPolicyProblems } from '../../model/traffic-validation';

/** Properties of {@link CrossClusterTrafficPolicy}: a traffic policy of the mesh description, and labels. */
export interface CrossClusterTrafficPolicyProps extends TrafficPolicySpec {
  /**
   * Extra labels for both objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * How requests to one service are split between its versions and fail over between localities,
 * across every cluster of the mesh: a DestinationRule with the service's subsets, its locality
 * failover (`trafficPolicy.loadBalancer.localityLbSetting`) and outlier detection, and, when the
 * policy has routes, a VirtualService with them. Both are named after the service and go to its
 * namespace. Apply them where an istiod reads Istio configuration (every primary, or an external
 * control plane's config cluster): it configures the proxies it serves with them, in remotes too.
 */
export class CrossClusterTrafficPolicy extends Construct {
  public readonly destinationRule: istio.DestinationRule;
  /** The routes; undefined when the policy has none. */
  public readonly virtualService?: istio.VirtualService;

  constructor(scope: Construct, id: string, props: CrossClusterTrafficPolicyProps) {
    super(scope, id);
    // An invalid host is reported by the validation below; the objects only need some name meanwhile.
    const service = serviceOfHost(props.host) ?? { name: String(props.host).split('.')[0], namespace: undefined };
    const metadata = { name: service.name, namespace: service.namespace, labels: props.labels };
    const failover = props.failover ?? [];
    const failoverPriority = props.failoverPriority ?? [];
    const loadBalancer: istio.DestinationRuleSpecTrafficPolicyLoadBalancer | undefined = failover.length > 0 || failoverPriority.length > 0 ? {
      localityLbSetting: {
        enabled: true,
        failover: failover.length > 0 ? failover.map((f) => ({ from: f.from, to: f.to })) : undefined,
        failoverPriority: failoverPriority.length > 0 ? [...failoverPriority] : undefined,
      },
    } : undefined;
    const od = props.outlierDetection ? outlierDetectionWithDefaults(props.outlierDetection) : undefined;
    const outlierDetection: istio.DestinationRuleSpecTrafficPolicyOutlierDetection | undefined = od && {
      consecutive5XxErrors: od.consecutive5xxErrors,
      consecutiveGatewayErrors: od.consecutiveGatewayErrors,
      interval: od.interval,
      baseEjectionTime: od.baseEjectionTime,
      maxEjectionPercent: od.maxEjectionPercent,
    };
    const subsets = props.subsets ?? [];
    this.destinationRule = new istio.DestinationRule(this, 'DestinationRule', {
      metadata,
      spec: {
        host: props.host,
        subsets: subsets.length > 0 ? subsets.map((s) => ({ name: s.name, labels: { ...s.labels } })) : undefined,
        // Istio refuses an empty trafficPolicy.
        trafficPolicy: loadBalancer || outlierDetection ? { loadBalancer, outlierDetection } : undefined,
      },
    });

    const routes = props.routes ?? [];
    if (routes.length > 0) {
      this.virtualService = new istio.VirtualService(this, 'VirtualService', {
        metadata,
        spec: {
          hosts: [props.host],
          http: routes.map((r): istio.VirtualServiceSpecHttp => ({
            match: r.match?.length ? r.match.map((m) => ({ headers: { ...m.headers } })) : undefined,
            route: r.route.map((d) => ({
              destination: { host: props.host, subset: d.subset },
              // The only destination of a route takes all of its requests, as Istio writes it: without a weight.
              weight: r.route.length > 1 ? d.weight : undefined,
            })),
          })),
        },
      });
    }

    this.node.addValidation({
      validate: () => trafficPolicyProblems(props).map((p) => (p.field === '' ? p.message : `${p.field}: ${p.message}`)),
    });
  }
}
