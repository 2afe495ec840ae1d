import { MeshPlan } from '../plan/mesh-plan';
import { DELIVERY_FORMATS } from '../render/delivery/formats';
import { MeshFile } from './mesh-files';

/** How one generated file differs between two versions of a mesh. */
export type FileChange = 'added' | 'removed' | 'changed';

/** What changes for one cluster (or, with `cluster` undefined, for the mesh as a whole). */
export interface ClusterChanges {
  /** The cluster; undefined for files of no one cluster (the README, the Argo CD root, Flux's sources). */
  readonly cluster?: string;
  /** Its role before and after, as the plans say (`primary`, `remote of <primary>`, `absent`), when it changes. */
  readonly role?: { readonly before: string; readonly after: string };
  /** The files that differ, by path, sorted. */
  readonly files: { readonly path: string; readonly change: FileChange }[];
}

/**
 * What re-synthesizing a changed description changes, per cluster: each cluster's role when it
 * changes, and every generated file added, removed or changed, attributed to the cluster whose
 * directory (or delivery object) it is. Clusters without changes are left out.
 */
export function meshChanges(before: { plan: MeshPlan; files: readonly MeshFile[] }, after: { plan: MeshPlan; files: readonly MeshFile[] }): ClusterChanges[] {
  const clusters = [...new Set([...before.plan.clusters, ...after.plan.clusters].map((c) => c.name))];
  const old = new Map(before.files.map((f) => [f.path, f.content]));
  const now = new Map(after.files.map((f) => [f.path, f.content]));
  const byCluster = new Map<string | undefined, { path: string; change: FileChange }[]>();
  for (const path of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const change: FileChange | undefined = !old.has(path) ? 'added' : !now.has(path) ? 'removed' : old.get(path) !== now.get(path) ? 'changed' : undefined;
    if (change === undefined) continue;
    const owner = clusterOfPath(path, clusters);
    byCluster.set(owner, [...(byCluster.get(owner) ?? []), { path, change }]);
  }
  const roleOf = (plan: MeshPlan, name: string) => {
    const c = plan.clusters.find((k) => k.name === name);
    return c === undefined ? 'absent' : c.role === 'primary' ? 'primary' : `remote of ${c.controlPlaneCluster}`;
  };
  const changes: ClusterChanges[] = [];
  for (const name of clusters) {
    const role = { before: roleOf(before.plan, name), after: roleOf(after.plan, name) };
    const files = byCluster.get(name) ?? [];
    if (role.before === role.after && files.length === 0) continue;
    changes.push({ cluster: name, ...(role.before !== role.after ? { role } : {}), files });
  }
  const shared = byCluster.get(undefined);
  if (shared) changes.push({ files: shared });
  return changes;
}

/**
 * The cluster a generated path belongs to: its directories (`clusters/<c>/`, `install/<c>/`,
 * `verify/<c>/`), or the cluster a delivery format says its file is about.
 */
function clusterOfPath(path: string, clusters: string[]): string | undefined {
  const dir = /^(?:clusters|install|verify)\/([^/]+)\//.exec(path);
  if (dir) return dir[1];
  for (const format of DELIVERY_FORMATS) {
    const cluster = format.clusterOfPath(path, clusters);
    if (cluster !== undefined) return cluster;
  }
  return undefined;
}

/** The changes as text, a block per cluster. */
export function renderMeshChanges(changes: ClusterChanges[]): string {
  if (changes.length === 0) return 'no changes\n';
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(c.cluster === undefined ? 'the mesh as a whole:' : `cluster ${c.cluster}:`);
    if (c.role) lines.push(`  role: ${c.role.before} -> ${c.role.after}`);
    for (const f of c.files) lines.push(`  ${f.change.padEnd(8)}${f.path}`);
  }
  return `${lines.join('\n')}\n`;
}
