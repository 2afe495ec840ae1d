/**
 * The order rules (order-rules.ts), checked on the procedure's graph itself: a rule holds when
 * the step at which its later event happens comes, directly or through other steps, after the
 * step of its earlier event.
 */
import { DeliveryStage, ManualStepKind, MeshPlan, Procedure, stepId, VERIFICATION_STEP_ID } from '../src';
import { expectOrder, OrderEvent } from './order-rules';

/** Whether step `to` comes after step `from`, directly or through other steps. */
function reachability(procedure: Procedure): (from: string, to: string) => boolean {
  const byId = new Map(procedure.steps.map((s) => [s.id, s]));
  const ancestors = new Map<string, Set<string>>();
  const of = (id: string): Set<string> => {
    let found = ancestors.get(id);
    if (found) return found;
    found = new Set();
    for (const a of byId.get(id)!.after) {
      found.add(a);
      for (const b of of(a)) found.add(b);
    }
    ancestors.set(id, found);
    return found;
  };
  return (from, to) => of(to).has(from);
}

/**
 * The steps at which an order rule's event happens: the first of them to run. The namespace is
 * made by hand with the CA secret when that is a step done by hand (it comes before anything else).
 */
function stepsOf(plan: MeshPlan, e: OrderEvent): string[] {
  const has = (id: string) => plan.procedure.steps.some((s) => s.id === id);
  const manual = (kind: ManualStepKind) => `manual/${kind}`;
  switch (e.what) {
    case 'namespace': return [stepId(e.cluster, DeliveryStage.NAMESPACE), ...(has(manual(ManualStepKind.TRUST)) ? [manual(ManualStepKind.TRUST)] : [])];
    case 'cacerts': return has(manual(ManualStepKind.TRUST)) ? [manual(ManualStepKind.TRUST)] : [stepId(e.cluster, DeliveryStage.TRUST)];
    case 'base': return [stepId(e.cluster, DeliveryStage.BASE)];
    case 'istiod': return [stepId(e.cluster, DeliveryStage.ISTIOD)];
    case 'istio-cni': return [stepId(e.cluster, DeliveryStage.CNI)];
    case 'ztunnel': return [stepId(e.cluster, DeliveryStage.ZTUNNEL)];
    case 'objects': return [stepId(e.cluster, DeliveryStage.OBJECTS)];
    case 'traffic': return [stepId(e.cluster, DeliveryStage.TRAFFIC)];
    case 'monitoring': return [stepId(e.cluster, DeliveryStage.MONITORING)];
    case 'istio-kubeconfig': return [manual(ManualStepKind.CONFIG_KUBECONFIG)];
    case 'attached': {
      if (has(manual(ManualStepKind.REMOTE_SECRETS))) return [manual(ManualStepKind.REMOTE_SECRETS)];
      const primary = plan.clusters.find((c) => c.name === e.cluster)!.controlPlaneCluster;
      return [stepId(primary, DeliveryStage.REMOTE_SECRETS)];
    }
    case 'verify': return [VERIFICATION_STEP_ID];
  }
}

/** Every order rule of the plan, on its procedure's graph. */
export function expectProcedureOrder(plan: MeshPlan) {
  const { procedure } = plan;
  const after = reachability(procedure);
  const exists = (id: string) => procedure.steps.some((s) => s.id === id);
  expectOrder(plan, (a, b) => {
    const [from, to] = [stepsOf(plan, a).filter(exists), stepsOf(plan, b).filter(exists)];
    if (from.length === 0 || to.length === 0) return undefined;
    // b happens at its first step: every one of them comes after a step of a (or is the step that does a first).
    return to.every((t) => from.some((f) => f === t || after(f, t)));
  }, () => procedure.steps.map((s) => `${s.id} after ${s.after.join(', ') || '-'}`).join('\n'));
}
