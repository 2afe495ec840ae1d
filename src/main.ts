// The embedded example app: `npm run synth` and `cdk8s synth` both run it, and it is an
// ordinary cdk8s app: its synth writes the example meshes of `seedTopologySpecs` (the four
// topologies of Istio's multicluster guide, an ambient mesh and an external control plane) to
// dist/<name>/.
import { App } from 'cdk8s';
import { seedTopologies } from './examples/seed-topologies';
import { MeshValidationError } from './model/validation';
import { MeshWriteError } from './writer/errors';

/** What to print and the exit code for an error the user can act on; undefined for a bug. */
function explain(e: unknown): { message: string; exitCode: number } | undefined {
  // Invalid descriptions and refused directories: the messages say what to change.
  if (e instanceof MeshValidationError || e instanceof MeshWriteError) return { message: e.message, exitCode: 1 };
  // Failed system calls (EACCES, ENOSPC, EROFS, ENOTDIR...): node's message names the call and the path.
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) {
    const message = e.message.startsWith(`${code}: `) ? e.message.slice(code.length + 2) : e.message;
    return { message: `error: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}`, exitCode: 2 };
  }
  return undefined;
}

try {
  const app = new App();
  seedTopologies(app);
  app.synth();
} catch (e) {
  const failure = explain(e);
  if (!failure) throw e;
  console.error(failure.message);
  process.exit(failure.exitCode);
}
