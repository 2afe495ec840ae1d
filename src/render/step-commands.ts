/**
 * The commands that do each cluster's step of the procedure, as data: the tool, the cluster whose
 * kube context it runs against, and its arguments, on the istioctl path and on the Helm path
 * (kubectl for everything else). The generated README prints them; a program can run them.
 *
 * istioctl installs a cluster's charts in one command, which is its first chart step's (the base
 * chart's, or an external control plane's istiod); the later chart steps then have nothing more to
 * run there, but the same readiness to wait for.
 */
import { EASTWEST_GATEWAY_NAME } from '../constructs/istio-names';
import { DeliveryStage, HelmStage } from '../model/delivery-names';
import { DataPlaneMode } from '../model/mesh-spec';
import { ClusterPlan, MeshPlan } from '../plan/mesh-plan';
import { ProcedureStep } from '../plan/procedure';
import { ISTIO_CHARTS, isHelmStage } from './install/charts';
import { LAYER_LABEL } from './labels';
import { istioOperatorPath } from './layout';
import { CLUSTER_LAYERS } from './cluster-layers';
import { HELM_CLIENT_SIDE_APPLY_FLAG, helmNeedsClientSideApply } from './version-notes';

/** Where a command's kube context goes among its arguments: each tool names the flag its own way. */
export const CONTEXT = '<context>';

/** One command: a tool, the cluster it runs against, and its arguments, with `CONTEXT` where the context goes. */
export interface StepCommand {
  readonly tool: 'kubectl' | 'helm' | 'istioctl';
  readonly cluster: string;
  readonly args: readonly string[];
  /** The files and directories of the mesh's output that it reads (among its arguments), relative to the mesh's directory. */
  readonly files: readonly string[];
}

/** A step's commands, and those that wait until what it made is ready. */
export interface StepCommands {
  readonly run: readonly StepCommand[];
  readonly wait: readonly StepCommand[];
}

/** How Istio is installed: with istioctl, or with Helm. */
export type InstallPath = 'istioctl' | 'helm';

/** The DaemonSets of Istio's cni and ztunnel charts: the ambient data plane, one pod per node. */
export const AMBIENT_DAEMONSETS = ['daemonset/istio-cni-node', 'daemonset/ztunnel'];

/** How long a wait lasts before it fails. */
const WAIT_TIMEOUT = '--timeout=5m';

/** The commands of a step of the procedure on an install path; a step done by hand has none. */
export function commandsOfStep(mesh: MeshPlan, step: ProcedureStep, path: InstallPath): StepCommands | undefined {
  return step.stage === undefined ? undefined : stepCommands(mesh, step.clusters[0], step.stage, path);
}

/** The commands of a cluster's step on an install path (the path matters only for the charts). */
export function stepCommands(mesh: MeshPlan, cluster: string, stage: DeliveryStage, path: InstallPath): StepCommands {
  const ns = mesh.istioNamespace;
  const kubectl = (...args: string[]): StepCommand => ({ tool: 'kubectl', cluster, args: [CONTEXT, ...args], files: [] });
  const waitFor = (...args: string[]) => kubectl('-n', ns, ...args, WAIT_TIMEOUT);
  const plan = mesh.clusters.find((c) => c.name === cluster);
  if (isHelmStage(stage)) return chartCommands(mesh, cluster, stage, path);
  const layer = CLUSTER_LAYERS.find((l) => l.stage === stage)!;
  const apply: StepCommand = { ...kubectl('apply', '-f', `${layer.dir(cluster)}/`), files: [`${layer.dir(cluster)}/`] };
  switch (stage) {
    case DeliveryStage.TRUST: return { run: [apply], wait: [waitFor('wait', 'certificate/cacerts', '--for=condition=Ready')] };
    case DeliveryStage.CREDENTIALS: return { run: [apply], wait: [waitFor('wait', 'pushsecret', '-l', `${LAYER_LABEL}=credentials`, '--for=condition=Ready')] };
    case DeliveryStage.REMOTE_SECRETS: return { run: [apply], wait: [waitFor('wait', 'externalsecret', '-l', `${LAYER_LABEL}=credentials`, '--for=condition=Ready')] };
    case DeliveryStage.OBJECTS: return { run: [apply], wait: ambientGateway(mesh, plan) ? [waitFor('wait', `gateway/${EASTWEST_GATEWAY_NAME}`, '--for=condition=Programmed')] : [] };
    default: return { run: [apply], wait: [] };
  }
}

/** Whether the cluster's objects hold an ambient east-west gateway, which istiod deploys and reports programmed. */
function ambientGateway(mesh: MeshPlan, cluster: ClusterPlan | undefined): boolean {
  return mesh.dataPlaneMode === DataPlaneMode.AMBIENT && cluster?.eastWestGateway !== undefined;
}

/**
 * A chart step: `helm upgrade --install` of its chart, or on the istioctl path the one `istioctl
 * install`, in the cluster's first chart step.
 */
function chartCommands(mesh: MeshPlan, cluster: string, stage: HelmStage, path: InstallPath): StepCommands {
  const chart = ISTIO_CHARTS[stage];
  const external = mesh.externalControlPlane?.name === cluster;
  const rollout = (...workloads: string[]): StepCommand =>
    ({ tool: 'kubectl', cluster, args: [CONTEXT, '-n', mesh.istioNamespace, 'rollout', 'status', ...workloads, WAIT_TIMEOUT], files: [] });
  // In ambient mode both paths end with the node agents running on every node; an external
  // istiod, which starts only once istio-kubeconfig is there, is waited for on both paths too.
  const wait = stage === DeliveryStage.ZTUNNEL ? [rollout(...AMBIENT_DAEMONSETS)] : external && stage === DeliveryStage.ISTIOD ? [rollout('deployment/istiod')] : [];
  if (path === 'istioctl') {
    const operator = istioOperatorPath(cluster);
    // The external cluster installs no base chart (its procedure has no base step), every other cluster does first.
    const first = external ? DeliveryStage.ISTIOD : DeliveryStage.BASE;
    const run: StepCommand[] = stage === first ? [{ tool: 'istioctl', cluster, args: ['install', CONTEXT, '-y', '-f', operator], files: [operator] }] : [];
    return { run, wait };
  }
  // Each chart's pods are up before the next chart comes. With an external control plane the mesh
  // clusters' istiod chart has no pod to wait for (remote profile); the external istiod's has.
  const waits = chart.hasWorkload && (mesh.externalControlPlane === undefined || external);
  return {
    run: [{
      tool: 'helm',
      cluster,
      args: ['upgrade', '--install', chart.release, `istio/${chart.chart}`, '--version', mesh.istioVersion, '-n', mesh.istioNamespace, CONTEXT,
        ...(helmNeedsClientSideApply(mesh.istio) ? [HELM_CLIENT_SIDE_APPLY_FLAG] : []), '-f', chart.valuesFile(cluster), ...(waits ? ['--wait'] : [])],
      files: [chart.valuesFile(cluster)],
    }],
    wait,
  };
}

/**
 * A cluster's step as lines of bash, its commands then its waits. For a loop over clusters whose
 * step differs only by their name, `loopVariable` (`$c`) stands for the name in the paths, quoted.
 */
export function stepLines(mesh: MeshPlan, cluster: string, stage: DeliveryStage, path: InstallPath, context: string,
  options: { readonly loopVariable?: string } = {}): string[] {
  const { run, wait } = stepCommands(mesh, cluster, stage, path);
  const v = options.loopVariable;
  const named = (a: string) => (v === undefined ? a : a.split('/').map((part) => (part === cluster ? v : part)).join('/'));
  return [...run, ...wait].flatMap((command) => commandLines({ ...command, args: command.args.map(named) }, context, { quoteVariables: v !== undefined }));
}

/**
 * A command as a line of bash, with the context as the tool takes it: `kubectl --context=<ctx>`
 * first, `istioctl <command> --context=<ctx>`, `helm … --kube-context <ctx>`; Helm's values file
 * goes on a second line, as the README writes it. `quoteVariables` quotes the arguments that hold
 * a shell variable, for a loop.
 */
export function commandLines(command: StepCommand, context: string, options: { readonly quoteVariables?: boolean } = {}): string[] {
  // In a loop, an argument that names the loop's cluster (`clusters/$c/mesh/`) is quoted, as bash wants.
  const quoted = (a: string) => (options.quoteVariables && a.includes('$') ? `"${a}"` : a);
  const args = command.args.flatMap((a) => (a !== CONTEXT ? [quoted(a)] : command.tool === 'helm' ? ['--kube-context', context] : [`--context=${context}`]));
  if (command.tool !== 'helm') return [[command.tool, ...args].join(' ')];
  const f = args.indexOf('-f');
  return [`${[command.tool, ...args.slice(0, f)].join(' ')} \\`, `  ${args.slice(f).join(' ')}`];
}
