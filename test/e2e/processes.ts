/**
 * The e2e tier's processes: clusters (etcd, kube-apiserver, kube-controller-manager, started by
 * the Go harness in `harness/cmd/kube`), istiod (`harness/cmd/istiod`), and the real kubectl,
 * helm and istioctl run against them. Where the programs are comes from `run.sh`, which builds
 * or reuses them (`build.sh`) and exports their paths.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

/** A program the tier needs, from the environment `run.sh` sets. */
function required(variable: string): string {
  const value = process.env[variable];
  // Skipping would hide the gap: the tier fails when its tools are missing.
  if (!value) throw new Error(`${variable} is not set: run the tier with "npm run test:e2e", which builds the programs and sets it`);
  return value;
}

export const tools = {
  get harness() { return required('E2E_HARNESS_BIN'); },
  get kubeBin() { return required('KUBE_BIN_DIR'); },
  get istioBin() { return required('ISTIO_BIN_DIR'); },
  get charts() { return required('ISTIO_CHARTS'); },
  get kubectl() { return required('KUBECTL'); },
  get helm() { return required('HELM'); },
};

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end; rejects with its output when it fails. */
export function run(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Processes started by the tier, stopped in reverse order by {@link stopAll}. */
const started: ChildProcess[] = [];

/** Starts a long-running harness program and waits for the JSON line it prints once ready. */
function startReady<T>(file: string, args: string[], logDir: string, what: string, timeoutMs = 180_000): Promise<T> {
  mkdirSync(logDir, { recursive: true });
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs / 1000}s: ${err.slice(-2000)}`)), timeoutMs);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      }
    });
    child.stderr!.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready: ${err.slice(-2000)}`));
    });
  });
}

export interface ClusterProcess {
  readonly name: string;
  readonly kubeconfig: string;
  /** The API server's URL, on loopback. */
  readonly server: string;
}

/** One cluster: its own etcd, API server and controller manager, CA and token signing key. */
export function startCluster(name: string, workDir: string): Promise<ClusterProcess> {
  const dir = path.join(workDir, 'clusters', name);
  return startReady<ClusterProcess>(path.join(tools.harness, 'kube'), ['-name', name, '-bin-dir', tools.kubeBin, '-dir', dir], dir, `cluster ${name}`);
}

export interface IstiodProcess {
  readonly clusterID: string;
  /** istiod's HTTP address (debug endpoints, /ready). */
  readonly http: string;
  /** istiod's webhook address (the chart's port 15017). */
  readonly https: string;
}

/** istiod, pilot-discovery as a process, against a cluster, with the environment the installed chart gives it. */
export function startIstiod(cluster: ClusterProcess, dir: string, clusterId: string, env: Record<string, string>, namespace: string): Promise<IstiodProcess> {
  const args = ['-kubeconfig', cluster.kubeconfig, '-dir', dir, '-cluster-id', clusterId, '-namespace', namespace,
    '-pilot-discovery', path.join(tools.istioBin, 'pilot-discovery')];
  for (const [k, v] of Object.entries(env)) args.push('-env', `${k}=${v}`);
  return startReady<IstiodProcess>(path.join(tools.harness, 'istiod'), args, dir, `istiod of ${cluster.name}`);
}

/** Stops every process the tier started, the last first (istiod before its clusters). */
export async function stopAll(): Promise<void> {
  while (started.length > 0) {
    const child = started.pop()!;
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 20_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    });
  }
}

/** kubectl against one cluster. */
export function kubectl(cluster: ClusterProcess, args: string[], input?: string): Promise<RunResult> {
  return run(tools.kubectl, ['--kubeconfig', cluster.kubeconfig, ...args], { input });
}

/** An object of a cluster, as JSON; undefined when it does not exist. */
export async function getObject(cluster: ClusterProcess, args: string[]): Promise<any | undefined> {
  const { stdout } = await kubectl(cluster, ['get', ...args, '-o', 'json', '--ignore-not-found']);
  return stdout.trim() === '' ? undefined : JSON.parse(stdout);
}

/** A GET of istiod's debug endpoint, as JSON. */
export async function debug(istiod: IstiodProcess, endpoint: string): Promise<any> {
  const response = await fetch(`http://${istiod.http}/debug/${endpoint}`);
  if (!response.ok) throw new Error(`istiod ${istiod.clusterID} /debug/${endpoint}: ${response.status}`);
  return response.json();
}

/** Polls until `check` returns a value, or fails with the last reason after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs / 1000}s${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
