/** How long a failure must last before its alert fires, when a description says nothing. */
export const DEFAULT_ALERT_FOR = '10m';

/** How the mesh's alerts fire and what they carry, for Alertmanager's routing. */
export interface MonitoringAlertsSpec {
  /**
   * How long a failure must last before its alert fires (each rule's `for:`), as a Prometheus
   * duration such as `5m` or `1h30m`. Shorter catches outages sooner; longer rides out istiod
   * rollouts and brief network blips.
   * @default '10m'
   */
  readonly for?: string;

  /**
   * Labels added to every alert, such as `{ team: 'mesh' }`, for Alertmanager's routes. Names
   * are Prometheus label names (letters, digits and `_`, not starting with a digit or `__`);
   * `alertname`, `severity`, `mesh`, `cluster` and `control_plane_cluster` are set by the library.
   * @default - none: only the library's labels
   */
  readonly labels?: Record<string, string>;
}

/**
 * Monitoring of the mesh with the Prometheus Operator, which each cluster must run: scraping of
 * istiod and the east-west gateways (ServiceMonitor, PodMonitor) and alerts on what breaks a
 * multicluster mesh (PrometheusRule), in every cluster's `monitoring` objects.
 */
export interface MonitoringSpec {
  /**
   * Whether to generate the monitoring objects. `false` keeps the settings but generates nothing.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Labels for every ServiceMonitor, PodMonitor and PrometheusRule, so that your Prometheus
   * selects them (its `serviceMonitorSelector`, `podMonitorSelector` and `ruleSelector`), such
   * as `{ release: 'kube-prometheus-stack' }` for that chart's default selectors. Kubernetes label
   * keys and values.
   * @default - none: for a Prometheus whose selectors are empty, which select every object
   */
  readonly labels?: Record<string, string>;

  /**
   * The namespace of the ServiceMonitors, PodMonitors and PrometheusRules. Your Prometheus must
   * look for them there (`serviceMonitorNamespaceSelector` and the others).
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * How the alerts fire and what they carry.
   * @default - every alert fires after 10m, with the library's labels only
   */
  readonly alerts?: MonitoringAlertsSpec;
}
