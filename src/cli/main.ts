/**
 * The package's command, `cdk8s-istio-multicluster`: its commands, parsed by commander, and
 * the mapping of every outcome to an exit code and one line for the user.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { registerCa } from './commands/ca';
import { registerDiff } from './commands/diff';
import { registerPlan } from './commands/plan';
import { registerRemoteSecret } from './commands/remote-secret';
import { registerSchema } from './commands/schema';
import { registerSynth } from './commands/synth';
import { registerValidate } from './commands/validate';
import { CliIo, DEBUG_VARIABLE, ExitCode, explainFailure, systemErrorCode, systemErrorLine } from './io';

export const PROGRAM_NAME = 'cdk8s-istio-multicluster';

const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   invalid input: problems in a mesh file, a refused write, refused CA arguments, a remote secret that could not be made or applied
  2   usage error (unknown command or option, missing argument), or a file that cannot be read or written
  70  internal error, a bug: please report it (${DEBUG_VARIABLE}=1 prints its stack)`;

/** The package's version, from its package.json above this file (src/cli or lib/src/cli). */
function packageVersion(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PROGRAM_NAME) return pkg.version;
    } catch {
      // Not here: look further up.
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Runs the command line `argv` (without node and the script) and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  let result = ExitCode.OK;
  const done = (code: ExitCode) => {
    result = code;
  };
  try {
    const program = new Command()
      .name(PROGRAM_NAME)
      .description('Turns one description of a multicluster Istio mesh (a mesh file, YAML or JSON) into a directory per mesh: ' +
        'per-cluster manifests, Istio install inputs, Argo CD, Flux and Sail Operator output, and a README with the commands in order.')
      // Subcommands inherit these: errors are thrown to here, output goes through `io`.
      .exitOverride()
      .configureOutput({ writeOut: io.out, writeErr: io.err })
      .showHelpAfterError('(add --help for usage)')
      .addHelpText('afterAll', EXIT_CODES_HELP);
    const version = packageVersion();
    if (version !== undefined) program.version(version, '-V, --version', 'print the version');
    registerSynth(program, io, done);
    registerValidate(program, io, done);
    registerPlan(program, io, done);
    registerDiff(program, io, done);
    registerCa(program, io, done);
    registerRemoteSecret(program, io, done);
    registerSchema(program, io, done);
    // With no command, commander prints the help on standard error and reports a usage error.
    await program.parseAsync(argv, { from: 'user' });
    return result;
  } catch (e) {
    // Commander has printed the error or the help already.
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE_OR_IO;
    const failure = explainFailure(e, io.env);
    io.err(`${failure.lines.join('\n')}\n`);
    return failure.code;
  }
}

/** The process's streams; a closed pipe (`… | head`) ends the command quietly instead of with a stack trace. */
export function processIo(): CliIo {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.OK);
    const code = systemErrorCode(e);
    process.stderr.write(`${code ? systemErrorLine(e, code) : `error: ${e.message}`}\n`);
    process.exit(ExitCode.USAGE_OR_IO);
  });
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
  };
}
