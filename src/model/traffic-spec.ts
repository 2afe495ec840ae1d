/**
 * Cross-cluster traffic policies: how requests to one service are split between its versions
 * and fail over between localities, in Istio's own terms (a DestinationRule and a VirtualService).
 */

/**
 * Where a cluster's nodes are, as Kubernetes reports it in their `topology.kubernetes.io/region`
 * and `topology.kubernetes.io/zone` labels. Istio reads the locality of every endpoint from
 * these labels itself; the description states it so that failover between regions can be
 * checked against the clusters that are really there.
 */
export interface ClusterLocality {
  /** The region of the cluster's nodes: the value of their `topology.kubernetes.io/region` label, such as `us-east-1`. */
  readonly region: string;

  /**
   * The zones of the cluster's nodes: the values of their `topology.kubernetes.io/zone` label, such as `us-east-1a`.
   * @default - not stated
   */
  readonly zones?: string[];
}

/** A version of a service: the endpoints whose pods carry the given labels (a DestinationRule subset). */
export interface SubsetSpec {
  /** The subset's name, which routes refer to, such as `v1`: a DNS-1123 label. */
  readonly name: string;

  /** The labels of the version's pods, such as `{ version: 'v1' }`; at least one. */
  readonly labels: Record<string, string>;
}

/** How a request header's value must match; give exactly one of the three (Istio's StringMatch). */
export interface StringMatchSpec {
  /**
   * The whole value.
   * @default - not matched exactly
   */
  readonly exact?: string;

  /**
   * The value's beginning.
   * @default - not matched by prefix
   */
  readonly prefix?: string;

  /**
   * An RE2 regular expression the whole value matches.
   * @default - not matched by expression
   */
  readonly regex?: string;
}

/** The conditions of a route (Istio's HTTPMatchRequest): every header listed must match. */
export interface HttpMatchRequestSpec {
  /** Request headers by lowercase name, such as `{ 'end-user': { exact: 'jason' } }`. */
  readonly headers: Record<string, StringMatchSpec>;
}

/** A share of a route's requests sent to one subset (Istio's HTTPRouteDestination). */
export interface RouteDestinationSpec {
  /** The subset the requests go to: the name of one of the policy's `subsets`. */
  readonly subset: string;

  /**
   * The percentage of the route's requests this subset gets, a whole number from 0 to 100; the
   * weights of one route add up to 100.
   * @default 100, for the only destination of a route
   */
  readonly weight?: number;
}

/** One HTTP route of the service (Istio's HTTPRoute). The first route whose `match` fits a request takes it. */
export interface HttpRouteSpec {
  /**
   * Alternative conditions: the route takes a request that fits any one of them.
   * @default - every request: the route is the default, and must come last
   */
  readonly match?: HttpMatchRequestSpec[];

  /** Where the route's requests go: subsets and their weights. */
  readonly route: RouteDestinationSpec[];
}

/** Failover from one region to another (an entry of Istio's `localityLbSetting.failover`). */
export interface LocalityFailoverSpec {
  /** The region of the calling proxies, such as `us-east-1`. */
  readonly from: string;

  /** The region they fail over to when the service has no healthy endpoint left in their own, such as `us-west-2`. */
  readonly to: string;
}

/**
 * When an endpoint is taken out of the load-balancing pool (Istio's OutlierDetection). Locality
 * failover only ever happens through it: a locality is left once its endpoints are ejected.
 */
export interface OutlierDetectionSpec {
  /**
   * Consecutive 5xx responses (and connection failures) after which an endpoint is ejected; 0 turns this off.
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * Consecutive 502, 503 and 504 responses (and connection failures) after which an endpoint is ejected.
   * @default - not counted apart from consecutive5xxErrors
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * How often endpoints are examined, as a duration such as `10s`.
   * @default '10s'
   */
  readonly interval?: string;

  /**
   * How long an endpoint stays ejected the first time (each further ejection lasts longer), such as `30s`.
   * @default '30s'
   */
  readonly baseEjectionTime?: string;

  /**
   * The largest percentage of the service's endpoints that may be ejected at once.
   * @default 100, so that a whole locality can be emptied and traffic fail over
   */
  readonly maxEjectionPercent?: number;
}

/** The outlier detection of a policy that asks for it with no settings of its own. */
export const DEFAULT_OUTLIER_DETECTION = {
  consecutive5xxErrors: 5,
  interval: '10s',
  baseEjectionTime: '30s',
  // Envoy's own default (10%) would keep most endpoints of a locality in the pool, so traffic
  // would not fail over until nearly every endpoint had failed.
  maxEjectionPercent: 100,
} as const;

/**
 * How requests to one service of the mesh are routed between its versions and fail over between
 * localities, wherever in the mesh they come from: a DestinationRule and, with routes, a
 * VirtualService, both named after the service in its namespace.
 */
export interface TrafficPolicySpec {
  /**
   * The service, by its fully qualified name `<service>.<namespace>.svc.cluster.local` (Istio's
   * `host`), such as `helloworld.sample.svc.cluster.local`. The policy's objects go to its namespace.
   */
  readonly host: string;

  /**
   * The service's versions, which routes split requests between.
   * @default - none
   */
  readonly subsets?: SubsetSpec[];

  /**
   * The HTTP routes, in order: the first whose `match` fits a request takes it, so a route
   * without `match` comes last.
   * @default - none: no VirtualService, requests are balanced over all endpoints
   */
  readonly routes?: HttpRouteSpec[];

  /**
   * Locality failover between regions (`localityLbSetting.failover`): where calls from a region go
   * once the service has no healthy endpoint left there. Needs `outlierDetection`.
   * @default - Istio's default order: same zone, same region, then any other region
   */
  readonly failover?: LocalityFailoverSpec[];

  /**
   * Labels to prefer endpoints by (`localityLbSetting.failoverPriority`): endpoints whose labels
   * have the calling proxy's values, for the first labels first, such as
   * `['topology.istio.io/network', 'topology.kubernetes.io/region']`. Needs `outlierDetection`.
   * @default - by locality only
   */
  readonly failoverPriority?: string[];

  /**
   * Outlier detection, which ejects failing endpoints; `{}` for the defaults of every setting.
   * @default - none
   */
  readonly outlierDetection?: OutlierDetectionSpec;
}

/** The parts of a `<service>.<namespace>.svc.<domain>` host; undefined for any other. */
export function serviceOfHost(host: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.exec(host);
  return m ? { name: m[1], namespace: m[3] } : undefined;
}

/** Outlier detection with its defaults filled in. */
export interface OutlierDetectionSettings {
  readonly consecutive5xxErrors: number;
  readonly consecutiveGatewayErrors?: number;
  readonly interval: string;
  readonly baseEjectionTime: string;
  readonly maxEjectionPercent: number;
}

/** Outlier detection with every default filled in. */
export function outlierDetectionWithDefaults(spec: OutlierDetectionSpec): OutlierDetectionSettings {
  return {
    consecutive5xxErrors: spec.consecutive5xxErrors ?? DEFAULT_OUTLIER_DETECTION.consecutive5xxErrors,
    consecutiveGatewayErrors: spec.consecutiveGatewayErrors,
    interval: spec.interval ?? DEFAULT_OUTLIER_DETECTION.interval,
    baseEjectionTime: spec.baseEjectionTime ?? DEFAULT_OUTLIER_DETECTION.baseEjectionTime,
    maxEjectionPercent: spec.maxEjectionPercent ?? DEFAULT_OUTLIER_DETECTION.maxEjectionPercent,
  };
}
