/**
 * What every command shares: where output goes, the exit codes, and how a failure becomes
 * one line for the user (never a stack trace, unless asked for).
 */
import { MeshValidationError } from '../model/validation';
import { MeshCaError } from '../trust/offline-ca';
import { MeshWriteError } from '../writer/errors';

/** The command's exit codes, as `--help` and the README document them. */
export enum ExitCode {
  /** Done. */
  OK = 0,
  /** Invalid input: mesh problems, a refused write, refused CA arguments. */
  INVALID = 1,
  /** Usage (unknown command or option, missing argument) or I/O (a file that cannot be read or written). */
  USAGE_OR_IO = 2,
  /** A bug (EX_SOFTWARE of sysexits.h). */
  INTERNAL = 70,
}

/** Set to 1 to print the stack of an internal error. */
export const DEBUG_VARIABLE = 'CDK8S_ISTIO_MULTICLUSTER_DEBUG';

/** Where a command writes; the process's streams, or a test's buffers. */
export interface CliIo {
  /** Writes to standard output, as is. */
  readonly out: (text: string) => void;
  /** Writes to standard error, as is. */
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A usage error found by a command itself (commander finds the others): exit 2, with a hint to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The error code of a failed system call (`ENOENT`, `EACCES`, …), or undefined. */
export function systemErrorCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** `error: ENOENT: no such file or directory, open 'x.yaml'`: node's message names the call and the path. */
export function systemErrorLine(e: Error, code: string): string {
  const message = e.message.startsWith(`${code}: `) ? e.message.slice(code.length + 2) : e.message;
  return `error: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}`;
}

/** What to print (each string a line) and the exit code, for anything a command threw. */
export function explainFailure(e: unknown, env: CliIo['env']): { lines: string[]; code: ExitCode } {
  if (e instanceof UsageError) return { lines: [`error: ${e.message}`, '(add --help for usage)'], code: ExitCode.USAGE_OR_IO };
  // Already one problem a line, ending in "nothing was written".
  if (e instanceof MeshValidationError) return { lines: e.message.split('\n'), code: ExitCode.INVALID };
  if (e instanceof MeshWriteError || e instanceof MeshCaError) return { lines: [`error: ${oneLine(e.message)}`], code: ExitCode.INVALID };
  const code = systemErrorCode(e);
  if (code !== undefined) return { lines: [systemErrorLine(e as Error, code)], code: ExitCode.USAGE_OR_IO };
  const message = e instanceof Error ? e.message : String(e);
  const lines = [`internal error: ${oneLine(message)}; please report it`];
  if (env[DEBUG_VARIABLE] === '1' && e instanceof Error && e.stack) lines.push(e.stack);
  return { lines, code: ExitCode.INTERNAL };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
