import { Construct } from 'constructs';
import { PodMonitor } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { EASTWEST_GATEWAY_NAME, gatewaySelectorLabels, ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { MonitoringObjectProps, optionalLabels } from './monitor-props';
import { mergedMetricsEndpoint } from './proxy-scrape';

/** Properties of {@link EastWestGatewayPodMonitor}. */
export interface EastWestGatewayPodMonitorProps extends MonitoringObjectProps {
  /**
   * The gateway's name, as given to `EastWestGateway`; its pods are selected by the labels
   * that construct derives from it (`app: istio-eastwestgateway`, `istio: eastwestgateway`).
   * @default 'istio-eastwestgateway'
   */
  readonly gatewayName?: string;

  /**
   * The namespace the gateway runs in.
   * @default 'istio-system'
   */
  readonly gatewayNamespace?: string;

  /**
   * The labels of the gateway's pods, when they are not those `EastWestGateway` gives them: an
   * ambient mesh's gateway, which istiod deploys from a Gateway API `Gateway`, has
   * `gateway.networking.k8s.io/gateway-name: <name>` (`AmbientEastWestGateway.podSelector`).
   * @default - the labels `EastWestGateway` derives from `gatewayName`
   */
  readonly podSelector?: Record<string, string>;

  /**
   * The PodMonitor's name.
   * @default - the gateway's name
   */
  readonly name?: string;

  /**
   * The `job` label of the gateway's series, which the gateway alerts select by.
   * @default - the gateway's name
   */
  readonly job?: string;
}

/**
 * Scrapes an east-west gateway's proxies: Envoy's statistics and pilot-agent's metrics, merged
 * on 15020 at `/stats/prometheus`, as the gateway's `prometheus.io/*` annotations announce.
 */
export class EastWestGatewayPodMonitor extends Construct {
  public readonly podMonitor: PodMonitor;
  /** The `job` label of the scraped series. */
  public readonly job: string;

  constructor(scope: Construct, id: string, props: EastWestGatewayPodMonitorProps = {}) {
    super(scope, id);
    const gatewayName = props.gatewayName ?? EASTWEST_GATEWAY_NAME;
    this.job = props.job ?? gatewayName;
    this.podMonitor = new PodMonitor(this, 'Resource', {
      metadata: { name: props.name ?? gatewayName, namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE, ...optionalLabels(props.labels) },
      spec: {
        selector: { matchLabels: { ...(props.podSelector ?? gatewaySelectorLabels(gatewayName)) } },
        namespaceSelector: { matchNames: [props.gatewayNamespace ?? ISTIO_SYSTEM_NAMESPACE] },
        podMetricsEndpoints: [mergedMetricsEndpoint(this.job)],
      },
    });
  }
}
