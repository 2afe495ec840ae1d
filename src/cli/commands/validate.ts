import { Command } from 'commander';
import { CliIo, ExitCode } from '../io';
import { readMeshInputs } from '../mesh-inputs';

export function registerValidate(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program.command('validate')
    .summary('check mesh files, writing nothing')
    .description('Checks mesh files, writing nothing. Prints "<file>: valid" on standard output for each valid file, and ' +
      'every problem of the others on standard error, one a line, each starting with the file, line and column.')
    .argument('<mesh-file...>', 'mesh files (YAML or JSON)')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster validate examples/*.yaml')
    .action((files: string[]) => done(readMeshInputs(files, io, { reportValid: true }).code));
}
