import { Cidr, cidrsOverlap, dns1123LabelProblem, httpsUrlProblem, labelValueProblem, parseCidr, trustDomainProblem } from './formats';
import { AddProblem, checkDelivery } from './delivery-validation';
import { fieldName } from './field-name';
import { checkRemoteCredentials, checkSecretStores, checkTrust } from './trust-validation';
import { checkTraffic } from './traffic-validation';
import { checkMonitoring } from './monitoring-validation';
import { checkAmbient } from './ambient-validation';
import { checkExternalControlPlane } from './external-control-plane-validation';
import { checkDiscoveryAddress, checkIstiodOptions, checkKubeContext, checkLoadBalancerOptions } from './field-checks';
import { DEFAULT_ISTIO_VERSION, IstioVersion, parseIstioVersion } from './istio-version';
import { ClusterSpec, IstiodExposure, MeshSpec } from './mesh-spec';
import { readPlainData } from './plain-data';
import { checkShape } from './structure';
import { checkIstioValueFields } from './istio-values-validation';

export { fieldName } from './field-name';

/** One thing wrong with a mesh description. */
export interface MeshProblem {
  /** The cluster the problem is about, when it is about one. */
  readonly cluster?: string;
  /** The field at fault, as a path into the description (`clusters[1].network`). */
  readonly field: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

/** Renders a problem as one line: `cluster "c2" (clusters[1].network): ...`. */
export function formatProblem(problem: MeshProblem): string {
  const where = problem.cluster === undefined ? problem.field : `cluster "${problem.cluster}" (${problem.field})`;
  return `${where}: ${problem.message}`;
}

/** Thrown instead of writing anything when a description has problems; lists them all. */
export class MeshValidationError extends Error {
  public readonly problems: MeshProblem[];

  constructor(problems: MeshProblem[], subject = 'the mesh description') {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${count} in ${subject}; nothing was written:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'MeshValidationError';
    this.problems = problems;
  }
}

/** The outcome of checking a description: its problems, or the description as plain, normalized data. */
export interface MeshCheck {
  readonly problems: MeshProblem[];
  /** A plain-data copy with the Istio version normalized; set only when there are no problems. */
  readonly spec?: MeshSpec;
}

/** What the model alone can check of a description, before any plan is derived. */
export interface DescriptionCheck {
  /** The problems of the description's structure, meaning and Istio values. */
  readonly problems: MeshProblem[];
  /**
   * A plain-data copy with the Istio version normalized, set when the structure and meaning
   * are valid, so that a plan can be derived from it: the Istio value overrides may still have
   * problems (in `problems`), and those that conflict with the derived values are found against
   * the plan (see `analyzeMesh`).
   */
  readonly plannable?: MeshSpec;
}

/**
 * Checks everything about a description that needs no plan, and returns every problem found,
 * in a stable order. Any value at all may be passed (for example parsed JSON): wrong types,
 * unknown fields and values that are not plain data are problems like any other, never
 * exceptions. Use `analyzeMesh`, which runs this first, for the whole check.
 */
export function checkDescription(input: unknown): DescriptionCheck {
  const { value, unreadable } = readPlainData(input);
  const located = [...unreadable, ...checkShape(value)];
  const spec = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as unknown as MeshSpec;
  const clusterAt = (index: unknown) => {
    const c = typeof index === 'number' && Array.isArray(spec.clusters) ? (spec.clusters[index] as ClusterSpec | null) : undefined;
    return typeof c?.name === 'string' ? c.name : undefined;
  };

  // A value that is not plain data is reported once, not also as being of the wrong type.
  const shapeFields = new Set<string>();
  const problems: MeshProblem[] = [];
  for (const p of located) {
    const field = fieldName(p.path);
    if (shapeFields.has(field)) continue;
    shapeFields.add(field);
    problems.push({ cluster: p.path[0] === 'clusters' ? clusterAt(p.path[1]) : undefined, field, message: p.message });
  }
  // Wrong shapes were removed from `spec`, so these checks of meaning can trust the types.
  const add: AddProblem = (field, message, cluster) => {
    if (!shapeFields.has(field)) problems.push({ cluster, field, message });
  };
  const version = checkMeaning(spec, add);
  // A plan, against which overrides of the values the library derives are checked, can be
  // derived from a description whose structure and meaning are valid.
  const plannable = problems.length === 0 && typeof version !== 'string';
  checkIstioValueFields(spec, add);
  return { problems, plannable: plannable ? { ...spec, istioVersion: version.text } : undefined };
}

/** The cluster entries of a shape-checked description; an entry of a wrong shape is null. */
type Clusters = (ClusterSpec | null)[];

function checkMeaning(spec: MeshSpec, add: AddProblem): IstioVersion | string {
  if (spec.meshId !== undefined) {
    const reason = dns1123LabelProblem(spec.meshId);
    if (reason) add('meshId', `"${spec.meshId}" ${reason}`);
  }
  if (spec.trustDomain !== undefined) {
    const reason = trustDomainProblem(spec.trustDomain);
    if (reason) add('trustDomain', `"${spec.trustDomain}" ${reason}`);
  }
  const version = parseIstioVersion(spec.istioVersion ?? DEFAULT_ISTIO_VERSION);
  if (typeof version === 'string') add('istioVersion', version);

  if (!Array.isArray(spec.clusters)) return version;
  const clusters: Clusters = spec.clusters;
  if (clusters.length === 0) {
    add('clusters', 'a mesh needs at least one cluster, and at least one of them must be a primary');
    return version;
  }

  const byName = new Map<string, ClusterSpec>();
  clusters.forEach((c, i) => {
    if (c === null || c.name === undefined) return;
    if (byName.has(c.name)) {
      add(`clusters[${i}].name`, `the name "${c.name}" is used by more than one cluster; cluster names must be unique in the mesh`, c.name);
    } else {
      byName.set(c.name, c);
    }
  });
  const servedBy = new Map<string, string[]>();
  // An external control plane serves every cluster; what clusters say of istiods is refused on its own.
  const ownControlPlanes = spec.externalControlPlane === undefined;
  for (const c of ownControlPlanes ? clusters : []) {
    if (c?.controlPlaneCluster !== undefined && c.controlPlaneCluster !== c.name && c.name !== undefined) {
      const served = servedBy.get(c.controlPlaneCluster);
      if (served) served.push(c.name);
      else servedBy.set(c.controlPlaneCluster, [c.name]);
    }
  }

  clusters.forEach((c, i) => {
    if (c !== null) checkCluster(c, i, byName, servedBy.get(c.name) ?? [], typeof version === 'string' ? undefined : version, ownControlPlanes, add);
  });

  if (spec.externalControlPlane === undefined && !clusters.some((c) => c !== null && c.controlPlaneCluster === undefined)) {
    add('clusters', 'no cluster is a primary: at least one cluster must run istiod (leave its controlPlaneCluster out)');
  }
  checkEastWestGatewayOptions(clusters, servedBy, add);
  checkCidrs(clusters, add);
  checkDelivery(spec, clusters, typeof version === 'string' ? undefined : version, add);
  checkTrust(spec, add);
  checkRemoteCredentials(spec, typeof version === 'string' ? undefined : version, add);
  checkSecretStores(spec, add);
  checkTraffic(spec, add);
  checkMonitoring(spec, add);
  checkAmbient(spec, clusters, typeof version === 'string' ? undefined : version, add);
  checkExternalControlPlane(spec, clusters, typeof version === 'string' ? undefined : version, add);
  return version;
}

function checkCluster(
  c: ClusterSpec, i: number, byName: Map<string, ClusterSpec>, servedByThis: string[],
  version: IstioVersion | undefined, ownControlPlanes: boolean, add: AddProblem,
) {
  const at = (field: string) => `clusters[${i}].${field}`;
  if (c.name !== undefined) {
    const reason = dns1123LabelProblem(c.name);
    if (reason) add(at('name'), `"${c.name}" ${reason}`, c.name);
  }
  if (c.network !== undefined) {
    const reason = labelValueProblem(c.network);
    if (reason) add(at('network'), `network "${c.network}" ${reason}`, c.name);
  }

  const isRemote = c.controlPlaneCluster !== undefined;
  if (!ownControlPlanes) {
    // The external control plane's checks name these fields.
  } else if (isRemote) {
    const primary = byName.get(c.controlPlaneCluster!);
    if (c.controlPlaneCluster === c.name) {
      add(at('controlPlaneCluster'), 'names the cluster itself; leave controlPlaneCluster out to make this cluster a primary', c.name);
    } else if (!primary) {
      const names = [...byName.keys()];
      add(at('controlPlaneCluster'), `names "${c.controlPlaneCluster}", which is not a cluster of this mesh; name one of: ` +
        `${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … (${names.length} clusters)` : ''}`, c.name);
    } else if (primary.controlPlaneCluster !== undefined) {
      add(at('controlPlaneCluster'), `names "${c.controlPlaneCluster}", which is itself a remote (of "${primary.controlPlaneCluster}"); a remote must be controlled by a primary`, c.name);
    }
    if (c.discoveryAddress !== undefined) {
      add(at('discoveryAddress'), 'is set on a remote; only a primary that serves remotes has a discovery address (the remote gets its primary\'s)', c.name);
    }
    if (c.istiodExposure !== undefined) {
      add(at('istiodExposure'), 'is set on a remote; only a primary runs an istiod to expose', c.name);
    }
    if (c.istiod !== undefined) {
      add(at('istiod'), `is set on a remote, which runs no istiod: the istiod of its primary "${c.controlPlaneCluster}" serves it; ` +
        'set istiod there instead', c.name);
    }
  } else if (c.istiod !== undefined) {
    checkIstiodOptions(c.istiod, at('istiod'), c.name, add);
  }

  const served = isRemote ? [] : servedByThis;
  const exposure = c.istiodExposure ?? IstiodExposure.EAST_WEST_GATEWAY;
  if (!ownControlPlanes) {
    // As above.
  } else if (c.discoveryAddress !== undefined && !isRemote) {
    // Remotes would point where nothing listens unless the address is that of the Service exposing istiod.
    const exposing = exposure === IstiodExposure.LOAD_BALANCER
      ? { field: 'istiodLoadBalancer', options: c.istiodLoadBalancer } : { field: 'eastWestGateway', options: c.eastWestGateway };
    checkDiscoveryAddress(c.discoveryAddress, at('discoveryAddress'), c.name, version, served.length > 0 ? exposing : undefined, add);
  } else if (served.length > 0) {
    add(at('discoveryAddress'), `is required: the remote(s) ${served.slice(0, 10).join(', ')}${served.length > 10 ? ', …' : ''} reach this primary's istiod at it; ` +
      'set it to the IP address or DNS name of the east-west gateway (or istiod-external) load balancer', c.name);
  }
  if (c.kubeContext !== undefined) checkKubeContext(c.kubeContext, at('kubeContext'), c.name, add);
  if (c.apiServer !== undefined) {
    const reason = httpsUrlProblem(c.apiServer);
    if (reason) add(at('apiServer'), `"${c.apiServer}" ${reason}`, c.name);
  }

  const gw = c.eastWestGateway;
  if (gw !== undefined) {
    if (gw.replicas !== undefined && (!Number.isInteger(gw.replicas) || gw.replicas < 1)) {
      add(at('eastWestGateway.replicas'), `${gw.replicas} must be a whole number of at least 1`, c.name);
    }
    if (gw.maxReplicas !== undefined && (!Number.isInteger(gw.maxReplicas) || gw.maxReplicas < (gw.replicas ?? 1))) {
      add(at('eastWestGateway.maxReplicas'), `${gw.maxReplicas} must be a whole number no smaller than replicas (${gw.replicas ?? 1})`, c.name);
    }
    checkLoadBalancerOptions(gw, at('eastWestGateway'), c.name, add);
  }
  if (c.istiodLoadBalancer !== undefined && ownControlPlanes) {
    checkLoadBalancerOptions(c.istiodLoadBalancer, at('istiodLoadBalancer'), c.name, add);
    if (c.istiodExposure !== IstiodExposure.LOAD_BALANCER || served.length === 0) {
      add(at('istiodLoadBalancer'), 'is set, but this cluster has no istiod-external Service: that needs a primary that serves remotes ' +
        'with istiodExposure IstiodExposure.LOAD_BALANCER', c.name);
    }
  }
}

/** Gateway overrides on a cluster that gets no gateway are a sign of a mistaken description. */
function checkEastWestGatewayOptions(clusters: Clusters, servedBy: Map<string, string[]>, add: AddProblem) {
  const multiNetwork = new Set(clusters.map((c) => c?.network)).size > 1;
  clusters.forEach((c, i) => {
    if (c === null || c.eastWestGateway === undefined || multiNetwork) return;
    const servesThroughGateway = c.controlPlaneCluster === undefined && (servedBy.get(c.name) ?? []).length > 0 &&
      (c.istiodExposure ?? IstiodExposure.EAST_WEST_GATEWAY) === IstiodExposure.EAST_WEST_GATEWAY;
    if (!servesThroughGateway) {
      add(`clusters[${i}].eastWestGateway`, 'is set, but this cluster gets no east-west gateway: it is on a single-network mesh ' +
        'and exposes no istiod through a gateway; remove the overrides', c.name);
    }
  });
}

/** Seed 003's rule: pod and service ranges must not overlap between clusters whose pods route to each other. */
function checkCidrs(clusters: Clusters, add: AddProblem) {
  interface Range { cluster: string; index: number; field: string; cidr: Cidr }
  const ranges: Range[] = [];
  clusters.forEach((c, i) => {
    if (c === null) return;
    for (const field of ['podCidrs', 'serviceCidrs'] as const) {
      (c[field] ?? []).forEach((text, j) => {
        if (text === null) return;
        const parsed = parseCidr(text);
        if (typeof parsed === 'string') add(`clusters[${i}].${field}[${j}]`, `"${text}" ${parsed}`, c.name);
        else ranges.push({ cluster: c.name, index: i, field: `${field}[${j}]`, cidr: parsed });
      });
    }
  });
  // Sorted by prefix, a range can only overlap ranges that follow it while they share its prefix.
  ranges.sort((a, b) => (a.cidr.family - b.cidr.family) || (a.cidr.prefixBits < b.cidr.prefixBits ? -1 : a.cidr.prefixBits > b.cidr.prefixBits ? 1 : 0));
  const overlaps: [Range, Range][] = [];
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length && cidrsOverlap(ranges[a].cidr, ranges[b].cidr); b++) {
      const [first, second] = ranges[a].index < ranges[b].index || (ranges[a].index === ranges[b].index && ranges[a].field < ranges[b].field)
        ? [ranges[a], ranges[b]] : [ranges[b], ranges[a]];
      if (first.index === second.index) continue;
      if (clusters[first.index]!.network !== clusters[second.index]!.network) continue;
      overlaps.push([first, second]);
    }
  }
  // Reported in description order, by the later range's position, so that problems read in the order of the file.
  overlaps.sort(([a1, a2], [b1, b2]) => (a2.index - b2.index) || (a2.field < b2.field ? -1 : a2.field > b2.field ? 1 : 0) ||
    (a1.index - b1.index) || (a1.field < b1.field ? -1 : 1));
  for (const [ra, rb] of overlaps) {
    add(`clusters[${rb.index}].${rb.field}`,
      `${rb.cidr.text} overlaps ${ra.cidr.text} (${ra.field}) of cluster "${ra.cluster}" on the same network ` +
      `"${clusters[ra.index]!.network}"; pod and service ranges must be unique across clusters that share a network`, rb.cluster);
  }
}
