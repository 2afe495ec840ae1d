import { Construct } from 'constructs';
import { PrometheusRule } from '../../../imports/prometheus-rule-monitoring.coreos.com';
import { DEFAULT_ISTIO_VERSION, IstioVersion, parseIstioVersion } from '../../model/istio-version';
import { istioExports } from './istio-metrics';
import { AlertRule, AlertSeverity, MeshAlertsProps, meshAlertsProblems, meshPrometheusRule } from './mesh-alerts';

/** Properties of {@link ControlPlaneAlerts}. */
export interface ControlPlaneAlertsProps extends MeshAlertsProps {
  /**
   * The Istio release istiod runs. The remote-cluster sync alert uses
   * `istiod_remote_cluster_sync_status` from 1.29 and `remote_cluster_sync_timeouts_total` before.
   * @default DEFAULT_ISTIO_VERSION
   */
  readonly istioVersion?: string;

  /**
   * The clusters whose API servers this primary's istiod reads through remote secrets: every
   * other cluster of the mesh. istiod must hold that many remote clusters.
   * @default - none: only the alert on istiod's metrics going missing
   */
  readonly readClusters?: string[];
}

/**
 * The alerts of a primary's control plane, evaluated by the primary's Prometheus from istiod's
 * metrics: a cluster it reads but has not synced, fewer remote clusters than the mesh has, and
 * istiod's metrics missing altogether (istiod down or not scraped, which silences the others).
 */
export class ControlPlaneAlerts extends Construct {
  public readonly prometheusRule: PrometheusRule;
  /** The rules, as written into the PrometheusRule. */
  public readonly rules: readonly AlertRule[];

  constructor(scope: Construct, id: string, props: ControlPlaneAlertsProps) {
    super(scope, id);
    const version = parseIstioVersion(props.istioVersion ?? DEFAULT_ISTIO_VERSION);
    const read = props.readClusters ?? [];
    this.node.addValidation({
      validate: () => [...(typeof version === 'string' ? [`istioVersion: ${version}`] : []), ...meshAlertsProblems(props)],
    });
    const usable = typeof version === 'string' ? parseIstioVersion(DEFAULT_ISTIO_VERSION) as IstioVersion : version;
    // Both labels name the primary: the alerts are about its istiod.
    const here = { cluster: props.cluster, control_plane_cluster: props.cluster };
    const rules: AlertRule[] = [];
    if (read.length > 0) {
      rules.push(istioExports('istiod_remote_cluster_sync_status', usable) ? {
        alert: 'IstioRemoteClusterNotSynced',
        // One sample per status; several istiod replicas may disagree, and any one that has not synced serves stale endpoints.
        expr: 'max by (cluster, status) (istiod_remote_cluster_sync_status{cluster_type="remote", status!="synced"}) == 1',
        severity: AlertSeverity.CRITICAL,
        // `cluster` stays the metric's: the remote secret's cluster ID, which is the cluster's name in the mesh.
        labels: { control_plane_cluster: props.cluster },
        summary: `istiod of ${props.cluster} has not synced cluster {{ $labels.cluster }}`,
        description: `istiod in ${props.cluster} reports cluster {{ $labels.cluster }} as {{ $labels.status }}: it cannot read that cluster's ` +
          'API server through its remote secret, so the mesh routes to none of its current endpoints (timeout: never synced within ' +
          'PILOT_REMOTE_CLUSTER_TIMEOUT; closed: its informers stopped).',
      } : {
        alert: 'IstioRemoteClusterSyncTimeout',
        // The counter moves once per istiod start and cluster, so the window keeps it visible.
        expr: 'sum by (cluster) (increase(remote_cluster_sync_timeouts_total[1h])) > 0',
        severity: AlertSeverity.WARNING,
        labels: { control_plane_cluster: props.cluster },
        summary: `istiod of ${props.cluster} started without cluster {{ $labels.cluster }} synced`,
        description: `istiod in ${props.cluster} could not sync cluster {{ $labels.cluster }} within PILOT_REMOTE_CLUSTER_TIMEOUT ` +
          'during the last hour and became ready without it: it cannot read that cluster\'s API server through its remote secret.',
      });
      rules.push({
        alert: 'IstiodMissingRemoteClusters',
        // The fewest of any replica: each holds its own set of remote clusters.
        expr: `min(istiod_managed_clusters{cluster_type="remote"}) < ${read.length}`,
        severity: AlertSeverity.CRITICAL,
        labels: here,
        summary: `istiod of ${props.cluster} manages {{ $value }} of the ${read.length} remote clusters it must read`,
        description: `istiod in ${props.cluster} holds remote secrets for {{ $value }} clusters, but the mesh has ${read.length} ` +
          `it must read (${read.join(', ')}): a remote secret is missing or unusable, so istiod no longer manages that cluster.`,
      });
    }
    rules.push({
      alert: 'IstiodMetricsMissing',
      // Recorded as 1 by every istiod once it runs: absent means istiod is down or not scraped.
      expr: 'absent(istiod_managed_clusters{cluster_type="local"})',
      severity: AlertSeverity.CRITICAL,
      labels: here,
      summary: `No metrics from istiod in ${props.cluster}`,
      description: `The Prometheus of ${props.cluster} has no istiod_managed_clusters series: istiod is not running, or its ` +
        'ServiceMonitor is not selected, so the other control-plane alerts cannot fire.',
    });
    this.rules = rules;
    this.prometheusRule = meshPrometheusRule(this, props, 'istio-multicluster-control-plane', rules);
  }
}
