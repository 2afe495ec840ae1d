import { Construct } from 'constructs';
import { PrometheusRule } from '../../../imports/prometheus-rule-monitoring.coreos.com';
import { AlertRule, AlertSeverity, MeshAlertsProps, meshAlertsProblems, meshPrometheusRule, proxiesFailingToReachIstiod } from './mesh-alerts';

/** Properties of {@link RemoteProxyAlerts}. */
export interface RemoteProxyAlertsProps extends MeshAlertsProps {
  /** The primary whose istiod controls the remote. */
  readonly controlPlaneCluster: string;

  /**
   * Where the remote's proxies reach that istiod (`global.remotePilotAddress`), for the alert's text.
   * @default - not named
   */
  readonly discoveryAddress?: string;

  /**
   * The `job` label of the sidecars' scraped series (see `SidecarPodMonitor`).
   * @default 'istio-sidecars'
   */
  readonly job?: string;
}

/**
 * The alert of a remote cluster whose sidecars lose their control plane. A remote runs no istiod,
 * and the primary's istiod has no per-cluster view of the proxies connected to it, so the signal
 * is the proxies' own, scraped by the remote's Prometheus: their agents failing to reach istiod.
 */
export class RemoteProxyAlerts extends Construct {
  public readonly prometheusRule: PrometheusRule;
  /** The rules, as written into the PrometheusRule. */
  public readonly rules: readonly AlertRule[];

  constructor(scope: Construct, id: string, props: RemoteProxyAlertsProps) {
    super(scope, id);
    this.node.addValidation({ validate: () => meshAlertsProblems(props) });
    const at = props.discoveryAddress !== undefined ? ` at ${props.discoveryAddress}` : '';
    this.rules = [{
      alert: 'IstioRemoteProxiesControlPlaneUnreachable',
      expr: proxiesFailingToReachIstiod(props.job ?? 'istio-sidecars'),
      severity: AlertSeverity.CRITICAL,
      labels: { cluster: props.cluster, control_plane_cluster: props.controlPlaneCluster },
      summary: `{{ $value }} sidecars of remote ${props.cluster} cannot reach istiod of ${props.controlPlaneCluster}`,
      description: `{{ $value }} sidecar proxies in ${props.cluster} keep failing to connect to istiod of ${props.controlPlaneCluster}${at} ` +
        '(port 15012): they run on their last configuration and get no new certificates; the same istiod serves the remote\'s injection webhook.',
    }];
    this.prometheusRule = meshPrometheusRule(this, props, 'istio-multicluster-remote-proxies', this.rules);
  }
}
