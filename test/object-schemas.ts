/** The independent schemas every emitted object is validated against (see schema.test.ts). */
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
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


interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

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
  // Its schema covers only apiVersion, kind and metadata: spec is free-form in the CRD.
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
};

export const typeKey = (o: { apiVersion?: unknown; kind?: unknown }) => `${o.apiVersion}/${o.kind}`;

/** Validates one object against its registered model; throws when it is invalid or has no model. */
export function validateObject(o: any): void {
  const Model = MODELS[typeKey(o)];
  if (!Model) throw new Error(`no schema registered for ${typeKey(o)}: register a model before emitting this kind`);
  new Model(o).validate();
}

