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
  deliveryOrder, FluxMode, istioInstallValues, MeshPlan, MeshSpec, planMesh, renderArgoCd, renderFlux, renderReadme, seedTopologySpecs, withWaves,
} from '../src';
import { runCli } from '../src/cli/main';
import { largeMesh } from '../src/examples/large-meshes';
import { renderPlanText } from '../src/cli/plan-text';
import { ClusterFiles } from '../src/render/readme';
import { filesOf } from './delivery-renderer';
import { expectReadmeOrder } from './readme-order';
import { expectProcedureOrder } from './procedure-order';
import { AMBIENT_MESH, CERT_MANAGER, ECP_CONFIG_ONLY, EXTERNAL_SECRETS, FROM_STORE, guideTopologies, MIXED_MESH, synth } from './support';


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

describe.each(meshes)('the procedure of %s', (_name, spec) => {
  const plan = planMesh(spec);
  const { procedure } = plan;

  it('keeps every order rule, on the graph itself', () => {
    expectProcedureOrder(plan);
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
    // The kubectl path: which primary's control plane the README installs first.
    const installs = [...readme.matchAll(/^## \d+\. Install the control plane of the primary `([^`]+)`/gm)].map((m) => m[1]);
    return { argoWaves, fluxDependsOn, delivery, installs, json: JSON.stringify(plan), text: renderPlanText(plan) };
  }

  it('changes the README\'s kubectl path and delivery order, the Argo CD waves, the Flux dependsOn and the plan printed, together', () => {
    const plan = planMesh(spec);
    // cluster1's charts wait for cluster2's istiod: one more edge in the graph, against the description's order.
    const procedure = withWaves({
      steps: plan.procedure.steps.map((s) => (s.id === 'cluster1/istio-base' ? { ...s, after: [...s.after, 'cluster2/istiod'] } : s)),
    });
    const mutated: MeshPlan = { ...plan, procedure, delivery: { ...plan.delivery, ...deliveryOrder(procedure) } };
    const [before, after] = [views(plan), views(mutated)];

    expect(before.installs).toEqual(['cluster1', 'cluster2']);
    expect(after.installs).toEqual(['cluster2', 'cluster1']);
    expect(after.delivery).not.toEqual(before.delivery);
    expect(after.argoWaves).not.toEqual(before.argoWaves);
    expect(after.argoWaves).toContain('mesh1-cluster1-istio-base: 4');
    expect(after.fluxDependsOn).not.toEqual(before.fluxDependsOn);
    expect(after.fluxDependsOn.find((d) => d.startsWith('Kustomization/mesh1-cluster1-control-plane'))).toMatch(/mesh1-cluster2-control-plane/);
    expect(after.json).not.toEqual(before.json);
    expect(after.text).toMatch(/istio-base \(wave 4, after cluster1\/namespace, cluster2\/istiod\)/);
  });

  it('is refused where the README\'s sections cannot keep it: a primary\'s install after another primary\'s remote', () => {
    // west-1's charts after east-2's: the primaries' section after the remotes', which comes after the primaries' (east-2 after east-1).
    const plan = planMesh(MIXED_MESH);
    const procedure = withWaves({
      steps: plan.procedure.steps.map((s) => (s.id === 'west-1/istio-base' ? { ...s, after: [...s.after, 'east-2/istiod'] } : s)),
    });
    const layout = new Map<string, ClusterFiles>(plan.clusters.map((c) => [c.name, { manifests: [], verification: [] }]));
    expect(() => renderReadme({ ...plan, procedure }, layout)).toThrow(/orders primaries' installs, remotes' installs.* in a cycle/);
  });
});

describe('the executed README, checked against the procedure', () => {
  it('fails where the README does a step before one it comes after', async () => {
    // The README of the description, run against a procedure with one more edge than the README was written from.
    const { mesh, files } = synth(guideTopologies()['multi-primary']);
    const plan = mesh.plan!;
    const procedure = withWaves({
      steps: plan.procedure.steps.map((s) => (s.id === 'cluster1/istio-base' ? { ...s, after: [...s.after, 'cluster2/istiod'] } : s)),
    });
    const mutated: MeshPlan = { ...plan, procedure, delivery: { ...plan.delivery, ...deliveryOrder(procedure) } };
    await expect(expectReadmeOrder(mutated, files)).rejects.toThrow(/cluster1\/istio-base \(call #\d+\) is not done after cluster2\/istiod/);
  });
});

describe('plan --format json', () => {
  it.each(Object.keys(seedTopologySpecs()))('prints the procedure\'s steps of examples/%s.yaml, each with what it comes after', async (name) => {
    let out = '';
    const io = { out: (t: string) => { out += t; }, err: () => {}, env: {} };
    expect(await runCli(['plan', '--format', 'json', `examples/${name}.yaml`], io)).toBe(0);
    const printed = JSON.parse(out) as MeshPlan;
    const plan = planMesh(seedTopologySpecs()[name]);
    expect(printed.procedure.steps).toEqual(plan.procedure.steps);
    expect(printed.procedure.steps.map((s) => s.id)).toEqual(expect.arrayContaining([
      ...plan.clusters.map((c) => `${c.name}/namespace`), ...plan.clusters.map((c) => `${c.name}/istiod`), 'verify',
    ]));
  });
});

describe('registering the clusters with a delivery tool', () => {
  const repository = { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' };

  it('is a step done by hand before every step, for Argo CD every cluster, for one Flux every cluster but its own', () => {
    const plan = planMesh({ ...MIXED_MESH, delivery: { repository, argoCd: {}, flux: { mode: FluxMode.HUB, hubCluster: 'east-1' } } });
    const argo = plan.procedure.steps.find((s) => s.id === 'manual/argocd-clusters')!;
    const flux = plan.procedure.steps.find((s) => s.id === 'manual/flux-kubeconfigs')!;
    expect([argo.tool, argo.clusters]).toEqual(['argocd', plan.clusters.map((c) => c.name)]);
    expect([flux.tool, flux.clusters]).toEqual(['flux', plan.clusters.map((c) => c.name).filter((n) => n !== 'east-1')]);
    for (const step of plan.procedure.steps.filter((s) => s.delivery)) expect(step.after).toEqual(expect.arrayContaining([argo.id, flux.id]));
    const placed = plan.delivery.manualSteps.filter((m) => m.kind === argo.manual || m.kind === flux.manual);
    expect(placed.map((m) => [m.afterWave, m.before.length])).toEqual([[-1, plan.delivery.steps.length], [-1, plan.delivery.steps.length]]);
    expect(renderPlanText(plan)).toContain('by hand: every cluster registered with Argo CD (argocd cluster add), for Argo CD only; before every step');
  });

  it('is no step without a tool that reaches the clusters from outside: Flux in every cluster', () => {
    const plan = planMesh({ ...MIXED_MESH, delivery: { repository, flux: { mode: FluxMode.PER_CLUSTER } } });
    expect(plan.procedure.steps.filter((s) => s.tool !== undefined)).toEqual([]);
  });
});
