import { ISTIO_SYSTEM_NAMESPACE } from '../constructs/istio-names';
import { DEFAULT_ALERT_FOR, MonitoringSpec } from '../model/monitoring-spec';

/** The mesh's monitoring settings with every default filled in. */
export interface MonitoringPlan {
  /** Labels of every ServiceMonitor, PodMonitor and PrometheusRule, for the Prometheus's selectors. */
  readonly labels: Record<string, string>;
  /** The namespace of those objects. */
  readonly namespace: string;
  /** Every alert's `for:`. */
  readonly alertFor: string;
  /** Labels added to every alert. */
  readonly alertLabels: Record<string, string>;
}

/** The monitoring of a checked description, or undefined when it has none or turns it off. */
export function monitoringPlan(monitoring: MonitoringSpec | undefined): MonitoringPlan | undefined {
  if (monitoring === undefined || monitoring.enabled === false) return undefined;
  return {
    labels: { ...(monitoring.labels ?? {}) },
    namespace: monitoring.namespace ?? ISTIO_SYSTEM_NAMESPACE,
    alertFor: monitoring.alerts?.for ?? DEFAULT_ALERT_FOR,
    alertLabels: { ...(monitoring.alerts?.labels ?? {}) },
  };
}
