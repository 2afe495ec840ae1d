import { App } from 'cdk8s';
import * as path from 'path';
import { Command } from 'commander';
import { IstioMulticlusterMesh } from '../../mesh';
import { writeMeshDirectories } from '../../writer/write';
import { CliIo, ExitCode, UsageError } from '../io';
import { readMeshInputs } from '../mesh-inputs';

/** What the writer accepts as a directory name (it checks again). */
const DIRECTORY_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `examples/primary-remote.yaml` → `primary-remote`. */
export function meshNameOf(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return ext === '' ? base : base.slice(0, -ext.length);
}

export function registerSynth(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program.command('synth')
    .summary('write each mesh file\'s mesh to <dir>/<name>/')
    .description('Writes each mesh file\'s mesh to <dir>/<name>/: per-cluster manifests, Istio install inputs, Argo CD, Flux and ' +
      'Sail Operator output, and a README with the commands in order. <name> is the file\'s name without its extension. Every file is ' +
      'checked first: on any problem nothing is written. A directory is replaced only if this command generated it.')
    .argument('<mesh-file...>', 'mesh files (YAML or JSON)')
    .requiredOption('-o, --output <dir>', 'the output directory')
    .option('--name <name>', 'the directory name of the mesh, when one file is given')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster synth examples/primary-remote.yaml -o out   # writes out/primary-remote/')
    .action((files: string[], options: { output: string; name?: string }) => done(synth(files, options, io)));
}

function synth(files: string[], options: { output: string; name?: string }, io: CliIo): ExitCode {
  if (options.name !== undefined && files.length > 1) {
    throw new UsageError(`--name names the directory of one mesh, but ${files.length} mesh files were given; leave it out to name each by its file`);
  }
  const inputs = readMeshInputs(files, io);

  // Each mesh's directory, named by its file (or --name): refused here with the file named, before the writer would refuse.
  const byName = new Map<string, string>();
  let badNames = false;
  for (const file of files) {
    const name = options.name ?? meshNameOf(file);
    const other = byName.get(name);
    if (!DIRECTORY_NAME.test(name)) {
      io.err(`${file}: the directory name "${name}" ${options.name === undefined ? '(the file\'s name without its extension) ' : ''}` +
        `must be a DNS-1123 label (lowercase letters, digits and "-"); ${options.name === undefined ? 'rename the file, or give --name' : 'change --name'}\n`);
      badNames = true;
    } else if (other !== undefined) {
      io.err(`${file}: would be written to ${path.join(options.output, name)}/, as ${other} is; give the files different names\n`);
      badNames = true;
    }
    byName.set(name, file);
  }

  const failed = inputs.code !== ExitCode.OK ? inputs.code : badNames ? ExitCode.INVALID : ExitCode.OK;
  if (failed !== ExitCode.OK) {
    io.err('nothing was written\n');
    return failed;
  }
  const app = new App();
  const meshes: Record<string, IstioMulticlusterMesh> = {};
  for (const { file, spec } of inputs.valid) {
    const name = options.name ?? meshNameOf(file);
    meshes[name] = new IstioMulticlusterMesh(app, name, spec);
  }
  writeMeshDirectories(options.output, meshes);
  for (const name of Object.keys(meshes)) io.out(`wrote ${path.join(options.output, name)}${path.sep}\n`);
  return ExitCode.OK;
}
