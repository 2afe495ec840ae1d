/**
 * Reading a cluster's Istio install values back from each format the output carries them in, so
 * that tests can check that every format holds the same values (one values model per cluster).
 */
import { expect } from 'vitest';
import { DeliveryStage, helmIstiodValuesPath, istioOperatorPath, MeshFile, MeshPlan, MeshSpec, sailIstioDir } from '../src';
import { EmittedObject, fileDocument, parseObjects } from './support';

/** Delivery with all three tools, at a release all of them know, so that every format is written. */
export const DELIVERED: Pick<MeshSpec, 'istioVersion' | 'delivery'> = {
  istioVersion: '1.30.3',
  delivery: { repository: { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' }, argoCd: {}, flux: {}, sailOperator: true },
};

/**
 * A cluster's install values as each format carries them, read back from the written files, in
 * one shape: the IstioOperator's and the Sail Operator's profile and mesh config moved in beside
 * the values, as the `istiod` chart's values file holds them.
 */
export function valuesByFormat(plan: MeshPlan, files: MeshFile[], cluster: string): Record<string, any> {
  const objects = parseObjects(files);
  const step = (stage: DeliveryStage) => plan.delivery.steps.find((s) => s.cluster === cluster && s.stage === stage)!.name;
  const one = (kind: string, name: string): EmittedObject => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found, `${kind} ${name}`).toHaveLength(1);
    return found[0];
  };
  const withProfile = (profile: string | undefined, values: object) => ({ ...(profile === undefined ? {} : { profile }), ...values });
  const iop = fileDocument(files, istioOperatorPath(cluster));
  const [sail] = parseObjects(files, (p) => p.startsWith(`${sailIstioDir(cluster)}/`)).filter((o) => o.kind === 'Istio');
  return {
    'IstioOperator': withProfile(iop.spec.profile, { meshConfig: iop.spec.meshConfig, ...iop.spec.values }),
    'Helm istiod values': fileDocument(files, helmIstiodValuesPath(cluster)),
    'Argo CD valuesObject': one('Application', step(DeliveryStage.ISTIOD)).spec.source.helm.valuesObject,
    'Flux HelmRelease values': one('HelmRelease', step(DeliveryStage.ISTIOD)).spec.values,
    'Sail Istio spec.values': withProfile(sail.spec.profile, sail.spec.values),
  };
}
