import { AddProblem } from './delivery-validation';
import { memberName } from './field-name';
import { annotationKeyProblem, dns1123LabelProblem, labelValueProblem } from './formats';
import { ClusterSpec, MeshSpec } from './mesh-spec';
import { goDurationMs } from './trust-validation';
import {
  ClusterLocality, DEFAULT_OUTLIER_DETECTION, HttpMatchRequestSpec, HttpRouteSpec, LocalityFailoverSpec, OutlierDetectionSpec, RouteDestinationSpec,
  serviceOfHost, StringMatchSpec, SubsetSpec, TrafficPolicySpec,
} from './traffic-spec';

/** One thing wrong with a traffic policy: the field, relative to the policy, and what to do. */
export interface TrafficPolicyProblem {
  readonly field: string;
  readonly message: string;
}

// The labels Istio derives localities from; it refuses them in failoverPriority next to failover.
const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
// Istio's own limit: longer expressions may exceed Envoy's RE2 program size.
const REGEX_MAX_LENGTH = 1024;

/** A list read from a shape-checked description, whose entries of a wrong shape are null. */
const entries = <T>(list: T[] | undefined): (T | null)[] => (Array.isArray(list) ? list : []);

const list = (names: string[]) => `${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … (${names.length} in all)` : ''}`;

/**
 * The problems of one traffic policy on its own, as `CrossClusterTrafficPolicy` checks them:
 * everything but what needs the whole mesh (its regions, other policies).
 */
export function trafficPolicyProblems(policy: TrafficPolicySpec): TrafficPolicyProblem[] {
  const problems: TrafficPolicyProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (typeof policy.host === 'string' && serviceOfHost(policy.host) === undefined) {
    add('host', `"${policy.host}" must be the service's fully qualified name, <service>.<namespace>.svc.cluster.local ` +
      '(such as helloworld.sample.svc.cluster.local): the policy\'s objects go to the service\'s namespace, and every cluster must read the name the same way');
  }
  const subsets = checkSubsets(entries(policy.subsets), add);
  checkRoutes(entries(policy.routes), subsets, add);
  const failover = entries(policy.failover);
  const priority = entries(policy.failoverPriority);
  checkFailover(failover, priority, add);
  if (policy.outlierDetection !== undefined) checkOutlierDetection(policy.outlierDetection, add);
  else if (failover.length > 0 || priority.length > 0) {
    const what = failover.length > 0 ? 'failover' : 'failoverPriority';
    add('outlierDetection', `is required with ${what}: Istio fails over only for services with outlier detection, and otherwise ignores ${what} ` +
      `without an error; add outlierDetection: {} for the defaults (${DEFAULT_OUTLIER_DETECTION.consecutive5xxErrors} consecutive 5xx errors, ` +
      `checked every ${DEFAULT_OUTLIER_DETECTION.interval}, ejection for ${DEFAULT_OUTLIER_DETECTION.baseEjectionTime}, up to ` +
      `${DEFAULT_OUTLIER_DETECTION.maxEjectionPercent}% of endpoints), or settings of your own`);
  }
  const doesSomething = [policy.subsets, policy.routes, policy.failover, policy.failoverPriority].some((l) => Array.isArray(l) && l.length > 0) ||
    policy.outlierDetection !== undefined;
  if (!doesSomething) add('', 'does nothing: give it subsets and routes, failover or failoverPriority, or outlierDetection');
  return problems;
}

/** Checks the subsets and returns the names routes may use. */
function checkSubsets(subsets: (SubsetSpec | null)[], add: (field: string, message: string) => void): Set<string> {
  const names = new Map<string, number>();
  const selectors = new Map<string, number>();
  subsets.forEach((s, j) => {
    if (s === null) return;
    const at = `subsets[${j}]`;
    if (typeof s.name === 'string') {
      const reason = dns1123LabelProblem(s.name);
      if (reason) add(`${at}.name`, `subset name "${s.name}" ${reason}`);
      const first = names.get(s.name);
      if (first !== undefined) {
        add(`${at}.name`, `the subset name "${s.name}" is also used by subsets[${first}]; subset names must be unique in a policy`);
      } else {
        names.set(s.name, j);
      }
    }
    if (s.labels === undefined) return;
    const labels = Object.entries(s.labels);
    if (labels.length === 0) {
      add(`${at}.labels`, 'must name at least one label of the version\'s pods, such as { version: \'v1\' }: a subset without labels ' +
        'takes every endpoint of the service, so it is no version of it');
      return;
    }
    for (const [key, value] of labels) {
      const keyReason = annotationKeyProblem(key);
      if (keyReason) add(memberName(`${at}.labels`, key), `label key ${keyReason}`);
      const valueReason = labelValueProblem(value);
      if (valueReason) add(memberName(`${at}.labels`, key), `label value "${value}" ${valueReason}`);
    }
    const selector = JSON.stringify(labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const same = selectors.get(selector);
    if (same !== undefined) {
      add(`${at}.labels`, `are the labels of subsets[${same}] too, so both subsets take the same pods; give each version the labels of its own pods`);
    } else {
      selectors.set(selector, j);
    }
  });
  return new Set(names.keys());
}

function checkRoutes(routes: (HttpRouteSpec | null)[], subsets: Set<string>, add: (field: string, message: string) => void) {
  const known = [...subsets];
  const isDefault = (r: HttpRouteSpec | null) => r !== null && !(Array.isArray(r.match) && r.match.length > 0);
  routes.forEach((r, i) => {
    if (r === null) return;
    const at = `routes[${i}]`;
    entries(r.match).forEach((m, k) => {
      if (m !== null) checkMatch(m, `${at}.match[${k}]`, add);
    });
    if (isDefault(r) && i < routes.length - 1) {
      add(at, `has no match, so it takes every request and the routes after it are never used; move it last, or give it a match`);
    }
    if (!Array.isArray(r.route)) return;
    const destinations = entries(r.route);
    if (destinations.length === 0) {
      add(`${at}.route`, 'is empty: give at least one subset to send the route\'s requests to');
      return;
    }
    const seen = new Set<string>();
    let sum = 0;
    let weighed = true;
    destinations.forEach((d: RouteDestinationSpec | null, j) => {
      if (d === null) {
        weighed = false;
        return;
      }
      const dat = `${at}.route[${j}]`;
      if (typeof d.subset === 'string') {
        if (!subsets.has(d.subset)) {
          add(`${dat}.subset`, known.length > 0
            ? `names the subset "${d.subset}", which the policy does not define; define it in subsets, or name one of: ${list(known)}`
            : `names the subset "${d.subset}", but the policy has no subsets; define it in subsets with the labels of the version's pods`);
        } else if (seen.has(d.subset)) {
          add(`${dat}.subset`, `names the subset "${d.subset}" a second time in one route; give each subset one destination with its whole weight`);
        }
        seen.add(d.subset);
      }
      if (d.weight === undefined) {
        weighed = false;
        if (destinations.length > 1) add(`${dat}.weight`, 'is required when a route has more than one destination: give each subset its percentage of the route\'s requests');
      } else if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 100) {
        weighed = false;
        add(`${dat}.weight`, `${d.weight} must be a whole number from 0 to 100, a percentage of the route's requests`);
      } else {
        sum += d.weight;
        if (destinations.length === 1 && d.weight !== 100) {
          add(`${dat}.weight`, `is ${d.weight}, but the only destination of a route gets all of its requests; leave weight out, or split the route with another subset`);
        }
      }
    });
    if (weighed && destinations.length > 1 && sum !== 100) {
      add(`${at}.route`, `has weights that add up to ${sum}, not 100: give each subset its percentage of the route's requests, such as 90 and 10`);
    }
  });
  if (routes.length > 0 && routes.every((r) => r !== null && !isDefault(r))) {
    add('routes', 'all have a match, so requests that fit none of them find no route and fail (404); end with a route without match, such as one to the stable version');
  }
}

function checkMatch(m: HttpMatchRequestSpec, at: string, add: (field: string, message: string) => void) {
  if (m.headers === undefined) return;
  const headers = Object.entries(m.headers);
  if (headers.length === 0) {
    add(`${at}.headers`, 'is empty, so the match takes every request; give the headers to match, or leave match out for the default route');
  }
  for (const [name, value] of headers) {
    const field = memberName(`${at}.headers`, name);
    if (!/^[-_a-z0-9]+$/.test(name)) {
      add(field, `header name "${name}" must be lowercase letters, digits, "-" and "_": Istio requires header names in matches ` +
        `to be lowercase; write ${JSON.stringify(name.toLowerCase())}`);
    }
    if (value !== null && typeof value === 'object') checkStringMatch(value, field, add);
  }
}

function checkStringMatch(m: StringMatchSpec, at: string, add: (field: string, message: string) => void) {
  const given = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (given.length !== 1) {
    add(at, given.length === 0
      ? 'gives no value to match: give exactly one of exact, prefix and regex'
      : `gives ${given.join(' and ')}: give exactly one of exact, prefix and regex`);
    return;
  }
  if (m.prefix === '') add(`${at}.prefix`, 'is empty, so it fits every value; give the prefix, or match the header with regex: ".*"');
  if (m.regex !== undefined) {
    if (m.regex === '') add(`${at}.regex`, 'is empty; give an RE2 regular expression');
    else if (m.regex.length > REGEX_MAX_LENGTH) add(`${at}.regex`, `has ${m.regex.length} characters; Istio takes at most ${REGEX_MAX_LENGTH}`);
    else if (/\(\?<?[=!]|\\[1-9]/.test(m.regex)) {
      add(`${at}.regex`, `"${m.regex}" uses lookaround or a backreference, which Envoy's RE2 expressions do not have`);
    }
  }
}

function checkFailover(failover: (LocalityFailoverSpec | null)[], priority: (string | null)[], add: (field: string, message: string) => void) {
  const from = new Map<string, number>();
  failover.forEach((f, i) => {
    if (f === null) return;
    const at = `failover[${i}]`;
    for (const end of ['from', 'to'] as const) {
      const region = f[end];
      if (typeof region !== 'string') continue;
      if (region.includes('/')) {
        add(`${at}.${end}`, `"${region}" names a zone: failover is between regions, and Istio moves between the zones of a region by itself; ` +
          `give the region, ${region.split('/')[0]}`);
      } else if (region.includes('*')) {
        add(`${at}.${end}`, `"${region}" is a pattern; failover names one region`);
      } else {
        const reason = labelValueProblem(region);
        if (reason) add(`${at}.${end}`, `region "${region}" ${reason}`);
      }
    }
    if (typeof f.from === 'string' && f.from === f.to) add(`${at}.to`, `is "${f.to}", the region it fails over from; name another region`);
    if (typeof f.from === 'string') {
      const first = from.get(f.from);
      if (first !== undefined) {
        add(`${at}.from`, `"${f.from}" fails over in failover[${first}] already; a region fails over to one other region`);
      } else {
        from.set(f.from, i);
      }
    }
  });
  const labels = new Set<string>();
  priority.forEach((p, i) => {
    if (p === null) return;
    const at = `failoverPriority[${i}]`;
    // Istio also takes `label=value`, the value to prefer instead of the calling proxy's.
    const eq = p.indexOf('=');
    const key = eq >= 0 ? p.slice(0, eq) : p;
    const keyReason = annotationKeyProblem(key);
    if (keyReason) add(at, `label ${keyReason}`);
    if (eq >= 0) {
      const valueReason = labelValueProblem(p.slice(eq + 1));
      if (valueReason) add(at, `label value "${p.slice(eq + 1)}" ${valueReason}`);
    }
    if (labels.has(key)) add(at, `lists the label "${key}" a second time; list each label once, in order of preference`);
    labels.add(key);
    if (failover.length > 0 && TOPOLOGY_LABELS.includes(key)) {
      add(at, `"${key}" cannot be combined with failover (Istio refuses it): order regions with failover and prioritize by other labels, ` +
        'or leave failover out');
    }
  });
}

function checkOutlierDetection(od: OutlierDetectionSpec, add: (field: string, message: string) => void) {
  const at = 'outlierDetection';
  for (const field of ['consecutive5xxErrors', 'consecutiveGatewayErrors'] as const) {
    const v = od[field];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) add(`${at}.${field}`, `${v} must be a whole number, 0 or more`);
  }
  if (od.consecutive5xxErrors === 0 && !od.consecutiveGatewayErrors) {
    add(at, 'ejects no endpoint: consecutive5xxErrors is 0 and consecutiveGatewayErrors is not set; set either to the errors after which an endpoint is ejected');
  }
  for (const field of ['interval', 'baseEjectionTime'] as const) {
    const v = od[field];
    if (v === undefined) continue;
    const ms = goDurationMs(v);
    if (ms === undefined) add(`${at}.${field}`, `"${v}" is not a duration such as 10s, 1m or 500ms`);
    else if (ms < 1) add(`${at}.${field}`, `"${v}" is shorter than Istio's minimum of 1ms`);
  }
  const p = od.maxEjectionPercent;
  if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 100)) add(`${at}.maxEjectionPercent`, `${p} must be a whole number from 0 to 100`);
}

/**
 * Checks the clusters' localities and the mesh's traffic policies: each policy on its own, one
 * policy per service, and failover only between regions that clusters of the mesh are in.
 */
export function checkTraffic(spec: MeshSpec, add: AddProblem) {
  const clusters = entries(spec.clusters) as (ClusterSpec | null)[];
  const regions: string[] = [];
  clusters.forEach((c, i) => {
    const locality: ClusterLocality | undefined = c?.locality;
    if (c === null || locality === undefined) return;
    const at = `clusters[${i}].locality`;
    if (typeof locality.region === 'string') {
      const reason = labelValueProblem(locality.region);
      if (reason) add(`${at}.region`, `region "${locality.region}" ${reason}`, c.name);
      else if (!regions.includes(locality.region)) regions.push(locality.region);
    }
    const zones = new Set<string>();
    entries(locality.zones).forEach((z, j) => {
      if (z === null) return;
      const reason = labelValueProblem(z);
      if (reason) add(`${at}.zones[${j}]`, `zone "${z}" ${reason}`, c.name);
      if (zones.has(z)) add(`${at}.zones[${j}]`, `"${z}" is listed twice; list each zone once`, c.name);
      zones.add(z);
    });
  });

  const hosts = new Map<string, number>();
  entries(spec.trafficPolicies).forEach((policy, i) => {
    if (policy === null) return;
    const at = `trafficPolicies[${i}]`;
    for (const p of trafficPolicyProblems(policy)) add(p.field === '' ? at : `${at}.${p.field}`, p.message);
    if (typeof policy.host === 'string') {
      const first = hosts.get(policy.host);
      if (first !== undefined) {
        add(`${at}.host`, `"${policy.host}" has a policy already (trafficPolicies[${first}]): both would make the same DestinationRule ` +
          'and VirtualService, one replacing the other; put everything for the service into one policy');
      } else {
        hosts.set(policy.host, i);
      }
    }
    entries(policy.failover).forEach((f, j) => {
      if (f === null) return;
      for (const end of ['from', 'to'] as const) {
        const region = f[end];
        // Malformed regions were reported above.
        if (typeof region !== 'string' || regions.includes(region) || /[/*]/.test(region) || labelValueProblem(region)) continue;
        if (end === 'to' && region === f.from) continue; // reported as failing over to itself
        add(`${at}.failover[${j}].${end}`, regions.length > 0
          ? `names the region "${region}", which no cluster of the mesh is in; name one of: ${list(regions)} (the clusters' locality.region)`
          : `names the region "${region}", but no cluster of the mesh states its locality; set each cluster's locality.region to its nodes' ` +
            'topology.kubernetes.io/region label');
      }
    });
  });
}
