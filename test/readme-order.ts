import { expect } from 'vitest';
import { ClusterRole, contextVariable, helmBaseValuesPath, TrustMode, helmIstiodValuesPath, istioOperatorPath, MeshFile, MeshPlan } from '../src';
import { expectOrder, OrderEvent } from './order-rules';
import { parseObjects } from './support';
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
 * Runs a generated README with stand-ins for kubectl, istioctl, helm, npx, argocd and openssl:
 * load balancers report the addresses the mesh declares, remote secrets name their
 * cluster, and helloworld answers with the versions `answers` gives, in turn.
 */
export async function executeReadme(plan: MeshPlan, files: MeshFile[], options: ExecuteOptions = {}): Promise<ReadmeRun> {
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const env: Record<string, string> = { CERTS_DIR: '/secure/certs', ARGOCD_CONTEXT: 'ctx-argocd', FLUX_CONTEXT: 'ctx-flux' };
  for (const c of plan.clusters) env[contextVariable(c.name)] = contextOf(c.name);
  const clusterOf = new Map(plan.clusters.map((c) => [contextOf(c.name), c]));
  const versions = plan.clusters.map((c) => `v${c.index}`);
  return runReadme(options.markdown ?? readme, {
    env,
    files: files.filter((f) => f.path !== 'README.md'),
    stubs: ['kubectl', 'istioctl', 'helm', 'curl', 'sleep', 'npx', 'openssl', 'argocd'],
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
 * The README, executed, must work on empty clusters: its commands keep every rule of
 * `requiredOrder` (namespace before CA and install, CRDs before Istio objects, a primary and
 * the istiod it exposes before its remotes, a remote installed before its primary attaches
 * it, and attached before its gateway pods need the primary), on the istioctl path and on
 * the Helm path alike. Every primary must get the remote secret of every cluster it reads,
 * and no other.
 */
export async function expectReadmeOrder(plan: MeshPlan, files: MeshFile[]) {
  const readme = files.find((f) => f.path === 'README.md')!.content;
  const run = await executeReadme(plan, files, { markdown: installSteps(readme) });
  expect(run.ok, formatRun(run)).toBe(true);
  const calls = run.calls;
  const first = (context: string, predicate: (call: StubCall) => boolean) => {
    const i = calls.findIndex((c) => c.context === context && predicate(c));
    return i < 0 ? undefined : i;
  };
  const applies = (dir: string) => (c: StubCall) => isCall('kubectl', 'apply')(c) && c.args.includes(dir);
  const paths: Record<'istioctl' | 'helm', (ctx: string, what: 'base' | 'istiod') => number | undefined> = {
    // istioctl installs the CRDs, then istiod, in one command.
    istioctl: (ctx, what) => {
      const i = first(ctx, isCall('istioctl', 'install'));
      return i === undefined ? undefined : i + (what === 'istiod' ? 0.5 : 0);
    },
    helm: (ctx, what) => first(ctx, what === 'base' ? isCall('helm', 'upgrade', '--install', 'istio-base', 'istio/base') : isCall('helm', 'upgrade', '--install', 'istiod', 'istio/istiod')),
  };
  for (const path of ['istioctl', 'helm'] as const) {
    const time = (e: OrderEvent): number | undefined => {
      const c = plan.clusters.find((k) => k.name === e.cluster)!;
      const ctx = contextOf(e.cluster);
      switch (e.what) {
        case 'namespace': return first(ctx, applies(`clusters/${e.cluster}/namespace/`));
        case 'cacerts': {
          switch (plan.trust.mode) {
            case TrustMode.OFFLINE_CA: {
              // Applied from the CA directory, once the CA command has made it.
              const made = calls.findIndex(isCall('npx', 'cdk8s-istio-multicluster', 'ca'));
              const applied = first(ctx, (k) => isCall('kubectl', 'apply')(k) && k.args.includes(`/secure/certs/${e.cluster}/cacerts.yaml`));
              return made < 0 || applied === undefined || applied < made ? undefined : applied;
            }
            case TrustMode.BRING_YOUR_OWN:
              return first(ctx, isCall('kubectl', '-n', 'istio-system', 'create', 'secret', 'generic', 'cacerts'));
            case TrustMode.CERT_MANAGER: {
              // The root's Secret (unless it comes from a store), the Issuer and Certificate, then cert-manager has issued it.
              const root = plan.trust.certManager!.rootCaFromStore ? -1 : first(ctx, isCall('kubectl', '-n', 'istio-system', 'create', 'secret', 'tls'));
              const applied = first(ctx, (k) => isCall('kubectl', 'apply')(k) && k.args.some((a) => a === `clusters/${e.cluster}/trust/`));
              const ready = first(ctx, isCall('kubectl', '-n', 'istio-system', 'wait', 'certificate/cacerts'));
              return root === undefined || applied === undefined || ready === undefined || !(root < applied && applied < ready) ? undefined : ready;
            }
          }
          return undefined;
        }
        case 'base': case 'istiod': return paths[path](ctx, e.what);
        case 'objects': return first(ctx, applies(`clusters/${e.cluster}/mesh/`));
        case 'traffic': case 'monitoring': return first(ctx, applies(`clusters/${e.cluster}/${e.what}/`));
        case 'attached': {
          if (!plan.remoteCredentials) return first(contextOf(c.controlPlaneCluster), (k) => isCall('kubectl', 'apply', '-f', '-')(k) && remoteSecretOf(k) === e.cluster);
          // Through External Secrets: the cluster publishes its token, then its primary renders the remote secret.
          const published = first(ctx, isCall('kubectl', '-n', 'istio-system', 'wait', 'pushsecret'));
          const rendered = first(contextOf(c.controlPlaneCluster), isCall('kubectl', '-n', 'istio-system', 'wait', 'externalsecret'));
          return published === undefined || rendered === undefined || rendered < published ? undefined : rendered;
        }
      }
    };
    expectOrder(plan, (a, b) => {
      const [ta, tb] = [time(a), time(b)];
      return ta === undefined || tb === undefined ? undefined : ta < tb;
    }, () => `on the ${path} path:\n${formatRun(run)}`);
  }

  // One CA command makes every primary's intermediate (or, for cert-manager, the root), outside this directory.
  const ca = calls.filter(isCall('npx', 'cdk8s-istio-multicluster', 'ca'));
  if (plan.trust.mode === TrustMode.OFFLINE_CA) {
    expect(ca).toHaveLength(1);
    expect(ca[0].args).toEqual(expect.arrayContaining(['--dir', '/secure/certs', '--output-dir', '.']));
    // Primaries only: a remote's workloads get their certificates from its primary's istiod.
    expect(ca[0].args[ca[0].args.indexOf('--clusters') + 1].split(',')).toEqual(plan.clusters.filter((c) => c.role === ClusterRole.PRIMARY).map((c) => c.name));
  } else if (plan.trust.mode === TrustMode.CERT_MANAGER && !plan.trust.certManager!.rootCaFromStore) {
    expect(ca.map((k) => k.args.includes('--root-only'))).toEqual([true]);
  } else {
    expect(ca).toEqual([]);
  }
  for (const c of plan.clusters.filter((k) => k.role === ClusterRole.REMOTE)) {
    expect(calls.some((k) => k.context === contextOf(c.name) && k.args.some((a) => a.endsWith('/cacerts.yaml'))), `${c.name} gets no cacerts`).toBe(false);
  }

  for (const c of plan.clusters) {
    const ctx = contextOf(c.name);
    const istioctl = calls.find((k) => k.context === ctx && isCall('istioctl', 'install')(k))!;
    expect(istioctl.args).toContain(istioOperatorPath(c.name));
    const helmBase = calls.find((k) => k.context === ctx && isCall('helm', 'upgrade', '--install', 'istio-base', 'istio/base')(k))!;
    const helmIstiod = calls.find((k) => k.context === ctx && isCall('helm', 'upgrade', '--install', 'istiod', 'istio/istiod')(k))!;
    expect(helmBase.args).toEqual(expect.arrayContaining(['--version', plan.istioVersion, '-f', helmBaseValuesPath(c.name)]));
    expect(helmIstiod.args).toEqual(expect.arrayContaining(['--version', plan.istioVersion, '-f', helmIstiodValuesPath(c.name)]));
    if (c.hasMeshObjects) expect(first(ctx, applies(`clusters/${c.name}/mesh/`)), `${c.name}: its mesh objects are applied`).toBeDefined();

    // Every primary holds the remote secret of exactly the clusters it reads.
    if (plan.remoteCredentials) {
      const rendered = parseObjects(files, (p) => p.startsWith(`clusters/${c.name}/remote-secrets/`)).map((o) => o.spec.target.name as string);
      expect(rendered.sort(), `${c.name} renders remote secrets`).toEqual(c.readsApiServersOf.map((r) => `istio-remote-secret-${r}`).sort());
      expect(calls.some(isCall('istioctl', 'create-remote-secret')), 'no live-cluster remote secrets').toBe(false);
      continue;
    }
    const secretsHeld = calls.filter((k) => k.context === ctx && isCall('kubectl', 'apply', '-f', '-')(k)).map(remoteSecretOf);
    expect(secretsHeld.sort(), `${c.name} holds remote secrets`).toEqual([...c.readsApiServersOf].sort());
    for (const read of c.readsApiServersOf) {
      const server = plan.clusters.find((o) => o.name === read)!.apiServer;
      const create = calls.find((k) => isCall('istioctl', 'create-remote-secret')(k) && k.args.includes(`--name=${read}`))!;
      expect(create.context).toBe(contextOf(read));
      if (server !== undefined) expect(create.args).toContain(`--server=${server}`);
    }
  }
}
