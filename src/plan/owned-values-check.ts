import { AddProblem } from '../model/delivery-validation';
import { fieldName } from '../model/field-name';
import { OverrideLevel, overrideLevels, shownValue } from '../model/istio-values-validation';
import { MeshSpec } from '../model/mesh-spec';
import { MeshProblem } from '../model/validation';
import { derivedInstallValues } from './install/istio-values';
import { ownedValueConflicts } from './install/owned-values';
import type { MeshPlan } from './mesh-plan';

/** What to do instead of overriding a value the library derives, by its path in the values. */
const OWNED_VALUE_ADVICE: Record<string, string> = {
  'global.meshID': 'it is the mesh\'s meshId; set that instead',
  'global.multiCluster.clusterName': 'it is the cluster\'s name; rename the cluster instead',
  'global.network': 'it is the cluster\'s network; set that instead',
  'meshConfig.trustDomain': 'it is the mesh\'s trustDomain; set that instead',
  'global.externalIstiod': 'the library sets it on every primary that serves remotes; leave it out',
  'global.remotePilotAddress': 'it is the discoveryAddress of the cluster\'s primary; set that instead',
  'global.configCluster': 'the library sets it on every remote of a primary, as Istio\'s primary-remote guide does, and on an external control plane\'s config cluster; leave it out',
  'istiodRemote.injectionPath': 'the library derives it from the cluster\'s name and network; leave it out',
  'istiodRemote.injectionURL': 'the library derives it from the primary\'s discoveryAddress and the cluster\'s name and network; leave it out',
  'pilot.env.ISTIOD_CUSTOM_HOST': 'it is the cluster\'s discoveryAddress, which istiod\'s certificate must name; set that instead',
  'pilot.autoscaleEnabled': 'it follows the cluster\'s istiod option: false when replicas equals maxReplicas; set istiod.replicas and istiod.maxReplicas instead',
  'pilot.autoscaleMin': 'it is the cluster\'s istiod.replicas; set that instead',
  'pilot.autoscaleMax': 'it is the cluster\'s istiod.maxReplicas; set that instead',
  'pilot.replicaCount': 'it is the cluster\'s istiod.replicas, a fixed number since it equals istiod.maxReplicas; set that instead',
  'global.defaultPodDisruptionBudget.enabled': 'istiod gets a PodDisruptionBudget only when istiod.replicas is 2 or more, since with one ' +
    'replica it blocks every node drain; set istiod.replicas instead',
};

/** How many clusters or values a message names before it stops with "…". */
const LISTED = 5;

/**
 * Refuses overrides that would change a value the library derives for a cluster (its name,
 * network, mesh ID, trust domain, remote settings, …): a different value, `null`, an object in
 * place of a value, or anything but an object in place of an object of derived values.
 * The derived values come from the plan, so this runs only on a description whose structure and
 * meaning are valid, with the plan derived from it. A mesh-level override is reported once, with
 * the clusters it conflicts for.
 */
export function ownedValueProblems(spec: MeshSpec, plan: MeshPlan): MeshProblem[] {
  const problems: MeshProblem[] = [];
  const add: AddProblem = (field, message, cluster) => problems.push({ cluster, field, message });
  const overridden = overrideLevels(spec);
  if (overridden.length === 0) return problems;
  const derived = plan.clusters.map((c) => derivedInstallValues(plan, c));

  for (const level of overridden) {
    const clusters = level.at.length === 0 ? plan.clusters.map((_c, i) => i) : [level.at[1] as number];
    // By field, in the order found: what the override gives, and what each cluster requires.
    const found = new Map<string, { given: unknown; path: string; required: { cluster: string; value: unknown }[] }>();
    for (const i of clusters) {
      const { profile: _profile, meshConfig, ...values } = derived[i];
      const conflicts = [
        ...ownedValueConflicts(values, level.values ?? {}).map((c) => ({ ...c, key: 'values' })),
        ...ownedValueConflicts(meshConfig, level.meshConfig ?? {}).map((c) => ({ ...c, key: 'meshConfig' })),
      ];
      for (const c of conflicts) {
        const field = fieldName([...level.at, c.key, ...c.path]);
        const entry = found.get(field) ?? { given: c.given, path: [...(c.key === 'meshConfig' ? ['meshConfig'] : []), ...c.path].join('.'), required: [] };
        entry.required.push({ cluster: plan.clusters[i].name, value: c.required });
        found.set(field, entry);
      }
    }
    // In the order of the description, not of the clusters they were found in.
    const order = keyOrder(level);
    for (const [field, { given, path, required }] of [...found].sort(([a], [b]) => order.get(a)! - order.get(b)!)) {
      add(field, conflictMessage(given, path, required, level.at.length === 0), level.cluster);
    }
  }
  return problems;
}

/** The field of every key of a level's overrides, numbered in the order of the description. */
function keyOrder(level: OverrideLevel): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (value: unknown, keys: string[]) => {
    order.set(fieldName([...level.at, ...keys]), order.size);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...keys, k]);
    }
  };
  if (level.values !== undefined) visit(level.values, ['values']);
  if (level.meshConfig !== undefined) visit(level.meshConfig, ['meshConfig']);
  return order;
}

/** `is "west", but the mesh requires "east" here: it is the cluster's network; set that instead`. */
function conflictMessage(given: unknown, path: string, required: { cluster: string; value: unknown }[], meshLevel: boolean): string {
  let where: string;
  if (meshLevel) {
    // One requirement per distinct value, with the clusters that have it.
    const byValue = new Map<string, { value: unknown; clusters: string[] }>();
    for (const r of required) {
      const key = JSON.stringify(r.value);
      const group = byValue.get(key) ?? { value: r.value, clusters: [] };
      group.clusters.push(r.cluster);
      byValue.set(key, group);
    }
    const groups = [...byValue.values()];
    where = groups.slice(0, LISTED).map((g) => `${shownValue(g.value)} for ${listOf(g.clusters)}`).join('; ') + (groups.length > LISTED ? '; …' : '');
  } else {
    where = shownValue(required[0].value);
  }
  const here = meshLevel ? '' : ' here';
  if (required.some((r) => r.value !== null && typeof r.value === 'object')) {
    const what = given === null ? 'deletes (null)' : `is ${shownValue(given)}, which would replace`;
    return `${what} values the mesh requires${here}: ${where}; give an object with only the keys you want to change`;
  }
  const what = given === null ? 'deletes (null)' : Array.isArray(given) ? 'is a list' : typeof given === 'object' ? 'is an object' : `is ${shownValue(given)}`;
  const advice = OWNED_VALUE_ADVICE[path] ?? 'the library derives it from the description; leave it out';
  return `${what}, but the mesh requires ${where}${here}: ${advice}`;
}

/** `a, b, c` or `a, b, c, d, e and 7 more`. */
function listOf(names: string[]): string {
  return names.length > LISTED ? `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more` : names.join(', ');
}
