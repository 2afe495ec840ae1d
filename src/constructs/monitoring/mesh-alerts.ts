import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../../imports/prometheus-rule-monitoring.coreos.com';
import { DEFAULT_ALERT_FOR } from '../../model/monitoring-spec';
import { alertLabelNameProblem, prometheusDurationProblem } from '../../model/monitoring-validation';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { MonitoringObjectProps, optionalLabels } from './monitor-props';

/** How urgent an alert is: its `severity` label. */
export enum AlertSeverity {
  /** The mesh is broken for some traffic now, or will be at the next change. */
  CRITICAL = 'critical',
  /** Something needs a look, but traffic still flows. */
  WARNING = 'warning',
}

/** What every PrometheusRule of the mesh's alerts takes. */
export interface MeshAlertsProps extends MonitoringObjectProps {
  /** The mesh ID, put on every alert as its `mesh` label. */
  readonly mesh: string;

  /**
   * The cluster whose Prometheus evaluates the rules, as the mesh names it. The metrics carry
   * no cluster label of their own, so alerts about this cluster get it as their `cluster` label.
   */
  readonly cluster: string;

  /**
   * How long a failure must last before an alert fires (`for:`), as a Prometheus duration.
   * @default '10m'
   */
  readonly for?: string;

  /**
   * Labels added to every alert, for Alertmanager's routes. `alertname`, `severity`, `mesh`,
   * `cluster` and `control_plane_cluster` are the library's.
   * @default - none
   */
  readonly alertLabels?: Record<string, string>;

  /**
   * The PrometheusRule's name.
   * @default - a name for the kind of alerts, such as `istio-multicluster-control-plane`
   */
  readonly name?: string;
}

/** One alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly severity: AlertSeverity;
  /** The alert's own labels besides `severity`, `mesh` and the user's. */
  readonly labels: Record<string, string>;
  readonly summary: string;
  readonly description: string;
}

/** Why the props cannot make a rule file Prometheus loads, if they cannot. */
export function meshAlertsProblems(props: MeshAlertsProps): string[] {
  const problems: string[] = [];
  const duration = prometheusDurationProblem(props.for ?? DEFAULT_ALERT_FOR);
  if (duration) problems.push(`for "${props.for}" ${duration}`);
  for (const name of Object.keys(props.alertLabels ?? {})) {
    const reason = alertLabelNameProblem(name);
    if (reason) problems.push(`alertLabels: label name "${name}" ${reason}`);
  }
  return problems;
}

/** A PrometheusRule of one group of the mesh's alerts, each with the common labels and `for:`. */
export function meshPrometheusRule(scope: Construct, props: MeshAlertsProps, defaultName: string, rules: readonly AlertRule[]): PrometheusRule {
  const name = props.name ?? defaultName;
  return new PrometheusRule(scope, 'Resource', {
    metadata: { name, namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE, ...optionalLabels(props.labels) },
    spec: {
      groups: [{
        name,
        rules: rules.map((r) => ({
          alert: r.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
          for: props.for ?? DEFAULT_ALERT_FOR,
          // The user's labels first, so that none can replace the library's.
          labels: { ...props.alertLabels, severity: r.severity, mesh: props.mesh, ...r.labels },
          annotations: { summary: r.summary, description: r.description },
        })),
      }],
    },
  });
}

/** A PromQL string literal. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The number of a job's proxies whose agent failed to reach istiod within the last five minutes:
 * a connection that failed, or an xDS stream that ended in error. A proxy cut off from istiod
 * retries continuously, so the count stays up for as long as the outage lasts (and the rule's
 * `for:` waits that long), while an istiod rollout ends each stream once.
 */
export function proxiesFailingToReachIstiod(job: string): string {
  const failing = (selector: string) => `sum by (namespace, pod) (increase(${selector}[5m])) > 0`;
  return `count(\n  (${failing(`istio_agent_istiod_connection_failures{job=${promString(job)}}`)})\n  or\n  ` +
    `(${failing(`istio_agent_istiod_connection_terminations{job=${promString(job)}, type="error"}`)})\n)`;
}
