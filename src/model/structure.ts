import Ajv, { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { MESH_SPEC_SCHEMA } from './mesh-schema.gen';
import { describeValue, PlainData } from './plain-data';

/** A problem with the shape of a description: a wrong type, an unknown or a missing field. */
export interface ShapeProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateShape = ajv.compile(MESH_SPEC_SCHEMA);

const ARTICLE: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object',
};

/** Extra advice for wrong types that people make for a reason. */
function typeHint(path: (string | number)[], value: unknown, expected: string): string {
  // Quoting helps only where text is expected (`clusters: 3` needs a list, not quotes).
  if (expected !== 'string') return '';
  const field = path[path.length - 1];
  if (field === 'istioVersion' && typeof value === 'number') return ': quote it ("1.31.1"), or YAML and JSON read a version as a number';
  if (typeof value === 'number' || typeof value === 'boolean') return ': quote it, so that it is read as text';
  return '';
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key;
  });
}

function unknownFieldMessage(error: ErrorObject): string {
  const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const key: string = error.params.additionalProperty;
  const guess = known.length > 0 ? closest(key, known) : undefined;
  const similar = guess !== undefined &&
    (distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3)) ||
      guess.toLowerCase().startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(guess.toLowerCase()));
  const advice = similar ? `did you mean "${guess}"?` : `the fields here are: ${known.join(', ')}`;
  return `is not a field of the mesh description (a misspelt field would be silently ignored); ${advice}`;
}

function problemOf(error: ErrorObject): ShapeProblem | undefined {
  const path = pointerToPath(error.instancePath);
  switch (error.keyword) {
    case 'type':
      return { path, message: `must be ${ARTICLE[String(error.params.type)] ?? error.params.type}, not ${describeValue(error.data)}${typeHint(path, error.data, String(error.params.type))}` };
    case 'required':
      return { path: [...path, error.params.missingProperty], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, error.params.additionalProperty], message: unknownFieldMessage(error) };
    case 'enum':
      return { path, message: `${describeValue(error.data)} is not one of: ${(error.params.allowedValues as unknown[]).map((v) => `"${v}"`).join(', ')}` };
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return undefined; // the branches' own errors say what is wrong
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

/**
 * Checks the shape of a plain-data description against the schema generated from
 * `MeshSpec`, and removes every value of a wrong shape from it, so that the checks of
 * meaning that follow can rely on the TypeScript types (except that required fields and
 * list items may be missing, which they check for).
 */
export function checkShape(description: PlainData | undefined): ShapeProblem[] {
  if (validateShape(description)) return [];
  const problems: ShapeProblem[] = [];
  for (const error of validateShape.errors ?? []) {
    const problem = problemOf(error);
    if (problem) problems.push(problem);
    if (error.keyword === 'type' || error.keyword === 'enum') removeAt(description, pointerToPath(error.instancePath));
    if (error.keyword === 'additionalProperties') removeAt(description, [...pointerToPath(error.instancePath), error.params.additionalProperty]);
  }
  return problems;
}

/** Removes the value at `path`; a list item becomes null so that later items keep their index. */
function removeAt(root: PlainData | undefined, path: (string | number)[]) {
  if (path.length === 0) return;
  let parent: PlainData | undefined = root;
  for (const segment of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, PlainData>)[segment];
  }
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = null;
  else if (parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, last)) {
    delete (parent as Record<string, PlainData>)[last];
  }
}
