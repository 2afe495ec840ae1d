import { IstioInstallValues } from '../../plan/install/istio-values';

/** Values for Istio's `base` chart (CRDs and cluster-wide resources). */
export interface BaseChartValues {
  readonly profile?: string;
  /** With an external control plane: Istio's namespace, where the default validator's Service is. */
  readonly global?: { readonly istioNamespace: string };
  /** With an external control plane reached by DNS name: where the API server calls the validator. */
  readonly base?: { readonly validationURL: string };
  /** `''` on a further remote of an external control plane: no default validator, which nobody would patch. */
  readonly defaultRevision?: string;
}

/**
 * The `base` chart takes the profile (Istio's profiles are shared by all its charts, and the
 * remote profile must be chosen consistently in both), and, with an external control plane, the
 * Istio namespace, the validation URL and the default revision that its validator follows.
 */
export function renderBaseChartValues(values: IstioInstallValues): BaseChartValues {
  const base = values.base as BaseChartValues['base'] | undefined;
  return {
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values.global.istioNamespace !== undefined ? { global: { istioNamespace: values.global.istioNamespace } } : {}),
    ...(base?.validationURL !== undefined ? { base: { validationURL: base.validationURL } } : {}),
    ...(typeof values.defaultRevision === 'string' ? { defaultRevision: values.defaultRevision } : {}),
  };
}

/** The `istiod` chart takes every value; with the remote profile it installs no istiod, only what points at the primary. */
export function renderIstiodChartValues(values: IstioInstallValues): IstioInstallValues {
  return values;
}

/**
 * Values for Istio's `cni` chart (the `istio-cni` node agent) in an ambient mesh: the profile, the
 * global values every chart shares, and the `cni` section of the values model, which the chart
 * reads as its own top level (as istioctl passes it).
 */
export function renderCniChartValues(values: IstioInstallValues): Record<string, unknown> {
  return { profile: values.profile, global: values.global, ...(values.cni !== undefined ? { cni: values.cni } : {}) };
}

/**
 * Values for Istio's `ztunnel` chart in an ambient mesh: the profile, the global values every chart
 * shares, and the values model's `ztunnel` section (the cluster's name and network, with which
 * ztunnel reports its workloads to istiod) at the chart's top level, where istioctl puts it too.
 */
export function renderZtunnelChartValues(values: IstioInstallValues): Record<string, unknown> {
  return { profile: values.profile, global: values.global, ...values.ztunnel };
}
