import { Command } from 'commander';
import { renderMeshFileSchema } from '../../model/mesh-file-schema';
import { MESH_SPEC_SCHEMA } from '../../model/mesh-schema.gen';
import { CliIo, ExitCode } from '../io';

export function registerSchema(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program.command('schema')
    .summary('print the JSON Schema of mesh files')
    .description('Prints the JSON Schema of mesh files (draft-07), as the package ships it in schema/mesh.schema.json.')
    .addHelpText('after', '\nExample:\n  $ cdk8s-istio-multicluster schema > mesh.schema.json')
    .action(() => {
      // Built from the committed schema of MeshSpec, as the generator builds the shipped file (a test compares them).
      io.out(renderMeshFileSchema(MESH_SPEC_SCHEMA));
      done(ExitCode.OK);
    });
}
