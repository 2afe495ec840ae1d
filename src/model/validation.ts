import {
  Cidr, cidrsOverlap, dns1123LabelProblem, hostAddressProblem, isIPv4, isIPv6,
  labelValueProblem, parseCidr, trustDomainProblem,
} from './formats';
import { DEFAULT_ISTIO_VERSION, parseIstioVersion } from './istio-version';
import { ClusterSpec, IstiodExposure, LoadBalancerOptions, MeshSpec, VerificationClient } from './mesh-spec';

const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

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

/**
 * Checks a whole mesh description and returns every problem found, in a stable order.
 * An empty list means the description is complete and consistent.
 */
export function validateMesh(spec: MeshSpec): MeshProblem[] {
  const problems: MeshProblem[] = [];
  const add = (field: string, message: string, cluster?: string) => problems.push({ cluster, field, message });

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
  if (spec.verificationClient !== undefined && !Object.values(VerificationClient).includes(spec.verificationClient)) {
    add('verificationClient', `"${spec.verificationClient}" is not one of ${Object.values(VerificationClient).join(', ')}`);
  }

  const clusters = spec.clusters ?? [];
  if (clusters.length === 0) {
    add('clusters', 'a mesh needs at least one cluster, and at least one of them must be a primary');
    return problems;
  }

  const byName = new Map<string, ClusterSpec>();
  clusters.forEach((c, i) => {
    if (c.name !== undefined && byName.has(c.name)) {
      add(`clusters[${i}].name`, `the name "${c.name}" is used by more than one cluster; cluster names must be unique in the mesh`, c.name);
    } else if (c.name !== undefined) {
      byName.set(c.name, c);
    }
  });
  const servedBy = new Map<string, string[]>();
  for (const c of clusters) {
    if (c.controlPlaneCluster !== undefined && c.controlPlaneCluster !== c.name) {
      servedBy.set(c.controlPlaneCluster, [...(servedBy.get(c.controlPlaneCluster) ?? []), c.name]);
    }
  }

  clusters.forEach((c, i) => {
    const at = (field: string) => `clusters[${i}].${field}`;
    const nameReason = typeof c.name === 'string' ? dns1123LabelProblem(c.name) : 'is required';
    if (nameReason) add(at('name'), `"${c.name ?? ''}" ${nameReason}`, c.name);
    const networkReason = typeof c.network === 'string' ? labelValueProblem(c.network) : 'is required';
    if (networkReason) add(at('network'), `network "${c.network ?? ''}" ${networkReason}`, c.name);

    const isRemote = c.controlPlaneCluster !== undefined;
    if (isRemote) {
      const primary = byName.get(c.controlPlaneCluster!);
      if (c.controlPlaneCluster === c.name) {
        add(at('controlPlaneCluster'), 'names the cluster itself; leave controlPlaneCluster out to make this cluster a primary', c.name);
      } else if (!primary) {
        add(at('controlPlaneCluster'), `names "${c.controlPlaneCluster}", which is not a cluster of this mesh; name one of: ${[...byName.keys()].join(', ')}`, c.name);
      } else if (primary.controlPlaneCluster !== undefined) {
        add(at('controlPlaneCluster'), `names "${c.controlPlaneCluster}", which is itself a remote (of "${primary.controlPlaneCluster}"); a remote must be controlled by a primary`, c.name);
      }
      if (c.discoveryAddress !== undefined) {
        add(at('discoveryAddress'), 'is set on a remote; only a primary that serves remotes has a discovery address (the remote gets its primary\'s)', c.name);
      }
      if (c.istiodExposure !== undefined) {
        add(at('istiodExposure'), 'is set on a remote; only a primary runs an istiod to expose', c.name);
      }
    }

    const served = isRemote ? [] : (servedBy.get(c.name) ?? []);
    if (c.discoveryAddress !== undefined) {
      const reason = hostAddressProblem(c.discoveryAddress);
      if (reason) add(at('discoveryAddress'), `"${c.discoveryAddress}" ${reason}`, c.name);
    } else if (served.length > 0) {
      add(at('discoveryAddress'), `is required: the remote(s) ${served.join(', ')} reach this primary's istiod at it; ` +
        'set it to the IP address or DNS name of the east-west gateway (or istiod-external) load balancer', c.name);
    }
    if (c.istiodExposure !== undefined && !Object.values(IstiodExposure).includes(c.istiodExposure)) {
      add(at('istiodExposure'), `"${c.istiodExposure}" is not one of ${Object.values(IstiodExposure).join(', ')}`, c.name);
    }
    if (c.kubeContext !== undefined && (c.kubeContext.length === 0 || /[\s"'`$\\]/.test(c.kubeContext))) {
      add(at('kubeContext'), `"${c.kubeContext}" must be a non-empty context name without spaces, quotes, "$" or "\\"`, c.name);
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
    if (c.istiodLoadBalancer !== undefined) {
      checkLoadBalancerOptions(c.istiodLoadBalancer, at('istiodLoadBalancer'), c.name, add);
      if (c.istiodExposure !== IstiodExposure.LOAD_BALANCER || served.length === 0) {
        add(at('istiodLoadBalancer'), 'is set, but this cluster has no istiod-external Service: that needs a primary that serves remotes ' +
          'with istiodExposure IstiodExposure.LOAD_BALANCER', c.name);
      }
    }
  });

  if (!clusters.some((c) => c.controlPlaneCluster === undefined)) {
    add('clusters', 'no cluster is a primary: at least one cluster must run istiod (leave its controlPlaneCluster out)');
  }

  checkEastWestGatewayOptions(clusters, servedBy, add);
  checkCidrs(clusters, add);
  return problems;
}

type AddProblem = (field: string, message: string, cluster?: string) => void;

function checkLoadBalancerOptions(options: LoadBalancerOptions, field: string, cluster: string, add: AddProblem) {
  if (options.loadBalancerIP !== undefined && !isIPv4(options.loadBalancerIP) && !isIPv6(options.loadBalancerIP)) {
    add(`${field}.loadBalancerIP`, `"${options.loadBalancerIP}" must be an IPv4 or IPv6 address`, cluster);
  }
  for (const key of Object.keys(options.serviceAnnotations ?? {})) {
    if (!ANNOTATION_KEY.test(key)) {
      add(`${field}.serviceAnnotations`, `"${key}" is not a valid annotation key (an optional DNS prefix and "/", then a name)`, cluster);
    }
  }
}

/** Gateway overrides on a cluster that gets no gateway are a sign of a mistaken description. */
function checkEastWestGatewayOptions(
  clusters: ClusterSpec[], servedBy: Map<string, string[]>,
  add: AddProblem,
) {
  const multiNetwork = new Set(clusters.map((c) => c.network)).size > 1;
  clusters.forEach((c, i) => {
    if (c.eastWestGateway === undefined || multiNetwork) return;
    const servesThroughGateway = c.controlPlaneCluster === undefined && (servedBy.get(c.name) ?? []).length > 0 &&
      (c.istiodExposure ?? IstiodExposure.EAST_WEST_GATEWAY) === IstiodExposure.EAST_WEST_GATEWAY;
    if (!servesThroughGateway) {
      add(`clusters[${i}].eastWestGateway`, 'is set, but this cluster gets no east-west gateway: it is on a single-network mesh ' +
        'and exposes no istiod through a gateway; remove the overrides', c.name);
    }
  });
}

/** Seed 003's rule: pod and service ranges must not overlap between clusters whose pods route to each other. */
function checkCidrs(clusters: ClusterSpec[], add: AddProblem) {
  interface Range { cluster: string; index: number; field: string; cidr: Cidr }
  const ranges: Range[] = [];
  clusters.forEach((c, i) => {
    for (const field of ['podCidrs', 'serviceCidrs'] as const) {
      (c[field] ?? []).forEach((text, j) => {
        const parsed = parseCidr(text);
        if (typeof parsed === 'string') add(`clusters[${i}].${field}[${j}]`, `"${text}" ${parsed}`, c.name);
        else ranges.push({ cluster: c.name, index: i, field: `${field}[${j}]`, cidr: parsed });
      });
    }
  });
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length; b++) {
      const ra = ranges[a];
      const rb = ranges[b];
      if (ra.index === rb.index) continue;
      if (clusters[ra.index].network !== clusters[rb.index].network) continue;
      if (cidrsOverlap(ra.cidr, rb.cidr)) {
        add(`clusters[${rb.index}].${rb.field}`,
          `${rb.cidr.text} overlaps ${ra.cidr.text} (${ra.field}) of cluster "${ra.cluster}" on the same network ` +
          `"${clusters[ra.index].network}"; pod and service ranges must be unique across clusters that share a network`, rb.cluster);
      }
    }
  }
}
