/**
 * The install procedure is one graph of steps (src/plan/procedure.ts), and every order the output
 * states is read off it: the order rules hold on the graph itself for every topology, its waves
 * follow its edges, and a change to one step's dependencies changes the Argo CD waves, the Flux
 * dependsOn, the README's delivery order and `plan --json` together.
 */
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  deliveryOrder, DeliveryStage, FluxMode, istioInstallValues, ManualStepKind, MeshPlan, MeshSpec, planMesh, Procedure, renderArgoCd, renderFlux,
  renderReadme, stepId, Topology, TrustMode, withWaves,
} from '../src';
import { largeMesh } from '../src/examples/large-meshes';
import { renderPlanText } from '../src/cli/plan-text';
import { ClusterFiles } from '../src/render/readme';
import { filesOf } from './delivery-renderer';
import { expectOrder, OrderEvent } from './order-rules';
import { ECP_CONFIG_ONLY, guideTopologies, MIXED_MESH } from './support';

const EXTERNAL_SECRETS = (spec: MeshSpec): MeshSpec => ({
  ...spec,
  remoteCredentials: { externalSecrets: { secretStore: { name: 'mesh-credentials', kind: 'ClusterSecretStore' } } },
  clusters: spec.clusters.map((c) => ({ ...c, apiServer: `https://${c.name}.k8s.example.com` })),
});
const CERT_MANAGER: MeshSpec['trust'] = { mode: TrustMode.CERT_MANAGER };
const FROM_STORE: MeshSpec['trust'] = { mode: TrustMode.CERT_MANAGER, certManager: { rootCaFromStore: { secretStore: { name: 'vault' }, key: 'mesh/root' } } };
const AMBIENT_MESH = Topology.ambientMultiNetwork({
  istioVersion: '1.30.3',
  clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
});

const base: [string, MeshSpec][] = [
  ...Object.entries(guideTopologies()),
  ['two primaries with remotes', MIXED_MESH],
  ['12 clusters, primaries with remotes', largeMesh('primary-remote', 12)],
  ['40 primaries on ten networks', largeMesh('multi-primary', 40)],
  ['an ambient mesh', AMBIENT_MESH],
];
const meshes: [string, MeshSpec][] = [
  ...base,
  ...base.map(([name, spec]): [string, MeshSpec] => [`${name}, remote secrets through External Secrets`, EXTERNAL_SECRETS(spec)]),
  ...base.flatMap(([name, spec]): [string, MeshSpec][] => [
    [`${name}, trust by cert-manager`, { ...spec, trust: CERT_MANAGER }],
    [`${name}, trust by cert-manager with the root from a store`, { ...spec, trust: FROM_STORE }],
  ]),
  ['an external control plane with its config cluster alone', ECP_CONFIG_ONLY],
  ['an external control plane with two more remotes', {
    ...ECP_CONFIG_ONLY,
    clusters: [{ name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network1' }, { name: 'cluster3', network: 'network2' }],
  }],
];

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
    case 'verify': return [];
  }
}

describe.each(meshes)('the procedure of %s', (_name, spec) => {
  const plan = planMesh(spec);
  const { procedure } = plan;

  it('keeps every order rule, on the graph itself', () => {
    const after = reachability(procedure);
    const exists = (id: string) => procedure.steps.some((s) => s.id === id);
    expectOrder(plan, (a, b) => {
      const [from, to] = [stepsOf(plan, a).filter(exists), stepsOf(plan, b).filter(exists)];
      // The verification is run by the README once everything else is in; it is not a step of the graph.
      if (b.what === 'verify') return true;
      if (from.length === 0 || to.length === 0) return undefined;
      // b happens at its first step: every one of them comes after a step of a (or is the step that does a first).
      return to.every((t) => from.some((f) => f === t || after(f, t)));
    }, () => procedure.steps.map((s) => `${s.id} after ${s.after.join(', ') || '-'}`).join('\n'));
  });

  it('names only steps it has, in no cycle, each delivered step in a later wave than every step it comes after', () => {
    const byId = new Map(procedure.steps.map((s) => [s.id, s]));
    expect(byId.size).toBe(procedure.steps.length);
    const waveOf = new Map(deliveryOrder(procedure).manualSteps.map((m) => [`manual/${m.kind}`, m.afterWave]));
    for (const s of procedure.steps) if (s.delivery) waveOf.set(s.id, s.delivery.wave);
    for (const s of procedure.steps) {
      for (const a of s.after) {
        expect(byId.has(a), `${s.id} comes after ${a}`).toBe(true);
        if (s.delivery) expect(s.delivery.wave, `${s.id} after ${a}`).toBeGreaterThan(waveOf.get(a)!);
      }
    }
    expect(() => withWaves(procedure)).not.toThrow();
    expect(withWaves(procedure)).toEqual(procedure);
  });

  it('is what the delivery follows: its steps by wave, each after the delivered steps it comes after', () => {
    expect(deliveryOrder(procedure)).toEqual({ steps: plan.delivery.steps, manualSteps: plan.delivery.manualSteps });
  });
});

describe('a procedure whose steps come after each other in a cycle', () => {
  it('is refused, naming a step of the cycle', () => {
    const { procedure } = planMesh(guideTopologies()['multi-primary']);
    const cyclic = { steps: procedure.steps.map((s) => (s.id === 'cluster1/istio-base' ? { ...s, after: [...s.after, 'cluster1/istiod'] } : s)) };
    expect(() => withWaves(cyclic)).toThrow(/cycle through cluster1\//);
  });
});

describe('one change to the procedure', () => {
  const spec: MeshSpec = {
    ...guideTopologies()['multi-primary'],
    delivery: { repository: { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' }, argoCd: {}, flux: { mode: FluxMode.HUB } },
  };

  /** Every view of the order that the output gives, rendered from a plan. */
  function views(plan: MeshPlan) {
    const values = new Map(plan.clusters.map((c) => [c.name, istioInstallValues(plan, c)]));
    const objects = (dirs: ReturnType<typeof renderArgoCd>) => dirs.filter((d) => d.chart).flatMap((d) => filesOf(d).flatMap((f) => f.objects));
    const argoWaves = objects(renderArgoCd(new Construct(new App(), 'mesh'), plan, values))
      .filter((o) => o.kind === 'Application' && o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)
      .map((o) => `${o.metadata.name}: ${o.metadata.annotations['argocd.argoproj.io/sync-wave']}`).sort();
    const fluxDependsOn = objects(renderFlux(new Construct(new App(), 'mesh'), plan, values))
      .filter((o) => o.spec?.dependsOn !== undefined)
      .map((o) => `${o.kind}/${o.metadata.name}: ${o.spec.dependsOn.map((d: { name: string }) => d.name).join(',')}`).sort();
    const layout = new Map<string, ClusterFiles>(plan.clusters.map((c) => [c.name, { manifests: [], verification: [] }]));
    const readme = renderReadme(plan, layout);
    expect(readme).toContain('## Delivering with Argo CD');
    const delivery = readme.slice(readme.indexOf('## Delivering with Argo CD'));
    return { argoWaves, fluxDependsOn, readme: delivery, json: JSON.stringify(plan), text: renderPlanText(plan) };
  }

  it('changes the Argo CD waves, the Flux dependsOn, the README\'s delivery order and the plan printed, together', () => {
    const plan = planMesh(spec);
    // cluster2's charts wait for cluster1's: one more edge in the graph.
    const procedure = withWaves({
      steps: plan.procedure.steps.map((s) => (s.id === 'cluster2/istio-base' ? { ...s, after: [...s.after, 'cluster1/istiod'] } : s)),
    });
    const mutated: MeshPlan = { ...plan, procedure, delivery: { ...plan.delivery, ...deliveryOrder(procedure) } };
    const [before, after] = [views(plan), views(mutated)];

    expect(after.argoWaves).not.toEqual(before.argoWaves);
    expect(after.argoWaves).toContain('mesh1-cluster2-istio-base: 4');
    expect(after.fluxDependsOn).not.toEqual(before.fluxDependsOn);
    expect(after.fluxDependsOn.find((d) => d.startsWith('Kustomization/mesh1-cluster2-control-plane'))).toMatch(/mesh1-cluster1-control-plane/);
    expect(after.readme).not.toEqual(before.readme);
    expect(after.json).not.toEqual(before.json);
    expect(after.text).not.toEqual(before.text);
    expect(after.text).toMatch(/istio-base \(wave 4, after cluster2\/namespace, cluster1\/istiod\)/);
  });
});
