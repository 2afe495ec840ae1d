import { expect } from 'vitest';
import { ClusterRole, contextVariable, MeshFile, MeshPlan } from '../src';
import { formatRun, isCall, ReadmeRun, runReadme, StubCall } from './readme-shell';

/** The context each cluster's commands run against in the executed README. */
export const contextOf = (cluster: string) => `ctx-${cluster}`;

/** The install part of a README: everything before troubleshooting, upgrade and uninstall. */
export function installSteps(readme: string): string {
  const end = readme.indexOf('\n## Troubleshooting');
  return end < 0 ? readme : readme.slice(0, end);
}

export interface ExecuteOptions {
  /** Markdown to run instead of the whole README. */
  readonly markdown?: string;
  /** The versions helloworld answers with, per calling context; all versions by default. */
  readonly answers?: (context: string) => string[];
}

/**
 * Runs a generated README with stand-ins for kubectl, istioctl, helm, make and openssl:
 * load balancers report the addresses the mesh declares, remote secrets name their
 * cluster, and helloworld answers with the versions `answers` gives, in turn.
 */
export async function executeReadme(plan: MeshPlan, files: MeshFile[], options: ExecuteOptions = {}): Promise<ReadmeRun> {
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const env: Record<string, string> = { ISTIO_RELEASE: '/opt/istio' };
  for (const c of plan.clusters) env[contextVariable(c.name)] = contextOf(c.name);
  const clusterOf = new Map(plan.clusters.map((c) => [contextOf(c.name), c]));
  const versions = plan.clusters.map((c) => `v${c.index}`);
  return runReadme(options.markdown ?? readme, {
    env,
    files: files.filter((f) => f.path !== 'README.md'),
    stubs: ['kubectl', 'istioctl', 'helm', 'curl', 'sleep', 'make', 'openssl'],
    replies: [
      {
        cmd: 'kubectl', match: (args) => args.includes('get') && args.includes('svc'),
        stdout: (_args, _i, call) => clusterOf.get(call.context ?? '')?.discoveryAddress ?? '198.51.100.200',
      },
      {
        cmd: 'istioctl', match: (args) => args[0] === 'create-remote-secret',
        stdout: (args) => `# remote secret of ${args.find((a) => a.startsWith('--name='))!.slice('--name='.length)}\n`,
      },
      {
        cmd: 'istioctl', match: (args) => args.includes('proxy-config'),
        stdout: '10.1.0.5:5000  HEALTHY  OK  outbound|5000||helloworld.sample.svc.cluster.local\n',
      },
      {
        cmd: 'kubectl', match: (args) => args.includes('exec'),
        stdout: (_args, i, call) => {
          const answering = options.answers?.(call.context ?? '') ?? versions;
          return Array.from({ length: 20 }, (_, k) => `Hello version: ${answering[(i * 20 + k) % answering.length]}, instance: x\n`).join('');
        },
      },
    ],
  });
}

const remoteSecretOf = (call: StubCall) => /# remote secret of (\S+)/.exec(call.stdin ?? '')?.[1];

/**
 * The README, executed, must work on empty clusters: each cluster's namespace before
 * its CA and install, CRDs before Istio objects, a primary (and the istiod it exposes)
 * before its remotes, a remote installed before its primary attaches it, and attached
 * before its gateway pods need the primary's injector. Every primary must get the
 * remote secret of every cluster it reads, and no other.
 */
export async function expectReadmeOrder(plan: MeshPlan, files: MeshFile[]) {
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const run = await executeReadme(plan, files, { markdown: installSteps(readme) });
  expect(run.ok, formatRun(run)).toBe(true);
  const calls = run.calls;
  const first = (context: string, predicate: (call: StubCall) => boolean, what: string) => {
    const i = calls.findIndex((c) => c.context === context && predicate(c));
    expect(i, `${context}: ${what}\n${formatRun(run)}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  const maybe = (context: string, predicate: (call: StubCall) => boolean) => calls.findIndex((c) => c.context === context && predicate(c));
  const appliesDir = (cluster: string) => (c: StubCall) => isCall('kubectl', 'apply')(c) && c.args.includes(`${cluster}/`);

  for (const c of plan.clusters) {
    const ctx = contextOf(c.name);
    const namespace = first(ctx, (k) => isCall('kubectl', 'apply')(k) && k.args.includes(`${c.name}/00-istio-system-namespace.yaml`), 'creates its namespace');
    const cacerts = first(ctx, isCall('kubectl', 'create', 'secret', 'generic', 'cacerts'), 'creates cacerts');
    const istioctl = first(ctx, (k) => isCall('istioctl', 'install')(k) && k.args.includes(`${c.name}/install/istio-operator.yaml`), 'installs with istioctl');
    const helmBase = first(ctx, isCall('helm', 'upgrade', '--install', 'istio-base', 'istio/base'), 'installs the base chart');
    const helmIstiod = first(ctx, isCall('helm', 'upgrade', '--install', 'istiod', 'istio/istiod'), 'installs the istiod chart');
    expect(calls[helmBase].args).toEqual(expect.arrayContaining(['--version', plan.istioVersion, '-f', `${c.name}/install/helm/base.values.yaml`]));
    expect(calls[helmIstiod].args).toEqual(expect.arrayContaining(['--version', plan.istioVersion, '-f', `${c.name}/install/helm/istiod.values.yaml`]));
    expect(namespace).toBeLessThan(cacerts);
    expect(cacerts).toBeLessThan(Math.min(istioctl, helmBase));
    expect(helmBase).toBeLessThan(helmIstiod);
    const applyAll = maybe(ctx, appliesDir(c.name));
    if (applyAll >= 0) expect(istioctl, `${c.name}: CRDs exist before its Istio objects are applied`).toBeLessThan(applyAll);

    // Every primary holds the remote secret of exactly the clusters it reads.
    const secretsHeld = calls.filter((k) => k.context === ctx && isCall('kubectl', 'apply', '-f', '-')(k)).map(remoteSecretOf);
    expect(secretsHeld.sort(), `${c.name} holds remote secrets`).toEqual([...c.readsApiServersOf].sort());
    for (const read of c.readsApiServersOf) {
      const server = plan.clusters.find((o) => o.name === read)!.apiServer;
      const create = calls.find((k) => isCall('istioctl', 'create-remote-secret')(k) && k.args.includes(`--name=${read}`))!;
      expect(create.context).toBe(contextOf(read));
      if (server !== undefined) expect(create.args).toContain(`--server=${server}`);
    }

    if (c.role === ClusterRole.REMOTE) {
      const primary = contextOf(c.controlPlaneCluster);
      const primaryInstall = first(primary, isCall('istioctl', 'install'), 'installs the primary');
      expect(primaryInstall).toBeLessThan(istioctl);
      const primaryApply = maybe(primary, appliesDir(c.controlPlaneCluster));
      if (primaryApply >= 0) expect(primaryApply, `${c.controlPlaneCluster} exposes istiod before ${c.name} installs`).toBeLessThan(istioctl);
      const attach = calls.findIndex((k) => k.context === primary && isCall('kubectl', 'apply', '-f', '-')(k) && remoteSecretOf(k) === c.name);
      expect(attach, `${c.controlPlaneCluster} attaches ${c.name}`).toBeGreaterThanOrEqual(0);
      expect(istioctl).toBeLessThan(attach);
      if (applyAll >= 0) expect(attach, `${c.name}: gateway pods are injected only once the remote is attached`).toBeLessThan(applyAll);
    }
  }
}
