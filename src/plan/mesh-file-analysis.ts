import * as fs from 'fs';
import { MeshFileProblem, readMeshFileText } from '../model/mesh-file';
import { MeshSpec } from '../model/mesh-spec';
import { analyzeMesh } from './analyze-mesh';
import type { MeshPlan } from './mesh-plan';

/** What a mesh file holds: its description and plan when it is valid, or every problem found. */
export interface MeshFileResult {
  readonly file: string;
  /** The description as written (without `$schema`), set only when there are no problems. */
  readonly spec?: MeshSpec;
  /** The plan derived from the description, set only when there are no problems. */
  readonly plan?: MeshPlan;
  readonly problems: MeshFileProblem[];
}

/**
 * Reads and checks a mesh file.
 * @throws the file system's error (ENOENT, EACCES, EISDIR…) when the file cannot be read;
 * everything about its content is returned as problems.
 */
export function loadMeshFile(file: string): MeshFileResult {
  return parseMeshFile(fs.readFileSync(file, 'utf8'), file);
}

/** Checks the text of a mesh file; `file` names it in the problems. Never throws for any text. */
export function parseMeshFile(text: string, file = '<mesh file>'): MeshFileResult {
  const read = readMeshFileText(text, file);
  // Text that is not YAML of one description has nothing to analyse.
  if (!('description' in read)) return { file, problems: read.problems };
  // The one analysis every description gets, however it was written.
  const { problems, plan } = analyzeMesh(read.description);
  const all = [...read.problems, ...problems.map((p): MeshFileProblem => ({ ...p, file, ...read.locate(p.field) }))];
  return all.length > 0 ? { file, problems: all } : { file, spec: read.description as MeshSpec, plan, problems: [] };
}
