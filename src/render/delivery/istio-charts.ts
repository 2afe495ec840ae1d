import { DeliveryStage, HELM_CHART_NAMES, HELM_RELEASE_NAMES, HelmStage } from '../../model/delivery-names';
import { DeliveryStep } from '../../plan/delivery-plan';
import {
  renderBaseChartValues, renderCniChartValues, renderIstiodChartValues, renderZtunnelChartValues,
} from '../install/helm-values';
import { IstioInstallValues } from '../../plan/install/istio-values';

/**
 * Each chart's values, projected from the cluster's one values model by the same functions as
 * the Helm values files, so that Argo CD, Flux and Helm cannot disagree.
 */
const CHART_VALUES: Record<HelmStage, (values: IstioInstallValues) => object> = {
  [DeliveryStage.BASE]: renderBaseChartValues,
  [DeliveryStage.ISTIOD]: renderIstiodChartValues,
  [DeliveryStage.CNI]: renderCniChartValues,
  [DeliveryStage.ZTUNNEL]: renderZtunnelChartValues,
};

/** Whether a step installs one of Istio's Helm charts. */
export function isHelmStage(stage: DeliveryStage): stage is HelmStage {
  return Object.prototype.hasOwnProperty.call(CHART_VALUES, stage);
}

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

/** What installs a chart step's chart, with the cluster's values. */
export function istioChartInstall(stage: HelmStage, values: IstioInstallValues): IstioChartInstall {
  return { chart: HELM_CHART_NAMES[stage], releaseName: HELM_RELEASE_NAMES[stage], values: CHART_VALUES[stage](values) };
}
