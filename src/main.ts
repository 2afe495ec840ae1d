// The embedded example app: `npm run synth` (and `cdk8s synth`) writes the four
// topologies of Istio's multicluster guide to dist/.
import { App } from 'cdk8s';
import { seedTopologies } from './examples/seed-topologies';
import { MeshValidationError } from './model/validation';
import { writeMeshDirectories } from './writer/write';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
try {
  writeMeshDirectories(outdir, seedTopologies(new App()));
} catch (e) {
  if (!(e instanceof MeshValidationError)) throw e;
  console.error(e.message);
  process.exit(1);
}
