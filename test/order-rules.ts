import { expect } from 'vitest';
import { ClusterRole, DataPlaneMode, MeshPlan } from '../src';

/**
 * What happens to a cluster during an install, whatever delivers it: its namespace exists
 * (with its network label and control-plane annotation), its CA secret exists, Istio's base
 * chart (CRDs) and istiod chart are in (in an ambient mesh also its cni chart, the istio-cni
 * node agent, and its ztunnel chart), its mesh objects are applied, and (for the cluster being
 * read) a primary holds its remote secret.
 */
export type Happening = 'namespace' | 'cacerts' | 'base' | 'istiod' | 'istio-cni' | 'ztunnel' | 'objects' | 'attached' | 'traffic' | 'monitoring'
  /** With an external control plane: the external cluster holds the config cluster's kubeconfig (`istio-kubeconfig`), an event of the external cluster. */
  | 'istio-kubeconfig'
  /** The verification workloads of a cluster are applied (only the external control plane's rules name it). */
  | 'verify';

export interface OrderEvent {
  readonly cluster: string;
  readonly what: Happening;
}

export interface Precedence {
  readonly before: OrderEvent;
  readonly after: OrderEvent;
  readonly why: string;
}

const ev = (cluster: string, what: Happening): OrderEvent => ({ cluster, what });

/**
 * The order every delivery must keep on empty clusters, the same rules for the README's
 * kubectl path and for Argo CD's waves and Flux's dependencies.
 */
export function requiredOrder(plan: MeshPlan): Precedence[] {
  const rules: Precedence[] = [];
  const byName = new Map(plan.clusters.map((c) => [c.name, c]));
  const ecp = plan.externalControlPlane;
  if (ecp) rules.push(...externalControlPlaneOrder(plan));
  for (const c of plan.clusters) {
    const n = c.name;
    if (c.role === ClusterRole.PRIMARY) {
      rules.push(
        { before: ev(n, 'namespace'), after: ev(n, 'cacerts'), why: 'the CA secret lives in the istio-system namespace' },
        { before: ev(n, 'cacerts'), after: ev(n, 'istiod'), why: 'istiod starts with the shared CA, or it makes its own root' },
      );
    }
    rules.push(
      { before: ev(n, 'namespace'), after: ev(n, 'base'), why: 'the namespace, its network label and control-plane annotation exist before the install' },
      { before: ev(n, 'base'), after: ev(n, 'istiod'), why: 'Istio\'s CRDs come with the base chart, before istiod' },
    );
    if (c.hasMeshObjects) {
      rules.push({ before: ev(n, 'istiod'), after: ev(n, 'objects'), why: 'Istio\'s CRDs and injector exist before its objects and gateway pods' });
    }
    if (plan.dataPlaneMode === DataPlaneMode.AMBIENT) {
      rules.push(
        { before: ev(n, 'namespace'), after: ev(n, 'istio-cni'), why: 'the node agent is installed into the existing istio-system namespace' },
        { before: ev(n, 'istiod'), after: ev(n, 'ztunnel'), why: 'ztunnel gets its certificates and configuration from istiod' },
        { before: ev(n, 'istio-cni'), after: ev(n, 'ztunnel'), why: 'ztunnel serves pods only once istio-cni sends it their traffic' },
      );
    }
    for (const last of [...(c.hasTrafficPolicies ? ['traffic' as const] : []), ...(c.hasMonitoring ? ['monitoring' as const] : [])]) {
      rules.push({ before: ev(n, 'istiod'), after: ev(n, last), why: `istiod runs (and validates Istio objects) before the ${last} step` });
      if (c.hasMeshObjects) rules.push({ before: ev(n, 'objects'), after: ev(n, last), why: `the ${last} step comes after the cluster's mesh objects, whose gateway it may concern` });
    }
    if (c.role === ClusterRole.REMOTE) {
      const primary = byName.get(c.controlPlaneCluster)!;
      rules.push({ before: ev(primary.name, 'istiod'), after: ev(n, 'base'), why: 'the primary runs istiod before its remotes are installed' });
      // With an external control plane no mesh cluster exposes istiod: the config cluster's objects come after every install.
      if (primary.hasMeshObjects && !ecp) {
        rules.push({ before: ev(primary.name, 'objects'), after: ev(n, 'base'), why: 'the primary exposes istiod before its remotes point at it' });
      }
      rules.push({ before: ev(n, 'istiod'), after: ev(n, 'attached'), why: 'a remote is installed before its primary attaches it' });
      if (c.hasMeshObjects) {
        rules.push({ before: ev(n, 'attached'), after: ev(n, 'objects'), why: 'a remote\'s gateway pods are configured only once its primary reads the cluster' });
      }
    }
  }
  return rules;
}

/**
 * The order an external control plane needs on empty clusters (docs/design/external-control-plane.md,
 * section 3), besides every mesh cluster's own rules: the external cluster's namespace, `cacerts` and
 * `istio-kubeconfig` before its istiod; the config cluster's istiod chart (service account `istiod`)
 * before `istio-kubeconfig`; the external istiod before the remotes are attached and before any
 * mesh object, traffic policy or verification workload; a remote's namespace (its annotation)
 * before its remote secret reaches istiod.
 */
function externalControlPlaneOrder(plan: MeshPlan): Precedence[] {
  const ecp = plan.externalControlPlane!;
  const ext = ecp.name;
  const rules: Precedence[] = [
    { before: ev(ext, 'namespace'), after: ev(ext, 'cacerts'), why: 'the CA secret lives in the external istiod\'s namespace' },
    { before: ev(ext, 'namespace'), after: ev(ext, 'istio-kubeconfig'), why: 'istio-kubeconfig lives in the external istiod\'s namespace' },
    { before: ev(ext, 'namespace'), after: ev(ext, 'istiod'), why: 'istiod is installed into the existing namespace' },
    { before: ev(ext, 'cacerts'), after: ev(ext, 'istiod'), why: 'istiod starts with the shared CA, or it makes its own root' },
    { before: ev(ecp.configCluster, 'istiod'), after: ev(ext, 'istio-kubeconfig'), why: 'the config cluster\'s istiod chart makes the service account istio-kubeconfig is a kubeconfig for' },
    { before: ev(ext, 'istio-kubeconfig'), after: ev(ext, 'istiod'), why: 'without istio-kubeconfig istiod takes the external cluster for its config cluster' },
  ];
  for (const c of plan.clusters) {
    const n = c.name;
    if (c.role === ClusterRole.REMOTE) {
      rules.push(
        { before: ev(ext, 'istiod'), after: ev(n, 'attached'), why: 'the external istiod runs before the remotes\' secrets reach it' },
        { before: ev(n, 'namespace'), after: ev(n, 'attached'), why: 'istiod reads the controlPlaneClusters annotation once, when the remote secret comes' },
      );
    }
    if (c.hasMeshObjects) rules.push({ before: ev(ext, 'istiod'), after: ev(n, 'objects'), why: 'the external istiod injects the gateways\' pods' });
    if (c.hasTrafficPolicies) rules.push({ before: ev(ext, 'istiod'), after: ev(n, 'traffic'), why: 'the external istiod validates the traffic policies' });
    if (plan.verification) rules.push({ before: ev(ext, 'istiod'), after: ev(n, 'verify'), why: 'the external istiod injects the verification workloads' });
  }
  return rules;
}

/**
 * Checks every rule against an observed order. `precedes(a, b)` says whether a is sure to
 * have happened before b; `undefined` when one of them does not happen at all.
 */
export function expectOrder(plan: MeshPlan, precedes: (a: OrderEvent, b: OrderEvent) => boolean | undefined, describe: () => string) {
  const broken: string[] = [];
  for (const rule of requiredOrder(plan)) {
    const holds = precedes(rule.before, rule.after);
    if (holds !== true) {
      broken.push(`${rule.before.cluster} ${rule.before.what} ${holds === undefined ? '(or its successor) never happens' : 'does not come'} before ` +
        `${rule.after.cluster} ${rule.after.what}: ${rule.why}`);
    }
  }
  expect(broken, `${broken.join('\n')}\n${describe()}`).toEqual([]);
}
