import { HelmStage } from '../../model/delivery-names';
import { DeliveryStep } from '../../plan/delivery-plan';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { ISTIO_CHARTS, isHelmStage } from '../install/charts';

export { isHelmStage } from '../install/charts';

/** A step that installs one of Istio's Helm charts. */
export type ChartStep = DeliveryStep & { readonly stage: HelmStage };

export const isChartStep = (step: DeliveryStep): step is ChartStep => isHelmStage(step.stage);

/** One of Istio's charts as a GitOps tool installs it for a step. */
export interface IstioChartInstall {
  /** The chart's name in Istio's Helm repository. */
  readonly chart: string;
  /** The Helm release: the kubectl path's, so that either path sees one release. */
  readonly releaseName: string;
  /** The chart's values for the cluster. */
  readonly values: object;
}

/**
 * What installs a chart step's chart, with the cluster's values, projected by the same function
 * as the Helm values file, so that Argo CD, Flux and Helm cannot disagree.
 */
export function istioChartInstall(stage: HelmStage, values: IstioInstallValues): IstioChartInstall {
  const row = ISTIO_CHARTS[stage];
  return { chart: row.chart, releaseName: row.release, values: row.values(values) };
}
