import { Construct } from 'constructs';
import { PrometheusRule } from '../../../imports/prometheus-rule-monitoring.coreos.com';
import { EASTWEST_GATEWAY_NAME, ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { AlertRule, AlertSeverity, MeshAlertsProps, meshAlertsProblems, meshPrometheusRule, promString, proxiesFailingToReachIstiod } from './mesh-alerts';

/** Properties of {@link EastWestGatewayAlerts}. */
export interface EastWestGatewayAlertsProps extends MeshAlertsProps {
  /**
   * The primary whose istiod configures the gateway: the cluster itself on a primary.
   * @default - the cluster itself
   */
  readonly controlPlaneCluster?: string;

  /**
   * The gateway's name: its Deployment's.
   * @default 'istio-eastwestgateway'
   */
  readonly gatewayName?: string;

  /**
   * The namespace the gateway runs in.
   * @default 'istio-system'
   */
  readonly gatewayNamespace?: string;

  /**
   * The `job` label of the gateway's scraped series (see `EastWestGatewayPodMonitor`).
   * @default - the gateway's name
   */
  readonly job?: string;
}

/**
 * The alerts of a cluster's east-west gateway: no available replica, so no ready endpoint behind
 * its load balancer and no cross-network traffic (from kube-state-metrics' view of the Deployment);
 * and gateway proxies that cannot reach istiod, so they keep stale configuration.
 */
export class EastWestGatewayAlerts extends Construct {
  public readonly prometheusRule: PrometheusRule;
  /** The rules, as written into the PrometheusRule. */
  public readonly rules: readonly AlertRule[];

  constructor(scope: Construct, id: string, props: EastWestGatewayAlertsProps) {
    super(scope, id);
    this.node.addValidation({ validate: () => meshAlertsProblems(props) });
    const gateway = props.gatewayName ?? EASTWEST_GATEWAY_NAME;
    const namespace = props.gatewayNamespace ?? ISTIO_SYSTEM_NAMESPACE;
    const controlPlane = props.controlPlaneCluster ?? props.cluster;
    const labels = { cluster: props.cluster, control_plane_cluster: controlPlane };
    const deployment = `kube_deployment_status_replicas_available{namespace=${promString(namespace)}, deployment=${promString(gateway)}}`;
    this.rules = [
      {
        alert: 'IstioEastWestGatewayUnavailable',
        // Absent too: a deleted Deployment has no replicas either (and a missing kube-state-metrics must not hide that).
        expr: `max by (namespace, deployment) (${deployment}) == 0\nor\nabsent(${deployment})`,
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: `East-west gateway ${namespace}/${gateway} of ${props.cluster} has no ready replica`,
        description: `The Deployment ${namespace}/${gateway} in ${props.cluster} has no available replica, or kube-state-metrics ` +
          'reports no such Deployment: its load balancer has no ready endpoint, so traffic from other networks (and, on a primary that ' +
          'exposes istiod through it, its remotes\' control plane) does not reach this cluster.',
      },
      {
        alert: 'IstioEastWestGatewayControlPlaneUnreachable',
        expr: proxiesFailingToReachIstiod(props.job ?? gateway),
        severity: AlertSeverity.CRITICAL,
        labels,
        summary: `{{ $value }} east-west gateway pods of ${props.cluster} cannot reach istiod of ${controlPlane}`,
        description: `{{ $value }} pods of ${namespace}/${gateway} in ${props.cluster} keep failing to connect to istiod of ${controlPlane}: ` +
          'they run on their last configuration and learn no new endpoints.',
      },
    ];
    this.prometheusRule = meshPrometheusRule(this, props, 'istio-multicluster-eastwest-gateway', this.rules);
  }
}
