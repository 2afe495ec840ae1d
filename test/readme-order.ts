import { expect } from 'vitest';
import {
  ClusterRole, contextVariable, DataPlaneMode, helmBaseValuesPath, helmCniValuesPath, helmIstiodValuesPath, helmZtunnelValuesPath, istioOperatorPath,
  MeshFile, MeshPlan, TrustMode,
} from '../src';
import { DeliveryStage, HELM_CHART_NAMES, HELM_RELEASE_NAMES, HelmStage } from '../src/model/delivery-names';
import { ManualStepKind } from '../src/plan/procedure';
import { expectOrder, OrderEvent } from './order-rules';
import { parseObjects } from './support';
import { isDeepStrictEqual } from 'util';
import { CONTEXT, commandsOfStep, InstallPath } from '../src/render/step-commands';
import { argsWithoutContext, formatRun, isCall, ReadmeRun, runReadme, StubCall } from './readme-shell';

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
  /** The containers of the sample pods, per context, as the ambient check lists them (`pod: init containers containers` lines); none by default. */
  readonly samplePods?: (context: string) => string;
}

/** Where the Gateway API's CRDs are installed from. */
const GATEWAY_API_CRDS = /^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v\d+\.\d+\.\d+\/standard-install\.yaml$/;

/** Each chart's values file. */
const HELM_VALUES: Record<HelmStage, (cluster: string) => string> = {
  [DeliveryStage.BASE]: helmBaseValuesPath, [DeliveryStage.ISTIOD]: helmIstiodValuesPath,
  [DeliveryStage.CNI]: helmCniValuesPath, [DeliveryStage.ZTUNNEL]: helmZtunnelValuesPath,
};

/** The `helm upgrade --install` of one chart. */
const helmInstall = (stage: HelmStage) => isCall('helm', 'upgrade', '--install', HELM_RELEASE_NAMES[stage], `istio/${HELM_CHART_NAMES[stage]}`);

/** The charts each cluster installs, in the order of the delivery plan. */
export function helmStagesOf(plan: MeshPlan, cluster: string): HelmStage[] {
  return plan.delivery.steps.filter((s) => s.cluster === cluster && s.stage in HELM_VALUES).map((s) => s.stage as HelmStage);
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
  const clusterOf = new Map<string, { discoveryAddress?: string }>(plan.clusters.map((c) => [contextOf(c.name), c]));
  const ecp = plan.externalControlPlane;
  if (ecp) {
    env[contextVariable(ecp.name)] = contextOf(ecp.name);
    clusterOf.set(contextOf(ecp.name), ecp);
  }
  const versions = plan.clusters.map((c) => `v${c.index}`);
  return runReadme(options.markdown ?? readme, {
    env,
    files: files.filter((f) => f.path !== 'README.md'),
    stubs: ['kubectl', 'istioctl', 'helm', 'curl', 'sleep', 'npx', 'openssl', 'argocd'],
    replies: [
      // Empty clusters have no Gateway API: the README must install it.
      {
        cmd: 'kubectl', match: (args) => args.includes('get') && args.includes('crd') && args.includes('gateways.gateway.networking.k8s.io'),
        stderr: 'Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "gateways.gateway.networking.k8s.io" not found\n', exitCode: 1,
      },
      {
        cmd: 'kubectl', match: (args) => args.includes('get') && args.includes('pods') && args.includes('sample'),
        stdout: (_args, _i, call) => options.samplePods?.(call.context ?? '') ?? '',
      },
      {
        cmd: 'istioctl', match: (args) => args.includes('ztunnel-config'),
        stdout: 'sample   helloworld-v1-6d5b8f7c9-x2x4z   10.1.0.7   node-1   None   HBONE\n',
      },
      {
        cmd: 'kubectl', match: (args) => args.includes('get') && args.includes('svc'),
        stdout: (_args, _i, call) => clusterOf.get(call.context ?? '')?.discoveryAddress ?? '198.51.100.200',
      },
      // A config cluster's kubeconfig for an external istiod, labelled as istioctl labels every remote secret.
      {
        cmd: 'istioctl', match: (args) => args[0] === 'create-remote-secret' && args.includes('--type=config'),
        stdout: (args) => `${ISTIO_KUBECONFIG_MARK} ${args.find((a) => a.startsWith('--name='))!.slice('--name='.length)}\n` +
          'metadata:\n  labels:\n    istio/multiCluster: "true"\n',
      },
      {
        cmd: 'istioctl', match: (args) => args[0] === 'create-remote-secret',
        stdout: (args) => `# remote secret of ${args.find((a) => a.startsWith('--name='))!.slice('--name='.length)}\n`,
      },
      // `kubectl label --local -f - <key>- -o yaml` prints its input without the label.
      {
        cmd: 'kubectl', match: (args) => args[0] === 'label' && args.includes('--local'),
        stdout: (args, _i, call) => {
          const removed = args.filter((a) => a.endsWith('-') && !a.startsWith('-')).map((a) => a.slice(0, -1));
          return (call.stdin ?? '').split('\n').filter((l) => !removed.some((key) => l.trim().startsWith(`${key}:`))).join('\n');
        },
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

/**
 * An ambient cluster's install: on both paths the node agents are waited for once the charts
 * are in; the Gateway API CRDs come before istiod and the east-west gateway, which is waited
 * for once applied. `installs` are the istioctl install and the last Helm install.
 */
function expectAmbientInstall(calls: StubCall[], cluster: string, hasObjects: boolean, installs: number[]) {
  const ctx = contextOf(cluster);
  const index = (from: number, predicate: (k: StubCall) => boolean) => calls.findIndex((k, i) => i > from && k.context === ctx && predicate(k));
  const nodeAgents = (k: StubCall) => isCall('kubectl', '-n', 'istio-system', 'rollout', 'status')(k) &&
    k.args.includes('daemonset/istio-cni-node') && k.args.includes('daemonset/ztunnel');
  for (const installed of installs) {
    const next = index(installed, (k) => k.cmd === 'istioctl' || k.cmd === 'helm' || nodeAgents(k));
    expect(next >= 0 && nodeAgents(calls[next]), `${cluster}: the node agents are waited for after the install (call #${installed})`).toBe(true);
  }
  if (!hasObjects) return;
  const objects = index(-1, (k) => isCall('kubectl', 'apply')(k) && k.args.includes(`clusters/${cluster}/mesh/`));
  const crds = index(-1, (k) => isCall('kubectl', 'apply', '--server-side', '-f')(k) && GATEWAY_API_CRDS.test(k.args.at(-1)!));
  expect(crds, `${cluster}: the Gateway API CRDs are installed`).toBeGreaterThanOrEqual(0);
  expect(crds, `${cluster}: the Gateway API CRDs come before istiod, which then provides the istio-east-west class`).toBeLessThan(Math.min(...installs));
  expect(crds, `${cluster}: the Gateway API CRDs come before the east-west gateway`).toBeLessThan(objects);
  const programmed = index(objects, isCall('kubectl', '-n', 'istio-system', 'wait', 'gateway/istio-eastwestgateway'));
  expect(programmed, `${cluster}: the east-west gateway is waited for once applied`).toBeGreaterThan(objects);
  expect(calls[programmed].args).toContain('--for=condition=Programmed');
}

/** The order rules' event of each delivered stage (the steps of External Secrets are read off their waits). */
const STAGE_EVENTS: Partial<Record<DeliveryStage, OrderEvent['what']>> = {
  [DeliveryStage.NAMESPACE]: 'namespace', [DeliveryStage.TRUST]: 'cacerts', [DeliveryStage.BASE]: 'base', [DeliveryStage.ISTIOD]: 'istiod',
  [DeliveryStage.CNI]: 'istio-cni', [DeliveryStage.ZTUNNEL]: 'ztunnel', [DeliveryStage.OBJECTS]: 'objects',
  [DeliveryStage.TRAFFIC]: 'traffic', [DeliveryStage.MONITORING]: 'monitoring',
};

/**
 * The executed README keeps every edge of the procedure graph: each step is done (its first
 * call) after every step it comes after is done (its last call). A step done by hand over
 * several clusters spans the calls it makes in each.
 */
function expectProcedureKept(plan: MeshPlan, path: string, time: (cluster: string, what: OrderEvent['what']) => number | undefined, calls: StubCall[]) {
  const waitIn = (cluster: string, kind: string) => {
    const i = calls.findIndex((k) => k.context === contextOf(cluster) && isCall('kubectl', '-n', plan.istioNamespace, 'wait', kind)(k));
    return i < 0 ? undefined : i;
  };
  const span = (id: string): [number, number] | undefined => {
    const step = plan.procedure.steps.find((s) => s.id === id)!;
    const times = step.clusters.map((cluster): number | undefined => {
      if (step.stage === DeliveryStage.CREDENTIALS) return waitIn(cluster, 'pushsecret');
      if (step.stage === DeliveryStage.REMOTE_SECRETS) return waitIn(cluster, 'externalsecret');
      if (step.stage !== undefined) return time(cluster, STAGE_EVENTS[step.stage]!);
      if (step.verification) return time(cluster, 'verify');
      switch (step.manual!) {
        case ManualStepKind.TRUST: return time(cluster, 'cacerts');
        case ManualStepKind.ROOT_CA: {
          const i = calls.findIndex((k) => k.context === contextOf(cluster) && isCall('kubectl', '-n', plan.istioNamespace, 'create', 'secret', 'tls')(k));
          return i < 0 ? undefined : i;
        }
        case ManualStepKind.CONFIG_KUBECONFIG: return cluster === plan.externalControlPlane?.name ? time(cluster, 'istio-kubeconfig') : undefined;
        // Every secret a reader holds, and (the other end) every cluster read.
        case ManualStepKind.REMOTE_SECRETS: return undefined;
        // A delivery tool's registration of the clusters: no step of the kubectl path (skipped below).
        case ManualStepKind.ARGO_CD_CLUSTERS: case ManualStepKind.FLUX_KUBECONFIGS: return undefined;
      }
    });
    if (step.manual === ManualStepKind.REMOTE_SECRETS) {
      const held = calls.map((k, i) => (isCall('kubectl', 'apply', '-f', '-')(k) && remoteSecretOf(k) !== undefined ? i : -1)).filter((i) => i >= 0);
      return held.length === 0 ? undefined : [Math.min(...held), Math.max(...held)];
    }
    if (step.manual === ManualStepKind.CONFIG_KUBECONFIG) {
      const t = times.find((x) => x !== undefined);
      return t === undefined ? undefined : [t, t];
    }
    if (times.some((t) => t === undefined)) return undefined;
    return [Math.min(...(times as number[])), Math.max(...(times as number[]))];
  };
  const broken: string[] = [];
  // The steps that only a delivery tool needs are not the kubectl path's.
  const ofThisPath = (id: string) => plan.procedure.steps.find((s) => s.id === id)!.tool === undefined;
  for (const step of plan.procedure.steps.filter((s) => s.tool === undefined)) {
    const done = span(step.id);
    if (done === undefined) {
      broken.push(`${step.id} is never done`);
      continue;
    }
    for (const a of step.after.filter(ofThisPath)) {
      const before = span(a);
      if (before !== undefined && !(before[1] < done[0])) broken.push(`${step.id} (call #${done[0]}) is not done after ${a} (call #${before[1]})`);
    }
  }
  expect(broken, `on the ${path} path, the README does not keep the procedure:\n${broken.join('\n')}`).toEqual([]);
}

/**
 * The executed README runs, on each install path, every command of every cluster's step as the
 * procedure gives it (`stepCommands`), against that cluster's context: the README prints the
 * procedure's commands, not commands of its own.
 */
function expectStepCommandsRun(plan: MeshPlan, path: InstallPath, calls: StubCall[], files: MeshFile[]) {
  const missing: string[] = [];
  const exists = (f: string) => files.some((file) => (f.endsWith('/') ? file.path.startsWith(f) : file.path === f));
  for (const step of plan.procedure.steps) {
    const commands = commandsOfStep(plan, step, path);
    for (const command of [...commands?.run ?? [], ...commands?.wait ?? []]) {
      const args = command.args.filter((a) => a !== CONTEXT);
      const ran = calls.some((k) => k.cmd === command.tool && k.context === contextOf(command.cluster) && isDeepStrictEqual(argsWithoutContext(k.args), args));
      if (!ran) missing.push(`${step.id}: ${command.tool} ${args.join(' ')} (context ${contextOf(command.cluster)})`);
      // What it reads is in the output, and among its arguments.
      for (const f of command.files) if (!exists(f) || !args.includes(f)) missing.push(`${step.id}: ${command.tool} reads ${f}, which the output lacks`);
    }
  }
  expect(missing, `on the ${path} path, the README does not run these commands of the procedure's steps`).toEqual([]);
}

const remoteSecretOf = (call: StubCall) => /# remote secret of (\S+)/.exec(call.stdin ?? '')?.[1];
/** What the stand-in istioctl prints first for a config cluster's kubeconfig (`--type=config`). */
const ISTIO_KUBECONFIG_MARK = '# istio-kubeconfig of';
/** The config cluster a kubeconfig for the external istiod is of, when it no longer carries the remote-secret label. */
const istioKubeconfigOf = (call: StubCall) => (call.stdin?.includes('istio/multiCluster') ? undefined
  : new RegExp(`${ISTIO_KUBECONFIG_MARK} (\\S+)`).exec(call.stdin ?? '')?.[1]);

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
  const paths: Record<'istioctl' | 'helm', (ctx: string, stage: HelmStage) => number | undefined> = {
    // istioctl installs the CRDs, then istiod, then (ambient profile) istio-cni and ztunnel, in one command.
    istioctl: (ctx, stage) => {
      const i = first(ctx, isCall('istioctl', 'install'));
      return i === undefined ? undefined : i + Object.keys(HELM_VALUES).indexOf(stage) / 4;
    },
    helm: (ctx, stage) => first(ctx, helmInstall(stage)),
  };
  for (const path of ['istioctl', 'helm'] as const) {
    const time = (e: OrderEvent): number | undefined => {
      const c = plan.clusters.find((k) => k.name === e.cluster)!;
      const ecp = plan.externalControlPlane;
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
              return first(ctx, isCall('kubectl', '-n', plan.istioNamespace, 'create', 'secret', 'generic', 'cacerts'));
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
        case 'base': return paths[path](ctx, DeliveryStage.BASE);
        case 'istiod': return paths[path](ctx, DeliveryStage.ISTIOD);
        case 'istio-cni': return paths[path](ctx, DeliveryStage.CNI);
        case 'ztunnel': return paths[path](ctx, DeliveryStage.ZTUNNEL);
        case 'objects': return first(ctx, applies(`clusters/${e.cluster}/mesh/`));
        case 'traffic': case 'monitoring': return first(ctx, applies(`clusters/${e.cluster}/${e.what}/`));
        case 'verify': return first(ctx, applies(`verify/${e.cluster}/`));
        // The config cluster's kubeconfig, without the remote-secret label, applied to the external cluster.
        case 'istio-kubeconfig': return first(ctx, (k) => isCall('kubectl', 'apply', '-f', '-')(k) && istioKubeconfigOf(k) === ecp?.configCluster);
        case 'attached': {
          // With an external control plane, remote secrets go to the external cluster.
          if (ecp) return first(contextOf(ecp.name), (k) => isCall('kubectl', 'apply', '-f', '-')(k) && remoteSecretOf(k) === e.cluster);
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
    expectProcedureKept(plan, path, (cluster, what) => time({ cluster, what }), calls);
    expectStepCommandsRun(plan, path, calls, files);
  }

  // One CA command makes every primary's intermediate (or, for cert-manager, the root), outside this directory.
  const ca = calls.filter(isCall('npx', 'cdk8s-istio-multicluster', 'ca'));
  const ecp = plan.externalControlPlane;
  if (ecp) {
    // One intermediate, for the external istiod, as a Secret of its namespace; none in the mesh's clusters.
    if (plan.trust.mode === TrustMode.OFFLINE_CA) {
      expect(ca).toHaveLength(1);
      expect(ca[0].args).toEqual(expect.arrayContaining(['--dir', '/secure/certs', '--output-dir', '.', '--clusters', ecp.name, '--namespace', plan.istioNamespace]));
    } else {
      expect(ca).toEqual([]);
    }
  } else if (plan.trust.mode === TrustMode.OFFLINE_CA) {
    expect(ca).toHaveLength(1);
    expect(ca[0].args).toEqual(expect.arrayContaining(['--dir', '/secure/certs', '--output-dir', '.']));
    // Primaries only: a remote's workloads get their certificates from its primary's istiod.
    expect(ca[0].args[ca[0].args.indexOf('--clusters') + 1].split(',')).toEqual(plan.clusters.filter((c) => c.role === ClusterRole.PRIMARY).map((c) => c.name));
  } else if (plan.trust.mode === TrustMode.CERT_MANAGER && !plan.trust.certManager!.rootCaFromStore) {
    expect(ca.map((k) => k.args.includes('--root-only'))).toEqual([true]);
  } else {
    expect(ca).toEqual([]);
  }
  for (const c of plan.clusters.filter((k) => k.role !== ClusterRole.PRIMARY)) {
    expect(calls.some((k) => k.context === contextOf(c.name) && k.args.some((a) => a.endsWith('/cacerts.yaml'))), `${c.name} gets no cacerts`).toBe(false);
  }
  if (ecp) expectExternalControlPlaneCalls(plan, calls);

  const ambient = plan.dataPlaneMode === DataPlaneMode.AMBIENT;
  for (const c of plan.clusters) {
    const ctx = contextOf(c.name);
    const istioctl = calls.findIndex((k) => k.context === ctx && isCall('istioctl', 'install')(k));
    expect(calls[istioctl]?.args, `${c.name}: istioctl installs it`).toContain(istioOperatorPath(c.name));
    // Every chart of the plan, with its version and values, in the plan's order; the ambient charts only in an ambient mesh.
    const stages = helmStagesOf(plan, c.name);
    expect(stages.includes(DeliveryStage.ZTUNNEL), `${c.name} installs ztunnel`).toBe(ambient);
    const helm = stages.map((stage) => calls.findIndex((k) => k.context === ctx && helmInstall(stage)(k)));
    stages.forEach((stage, i) => {
      expect(helm[i], `${c.name}: helm installs ${HELM_RELEASE_NAMES[stage]}`).toBeGreaterThanOrEqual(0);
      expect(calls[helm[i]].args).toEqual(expect.arrayContaining(['--version', plan.istioVersion, '-f', HELM_VALUES[stage](c.name)]));
    });
    expect(helm, `${c.name}: the charts are installed in the order of the plan (${stages.join(', ')})`).toEqual([...helm].sort((a, b) => a - b));
    expect(calls.filter((k) => k.context === ctx && k.cmd === 'helm' && k.args[0] === 'upgrade').length, `${c.name}: no other chart`).toBe(stages.length);
    if (ambient) expectAmbientInstall(calls, c.name, c.hasMeshObjects, [istioctl, Math.max(...helm)]);
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
      const { apiServer, apiServerTlsName } = plan.clusters.find((o) => o.name === read)!;
      const create = calls.find((k) => isCall('istioctl', 'create-remote-secret')(k) && k.args.includes(`--name=${read}`))!;
      expect(create.context).toBe(contextOf(read));
      if (apiServer !== undefined) expect(create.args).toContain(`--server=${apiServer}`);
      expect(create.args.filter((a) => a.startsWith('--tls-server-name')), `${read}: its TLS server name`)
        .toEqual(apiServerTlsName === undefined ? [] : [`--tls-server-name=${apiServerTlsName}`]);
    }
  }
}

/**
 * The external control plane's own commands: its istiod-external Service and address check,
 * istiod on both paths (istiod chart alone, waited for), the config cluster's kubeconfig made
 * for the service account istiod without creating one, and a remote secret of every other
 * cluster, all applied to the external cluster. The mesh's clusters install the remote
 * profile, whose istiod chart has no pod to wait for.
 */
function expectExternalControlPlaneCalls(plan: MeshPlan, calls: StubCall[]) {
  const ecp = plan.externalControlPlane!;
  const ns = plan.istioNamespace;
  const ext = contextOf(ecp.name);
  const inExt = calls.filter((k) => k.context === ext);
  const service = inExt.findIndex(isCall('kubectl', 'apply', '-f', `clusters/${ecp.name}/mesh/`));
  expect(service, 'the istiod-external Service is applied').toBeGreaterThanOrEqual(0);
  expect(inExt.findIndex((k, i) => i > service && isCall('kubectl', '-n', ns, 'get', 'svc', 'istiod-external')(k)), 'its address is waited for').toBeGreaterThan(service);
  expect(inExt.find(isCall('istioctl', 'install'))?.args).toContain(istioOperatorPath(ecp.name));
  const helm = inExt.filter((k) => k.cmd === 'helm' && k.args[0] === 'upgrade');
  expect(helm.map((k) => k.args.slice(0, 4)), 'the external cluster gets the istiod chart alone').toEqual([['upgrade', '--install', 'istiod', 'istio/istiod']]);
  expect(helm[0].args).toEqual(expect.arrayContaining(['-n', ns, '--version', plan.istioVersion, '-f', helmIstiodValuesPath(ecp.name), '--wait']));
  expect(inExt.filter(isCall('kubectl', '-n', ns, 'rollout', 'status', 'deployment/istiod')), 'istiod is waited for on both paths').toHaveLength(2);
  for (const c of plan.clusters) {
    const istiod = calls.find((k) => k.context === contextOf(c.name) && helmInstall(DeliveryStage.ISTIOD)(k))!;
    expect(istiod.args, `${c.name}: the remote profile has no istiod pod to wait for`).not.toContain('--wait');
    expect(istiod.args).toEqual(expect.arrayContaining(['-n', ns]));
  }
  const config = plan.clusters.find((c) => c.name === ecp.configCluster)!;
  const kubeconfig = calls.filter((k) => isCall('istioctl', 'create-remote-secret')(k) && k.args.includes('--type=config'));
  expect(kubeconfig, 'one kubeconfig of the config cluster').toHaveLength(1);
  expect(kubeconfig[0].context).toBe(contextOf(config.name));
  expect(kubeconfig[0].args).toEqual(expect.arrayContaining([`--name=${config.name}`, `--namespace=${ns}`, '--service-account=istiod', '--create-service-account=false']));
  if (config.apiServer !== undefined) expect(kubeconfig[0].args).toContain(`--server=${config.apiServer}`);
  if (config.apiServerTlsName !== undefined) expect(kubeconfig[0].args).toContain(`--tls-server-name=${config.apiServerTlsName}`);
  // The external cluster holds istio-kubeconfig and the remote secret of every cluster but the config cluster.
  const held = inExt.filter(isCall('kubectl', 'apply', '-f', '-'));
  expect(held.filter((k) => istioKubeconfigOf(k) === config.name), 'istio-kubeconfig, without the remote-secret label').toHaveLength(1);
  expect(held.map(remoteSecretOf).filter((r) => r !== undefined).sort()).toEqual([...ecp.readsApiServersOf].sort());
  for (const read of ecp.readsApiServersOf) {
    const c = plan.clusters.find((o) => o.name === read)!;
    const create = calls.find((k) => isCall('istioctl', 'create-remote-secret')(k) && k.args.includes(`--name=${read}`))!;
    expect(create.context).toBe(contextOf(read));
    expect(create.args).toEqual(expect.arrayContaining(['--type=remote', `--namespace=${ns}`, '--create-service-account=false']));
    if (c.apiServer !== undefined) expect(create.args).toContain(`--server=${c.apiServer}`);
    if (c.apiServerTlsName !== undefined) expect(create.args).toContain(`--tls-server-name=${c.apiServerTlsName}`);
  }
}
