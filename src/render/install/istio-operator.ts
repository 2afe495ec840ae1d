import { ISTIO_SYSTEM_NAMESPACE } from '../../constructs/istio-names';
import { IstioInstallValues } from '../../plan/install/istio-values';

/** An `IstioOperator` resource as `istioctl install -f` reads it. */
export interface IstioOperatorResource {
  readonly apiVersion: 'install.istio.io/v1alpha1';
  readonly kind: 'IstioOperator';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly profile?: string;
    /** For an external istiod: only istiod, of the `empty` profile's components. */
    readonly components?: { readonly pilot: { readonly enabled: true } };
    readonly meshConfig: IstioInstallValues['meshConfig'];
    readonly values: Omit<IstioInstallValues, 'profile' | 'meshConfig'>;
  };
}

/**
 * Renders install values as an IstioOperator: the profile and mesh config move to
 * `spec.profile` and `spec.meshConfig`, every other value stays under `spec.values`.
 */
export function renderIstioOperator(name: string, values: IstioInstallValues, options: { readonly istiodOnly?: boolean } = {}): IstioOperatorResource {
  const { profile, meshConfig, ...rest } = values;
  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    // istioctl installs into `global.istioNamespace` too; the two agree.
    metadata: { name, namespace: values.global.istioNamespace ?? ISTIO_SYSTEM_NAMESPACE },
    spec: {
      ...(options.istiodOnly ? { profile: 'empty', components: { pilot: { enabled: true as const } } } : profile !== undefined ? { profile } : {}),
      meshConfig,
      values: rest,
    },
  };
}
