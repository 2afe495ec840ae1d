/**
 * Istio's Helm charts that the output installs: one row per chart, read by everything that
 * installs one (the values files, the README's Helm commands, Argo CD's and Flux's releases),
 * so that a new chart is one row here and one stage of the procedure.
 */
import { DeliveryStage, HELM_CHART_NAMES, HELM_RELEASE_NAMES, HelmStage } from '../../model/delivery-names';
import { IstioInstallValues } from '../../plan/install/istio-values';
import { helmBaseValuesPath, helmCniValuesPath, helmIstiodValuesPath, helmZtunnelValuesPath } from '../layout';
import { renderBaseChartValues, renderCniChartValues, renderIstiodChartValues, renderZtunnelChartValues } from './helm-values';

/** One of Istio's charts, as every install path and delivery format installs it. */
export interface IstioChart {
  readonly stage: HelmStage;
  /** The chart's name in Istio's Helm repository. */
  readonly chart: string;
  /** The Helm release in every cluster: the same on every path, so that each sees one release. */
  readonly release: string;
  /** The cluster's values file, relative to the mesh's directory. */
  readonly valuesFile: (cluster: string) => string;
  /** The chart's values, projected from the cluster's one values model. */
  readonly values: (values: IstioInstallValues) => object;
  /** How the values file's header names the chart. */
  readonly title: string;
  /** Whether the chart runs pods, which `helm --wait` waits for (the base chart has only CRDs and RBAC). */
  readonly hasWorkload: boolean;
}

const chart = (stage: HelmStage, row: Omit<IstioChart, 'stage' | 'chart' | 'release'>): IstioChart =>
  ({ stage, chart: HELM_CHART_NAMES[stage], release: HELM_RELEASE_NAMES[stage], ...row });

/** Every chart, by stage, in the order a cluster installs them. */
export const ISTIO_CHARTS: Record<HelmStage, IstioChart> = {
  [DeliveryStage.BASE]: chart(DeliveryStage.BASE, { valuesFile: helmBaseValuesPath, values: renderBaseChartValues, title: 'base chart', hasWorkload: false }),
  [DeliveryStage.ISTIOD]: chart(DeliveryStage.ISTIOD, { valuesFile: helmIstiodValuesPath, values: renderIstiodChartValues, title: 'istiod chart', hasWorkload: true }),
  [DeliveryStage.CNI]: chart(DeliveryStage.CNI, { valuesFile: helmCniValuesPath, values: renderCniChartValues, title: 'cni chart (istio-cni)', hasWorkload: true }),
  [DeliveryStage.ZTUNNEL]: chart(DeliveryStage.ZTUNNEL, { valuesFile: helmZtunnelValuesPath, values: renderZtunnelChartValues, title: 'ztunnel chart', hasWorkload: true }),
};

/** Whether a stage installs one of Istio's charts. */
export function isHelmStage(stage: DeliveryStage): stage is HelmStage {
  return Object.prototype.hasOwnProperty.call(ISTIO_CHARTS, stage);
}
