/**
 * The metrics the mesh's alerts query, with where each comes from. Every Istio entry was read in
 * Istio's source (github.com/istio/istio) at the release tags: the name as registered, its labels,
 * and the first `x.y.0` release whose source has it. Istio's OpenTelemetry exporter adds no
 * `_total` suffix and no units (`pkg/monitoring/monitoring.go`), so the names below are the names
 * Prometheus stores. The alerts may use only these, and only from their first release on
 * (test/monitoring.test.ts checks every expression against this list).
 */

import { IstioVersion } from '../../model/istio-version';

/** The Prometheus type of a metric. */
export enum MetricType {
  COUNTER = 'counter',
  GAUGE = 'gauge',
}

/** The process that serves a metric, and so the scrape target it comes from. */
export enum MetricExporter {
  /** istiod's `http-monitoring` port, 15014, `/metrics`: scraped on primaries. */
  ISTIOD = 'istiod',
  /**
   * The `pilot-agent` next to every proxy (sidecar or gateway), merged into 15020
   * `/stats/prometheus` with the prefix `istio_agent_` (`pilot/cmd/pilot-agent/status/server.go`).
   */
  ISTIO_AGENT = 'istio-agent',
}

/** One metric Istio exports. */
export interface IstioMetric {
  /** The name as Prometheus stores it. */
  readonly name: string;
  readonly type: MetricType;
  /** Every label Istio puts on it (the scrape adds `job`, `namespace`, `pod` and the like). */
  readonly labels: readonly string[];
  readonly exporter: MetricExporter;
  /** The file of istio/istio that registers it, as of 1.31. */
  readonly source: string;
  /** The first release whose source has it (and its labels, from 1.24 on). */
  readonly firstRelease: string;
  /** What it counts, in Istio's words where they are clear. */
  readonly help: string;
}

/** Istio's metrics that the alerts use. */
export const ISTIO_METRICS: readonly IstioMetric[] = [
  {
    name: 'istiod_managed_clusters',
    type: MetricType.GAUGE,
    labels: ['cluster_type'],
    exporter: MetricExporter.ISTIOD,
    // Recorded by the remote-secret controller: `local` is 1, `remote` the clusters it holds a remote secret for.
    source: 'pkg/kube/multicluster/secretcontroller.go',
    firstRelease: '1.11.0',
    help: 'Number of clusters managed by istiod; cluster_type is "local" or "remote".',
  },
  {
    name: 'istiod_remote_cluster_sync_status',
    type: MetricType.GAUGE,
    labels: ['cluster', 'cluster_type', 'status'],
    exporter: MetricExporter.ISTIOD,
    source: 'pkg/kube/multicluster/secretcontroller.go',
    firstRelease: '1.29.0',
    help: 'One sample per remote cluster and status (synced, syncing, timeout, closed); 1 marks the cluster\'s current status. ' +
      'cluster is the remote secret\'s cluster ID; cluster_type is always "remote".',
  },
  {
    name: 'remote_cluster_sync_timeouts_total',
    type: MetricType.COUNTER,
    labels: ['cluster'],
    exporter: MetricExporter.ISTIOD,
    // Defined in secretcontroller.go, incremented in cluster.go when PILOT_REMOTE_CLUSTER_TIMEOUT (30s) passes unsynced.
    source: 'pkg/kube/multicluster/secretcontroller.go',
    firstRelease: '1.10.0',
    help: 'Number of times a remote cluster took longer than PILOT_REMOTE_CLUSTER_TIMEOUT to sync its informers.',
  },
  {
    name: 'istio_agent_istiod_connection_failures',
    type: MetricType.COUNTER,
    labels: [],
    exporter: MetricExporter.ISTIO_AGENT,
    source: 'pkg/istio-agent/metrics/metrics.go',
    firstRelease: '1.8.0',
    help: 'Number of times the agent\'s xDS proxy could not connect to istiod.',
  },
  {
    name: 'istio_agent_istiod_connection_terminations',
    type: MetricType.COUNTER,
    labels: ['type'],
    exporter: MetricExporter.ISTIO_AGENT,
    source: 'pkg/istio-agent/metrics/metrics.go',
    firstRelease: '1.8.0',
    help: 'Number of xDS streams to istiod that ended: type "error" when unexpectedly (or opening it failed), "cancelled" when gracefully.',
  },
];

/** A metric of another project that an alert needs, and so a prerequisite of the monitoring. */
export interface PrerequisiteMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** The project that exports it. */
  readonly project: string;
  /** The file of that project's repository that registers it. */
  readonly source: string;
  readonly help: string;
}

/** The metrics the alerts need from outside Istio. */
export const PREREQUISITE_METRICS: readonly PrerequisiteMetric[] = [
  {
    name: 'kube_deployment_status_replicas_available',
    type: MetricType.GAUGE,
    labels: ['namespace', 'deployment'],
    project: 'kube-state-metrics',
    // A STABLE metric of kube-state-metrics 2.
    source: 'internal/store/deployment.go',
    help: 'The Deployment\'s status.availableReplicas: pods ready (for minReadySeconds), and so endpoints of its Service.',
  },
];

/** The catalog entry of an Istio metric, or undefined when the catalog has none. */
export function istioMetric(name: string): IstioMetric | undefined {
  return ISTIO_METRICS.find((m) => m.name === name);
}

/** Whether a release of Istio exports the metric (false for a name the catalog does not have). */
export function istioExports(name: string, version: IstioVersion): boolean {
  const metric = istioMetric(name);
  if (metric === undefined) return false;
  // Releases before the library's oldest are not IstioVersions, so the first release is compared by its numbers.
  const [major, minor] = metric.firstRelease.split('.').map(Number);
  return version.major > major || (version.major === major && version.minor >= minor);
}
