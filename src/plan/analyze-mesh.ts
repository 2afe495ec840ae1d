/**
 * The one analysis of a mesh description: every check, then the plan, each done once.
 *
 * The model checks what needs no plan (structure, meaning, Istio values); the plan is then
 * derived from the checked description, and the Istio value overrides are compared with the
 * values it derives for each cluster. Everything that validates or plans a description
 * (the mesh construct, mesh files, the command line) goes through `analyzeMesh`.
 */
import { MeshSpec } from '../model/mesh-spec';
import { checkDescription, MeshCheck, MeshProblem, MeshValidationError } from '../model/validation';
import { derivePlan } from './derive-plan';
import type { MeshPlan } from './mesh-plan';
import { ownedValueProblems } from './owned-values-check';

/** A description analysed: its problems, or, when it has none, the normalized description and its plan. */
export interface MeshAnalysis extends MeshCheck {
  /** The plan derived from `spec`; set only when there are no problems. */
  readonly plan?: MeshPlan;
}

/**
 * Checks a whole mesh description and, when it is valid, derives its plan. Any value at all
 * may be passed (for example parsed JSON): every problem is returned, in a stable order, never
 * thrown.
 */
export function analyzeMesh(input: unknown): MeshAnalysis {
  const { problems, plannable } = checkDescription(input);
  if (!plannable) return { problems };
  const plan = derivePlan(plannable);
  const all = [...problems, ...ownedValueProblems(plannable, plan)];
  return all.length > 0 ? { problems: all } : { problems: [], spec: plannable, plan };
}

/**
 * Checks a whole mesh description and returns every problem found, in a stable order.
 * An empty list means the description is complete and consistent. Any value at all may
 * be passed (for example parsed JSON): wrong types, unknown fields and values that are
 * not plain data are problems like any other, never exceptions.
 */
export function validateMesh(spec: unknown): MeshProblem[] {
  return analyzeMesh(spec).problems;
}

/** Like {@link validateMesh}, and also returns the normalized plain-data description when it is valid. */
export function checkMesh(input: unknown): MeshCheck {
  const { problems, spec } = analyzeMesh(input);
  return { problems, spec };
}

/**
 * Validates a mesh description and derives the per-cluster plan.
 * @throws MeshValidationError listing every problem, when the description has any
 */
export function planMesh(description: MeshSpec): MeshPlan {
  const { problems, plan } = analyzeMesh(description);
  if (!plan) throw new MeshValidationError(problems);
  return plan;
}
