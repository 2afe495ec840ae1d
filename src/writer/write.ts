import { randomBytes } from 'crypto';
import * as nodeFs from 'fs';
import * as path from 'path';
import type { MeshOutput } from '../render/mesh-output';
import { MeshProblem, MeshValidationError } from '../model/validation';
import { README_FILE, README_MARKER } from '../render/layout';
import { MeshWriteError } from './errors';
import { MeshFile, renderMeshFiles } from './mesh-files';

export { MeshWriteError } from './errors';

/**
 * The file in every generated directory that lists the files generated there: one
 * `/`-separated relative path a line, sorted, not itself. It is written last, so a
 * directory that has it is complete; and it tells generated files from added ones.
 */
export const GENERATED_FILES_MANIFEST = '.cdk8s-istio-multicluster-files';

/**
 * The file system operations of the writer, so that tests can make any of them fail.
 * The mutating ones are mkdirSync, mkdtempSync, writeFileSync, renameSync, unlinkSync and rmdirSync.
 * @internal
 */
export interface WriterFs {
  mkdirSync(dir: string, options: { recursive: true }): unknown;
  mkdtempSync(prefix: string): string;
  writeFileSync(file: string, content: string): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  rmdirSync(dir: string): void;
  readdirSync(dir: string, options: { withFileTypes: true }): nodeFs.Dirent[];
  readFileSync(file: string, encoding: 'utf8'): string;
  lstatSync(file: string): nodeFs.Stats;
  realpathSync(file: string): string;
  readlinkSync(file: string): string;
}

/** @internal */
export interface WriteOptions {
  /** The file system to write through; node's by default. */
  readonly fs?: WriterFs;
}

const WITH_TYPES = { withFileTypes: true } as const;
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes each mesh into its own directory below `outdir` (`<outdir>/<name>/`).
 *
 * Every mesh is validated and rendered before anything is written: on any problem one
 * MeshValidationError lists them all and no file changes. Each directory is then
 * replaced as a whole, so files a mesh no longer has do not linger; a directory that is
 * a symbolic link is written through and stays a link.
 *
 * Replacing is crash-safe: the new tree is written beside the old one and swapped in by
 * renames, and every write first finishes or undoes an interrupted one (see
 * {@link recoverMeshDirectory}). So after a kill at any moment the directory holds the
 * complete old tree or the complete new one.
 *
 * @throws MeshWriteError, writing nothing, when a directory exists that was not generated
 * by this library, or a generated one holds files that were added to it.
 */
export function writeMeshDirectories(outdir: string, meshes: Record<string, MeshOutput>): void;
/** @internal */
export function writeMeshDirectories(outdir: string, meshes: Record<string, MeshOutput>, options: WriteOptions): void;
export function writeMeshDirectories(outdir: string, meshes: Record<string, MeshOutput>, options: WriteOptions = {}): void {
  writeRendered(outdir, renderAll(meshes), options.fs ?? nodeFs);
}

/** Every mesh rendered, or one MeshValidationError listing the problems of all. */
function renderAll(meshes: Record<string, MeshOutput>): Record<string, MeshFile[]> {
  const problems: MeshProblem[] = [];
  const rendered: Record<string, MeshFile[]> = {};
  for (const [name, mesh] of Object.entries(meshes).sort(([a], [b]) => byCodeUnits(a, b))) {
    const nameProblem = directoryNameProblem(name);
    if (nameProblem) {
      problems.push(nameProblem);
      continue;
    }
    try {
      rendered[name] = renderMeshFiles(mesh);
    } catch (e) {
      if (!(e instanceof MeshValidationError)) throw e;
      problems.push(...e.problems.map((p) => ({ ...p, field: `${name}: ${p.field}` })));
    }
  }
  if (problems.length > 0) throw new MeshValidationError(problems, 'the mesh descriptions');
  return rendered;
}

/** Writes one mesh into `dir` (replacing a directory this library generated before). */
export function writeMeshDirectory(dir: string, mesh: MeshOutput): void;
/** @internal */
export function writeMeshDirectory(dir: string, mesh: MeshOutput, options: WriteOptions): void;
export function writeMeshDirectory(dir: string, mesh: MeshOutput, options: WriteOptions = {}): void {
  const resolved = path.resolve(dir);
  writeMeshDirectories(path.dirname(resolved), { [path.basename(resolved)]: mesh }, options);
}

/**
 * Writes meshes rendered already, as {@link writeMeshDirectories} does after rendering;
 * for tests that write the same large meshes many times.
 * @internal
 */
export function writeRenderedMeshes(outdir: string, rendered: Record<string, readonly MeshFile[]>, options: WriteOptions = {}): void {
  const problems = Object.keys(rendered).sort(byCodeUnits).flatMap((name) => directoryNameProblem(name) ?? []);
  if (problems.length > 0) throw new MeshValidationError(problems, 'the mesh descriptions');
  writeRendered(outdir, rendered, options.fs ?? nodeFs);
}

/**
 * Brings `dir` back to a complete tree after a write into it was killed or failed:
 * removes unfinished new trees (`.<name>.new-*` beside it), puts the old tree back when
 * the kill fell between the two renames of the swap, and removes old trees that were
 * already swapped out (`.<name>.old-*`). Touches nothing else. Every write does this first.
 */
export function recoverMeshDirectory(dir: string): void;
/** @internal */
export function recoverMeshDirectory(dir: string, options: WriteOptions): void;
export function recoverMeshDirectory(dir: string, options: WriteOptions = {}): void {
  const io = options.fs ?? nodeFs;
  recoverTarget(io, swapTarget(io, path.resolve(dir)));
}

function directoryNameProblem(name: string): MeshProblem | undefined {
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return undefined;
  return { field: `directory "${name}"`, message: 'must be a DNS-1123 label (lowercase letters, digits and "-")' };
}

/** Recovers and checks every directory before replacing any, so a refusal writes nothing. */
function writeRendered(outdir: string, rendered: Record<string, readonly MeshFile[]>, io: WriterFs) {
  prepareRendered(outdir, rendered, io)();
}

/**
 * Recovers and checks every directory (throwing MeshWriteError on a refusal), and returns
 * the function that replaces them; so that a caller can refuse before writing anything else.
 */
function prepareRendered(outdir: string, rendered: Record<string, readonly MeshFile[]>, io: WriterFs): () => void {
  const targets = Object.entries(rendered).sort(([a], [b]) => byCodeUnits(a, b)).map(([name, files]) => {
    const dir = path.join(outdir, name);
    return { dir, target: swapTarget(io, path.resolve(dir)), files };
  });
  for (const { target } of targets) recoverTarget(io, target);
  for (const { dir, target } of targets) assertReplaceable(io, dir, target);
  return () => {
    for (const { target, files } of targets) replaceDirectory(io, target, withManifest(files));
  };
}

/**
 * Renders and checks meshes as {@link writeMeshDirectories} does, without writing: returns
 * the function that writes them. Throws MeshValidationError or MeshWriteError, having
 * written nothing.
 * @internal
 */
export function prepareMeshDirectories(outdir: string, meshes: Record<string, MeshOutput>, options: WriteOptions = {}): () => void {
  return prepareRendered(outdir, renderAll(meshes), options.fs ?? nodeFs);
}

// ---------------------------------------------------------------------------------------
// Where to swap: a directory that is a symbolic link is replaced at the link's target.

function lstatOrUndefined(io: WriterFs, file: string): nodeFs.Stats | undefined {
  try {
    return io.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The path whose name the swap changes: `dir` itself, or where its symbolic link (chain)
 * points. Links are read, not resolved with realpath, so that a link whose target a
 * killed write had just renamed aside still leads to the target's debris.
 */
function swapTarget(io: WriterFs, dir: string): string {
  let target = dir;
  for (let hops = 0; lstatOrUndefined(io, target)?.isSymbolicLink(); hops++) {
    if (hops === 40) throw new MeshWriteError(`Refusing to write ${dir}: too many levels of symbolic links`, dir);
    target = path.resolve(io.realpathSync(path.dirname(target)), io.readlinkSync(target));
  }
  return target;
}

// ---------------------------------------------------------------------------------------
// Recovery

/** The staging (`.<name>.new-*`) and swapped-out (`.<name>.old-*`) directories beside `target`. */
function debrisOf(io: WriterFs, target: string): { staging: nodeFs.Dirent[]; old: nodeFs.Dirent[] } {
  const parent = path.dirname(target);
  const entries = lstatOrUndefined(io, parent)?.isDirectory() ? io.readdirSync(parent, WITH_TYPES) : [];
  const named = (kind: string) => {
    const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.${kind}-[A-Za-z0-9]+$`);
    return entries.filter((e) => pattern.test(e.name)).sort((a, b) => byCodeUnits(a.name, b.name));
  };
  return { staging: named('new'), old: named('old') };
}

function recoverTarget(io: WriterFs, target: string) {
  const parent = path.dirname(target);
  const { staging, old } = debrisOf(io, target);
  for (const entry of staging) removeEntry(io, parent, entry);
  // A missing target with an old tree beside it: the kill fell between the swap's two renames.
  const [restore, ...stale] = old;
  if (restore && !lstatOrUndefined(io, target)) io.renameSync(path.join(parent, restore.name), target);
  else if (restore) stale.unshift(restore);
  for (const entry of stale) removeEntry(io, parent, entry);
}

function removeEntry(io: WriterFs, parent: string, entry: nodeFs.Dirent) {
  const file = path.join(parent, entry.name);
  if (entry.isDirectory()) removeTree(io, file);
  else io.unlinkSync(file);
}

/** Removes a directory tree one entry at a time; symbolic links are removed, never followed. */
function removeTree(io: WriterFs, dir: string) {
  for (const entry of io.readdirSync(dir, WITH_TYPES)) removeEntry(io, dir, entry);
  io.rmdirSync(dir);
}

// ---------------------------------------------------------------------------------------
// What may be replaced

function assertReplaceable(io: WriterFs, dir: string, target: string) {
  const stat = lstatOrUndefined(io, target);
  if (!stat) return;
  if (!stat.isDirectory()) throw new MeshWriteError(`Refusing to replace ${dir}: it is not a directory`, dir);
  if (io.readdirSync(target, WITH_TYPES).length === 0) return;
  if (!hasReadmeMarker(io, target)) {
    throw new MeshWriteError(
      `Refusing to replace ${dir}: it is not empty and was not generated by cdk8s-istio-multicluster (its ${README_FILE} lacks the marker line)`, dir);
  }
  const generated = readManifest(io, target);
  // Written by a version without the manifest: all of it is taken as generated.
  if (generated === undefined) return;
  const added = pathsNotGenerated(io, target, generated);
  if (added.length > 0) throw new MeshWriteError(addedFilesMessage(dir, added), dir, added);
}

function hasReadmeMarker(io: WriterFs, dir: string): boolean {
  const readme = path.join(dir, README_FILE);
  return lstatOrUndefined(io, readme)?.isFile() === true && io.readFileSync(readme, 'utf8').startsWith(README_MARKER);
}

/** The generated files a directory's manifest lists; undefined when it has none. */
function readManifest(io: WriterFs, dir: string): Set<string> | undefined {
  const manifest = path.join(dir, GENERATED_FILES_MANIFEST);
  const stat = lstatOrUndefined(io, manifest);
  if (!stat) return undefined;
  // Something else in the manifest's place lists nothing: every file counts as added.
  if (!stat.isFile()) return new Set();
  return new Set(io.readFileSync(manifest, 'utf8').split('\n').filter((line) => line !== ''));
}

/**
 * Every file, symbolic link or non-empty directory below `root` that the manifest does
 * not account for, topmost first (`/`-separated; directories end in `/`). Empty
 * directories hold nothing to lose and are not reported.
 */
function pathsNotGenerated(io: WriterFs, root: string, generated: Set<string>): string[] {
  const parents = new Set<string>();
  for (const file of generated) {
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) parents.add(file.slice(0, i));
  }
  const found: string[] = [];
  const walk = (rel: string) => {
    const entries = io.readdirSync(path.join(root, rel), WITH_TYPES).sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      const file = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && parents.has(file)) walk(file);
      else if (entry.isDirectory()) {
        if (io.readdirSync(path.join(root, file), WITH_TYPES).length > 0) found.push(`${file}/`);
      } else if (!generated.has(file) && file !== GENERATED_FILES_MANIFEST) found.push(file);
    }
  };
  walk('');
  return found;
}

const SHOWN_PATHS = 10;

function addedFilesMessage(dir: string, added: string[]): string {
  const shown = added.slice(0, SHOWN_PATHS).join(', ');
  const more = added.length > SHOWN_PATHS ? ` (and ${added.length - SHOWN_PATHS} more)` : '';
  const [what, them] = added.length === 1 ? ['a file', 'it'] : [`${added.length} files`, 'them'];
  return `Refusing to replace ${dir}: it holds ${what} that cdk8s-istio-multicluster did not generate: ${shown}${more}. `
    + `Generated directories are replaced whole on every synth: move ${them} out of ${dir} and keep your own files elsewhere. Nothing was written.`;
}

// ---------------------------------------------------------------------------------------
// Replacing

/** The files plus the manifest, last, so that a tree with a manifest is complete. */
function withManifest(files: readonly MeshFile[]): MeshFile[] {
  const listed = files.map((f) => f.path).sort(byCodeUnits);
  return [...files, { path: GENERATED_FILES_MANIFEST, content: listed.map((p) => `${p}\n`).join('') }];
}

/**
 * Writes the files into a staging directory beside `target`, then swaps it in. Each step
 * that changes what `target` is is one rename, so a kill leaves either tree whole.
 */
function replaceDirectory(io: WriterFs, target: string, files: readonly MeshFile[]) {
  const parent = path.dirname(target);
  io.mkdirSync(parent, { recursive: true });
  const staging = io.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  try {
    writeTree(io, staging, files);
    swapIn(io, staging, target);
  } catch (e) {
    try {
      recoverTarget(io, target);
    } catch {
      // The first failure is the one to report; the next write recovers.
    }
    throw e;
  }
}

function writeTree(io: WriterFs, root: string, files: readonly MeshFile[]) {
  const made = new Set<string>();
  for (const file of files) {
    const dir = path.posix.dirname(file.path);
    if (dir !== '.' && !made.has(dir)) {
      io.mkdirSync(path.join(root, dir), { recursive: true });
      made.add(dir);
    }
    io.writeFileSync(path.join(root, file.path), file.content);
  }
}

function swapIn(io: WriterFs, staging: string, target: string) {
  const old = lstatOrUndefined(io, target)
    ? path.join(path.dirname(target), `.${path.basename(target)}.old-${randomBytes(6).toString('hex')}`)
    : undefined;
  if (old) io.renameSync(target, old);
  io.renameSync(staging, target);
  if (old) removeTree(io, old);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
