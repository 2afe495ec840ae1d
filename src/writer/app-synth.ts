import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { MeshOutput } from '../render/mesh-output';
import { MeshProblem, MeshValidationError } from '../model/validation';
import { prepareMeshDirectories } from './write';

/** Marks an App whose `synth` also writes its meshes; a symbol shared by every copy of this library. */
const WRITES_MESHES = Symbol.for('cdk8s-istio-multicluster.writes-meshes');
/** Marks a mesh construct, so that meshes made by another copy of this library are found too. */
export const MESH_MARK = Symbol.for('cdk8s-istio-multicluster.mesh');

/** The App at the root of `scope`'s tree, or undefined when the tree has none (a bare Construct root). */
export function rootApp(scope: IConstruct): App | undefined {
  const root = scope.node.root;
  return root instanceof App ? root : undefined;
}

/**
 * Makes `app.synth()` (which `cdk8s synth` runs) write every mesh of the app's tree into
 * `<outdir>/<mesh id>/`, beside the files cdk8s writes for the app's own charts.
 *
 * cdk8s writes each Chart of a tree as one flat file, which would put all clusters' objects
 * side by side; so the meshes keep their charts in trees of their own, and their directories
 * are written here, after cdk8s's files. Everything is checked first: the whole tree's
 * validations (the meshes' included), the meshes' rendering and their directories, so that a
 * problem anywhere writes nothing at all.
 */
export function writeMeshesOnSynth(app: App): void {
  const marked = app as App & { [WRITES_MESHES]?: true };
  if (marked[WRITES_MESHES]) return;
  const synth = app.synth.bind(app);
  Object.defineProperty(app, WRITES_MESHES, { value: true });
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: () => {
      const problems = app.node.findAll().flatMap((c) => c.node.validate().map((message): MeshProblem => ({ field: c.node.path || '(app)', message })));
      if (problems.length > 0) throw new MeshValidationError(problems, 'the app');
      const write = prepareMeshDirectories(app.outdir, meshDirectories(app));
      synth();
      write();
    },
  });
}

/** The meshes of an app by directory name (their construct ids), refusing two of one name. */
function meshDirectories(app: App): Record<string, MeshOutput> {
  const meshes = app.node.findAll().filter((c): c is MeshOutput => MESH_MARK in c);
  const byName = new Map<string, MeshOutput[]>();
  for (const mesh of meshes) byName.set(mesh.node.id, [...(byName.get(mesh.node.id) ?? []), mesh]);
  const clashes = [...byName].filter(([, list]) => list.length > 1);
  if (clashes.length > 0) {
    throw new MeshValidationError(clashes.map(([name, list]) => ({
      field: `directory "${name}"`,
      message: `is the id of ${list.length} meshes (${list.map((m) => m.node.path).join(', ')}), each written to ${app.outdir}/${name}/; give each mesh an id of its own`,
    })), 'the app');
  }
  return Object.fromEntries([...byName].map(([name, [mesh]]) => [name, mesh]));
}
