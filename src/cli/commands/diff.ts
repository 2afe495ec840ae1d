import { App } from 'cdk8s';
import { Command } from 'commander';
import { IstioMulticlusterMesh } from '../../mesh';
import { renderMeshFiles } from '../../writer/mesh-files';
import { meshChanges, renderMeshChanges } from '../../writer/mesh-changes';
import { CliIo, ExitCode } from '../io';
import { readMeshInputs } from '../mesh-inputs';
import { meshNameOf } from './synth';

export function registerDiff(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program.command('diff')
    .summary('show, per cluster, what a changed mesh file changes in the output')
    .description('Synthesizes both mesh files in memory and prints, per cluster, its role when it changes and every generated file ' +
      'that would be added, removed or changed; then the files of the mesh as a whole. Writes nothing. Use it before applying a ' +
      'change, such as promoting a remote to primary, to see which clusters it touches.')
    .argument('<before>', 'the mesh file as it is applied now')
    .argument('<after>', 'the changed mesh file')
    .option('--exit-code', 'exit with 1 when there are changes, as git diff --exit-code does')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster diff mesh.yaml mesh-promoted.yaml')
    .action((before: string, after: string, options: { exitCode?: boolean }) => {
      const inputs = readMeshInputs([before, after], io);
      if (inputs.code !== ExitCode.OK) return done(inputs.code);
      // Both under the same directory name, so that only the description's change shows.
      const name = meshNameOf(before).replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'mesh';
      const [old, now] = inputs.valid.map(({ spec }) => {
        const mesh = new IstioMulticlusterMesh(new App(), name, spec);
        return { plan: mesh.plan!, files: renderMeshFiles(mesh) };
      });
      const changes = meshChanges(old, now);
      io.out(renderMeshChanges(changes));
      return done(options.exitCode && changes.length > 0 ? ExitCode.INVALID : ExitCode.OK);
    });
}
