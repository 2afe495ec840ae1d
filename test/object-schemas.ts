/** The independent schemas every emitted object is validated against (see schema.test.ts). */
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { PushSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1alpha1/PushSecret';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Gateway as KubernetesGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { HelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { sailSchemaErrors } from './sail-schema';


interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

/** The Sail Operator's resources (`Istio`, `IstioCNI`, `ZTunnel`), checked against their CRD's schema as the API server would. */
class SailResource implements Validatable {
  constructor(private readonly data: { kind?: unknown }) {}

  public validate(): void {
    const errors = sailSchemaErrors(this.data);
    if (errors.length > 0) throw new Error(`${String(this.data.kind)}: ${errors.join('; ')}`);
  }
}

/** `${apiVersion}/${kind}` → the model that validates it. Only these kinds may be emitted. */
export const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.istio.io/v1/Gateway': Gateway,
  'networking.istio.io/v1/VirtualService': VirtualService,
  'networking.istio.io/v1/DestinationRule': DestinationRule,
  // Its schema covers only apiVersion, kind and metadata: spec is free-form in the CRD.
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
  'argoproj.io/v1alpha1/Application': Application,
  'source.toolkit.fluxcd.io/v1/GitRepository': GitRepository,
  'source.toolkit.fluxcd.io/v1/HelmRepository': HelmRepository,
  'helm.toolkit.fluxcd.io/v2/HelmRelease': HelmRelease,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization,
  'sailoperator.io/v1/Istio': SailResource,
  'sailoperator.io/v1/IstioCNI': SailResource,
  'sailoperator.io/v1/ZTunnel': SailResource,
  'cert-manager.io/v1/Issuer': Issuer,
  'cert-manager.io/v1/Certificate': Certificate,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1alpha1/PushSecret': PushSecret,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'gateway.networking.k8s.io/v1/Gateway': KubernetesGateway,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

export const typeKey = (o: { apiVersion?: unknown; kind?: unknown }) => `${o.apiVersion}/${o.kind}`;

/** Validates one object against its registered model; throws when it is invalid or has no model. */
export function validateObject(o: any): void {
  const Model = MODELS[typeKey(o)];
  if (!Model) throw new Error(`no schema registered for ${typeKey(o)}: register a model before emitting this kind`);
  new Model(o).validate();
}

