import { IstioInstallValues } from './istio-values';

/** Values for Istio's `base` chart (CRDs and cluster-wide resources). */
export interface BaseChartValues {
  readonly profile?: string;
}

/**
 * The `base` chart takes only the profile: Istio's profiles are shared by all its
 * charts, and the remote profile must be chosen consistently in both.
 */
export function renderBaseChartValues(values: IstioInstallValues): BaseChartValues {
  return values.profile !== undefined ? { profile: values.profile } : {};
}

/** The `istiod` chart takes every value; with the remote profile it installs no istiod, only what points at the primary. */
export function renderIstiodChartValues(values: IstioInstallValues): IstioInstallValues {
  return values;
}
