/**
 * Reading the mesh files named on the command line, for synth, validate and plan: every file
 * is read and checked, and every problem printed, before any command acts on one.
 */
import { formatMeshFileProblem } from '../model/mesh-file';
import { MeshSpec } from '../model/mesh-spec';
import { loadMeshFile } from '../plan/mesh-file-analysis';
import { MeshPlan } from '../plan/mesh-plan';
import { CliIo, ExitCode, systemErrorCode, systemErrorLine } from './io';

/** A mesh file that read and checked cleanly. */
export interface MeshInput {
  readonly file: string;
  readonly spec: MeshSpec;
  /** Its plan, derived once when the file was checked. */
  readonly plan: MeshPlan;
}

/** The files' descriptions, and the exit code: 2 if a file could not be read, else 1 if one has problems, else 0. */
export interface MeshInputs {
  readonly valid: MeshInput[];
  readonly code: ExitCode;
}

/** Reads every file; prints each problem as one line on standard error, and, when asked, `<file>: valid` on standard output. */
export function readMeshInputs(files: string[], io: CliIo, options: { reportValid?: boolean } = {}): MeshInputs {
  const valid: MeshInput[] = [];
  let unreadable = false;
  let invalid = false;
  for (const file of files) {
    let result;
    try {
      result = loadMeshFile(file);
    } catch (e) {
      const code = systemErrorCode(e);
      if (code === undefined) throw e;
      // Node names the path of a failed open, not of a failed read (EISDIR): name it always.
      io.err(`${systemErrorLine(e as Error, code)}${(e as NodeJS.ErrnoException).path === undefined ? ` '${file}'` : ''}\n`);
      unreadable = true;
      continue;
    }
    if (result.spec === undefined || result.plan === undefined) {
      invalid = true;
      for (const problem of result.problems) io.err(`${formatMeshFileProblem(problem)}\n`);
    } else {
      valid.push({ file, spec: result.spec, plan: result.plan });
      if (options.reportValid) io.out(`${file}: valid\n`);
    }
  }
  return { valid, code: unreadable ? ExitCode.USAGE_OR_IO : invalid ? ExitCode.INVALID : ExitCode.OK };
}
