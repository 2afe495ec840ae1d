/**
 * Monitoring with the Prometheus Operator: what each cluster's Prometheus scrapes and alerts on,
 * that every alert queries only metrics the mesh's Istio release really exports, and that every
 * object is one the Prometheus Operator's CRDs accept.
 */
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parser } from '@prometheus-io/lezer-promql';
import { ApiObject, App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ISTIO_METRICS, ManifestChart, MeshSpec, MonitoringSpec, planMesh, PREREQUISITE_METRICS, renderMonitoring, validateMesh,
} from '../src';
import { IstioVersion, parseIstioVersion } from '../src/model/istio-version';
import { guideTopologies, MIXED_MESH } from './support';

const MONITORING: MonitoringSpec = { labels: { release: 'kube-prometheus-stack' } };

/** The objects of one cluster's monitoring, by file name, as `renderMonitoring` adds them to a fresh chart. */
function renderCluster(spec: MeshSpec, cluster: string): Record<string, any[]> {
  const plan = planMesh(spec);
  const chart = new ManifestChart(new App(), 'Monitoring');
  renderMonitoring(chart, plan, plan.clusters.find((c) => c.name === cluster)!);
  const errors = chart.node.findAll().flatMap((c) => c.node.validate());
  expect(errors, `validation of ${cluster}'s monitoring`).toEqual([]);
  return Object.fromEntries(chart.files.map((f) => [
    f.name,
    f.scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson()),
  ]));
}

/** Every cluster's monitoring files, by cluster name. */
function renderMesh(spec: MeshSpec): Record<string, Record<string, any[]>> {
  return Object.fromEntries(spec.clusters.map((c) => [c.name, renderCluster(spec, c.name)]));
}

const withMonitoring = (spec: MeshSpec, monitoring: MonitoringSpec = MONITORING, istioVersion?: string): MeshSpec =>
  ({ ...spec, monitoring, ...(istioVersion ? { istioVersion } : {}) });

/** Every alerting rule of a rendered mesh, with the cluster whose Prometheus evaluates it. */
function alertRules(files: Record<string, Record<string, any[]>>): { cluster: string; rule: any }[] {
  return Object.entries(files).flatMap(([cluster, byFile]) => Object.values(byFile).flat()
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules.map((rule: any) => ({ cluster, rule })))));
}

// --- PromQL, read with Prometheus's own grammar -------------------------------------------------

/** The labels every scraped series gets from its target, besides the metric's own. */
const TARGET_LABELS = ['job', 'namespace', 'pod', 'instance', 'container', 'endpoint', 'service'];

/** What an expression queries: its metric names, with the labels each selector matches on, and any syntax errors. */
function readPromql(expr: string): { errors: string[]; selectors: { metric: string; labels: string[] }[] } {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: { metric: string; labels: string[] }[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      const labels = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher')
        .map((m) => expr.slice(m.getChild('LabelName')!.from, m.getChild('LabelName')!.to)) ?? [];
      const quoted = node.node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher') ?? [];
      if (identifier === null || labels.includes('__name__') || quoted.length > 0) {
        // A name in a matcher could be anything, even a regex: the catalog could not vouch for it.
        errors.push(`selector "${expr.slice(node.from, node.to)}" does not name its metric plainly`);
        return;
      }
      selectors.push({ metric: expr.slice(identifier.from, identifier.to), labels });
    },
  });
  return { errors, selectors };
}

/**
 * Why an expression cannot work against Istio `version`: syntax errors, metrics the catalog does
 * not know or that the release does not export yet, and label matchers on labels the metric lacks.
 */
function promqlProblems(expr: string, version: IstioVersion): string[] {
  const { errors, selectors } = readPromql(expr);
  const problems = [...errors];
  for (const { metric, labels } of selectors) {
    const istio = ISTIO_METRICS.find((m) => m.name === metric);
    const prerequisite = PREREQUISITE_METRICS.find((m) => m.name === metric);
    if (!istio && !prerequisite) {
      problems.push(`${metric} is in no catalog: Istio does not export it (or it was never checked)`);
      continue;
    }
    if (istio) {
      const [major, minor] = istio.firstRelease.split('.').map(Number);
      if (major > version.major || (major === version.major && minor > version.minor)) {
        problems.push(`${metric} first appears in Istio ${istio.firstRelease}, after ${version.text}`);
      }
    }
    const known = [...(istio ?? prerequisite)!.labels, ...TARGET_LABELS];
    for (const label of labels.filter((l) => !known.includes(l))) problems.push(`${metric} has no label "${label}"`);
  }
  return problems;
}

const version = (text: string) => parseIstioVersion(text) as IstioVersion;

describe('the check every alert expression passes', () => {
  it('refuses the seed\'s own query: pilot_xds_pushes is istiod\'s, has no cluster label, and no remote runs istiod', () => {
    expect(promqlProblems('sum(pilot_xds_pushes{cluster="cluster-2"}) == 0', version('1.31.1')))
      .toEqual(['pilot_xds_pushes is in no catalog: Istio does not export it (or it was never checked)']);
  });

  it('refuses a made-up metric name, a metric newer than the mesh\'s Istio, a label the metric lacks, and broken syntax', () => {
    expect(promqlProblems('istiod_remote_clusters_synced == 0', version('1.31.1'))).toEqual([
      'istiod_remote_clusters_synced is in no catalog: Istio does not export it (or it was never checked)',
    ]);
    expect(promqlProblems('istiod_remote_cluster_sync_status{status="timeout"} == 1', version('1.28.3'))).toEqual([
      'istiod_remote_cluster_sync_status first appears in Istio 1.29.0, after 1.28.3',
    ]);
    expect(promqlProblems('istiod_managed_clusters{cluster="east-2"} < 1', version('1.31.1'))).toEqual([
      'istiod_managed_clusters has no label "cluster"',
    ]);
    expect(promqlProblems('{__name__=~"istiod_.*"} == 0', version('1.31.1'))).toHaveLength(1);
    expect(promqlProblems('max by (cluster (istiod_managed_clusters)', version('1.31.1'))[0]).toMatch(/^syntax error/);
  });
});

describe('every alert of every topology, for every Istio release the library supports', () => {
  const meshes = { ...guideTopologies(), mixed: MIXED_MESH };
  const releases = ['1.24.6', '1.28.10', '1.29.0', '1.31.1'];

  it.each(Object.keys(meshes).flatMap((name) => releases.map((release) => [name, release] as const)))(
    '%s on Istio %s: parses, and queries only metrics and labels that release exports', (name, release) => {
      const rules = alertRules(renderMesh(withMonitoring(meshes[name as keyof typeof meshes], MONITORING, release)));
      expect(rules.length).toBeGreaterThan(0);
      for (const { cluster, rule } of rules) {
        expect(promqlProblems(rule.expr, version(release)), `${cluster}: ${rule.alert}`).toEqual([]);
      }
    });

  it('each fire after a duration, with a severity, a summary, a description, and the clusters they are about', () => {
    const rules = alertRules(renderMesh(withMonitoring(MIXED_MESH)));
    for (const { cluster, rule } of rules) {
      expect(rule, `${cluster}: ${rule.alert}`).toMatchObject({
        for: '10m',
        labels: { severity: expect.stringMatching(/^(critical|warning)$/), mesh: 'prod', control_plane_cluster: expect.any(String) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
      // The cluster an alert is about: written into the rule, or the remote-secret cluster ID of istiod's series.
      if (rule.labels.cluster === undefined) expect(rule.expr).toMatch(/by \(cluster[,)]/);
    }
  });
});

describe('placement: what each cluster\'s Prometheus scrapes and alerts on', () => {
  const ISTIOD = ['10-istiod-servicemonitor.yaml', '11-control-plane-alerts.yaml'];
  const GATEWAY = ['20-eastwest-gateway-podmonitor.yaml', '21-eastwest-gateway-alerts.yaml'];
  const REMOTE = ['30-sidecar-podmonitor.yaml', '31-remote-proxy-alerts.yaml'];
  const topologies = guideTopologies();

  it.each([
    // Primaries on one network: istiod only; no cluster has a gateway.
    ['multi-primary', { cluster1: ISTIOD, cluster2: ISTIOD }],
    ['multi-primary-multi-network', { cluster1: [...ISTIOD, ...GATEWAY], cluster2: [...ISTIOD, ...GATEWAY] }],
    // The primary exposes istiod to its remote through its gateway; the remote has none on one network.
    ['primary-remote', { cluster1: [...ISTIOD, ...GATEWAY], cluster2: REMOTE }],
    ['primary-remote-multi-network', { cluster1: [...ISTIOD, ...GATEWAY], cluster2: [...GATEWAY, ...REMOTE] }],
  ] as const)('%s', (name, expected) => {
    const files = renderMesh(withMonitoring(topologies[name]));
    expect(Object.fromEntries(Object.entries(files).map(([c, byFile]) => [c, Object.keys(byFile)]))).toEqual(expected);
  });

  it('MIXED_MESH: two networks, a primary on each with a remote, one exposing istiod through its own load balancer', () => {
    const files = renderMesh(withMonitoring(MIXED_MESH));
    expect(Object.fromEntries(Object.entries(files).map(([c, byFile]) => [c, Object.keys(byFile)]))).toEqual({
      'east-1': [...ISTIOD, ...GATEWAY],
      'east-2': [...GATEWAY, ...REMOTE],
      'west-1': [...ISTIOD, ...GATEWAY],
      'west-2': [...GATEWAY, ...REMOTE],
    });
  });

  it('a primary expects istiod to manage every other cluster of the mesh, and names them', () => {
    const [rule] = renderCluster(withMonitoring(MIXED_MESH), 'west-1')['11-control-plane-alerts.yaml'];
    const missing = rule.spec.groups[0].rules.find((r: any) => r.alert === 'IstiodMissingRemoteClusters');
    expect(missing.expr).toBe('min(istiod_managed_clusters{cluster_type="remote"}) < 3');
    expect(missing.labels).toMatchObject({ cluster: 'west-1', control_plane_cluster: 'west-1' });
    expect(missing.annotations.description).toContain('(east-1, east-2, west-2)');
  });

  it('a remote\'s proxy alert names its primary and the address its proxies dial, and selects its own sidecars\' series', () => {
    const files = renderCluster(withMonitoring(MIXED_MESH), 'west-2');
    const [monitor] = files['30-sidecar-podmonitor.yaml'];
    const [alert] = files['31-remote-proxy-alerts.yaml'][0].spec.groups[0].rules;
    expect(alert.labels).toMatchObject({ cluster: 'west-2', control_plane_cluster: 'west-1', severity: 'critical' });
    expect(alert.annotations.description).toContain('istiod of west-1 at istiod.west.example.com');
    expect(alert.expr).toContain('job="istio-sidecars"');
    expect(monitor.spec.podMetricsEndpoints[0].relabelings).toContainEqual({ action: 'replace', replacement: 'istio-sidecars', targetLabel: 'job' });
  });

  it('istiod is scraped on its Service\'s http-monitoring port (15014) at /metrics; gateways and sidecars on 15020 at /stats/prometheus', () => {
    const files = renderCluster(withMonitoring(topologies['primary-remote-multi-network']), 'cluster2');
    const primary = renderCluster(withMonitoring(topologies['primary-remote-multi-network']), 'cluster1');
    expect(primary['10-istiod-servicemonitor.yaml'][0].spec).toEqual({
      selector: { matchLabels: { app: 'istiod', istio: 'pilot' }, matchExpressions: [{ key: 'istio.io/tag', operator: 'DoesNotExist' }] },
      namespaceSelector: { matchNames: ['istio-system'] },
      endpoints: [{ port: 'http-monitoring', path: '/metrics' }],
    });
    const gateway = files['20-eastwest-gateway-podmonitor.yaml'][0].spec;
    expect(gateway.selector).toEqual({ matchLabels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' } });
    const sidecars = files['30-sidecar-podmonitor.yaml'][0].spec;
    expect(sidecars.selector).toEqual({ matchExpressions: [{ key: 'security.istio.io/tlsMode', operator: 'Exists' }] });
    expect(sidecars.namespaceSelector).toEqual({ any: true });
    for (const endpoint of [gateway.podMetricsEndpoints[0], sidecars.podMetricsEndpoints[0]]) {
      expect(endpoint).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
      expect(endpoint.relabelings.filter((r: any) => r.targetLabel === '__address__').map((r: any) => r.replacement))
        .toEqual(['[$1]:15020', '$1:15020']);
    }
    // Sidecars are many: only the two series the alert reads are kept.
    expect(sidecars.podMetricsEndpoints[0].metricRelabelings).toEqual([{
      action: 'keep', sourceLabels: ['__name__'], regex: 'istio_agent_istiod_connection_failures|istio_agent_istiod_connection_terminations',
    }]);
  });

  it('before Istio 1.29, which has no sync status, a remote cluster\'s sync is watched through istiod\'s sync timeouts', () => {
    const alertsOn = (release: string) => renderCluster(withMonitoring(MIXED_MESH, MONITORING, release), 'east-1')['11-control-plane-alerts.yaml'][0]
      .spec.groups[0].rules.map((r: any) => r.alert);
    expect(alertsOn('1.28.10')).toEqual(['IstioRemoteClusterSyncTimeout', 'IstiodMissingRemoteClusters', 'IstiodMetricsMissing']);
    expect(alertsOn('1.29.0')).toEqual(['IstioRemoteClusterNotSynced', 'IstiodMissingRemoteClusters', 'IstiodMetricsMissing']);
  });

  it('a primary that reads no other cluster only watches that istiod is scraped', () => {
    const files = renderCluster(withMonitoring({ clusters: [{ name: 'solo', network: 'n1' }] }), 'solo');
    expect(files['11-control-plane-alerts.yaml'][0].spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['IstiodMetricsMissing']);
  });

  it('nothing without monitoring, or with it turned off', () => {
    expect(renderMesh(MIXED_MESH)).toEqual({ 'east-1': {}, 'east-2': {}, 'west-1': {}, 'west-2': {} });
    expect(renderMesh(withMonitoring(MIXED_MESH, { ...MONITORING, enabled: false }))['east-1']).toEqual({});
    expect(planMesh(withMonitoring(MIXED_MESH, { enabled: false })).monitoring).toBeUndefined();
  });
});

describe('the settings', () => {
  it('default: no labels, istio-system, alerts after 10m', () => {
    expect(planMesh(withMonitoring(MIXED_MESH, {})).monitoring).toEqual({ labels: {}, namespace: 'istio-system', alertFor: '10m', alertLabels: {} });
  });

  it('label every object for the Prometheus\'s selectors, place them, and add the user\'s labels to alerts without replacing the library\'s', () => {
    const files = renderCluster(withMonitoring(MIXED_MESH, {
      labels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring', alerts: { for: '5m', labels: { team: 'mesh' } },
    }), 'east-2');
    for (const o of Object.values(files).flat()) {
      expect(o.metadata, o.kind).toEqual({ name: expect.any(String), namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    }
    for (const { rule } of alertRules({ 'east-2': files })) {
      expect(rule.for).toBe('5m');
      expect(rule.labels).toMatchObject({ team: 'mesh', mesh: 'prod', cluster: 'east-2', control_plane_cluster: 'east-1' });
    }
  });
});

describe('every object, against the Prometheus Operator\'s schemas (@kubernetes-models/prometheus-operator)', () => {
  const MODELS: Record<string, new (data: any) => { validate(): void }> = {
    'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
    'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
    'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  };
  const validate = (o: any) => {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!Model) throw new Error(`no model for ${o.apiVersion}/${o.kind}`);
    new Model(o).validate();
  };

  it.each(Object.entries({ ...guideTopologies(), mixed: MIXED_MESH }))('%s', (name, spec) => {
    const objects = Object.values(renderMesh(withMonitoring(spec, { ...MONITORING, alerts: { labels: { team: 'mesh' } } })))
      .flatMap((byFile) => Object.values(byFile).flat());
    // Only the single-network multi-primary mesh has no gateway and no remote, so nothing for a PodMonitor.
    const kinds = name === 'multi-primary' ? ['ServiceMonitor', 'PrometheusRule'] : ['ServiceMonitor', 'PrometheusRule', 'PodMonitor'];
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(kinds));
    for (const o of objects) expect(() => validate(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
  });

  it('which do refuse a broken object: a rule without its expression, a relabeling with an unknown action', () => {
    const rule = renderCluster(withMonitoring(MIXED_MESH), 'east-1')['11-control-plane-alerts.yaml'][0];
    const broken = structuredClone(rule);
    delete broken.spec.groups[0].rules[0].expr;
    expect(() => validate(broken)).toThrow();
    const monitor = structuredClone(renderCluster(withMonitoring(MIXED_MESH), 'east-2')['30-sidecar-podmonitor.yaml'][0]);
    monitor.spec.podMetricsEndpoints[0].relabelings[0].action = 'rewrite';
    expect(() => validate(monitor)).toThrow();
  });
});

describe('the metric catalog', () => {
  it('lists each metric once, with its source file and first release, and what the exporter adds', () => {
    const names = [...ISTIO_METRICS, ...PREREQUISITE_METRICS].map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of ISTIO_METRICS) {
      expect(m.source, m.name).toMatch(/^(pkg|pilot)\/[a-z0-9/_-]+\.go$/);
      expect(m.firstRelease, m.name).toMatch(/^1\.\d+\.0$/);
      // pilot-agent registers its metrics under this prefix; istiod's have none.
      expect(m.name.startsWith('istio_agent_'), m.name).toBe(m.exporter === 'istio-agent');
    }
  });
});

describe('validation of the monitoring settings', () => {
  const mesh = (monitoring: unknown): unknown => ({ ...MIXED_MESH, monitoring });
  const problems = (monitoring: unknown) => validateMesh(mesh(monitoring)).map((p) => `${p.field}: ${p.message}`);

  it('accepts the settings of a kube-prometheus-stack Prometheus', () => {
    expect(problems({ enabled: true, labels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring', alerts: { for: '1h30m', labels: { team: 'mesh' } } }))
      .toEqual([]);
  });

  it('refuses object labels Kubernetes refuses, and a namespace that is no namespace name', () => {
    expect(problems({ labels: { 'Release/x': 'a', team: 'mesh platform' }, namespace: 'Monitoring' })).toEqual([
      'monitoring.labels["Release/x"]: label key has a prefix (before "/") that is not a DNS subdomain: lowercase letters, digits, "-" and "."',
      'monitoring.labels.team: label value "mesh platform" must be a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'monitoring.namespace: "Monitoring" must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    ]);
  });

  it('refuses a `for` that is no Prometheus duration', () => {
    expect(problems({ alerts: { for: '10 minutes' } })).toEqual([
      'monitoring.alerts.for: "10 minutes" is not a Prometheus duration such as 30s, 10m or 1h30m (units y, w, d, h, m, s, ms, largest first, whole numbers)',
    ]);
    expect(problems({ alerts: { for: '30m1h' } })).toHaveLength(1);
    expect(problems({ alerts: { for: '' } })).toHaveLength(1);
  });

  it('refuses alert labels that are no Prometheus label names, reserved ones, the library\'s own, and empty values', () => {
    expect(problems({ alerts: { labels: { 'team-name': 'a', __tenant: 'b', severity: 'page', owner: '' } } })).toEqual([
      'monitoring.alerts.labels["team-name"]: label name "team-name" is not a Prometheus label name: letters, digits and "_", not starting with a digit',
      'monitoring.alerts.labels.__tenant: label name "__tenant" starts with "__", which Prometheus reserves for its own labels',
      'monitoring.alerts.labels.severity: label name "severity" is set by the library on every alert (alertname, severity, mesh, cluster, control_plane_cluster); choose another name',
      'monitoring.alerts.labels.owner: is empty; an alert label without a value is no label at all: give it a value or remove it',
    ]);
  });

  it('reports wrong types and unknown fields through the schema, as for the rest of the description', () => {
    const found = problems({ enabled: 'yes', selector: { release: 'x' } });
    expect(found).toEqual([
      expect.stringMatching(/^monitoring\.selector: is not a field .* the fields here are: enabled, labels, namespace, alerts$/),
      'monitoring.enabled: must be true or false, not the string "yes"',
    ]);
  });
});
