/**
 * Installs packages into a scratch app from npm's local cache alone, with the versions this
 * repository's lockfile pins. A plain `npm install` there would ask the registry for every
 * package's metadata: the test would then need the network, and fail whenever the registry's TLS
 * certificate is not valid by the machine's clock (as under `faketime`). The lockfile written here
 * names exact versions and integrities, which `npm ci --offline` finds in the cache that `npm ci`
 * of this repository filled.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly resolved?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [key: string]: unknown;
}

/** The lock entry that Node resolves `name` to from the package at `from` (a lock path, '' for the root). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

export interface OfflineAppOptions {
  /** The repository whose package-lock.json pins the versions. */
  readonly repo: string;
  /** The scratch app's directory; package.json and package-lock.json are written there. */
  readonly app: string;
  /** Packages of the repository's lockfile that the app depends on. */
  readonly dependencies: readonly string[];
  /** A packed package (from `npm pack`) that the app installs too. */
  readonly tarball: { readonly file: string; readonly packageJson: LockEntry & { name: string; version: string } };
}

/** Writes the app's package.json and a lockfile with the closure of its dependencies, then returns them. */
export function writeOfflineApp(options: OfflineAppOptions): { packageJson: object; lock: object } {
  const repoLock = JSON.parse(fs.readFileSync(path.join(options.repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const source = repoLock.packages;
  const { tarball } = options;
  const ownPath = `node_modules/${tarball.packageJson.name}`;
  const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(tarball.file)).digest('base64')}`;
  const packages: Record<string, LockEntry> = {};
  const own: LockEntry = {
    version: tarball.packageJson.version,
    resolved: `file:${tarball.file}`,
    integrity,
    dependencies: tarball.packageJson.dependencies,
    peerDependencies: tarball.packageJson.peerDependencies,
    // npm ci links the commands that the lockfile names, not those of the package.json it unpacks.
    bin: tarball.packageJson.bin,
  };
  const rootDependencies: Record<string, string> = { [tarball.packageJson.name]: `file:${tarball.file}` };
  const pending: string[] = [];
  for (const name of options.dependencies) {
    const at = resolveIn(source, '', name);
    if (!at) throw new Error(`${name} is not in ${options.repo}/package-lock.json`);
    rootDependencies[name] = source[at].version!;
    pending.push(at);
  }
  // The packed package's own dependencies resolve at the top level, as the repository's do.
  for (const name of [...Object.keys(own.dependencies ?? {}), ...Object.keys(own.peerDependencies ?? {})]) {
    const at = resolveIn(source, '', name);
    if (!at) throw new Error(`${name}, a dependency of ${tarball.packageJson.name}, is not in the lockfile`);
    pending.push(at);
  }
  while (pending.length > 0) {
    const at = pending.pop()!;
    if (packages[at]) continue;
    // The repository's flags say whether it needs the package; in the app everything is a dependency.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = source[at];
    packages[at] = entry;
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(wanted)) {
      const target = resolveIn(source, at, name);
      if (target) pending.push(target);
      else if (!entry.optionalDependencies?.[name] && !entry.peerDependenciesMeta?.[name]?.optional) {
        throw new Error(`${at} needs ${name}, which the lockfile does not hold`);
      }
    }
  }
  packages[ownPath] = own;
  const packageJson = { name: 'consumer', version: '1.0.0', private: true, dependencies: rootDependencies };
  const lock = {
    name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: { '': { name: 'consumer', version: '1.0.0', dependencies: rootDependencies }, ...sortedKeys(packages) },
  };
  fs.writeFileSync(path.join(options.app, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  fs.writeFileSync(path.join(options.app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return { packageJson, lock };
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
