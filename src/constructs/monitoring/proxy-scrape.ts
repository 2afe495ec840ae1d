import { PodMonitorSpecPodMetricsEndpoints, PodMonitorSpecPodMetricsEndpointsMetricRelabelingsAction, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';

/**
 * pilot-agent's status port, which serves Envoy's statistics, the agent's own metrics and the
 * application's, merged, at `/stats/prometheus` (the `prometheus.io/port` annotation of proxies).
 */
export const MERGED_METRICS_PORT = 15020;
/** The path of the merged metrics. */
export const MERGED_METRICS_PATH = '/stats/prometheus';
/** The one port the injector declares on the `istio-proxy` container (Envoy's own stats, 15090). */
export const ENVOY_PROM_PORT_NAME = 'http-envoy-prom';

/**
 * A PodMonitor endpoint that scrapes a proxy's merged metrics. 15020 is not a declared container
 * port, and the Prometheus Operator only targets declared ones by name, so the endpoint selects the
 * declared `http-envoy-prom` (one target per proxy) and points its address at 15020, as Istio's own
 * Prometheus Operator sample does; this works with every operator release. `job` names the target's
 * job, which the alerts select by; `keep` limits the stored series to those names.
 */
export function mergedMetricsEndpoint(job: string, keep?: readonly string[]): PodMonitorSpecPodMetricsEndpoints {
  const address = (regex: string, replacement: string) => ({
    action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
    sourceLabels: ['__meta_kubernetes_pod_ip'],
    regex,
    replacement,
    targetLabel: '__address__',
  });
  return {
    port: ENVOY_PROM_PORT_NAME,
    path: MERGED_METRICS_PATH,
    relabelings: [
      // IPv6 pod addresses need brackets; relabeling regexes are anchored, so each rule matches one family.
      address('(.+:.+)', `[$1]:${MERGED_METRICS_PORT}`),
      address('([^:]+)', `$1:${MERGED_METRICS_PORT}`),
      { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, replacement: job, targetLabel: 'job' },
    ],
    metricRelabelings: keep === undefined ? undefined : [{
      action: PodMonitorSpecPodMetricsEndpointsMetricRelabelingsAction.KEEP,
      sourceLabels: ['__name__'],
      regex: keep.map(escapeRegex).join('|'),
    }],
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
