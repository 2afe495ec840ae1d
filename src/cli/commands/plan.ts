import { Command } from 'commander';
import { CliIo, ExitCode } from '../io';
import { readMeshInputs } from '../mesh-inputs';
import { renderPlanText } from '../plan-text';

export function registerPlan(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program.command('plan')
    .summary('print each cluster\'s role and duties, and the apply order')
    .description('Prints what each cluster of the mesh must run and do, as derived from the mesh file: its role and network, ' +
      'its primary or the remotes it serves, how it exposes istiod, its east-west gateway and whether that exposes services, ' +
      'the API servers it reads, and its delivery steps; then the apply order of the whole mesh. Writes nothing.')
    .argument('<mesh-file>', 'a mesh file (YAML or JSON)')
    .option('--json', 'print the plan as JSON (the MeshPlan of the TypeScript API)')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster plan examples/primary-remote.yaml')
    .action((file: string, options: { json?: boolean }) => {
      const inputs = readMeshInputs([file], io);
      if (inputs.code !== ExitCode.OK) return done(inputs.code);
      const plan = inputs.valid[0].plan;
      io.out(options.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan));
      return done(ExitCode.OK);
    });
}
