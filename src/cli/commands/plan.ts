import { Command, Option } from 'commander';
import { renderTopologyDiagram } from '../../render/topology-diagram';
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
    .addOption(new Option('--format <format>', 'text for people; json for the MeshPlan of the TypeScript API, its procedure\'s steps ' +
      'included; mermaid for the topology as a Mermaid flowchart').choices(['text', 'json', 'mermaid']).default('text'))
    .option('--json', 'the same as --format json')
    .addHelpText('after', '\nExamples:\n  $ cdk8s-istio-multicluster plan examples/primary-remote.yaml\n' +
      '  $ cdk8s-istio-multicluster plan --format mermaid examples/primary-remote.yaml')
    .action((file: string, options: { json?: boolean; format: 'text' | 'json' | 'mermaid' }) => {
      const inputs = readMeshInputs([file], io);
      if (inputs.code !== ExitCode.OK) return done(inputs.code);
      const plan = inputs.valid[0].plan;
      const format = options.json ? 'json' : options.format;
      io.out(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : format === 'mermaid' ? renderTopologyDiagram(plan) : renderPlanText(plan));
      return done(ExitCode.OK);
    });
}
