// Removes from imports/ every module that `cdk8s import` generated and no file of src/ imports.
// One CRD file can hold several API groups (Istio's does), and cdk8s writes a module per group:
// the ones the library never emits would otherwise be compiled and shipped to every user.
// Dev-time only, run by `npm run import` after `cdk8s import`.
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const used = new Set<string>();
for (const file of sources(path.join(root, 'src'))) {
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+imports\/[^']+)'/g)) {
    used.add(path.resolve(path.dirname(file), `${m[1]}.ts`));
  }
}
for (const name of fs.readdirSync(path.join(root, 'imports')).sort()) {
  const file = path.join(root, 'imports', name);
  if (name.endsWith('.ts') && !used.has(file)) {
    fs.rmSync(file);
    console.log(`removed imports/${name}: nothing in src/ imports it`);
  }
}
