/**
 * One values model behind every format: the IstioOperator, the Helm values files, Argo CD's
 * `valuesObject`, Flux's `values` and the Sail Operator's `spec.values` of a cluster all
 * carry the same install values, for every cluster of every topology.
 */
import { describe, expect, it } from 'vitest';
import {
  DeliveryStage, helmBaseValuesPath, helmIstiodValuesPath, istioInstallValues, istioOperatorPath, MeshFile, MeshPlan, MeshSpec, sailIstioDir,
} from '../src';
import { largeMesh } from '../src/examples/large-meshes';
import { fileDocument, MIXED_MESH, parseObjects, synth } from './support';
import { seedTopologies } from '../src/examples/seed-topologies';
import { App } from 'cdk8s';
import { renderBaseChartValues, renderMeshFiles } from '../src';

const delivery = {
  istioVersion: '1.30.3',
  delivery: {
    repository: { url: 'https://git.example.com/platform/mesh.git', path: 'meshes' },
    argoCd: {}, flux: {}, sailOperator: true,
  },
};

const cases: [string, MeshPlan, MeshFile[]][] = [
  ...Object.entries(seedTopologies(new App())).map(([name, mesh]): [string, MeshPlan, MeshFile[]] => [name, mesh.plan!, renderMeshFiles(mesh)]),
  ...([['a mix of primaries and remotes on two networks', { ...MIXED_MESH, ...delivery }],
    ['a 12-cluster primary-remote mesh', { ...largeMesh('primary-remote', 12), ...delivery }]] as [string, MeshSpec][])
    .map(([name, spec]): [string, MeshPlan, MeshFile[]] => {
      const { mesh, files } = synth(spec);
      return [name, mesh.plan!, files];
    }),
];

describe.each(cases)('the install values of %s', (_name, plan, files) => {
  const objects = parseObjects(files);
  const named = (kind: string, name: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found, `${kind} ${name}`).toHaveLength(1);
    return found[0];
  };
  const stepName = (cluster: string, stage: DeliveryStage) => plan.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage)!.name;

  it.each(plan.clusters.map((c) => [c.name, c] as const))('are the same in every format for %s', (name, cluster) => {
    const model = JSON.parse(JSON.stringify(istioInstallValues(plan, cluster)));
    const { profile, ...withoutProfile } = model;
    const baseModel = renderBaseChartValues(model);

    const iop = fileDocument(files, istioOperatorPath(name));
    const { profile: iopProfile, meshConfig, values } = iop.spec;
    expect({ ...(iopProfile === undefined ? {} : { profile: iopProfile }), meshConfig, ...values }, 'IstioOperator').toEqual(model);
    expect(fileDocument(files, helmIstiodValuesPath(name)), 'Helm istiod values').toEqual(model);
    expect(fileDocument(files, helmBaseValuesPath(name)), 'Helm base values').toEqual(baseModel);

    // A mesh without GitOps delivery (the external control plane example) has the IstioOperator and Helm values only.
    if (plan.delivery.argoCd === undefined) return;
    const argoIstiod = named('Application', stepName(name, DeliveryStage.ISTIOD));
    const argoBase = named('Application', stepName(name, DeliveryStage.BASE));
    expect(argoIstiod.spec.source.helm.valuesObject, 'Argo CD istiod valuesObject').toEqual(model);
    expect(argoBase.spec.source.helm.valuesObject ?? {}, 'Argo CD base valuesObject').toEqual(baseModel);

    const fluxIstiod = named('HelmRelease', stepName(name, DeliveryStage.ISTIOD));
    const fluxBase = named('HelmRelease', stepName(name, DeliveryStage.BASE));
    expect(fluxIstiod.spec.values, 'Flux istiod values').toEqual(model);
    expect(fluxBase.spec.values ?? {}, 'Flux base values').toEqual(baseModel);

    const sail = parseObjects(files, (p) => p.startsWith(`${sailIstioDir(name)}/`)).filter((o) => o.kind === 'Istio');
    expect(sail).toHaveLength(1);
    // Sail installs ztunnel from a ZTunnel resource of its own, in the `ztunnel` namespace, which istiod must then trust.
    const { ztunnel, ...sailValues } = withoutProfile;
    const sailExpected = ztunnel === undefined ? withoutProfile
      : { ...sailValues, pilot: { ...sailValues.pilot, trustedZtunnelNamespace: 'ztunnel' } };
    expect(sail[0].spec.values, 'Sail spec.values').toEqual(sailExpected);
    expect(sail[0].spec.profile, 'Sail spec.profile').toBe(profile);
  });
});
