import { Construct } from 'constructs';
import { PodMonitor } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { MonitoringObjectProps, optionalLabels } from './monitor-props';
import { mergedMetricsEndpoint } from './proxy-scrape';

/** The label Istio's injector puts on every pod it gives a sidecar (and not on gateways). */
export const SIDECAR_TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** The metrics {@link SidecarPodMonitor} keeps by default: whether each proxy reaches istiod. */
export const CONTROL_PLANE_CONNECTION_METRICS: readonly string[] = [
  'istio_agent_istiod_connection_failures',
  'istio_agent_istiod_connection_terminations',
];

/** Properties of {@link SidecarPodMonitor}. */
export interface SidecarPodMonitorProps extends MonitoringObjectProps {
  /**
   * The PodMonitor's name.
   * @default 'istio-sidecars'
   */
  readonly name?: string;

  /**
   * The `job` label of the sidecars' series, which the remote-proxy alerts select by.
   * @default - the PodMonitor's name
   */
  readonly job?: string;

  /**
   * The metric names to store; every other series of the sidecars is dropped at the scrape.
   * A mesh's sidecars export thousands of series, and the alerts need two metrics.
   * @default CONTROL_PLANE_CONNECTION_METRICS
   */
  readonly metrics?: string[];
}

/**
 * Scrapes the sidecars of every namespace (pods labelled `security.istio.io/tlsMode` by the
 * injector) on 15020 `/stats/prometheus`, keeping only the given metrics: on a remote, the
 * proxies' own view of whether they reach their primary's istiod.
 */
export class SidecarPodMonitor extends Construct {
  public readonly podMonitor: PodMonitor;
  /** The `job` label of the scraped series. */
  public readonly job: string;

  constructor(scope: Construct, id: string, props: SidecarPodMonitorProps = {}) {
    super(scope, id);
    const name = props.name ?? 'istio-sidecars';
    this.job = props.job ?? name;
    const metrics = props.metrics ?? CONTROL_PLANE_CONNECTION_METRICS;
    this.node.addValidation({
      validate: () => (metrics.length === 0 ? ['metrics is empty: the PodMonitor would store nothing; leave it out for the default'] : []),
    });
    this.podMonitor = new PodMonitor(this, 'Resource', {
      metadata: { name, namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE, ...optionalLabels(props.labels) },
      spec: {
        selector: { matchExpressions: [{ key: SIDECAR_TLS_MODE_LABEL, operator: 'Exists' }] },
        namespaceSelector: { any: true },
        podMetricsEndpoints: [mergedMetricsEndpoint(this.job, metrics)],
      },
    });
  }
}
