import { AddProblem } from './delivery-validation';
import { fieldName } from './field-name';
import { DataPlaneMode, JsonObject, MeshSpec } from './mesh-spec';

/** The overrides of one level of the description: the mesh, or one cluster. */
export interface OverrideLevel {
  /** `[]` for the mesh, `['clusters', i]` for a cluster. */
  readonly at: (string | number)[];
  readonly cluster?: string;
  readonly values?: JsonObject;
  readonly meshConfig?: JsonObject;
}

/** The levels of the description that override Istio values or mesh config, the mesh first. */
export function overrideLevels(spec: MeshSpec): OverrideLevel[] {
  const clusters = Array.isArray(spec.clusters) ? spec.clusters : [];
  return [
    { at: [], values: spec.values, meshConfig: spec.meshConfig },
    ...clusters.map((c, i): OverrideLevel => ({ at: ['clusters', i], cluster: c?.name, values: c?.values, meshConfig: c?.meshConfig })),
  ].filter((l) => l.values !== undefined || l.meshConfig !== undefined);
}

/**
 * Refuses, whatever the rest of the description, the values that the library chooses itself or
 * cannot support (the profile, mesh config given inside `values`, revisions), and numbers that
 * JSON and YAML cannot carry to Istio.
 */
export function checkIstioValueFields(spec: MeshSpec, add: AddProblem) {
  for (const { at, cluster, values, meshConfig } of overrideLevels(spec)) {
    for (const [key, object] of [['values', values], ['meshConfig', meshConfig]] as const) {
      if (object === undefined) continue;
      for (const path of nonFiniteNumbers(object)) {
        add(fieldName([...at, key, ...path.keys]), `is ${path.value}, which JSON, YAML and Helm cannot carry; give a finite number`, cluster);
      }
    }
    if (values === undefined) continue;
    const field = (...keys: string[]) => fieldName([...at, 'values', ...keys]);
    const profileAdvice = 'the library chooses each cluster\'s profile: remote on a remote (a cluster with controlPlaneCluster), ' +
      'ambient in an ambient mesh (dataPlaneMode), Istio\'s default on any other primary; remove it';
    if (hasKey(values, 'profile')) add(field('profile'), profileAdvice, cluster);
    if (hasKey(values.global, 'profile')) add(field('global', 'profile'), `is read by Istio's charts as the profile, and ${profileAdvice}`, cluster);
    if (hasKey(values, 'meshConfig')) {
      add(field('meshConfig'), `is not where mesh config goes: move it to ${fieldName([...at, 'meshConfig'])}, which every format carries ` +
        '(IstioOperator spec.meshConfig, the istiod chart\'s meshConfig, the Sail Operator\'s spec.values.meshConfig)', cluster);
    }
    if (spec.dataPlaneMode === DataPlaneMode.AMBIENT) {
      // The istiod chart reads it under `pilot` and at its top level alike.
      for (const keys of [['pilot', 'trustedZtunnelNamespace'], ['trustedZtunnelNamespace']]) {
        const parent = keys.length === 2 ? (values as Record<string, unknown>).pilot : values;
        if (!hasKey(parent, keys[keys.length - 1])) continue;
        add(field(...keys), 'is chosen by the library in an ambient mesh: istiod must trust the namespace ztunnel is installed in, ' +
          'istio-system with istioctl and Helm, ztunnel with the Sail Operator; remove it', cluster);
      }
    }
    if (hasKey(values, 'revision') && values.revision !== '' && values.revision !== null) {
      add(field('revision'), `${shownValue(values.revision)}: revisions are not supported yet, since the east-west gateway, the exposed ` +
        'istiod and the remote secrets assume the default revision; remove it', cluster);
    }
  }
}

function hasKey(object: unknown, key: string): boolean {
  return object !== null && typeof object === 'object' && !Array.isArray(object) && Object.prototype.hasOwnProperty.call(object, key);
}

/** Where NaN and the infinities are, which plain data may hold and JSON may not. */
function nonFiniteNumbers(value: unknown, keys: (string | number)[] = []): { keys: (string | number)[]; value: number }[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [{ keys, value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, [...keys, Array.isArray(value) ? Number(k) : k]));
}


/** A value as JSON, shortened, as messages quote it. */
export function shownValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}
