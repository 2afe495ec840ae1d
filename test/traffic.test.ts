/**
 * Cross-cluster traffic policies: routing a service's requests between its versions and failing
 * over between regions, as seed 001 does by hand, from the mesh description.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClusterRole, CrossClusterTrafficPolicy, DEFAULT_OUTLIER_DETECTION, ManifestChart, MeshSpec, planMesh, renderTrafficPolicies,
  TrafficPolicySpec, validateMesh,
} from '../src';
import { validateObject } from './object-schemas';
import { guideTopologies, MIXED_MESH } from './support';

/** Seed 001's routing of `backend`: version 2 for requests that ask for it, 80/20 for the rest. */
const SEED_ROUTING: TrafficPolicySpec = {
  host: 'backend.production.svc.cluster.local',
  subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
  routes: [
    { match: [{ headers: { version: { exact: 'v2' } } }], route: [{ subset: 'v2' }] },
    { route: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }] },
  ],
};

/** Seed 001's failover, both ways, with its outlier detection. */
const SEED_FAILOVER: TrafficPolicySpec = {
  host: 'helloworld.sample.svc.cluster.local',
  failover: [{ from: 'us-east-1', to: 'us-west-2' }, { from: 'us-west-2', to: 'us-east-1' }],
  outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
};

/** Two primaries in two regions with both policies: valid as is. */
const MESH: MeshSpec = {
  clusters: [
    { name: 'east', network: 'network1', locality: { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] } },
    { name: 'west', network: 'network1', locality: { region: 'us-west-2' } },
  ],
  trafficPolicies: [SEED_ROUTING, SEED_FAILOVER],
};

/** The objects a standalone policy makes in a chart of its own. */
function synthPolicy(props: TrafficPolicySpec): any[] {
  const chart = Testing.chart();
  new CrossClusterTrafficPolicy(chart, 'Policy', props);
  return Testing.synth(chart);
}

/** The problems of MESH with its policies replaced, as `field: message`. */
function problemsWith(...trafficPolicies: TrafficPolicySpec[]): string[] {
  return validateMesh({ ...MESH, trafficPolicies }).map((p) => `${p.field}: ${p.message}`);
}

describe('cluster locality', () => {
  it('is carried into the plan, zones listed or empty', () => {
    const plan = planMesh(MESH);
    expect(plan.clusters.map((c) => c.locality)).toEqual([
      { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] },
      { region: 'us-west-2', zones: [] },
    ]);
    expect(planMesh({ clusters: [{ name: 'a', network: 'n' }] }).clusters[0].locality).toBeUndefined();
  });

  it('is checked as Kubernetes checks the node labels it comes from, zones listed once', () => {
    const problems = validateMesh({
      clusters: [
        { name: 'east', network: 'n', locality: { region: 'us east', zones: ['a', '-b', 'a'] } },
      ],
    });
    expect(problems).toEqual([
      {
        cluster: 'east', field: 'clusters[0].locality.region',
        message: 'region "us east" must be a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      },
      {
        cluster: 'east', field: 'clusters[0].locality.zones[1]',
        message: 'zone "-b" must be a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      },
      { cluster: 'east', field: 'clusters[0].locality.zones[2]', message: '"a" is listed twice; list each zone once' },
    ]);
  });
});

describe('seed 001\'s routing by version', () => {
  const [destinationRule, virtualService] = synthPolicy(SEED_ROUTING);

  it('is a DestinationRule with the versions as subsets, named after the service in its namespace', () => {
    expect(destinationRule).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'backend', namespace: 'production' },
      spec: {
        host: 'backend.production.svc.cluster.local',
        subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
      },
    });
  });

  it('and a VirtualService: the header match first, then the 80/20 split', () => {
    const destination = (subset: string) => ({ host: 'backend.production.svc.cluster.local', subset });
    expect(virtualService).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'backend', namespace: 'production' },
      spec: {
        hosts: ['backend.production.svc.cluster.local'],
        http: [
          { match: [{ headers: { version: { exact: 'v2' } } }], route: [{ destination: destination('v2') }] },
          { route: [{ destination: destination('v1'), weight: 80 }, { destination: destination('v2'), weight: 20 }] },
        ],
      },
    });
  });

  it('validates against Istio\'s schemas', () => {
    for (const o of [destinationRule, virtualService]) expect(() => validateObject(o), o.kind).not.toThrow();
  });

  it('has no VirtualService without routes', () => {
    const objects = synthPolicy({ host: SEED_ROUTING.host, subsets: SEED_ROUTING.subsets });
    expect(objects.map((o) => o.kind)).toEqual(['DestinationRule']);
  });
});

describe('failover between regions', () => {
  it('is the DestinationRule\'s locality failover, with the outlier detection that makes Istio apply it', () => {
    const [destinationRule, ...rest] = synthPolicy(SEED_FAILOVER);
    expect(rest).toEqual([]);
    expect(destinationRule.metadata).toEqual({ name: 'helloworld', namespace: 'sample' });
    expect(destinationRule.spec).toEqual({
      host: 'helloworld.sample.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: {
          localityLbSetting: {
            enabled: true,
            failover: [{ from: 'us-east-1', to: 'us-west-2' }, { from: 'us-west-2', to: 'us-east-1' }],
          },
        },
        // The seed's settings, and every endpoint of a locality may be ejected, so that it can be left.
        outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
      },
    });
    expect(() => validateObject(destinationRule)).not.toThrow();
  });

  it('takes the defaults of every outlier detection setting from `{}`', () => {
    const [destinationRule] = synthPolicy({ ...SEED_FAILOVER, outlierDetection: {} });
    expect(destinationRule.spec.trafficPolicy.outlierDetection).toEqual({
      consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100,
    });
    expect(DEFAULT_OUTLIER_DETECTION).toEqual(destinationRule.spec.trafficPolicy.outlierDetection);
  });

  it('may prefer endpoints by labels instead (failoverPriority), with gateway errors counted', () => {
    const [destinationRule] = synthPolicy({
      host: 'helloworld.sample.svc.cluster.local',
      failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region'],
      outlierDetection: { consecutive5xxErrors: 0, consecutiveGatewayErrors: 3, maxEjectionPercent: 50 },
    });
    expect(destinationRule.spec.trafficPolicy).toEqual({
      loadBalancer: { localityLbSetting: { enabled: true, failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region'] } },
      outlierDetection: { consecutive5xxErrors: 0, consecutiveGatewayErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
    });
    expect(() => validateObject(destinationRule)).not.toThrow();
  });

  it('is in the plan with its defaults filled in, as are the weights of single destinations', () => {
    const plan = planMesh(MESH);
    expect(plan.trafficPolicies).toEqual([
      {
        host: 'backend.production.svc.cluster.local', name: 'backend', namespace: 'production',
        subsets: SEED_ROUTING.subsets,
        routes: [
          { match: [{ headers: { version: { exact: 'v2' } } }], route: [{ subset: 'v2', weight: 100 }] },
          { match: undefined, route: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }] },
        ],
        failover: [], failoverPriority: [], outlierDetection: undefined,
      },
      {
        host: 'helloworld.sample.svc.cluster.local', name: 'helloworld', namespace: 'sample',
        subsets: [], routes: [],
        failover: SEED_FAILOVER.failover, failoverPriority: [],
        outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: undefined, interval: '30s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
      },
    ]);
    expect(planMesh({ clusters: MESH.clusters }).trafficPolicies).toEqual([]);
  });
});

describe('placement: every policy on every primary, the same on each, and none on a remote', () => {
  /** The mesh with both policies, its first cluster in us-east-1 and the others in us-west-2. */
  const withPolicies = (spec: MeshSpec): MeshSpec => ({
    ...spec,
    clusters: spec.clusters.map((c, i) => ({ ...c, locality: { region: i === 0 ? 'us-east-1' : 'us-west-2' } })),
    trafficPolicies: [SEED_ROUTING, SEED_FAILOVER],
  });
  const meshes: [string, MeshSpec][] = [...Object.entries(guideTopologies()), ['mixed (N clusters)', MIXED_MESH]];

  it.each(meshes)('%s', (_name, spec) => {
    const plan = planMesh(withPolicies(spec));
    const rendered = plan.clusters.map((cluster) => {
      const chart = new ManifestChart(new App(), 'Traffic');
      renderTrafficPolicies(chart, plan, cluster);
      const byFile = chart.files.map((f) => ({
        file: f.name,
        objects: f.scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson()),
      }));
      return { cluster, byFile, all: chart.toJson() };
    });
    const primaries = rendered.filter((r) => r.cluster.role === ClusterRole.PRIMARY);
    const remotes = rendered.filter((r) => r.cluster.role === ClusterRole.REMOTE);
    expect(primaries.length).toBeGreaterThan(0);
    expect(primaries.length + remotes.length).toBe(spec.clusters.length);

    for (const p of primaries) {
      expect(p.byFile.map((f) => [f.file, f.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)]), p.cluster.name).toEqual([
        ['10-backend.production.yaml', ['DestinationRule/production/backend', 'VirtualService/production/backend']],
        ['10-helloworld.sample.yaml', ['DestinationRule/sample/helloworld']],
      ]);
      // Every object of the chart is in one of the files.
      expect(p.all).toEqual(p.byFile.flatMap((f) => f.objects));
      for (const o of p.all) expect(() => validateObject(o), `${p.cluster.name}: ${o.kind} ${o.metadata.name}`).not.toThrow();
      expect(p.byFile, `${p.cluster.name} holds what ${primaries[0].cluster.name} holds`).toEqual(primaries[0].byFile);
    }
    for (const r of remotes) {
      expect(r.byFile, r.cluster.name).toEqual([]);
      expect(r.all, r.cluster.name).toEqual([]);
    }
  });

  it('the mixed mesh has primaries and remotes on both networks', () => {
    expect(planMesh(MIXED_MESH).clusters.map((c) => `${c.name}:${c.role}`)).toEqual(['east-1:primary', 'east-2:remote', 'west-1:primary', 'west-2:remote']);
  });

  it('adds nothing when the mesh has no policies', () => {
    const plan = planMesh(MIXED_MESH);
    const chart = new ManifestChart(new App(), 'Traffic');
    renderTrafficPolicies(chart, plan, plan.clusters[0]);
    expect(chart.files).toEqual([]);
  });
});

describe('the standalone construct', () => {
  it('works in any chart, with extra labels', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    const policy = new CrossClusterTrafficPolicy(chart, 'Backend', { ...SEED_ROUTING, labels: { team: 'payments' } });
    expect(policy.node.validate()).toEqual([]);
    expect(policy.destinationRule.metadata.getLabel('team')).toBe('payments');
    expect(policy.virtualService!.metadata.getLabel('team')).toBe('payments');
    expect(() => app.synth()).not.toThrow();
  });

  it('checks its policy as the mesh does, and stops the synth', () => {
    const chart = Testing.chart();
    const policy = new CrossClusterTrafficPolicy(chart, 'Policy', {
      host: 'backend.production.svc.cluster.local',
      subsets: SEED_ROUTING.subsets,
      routes: [{ route: [{ subset: 'v1', weight: 90 }, { subset: 'v3', weight: 20 }] }],
      failover: [{ from: 'us-east-1', to: 'us-west-2' }],
    });
    expect(policy.node.validate()).toEqual([
      'routes[0].route[1].subset: names the subset "v3", which the policy does not define; define it in subsets, or name one of: v1, v2',
      'routes[0].route: has weights that add up to 110, not 100: give each subset its percentage of the route\'s requests, such as 90 and 10',
      expect.stringMatching(/^outlierDetection: is required with failover: /),
    ]);
    expect(() => Testing.synth(chart)).toThrow(/names the subset "v3"/);
  });
});

describe('validation, each problem with what to do', () => {
  it('accepts the seed\'s policies', () => {
    expect(validateMesh(MESH)).toEqual([]);
  });

  it('refuses failover without outlier detection, which Istio would silently ignore', () => {
    expect(problemsWith({ host: SEED_FAILOVER.host, failover: SEED_FAILOVER.failover })).toEqual([
      'trafficPolicies[0].outlierDetection: is required with failover: Istio fails over only for services with outlier detection, ' +
      'and otherwise ignores failover without an error; add outlierDetection: {} for the defaults (5 consecutive 5xx errors, ' +
      'checked every 10s, ejection for 30s, up to 100% of endpoints), or settings of your own',
    ]);
    expect(problemsWith({ host: SEED_FAILOVER.host, failoverPriority: ['topology.istio.io/network'] })).toEqual([
      expect.stringMatching(/^trafficPolicies\[0\]\.outlierDetection: is required with failoverPriority: Istio fails over only for services with outlier detection, and otherwise ignores failoverPriority without an error;/),
    ]);
  });

  it('refuses failover to or from a region no cluster is in, naming the regions there are', () => {
    expect(problemsWith({ ...SEED_FAILOVER, failover: [{ from: 'us-east-1', to: 'eu-west-1' }] })).toEqual([
      'trafficPolicies[0].failover[0].to: names the region "eu-west-1", which no cluster of the mesh is in; name one of: us-east-1, us-west-2 (the clusters\' locality.region)',
    ]);
    expect(validateMesh({ clusters: [{ name: 'a', network: 'n' }], trafficPolicies: [SEED_FAILOVER] }).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'trafficPolicies[0].failover[0].from: names the region "us-east-1", but no cluster of the mesh states its locality; set each cluster\'s locality.region to its nodes\' topology.kubernetes.io/region label',
      'trafficPolicies[0].failover[0].to: names the region "us-west-2", but no cluster of the mesh states its locality; set each cluster\'s locality.region to its nodes\' topology.kubernetes.io/region label',
      'trafficPolicies[0].failover[1].from: names the region "us-west-2", but no cluster of the mesh states its locality; set each cluster\'s locality.region to its nodes\' topology.kubernetes.io/region label',
      'trafficPolicies[0].failover[1].to: names the region "us-east-1", but no cluster of the mesh states its locality; set each cluster\'s locality.region to its nodes\' topology.kubernetes.io/region label',
    ]);
  });

  it('refuses failover to the same region, to a zone, a pattern, and a region failing over twice', () => {
    expect(problemsWith({
      ...SEED_FAILOVER,
      failover: [
        { from: 'us-east-1', to: 'us-east-1' }, { from: 'us-west-2', to: 'us-east-1/us-east-1a' }, { from: 'us-west-2', to: '*' },
      ],
    })).toEqual([
      'trafficPolicies[0].failover[0].to: is "us-east-1", the region it fails over from; name another region',
      'trafficPolicies[0].failover[1].to: "us-east-1/us-east-1a" names a zone: failover is between regions, and Istio moves between the zones of a region by itself; give the region, us-east-1',
      'trafficPolicies[0].failover[2].to: "*" is a pattern; failover names one region',
      'trafficPolicies[0].failover[2].from: "us-west-2" fails over in failover[1] already; a region fails over to one other region',
    ]);
  });

  it('refuses failoverPriority labels that are no label keys, repeated, or topology labels next to failover', () => {
    expect(problemsWith({
      ...SEED_FAILOVER,
      failoverPriority: ['topology.kubernetes.io/region', 'app_/x', 'topology.istio.io/network=net 1', 'topology.istio.io/network'],
    })).toEqual([
      'trafficPolicies[0].failoverPriority[0]: "topology.kubernetes.io/region" cannot be combined with failover (Istio refuses it): order regions with failover and prioritize by other labels, or leave failover out',
      'trafficPolicies[0].failoverPriority[1]: label has a prefix (before "/") that is not a DNS subdomain: lowercase letters, digits, "-" and "."',
      'trafficPolicies[0].failoverPriority[2]: label value "net 1" must be a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'trafficPolicies[0].failoverPriority[3]: lists the label "topology.istio.io/network" a second time; list each label once, in order of preference',
    ]);
  });

  it('refuses weights that do not add up to 100, are missing, or are no percentage', () => {
    const split = (...route: { subset: string; weight?: number }[]): TrafficPolicySpec => ({ ...SEED_ROUTING, routes: [{ route }] });
    expect(problemsWith(split({ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 5 }))).toEqual([
      'trafficPolicies[0].routes[0].route: has weights that add up to 95, not 100: give each subset its percentage of the route\'s requests, such as 90 and 10',
    ]);
    expect(problemsWith(split({ subset: 'v1', weight: 90 }, { subset: 'v2' }))).toEqual([
      'trafficPolicies[0].routes[0].route[1].weight: is required when a route has more than one destination: give each subset its percentage of the route\'s requests',
    ]);
    expect(problemsWith(split({ subset: 'v1', weight: 90.5 }, { subset: 'v2', weight: 9.5 }))).toEqual([
      'trafficPolicies[0].routes[0].route[0].weight: 90.5 must be a whole number from 0 to 100, a percentage of the route\'s requests',
      'trafficPolicies[0].routes[0].route[1].weight: 9.5 must be a whole number from 0 to 100, a percentage of the route\'s requests',
    ]);
    expect(problemsWith(split({ subset: 'v1', weight: 50 }))).toEqual([
      'trafficPolicies[0].routes[0].route[0].weight: is 50, but the only destination of a route gets all of its requests; leave weight out, or split the route with another subset',
    ]);
    expect(problemsWith(split({ subset: 'v1', weight: 100 }, { subset: 'v2', weight: 0 }))).toEqual([]);
  });

  it('refuses a route to a subset the policy does not define, or to one subset twice', () => {
    expect(problemsWith({ ...SEED_ROUTING, routes: [{ route: [{ subset: 'v1', weight: 50 }, { subset: 'v1', weight: 50 }] }, { route: [{ subset: 'canary' }] }] })).toEqual([
      'trafficPolicies[0].routes[0]: has no match, so it takes every request and the routes after it are never used; move it last, or give it a match',
      'trafficPolicies[0].routes[0].route[1].subset: names the subset "v1" a second time in one route; give each subset one destination with its whole weight',
      'trafficPolicies[0].routes[1].route[0].subset: names the subset "canary", which the policy does not define; define it in subsets, or name one of: v1, v2',
    ]);
    expect(problemsWith({ host: SEED_ROUTING.host, routes: [{ route: [{ subset: 'v1' }] }] })).toEqual([
      'trafficPolicies[0].routes[0].route[0].subset: names the subset "v1", but the policy has no subsets; define it in subsets with the labels of the version\'s pods',
    ]);
  });

  it('refuses routes that leave requests without a route, and header matches Istio would not take', () => {
    expect(problemsWith({
      ...SEED_ROUTING,
      routes: [
        { match: [{ headers: { 'End-User': { exact: 'jason' } } }], route: [{ subset: 'v2' }] },
        { match: [{ headers: { version: { exact: 'v1', prefix: 'v' }, cookie: {}, 'x-canary': { prefix: '' } } }, { headers: {} }], route: [{ subset: 'v1' }] },
      ],
    })).toEqual([
      'trafficPolicies[0].routes[0].match[0].headers["End-User"]: header name "End-User" must be lowercase letters, digits, "-" and "_": Istio requires header names in matches to be lowercase; write "end-user"',
      'trafficPolicies[0].routes[1].match[0].headers.version: gives exact and prefix: give exactly one of exact, prefix and regex',
      'trafficPolicies[0].routes[1].match[0].headers.cookie: gives no value to match: give exactly one of exact, prefix and regex',
      'trafficPolicies[0].routes[1].match[0].headers["x-canary"].prefix: is empty, so it fits every value; give the prefix, or match the header with regex: ".*"',
      'trafficPolicies[0].routes[1].match[1].headers: is empty, so the match takes every request; give the headers to match, or leave match out for the default route',
      'trafficPolicies[0].routes: all have a match, so requests that fit none of them find no route and fail (404); end with a route without match, such as one to the stable version',
    ]);
    expect(problemsWith({
      ...SEED_ROUTING,
      routes: [{ match: [{ headers: { 'x-user': { regex: '(?!admin).*' } } }], route: [{ subset: 'v2' }] }, { route: [{ subset: 'v1' }] }],
    })).toEqual([
      'trafficPolicies[0].routes[0].match[0].headers["x-user"].regex: "(?!admin).*" uses lookaround or a backreference, which Envoy\'s RE2 expressions do not have',
    ]);
  });

  it('refuses duplicate subset names, subsets without labels or with another\'s, and bad labels', () => {
    expect(problemsWith({
      host: SEED_ROUTING.host,
      subsets: [
        { name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v1b' } }, { name: 'V2', labels: {} },
        { name: 'v3', labels: { version: 'v1' } }, { name: 'v4', labels: { 'version/': 'v 4' } },
      ],
    })).toEqual([
      'trafficPolicies[0].subsets[1].name: the subset name "v1" is also used by subsets[0]; subset names must be unique in a policy',
      'trafficPolicies[0].subsets[2].name: subset name "V2" must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
      'trafficPolicies[0].subsets[2].labels: must name at least one label of the version\'s pods, such as { version: \'v1\' }: a subset without labels takes every endpoint of the service, so it is no version of it',
      'trafficPolicies[0].subsets[3].labels: are the labels of subsets[0] too, so both subsets take the same pods; give each version the labels of its own pods',
      'trafficPolicies[0].subsets[4].labels["version/"]: label key has a name part of 0 characters; it must have 1 to 63',
      'trafficPolicies[0].subsets[4].labels["version/"]: label value "v 4" must be a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    ]);
  });

  it('refuses two policies for one service, a host that is not a service\'s full name, and a policy that does nothing', () => {
    expect(problemsWith(SEED_ROUTING, { ...SEED_FAILOVER, host: SEED_ROUTING.host })).toEqual([
      'trafficPolicies[1].host: "backend.production.svc.cluster.local" has a policy already (trafficPolicies[0]): both would make the same DestinationRule and VirtualService, one replacing the other; put everything for the service into one policy',
    ]);
    expect(problemsWith({ ...SEED_ROUTING, host: 'backend' }, { host: 'helloworld.sample.svc.cluster.local' })).toEqual([
      'trafficPolicies[0].host: "backend" must be the service\'s fully qualified name, <service>.<namespace>.svc.cluster.local (such as helloworld.sample.svc.cluster.local): the policy\'s objects go to the service\'s namespace, and every cluster must read the name the same way',
      'trafficPolicies[1]: does nothing: give it subsets and routes, failover or failoverPriority, or outlierDetection',
    ]);
  });

  it('refuses outlier detection that ejects nothing or has unusable settings', () => {
    expect(problemsWith({ ...SEED_FAILOVER, outlierDetection: { consecutive5xxErrors: 0 } })).toEqual([
      'trafficPolicies[0].outlierDetection: ejects no endpoint: consecutive5xxErrors is 0 and consecutiveGatewayErrors is not set; set either to the errors after which an endpoint is ejected',
    ]);
    expect(problemsWith({
      ...SEED_FAILOVER,
      outlierDetection: { consecutive5xxErrors: -1, consecutiveGatewayErrors: 1.5, interval: '30', baseEjectionTime: '0s', maxEjectionPercent: 101 },
    })).toEqual([
      'trafficPolicies[0].outlierDetection.consecutive5xxErrors: -1 must be a whole number, 0 or more',
      'trafficPolicies[0].outlierDetection.consecutiveGatewayErrors: 1.5 must be a whole number, 0 or more',
      'trafficPolicies[0].outlierDetection.interval: "30" is not a duration such as 10s, 1m or 500ms',
      'trafficPolicies[0].outlierDetection.baseEjectionTime: "0s" is shorter than Istio\'s minimum of 1ms',
      'trafficPolicies[0].outlierDetection.maxEjectionPercent: 101 must be a whole number from 0 to 100',
    ]);
  });

  it('reports misspelt fields through the schema, like every other part of the description', () => {
    const misspelt = { ...SEED_FAILOVER, outlierDetection: { consecutive5xxError: 3 } } as unknown as TrafficPolicySpec;
    expect(problemsWith(misspelt)).toEqual([
      'trafficPolicies[0].outlierDetection.consecutive5xxError: is not a field of the mesh description (a misspelt field would be silently ignored); did you mean "consecutive5xxErrors"?',
    ]);
  });
});
