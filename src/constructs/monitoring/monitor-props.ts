/** What every ServiceMonitor, PodMonitor and PrometheusRule of the mesh's monitoring takes. */
export interface MonitoringObjectProps {
  /**
   * The namespace of the object. The Prometheus must look for such objects there.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Labels of the object, for the Prometheus's `serviceMonitorSelector`, `podMonitorSelector` or
   * `ruleSelector`, such as `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** `{ labels }` when there are any, so that objects carry no empty label maps. */
export function optionalLabels(labels: Record<string, string> | undefined): { labels?: Record<string, string> } {
  return labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {};
}
