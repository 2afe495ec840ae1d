/**
 * The `plan` command's readable text: every cluster's role and duties, as `planMesh` derived
 * them, and the order of the delivery plan. Everything printed is read from the plan.
 */
import { IstiodExposure } from '../model/mesh-spec';
import { ManualStep, ManualStepKind, StepRef } from '../plan/delivery-plan';
import { ClusterPlan, ClusterRole, MeshPlan } from '../plan/mesh-plan';
import { topologyName } from '../render/readme';

const MANUAL_STEPS: Record<ManualStepKind, string> = {
  [ManualStepKind.TRUST]: 'the cacerts Secret of every cluster that runs istiod (the ca command makes them)',
  [ManualStepKind.ROOT_CA]: 'the shared root CA\'s Secret in every primary, for cert-manager\'s Issuer',
  [ManualStepKind.REMOTE_SECRETS]: 'the remote secrets (istioctl create-remote-secret), once every control plane runs',
  [ManualStepKind.CONFIG_KUBECONFIG]: 'istio-kubeconfig in the external cluster, the external istiod\'s kubeconfig of the config cluster',
  [ManualStepKind.ARGO_CD_CLUSTERS]: 'every cluster registered with Argo CD (argocd cluster add), for Argo CD only',
  [ManualStepKind.FLUX_KUBECONFIGS]: 'a kubeconfig Secret per cluster in the Flux cluster, for Flux only',
};

const list = (names: readonly string[]) => names.join(', ');
const stepName = (s: StepRef) => `${s.cluster}/${s.stage}`;

export function renderPlanText(plan: MeshPlan): string {
  const lines: string[] = [];
  const delivery = plan.delivery;
  const tools = [
    'kubectl, istioctl and Helm (README.md)',
    ...(delivery.argoCd ? ['Argo CD'] : []),
    ...(delivery.flux ? [`Flux (${delivery.flux.mode}${delivery.flux.hubCluster ? ` in ${delivery.flux.hubCluster}` : ''})`] : []),
    ...(delivery.sailVersion ? [`the Sail Operator (${delivery.sailVersion})`] : []),
  ];
  lines.push(
    `mesh ${plan.meshId}: ${topologyName(plan)}`,
    `  Istio ${plan.istioVersion}, trust domain ${plan.trustDomain}, network${plan.networks.length > 1 ? 's' : ''} ${list(plan.networks)}`,
    `  trust: ${plan.trust.mode}; remote secrets: ${plan.remoteCredentials
      ? `External Secrets through ${plan.remoteCredentials.secretStore.kind} ${plan.remoteCredentials.secretStore.name}`
      : 'istioctl create-remote-secret'}`,
    `  delivered with: ${list(tools)}`,
  );
  const ecp = plan.externalControlPlane;
  if (ecp) {
    lines.push('', `external control plane ${ecp.name} (not a cluster of the mesh)`,
      `  runs istiod in ${ecp.namespace}, as the istiod of config cluster ${ecp.configCluster}, reached at ${ecp.discoveryAddress} ` +
      'through the istiod-external LoadBalancer Service (ports 15012, 15017)',
      `  reads the config cluster ${ecp.configCluster} through istio-kubeconfig` +
      (ecp.readsApiServersOf.length > 0 ? `, and the API servers of ${list(ecp.readsApiServersOf)} (their remote secrets)` : ''),
      '  steps, in order:', ...stepLines(plan, ecp.name));
  }
  for (const cluster of plan.clusters) lines.push('', ...clusterLines(plan, cluster));
  lines.push('', ...orderLines(plan));
  return `${lines.join('\n')}\n`;
}

function clusterLines(plan: MeshPlan, c: ClusterPlan): string[] {
  const ecp = plan.externalControlPlane;
  const lines = [c.role === ClusterRole.PRIMARY ? `cluster ${c.name}: primary, on network ${c.network}`
    : c.role === ClusterRole.CONFIG ? `cluster ${c.name}: config cluster (holds the mesh's configuration), on network ${c.network}`
      : ecp ? `cluster ${c.name}: remote of the external control plane ${ecp.name} (its cluster ID: ${c.controlPlaneCluster}), on network ${c.network}`
        : `cluster ${c.name}: remote of ${c.controlPlaneCluster}, on network ${c.network}`];
  if (c.role === ClusterRole.PRIMARY) {
    lines.push(`  control plane: runs istiod, serving ${c.remotes.length > 0 ? `itself and the remotes ${list(c.remotes)}` : 'itself only'}`);
    if (c.istiodExposure === IstiodExposure.LOAD_BALANCER) {
      lines.push(`  exposes istiod: at ${c.discoveryAddress}, through the istiod-external LoadBalancer Service (ports 15012, 15017)`);
    } else if (c.istiodExposure === IstiodExposure.EAST_WEST_GATEWAY) {
      lines.push(`  exposes istiod: at ${c.discoveryAddress}, through its east-west gateway (ports 15012, 15017)`);
    } else {
      lines.push('  exposes istiod: no (it serves no remote)');
    }
  } else {
    lines.push(`  control plane: none; the istiod of ${ecp ? `the external control plane ${ecp.name}` : c.controlPlaneCluster}, reached at ${c.remotePilotAddress}`);
  }
  const gw = c.eastWestGateway;
  lines.push(gw
    ? `  east-west gateway: istio-eastwestgateway, ${gw.minReplicas} to ${gw.maxReplicas} replicas; ` +
      `carries istiod's ports: ${gw.exposesIstiod ? 'yes' : 'no'}; exposes services (cross-network-gateway): ${c.exposesServices ? 'yes' : 'no'}`
    : '  east-west gateway: none');
  lines.push(c.readsApiServersOf.length > 0
    ? `  reads the API servers of: ${list(c.readsApiServersOf)} (its remote secrets)`
    : '  reads the API servers of: none');
  if (c.apiServer) lines.push(`  API server, as others reach it: ${c.apiServer}`);
  lines.push('  steps, in order:', ...stepLines(plan, c.name));
  return lines;
}

/** A cluster's steps of the delivery plan, in order, with what each waits for. */
function stepLines(plan: MeshPlan, cluster: string): string[] {
  const lines: string[] = [];
  const steps = plan.delivery.steps.filter((s) => s.cluster === cluster);
  steps.forEach((s, i) => {
    const after = s.after.length > 0 ? `, after ${list(s.after.map(stepName))}` : '';
    lines.push(`    ${i + 1}. ${s.stage} (wave ${s.wave}${after})`);
  });
  return lines;
}

/** The whole mesh's order: the waves of the delivery plan, with the steps done by hand between them. */
function orderLines(plan: MeshPlan): string[] {
  const lines = ['apply order (waves of the delivery plan; a wave starts once the earlier ones are ready):'];
  const every = plan.delivery.steps.length;
  const manual = (m: ManualStep) => `  by hand: ${MANUAL_STEPS[m.kind]}` +
    (m.before.length === 0 ? '' : m.before.length === every ? '; before every step' : `; before ${list(m.before.map(stepName))}`);
  for (const m of plan.delivery.manualSteps) if (m.afterWave < 0) lines.push(manual(m));
  const waves = [...new Set(plan.delivery.steps.map((s) => s.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    lines.push(`  wave ${wave}: ${list(plan.delivery.steps.filter((s) => s.wave === wave).map(stepName))}`);
    for (const m of plan.delivery.manualSteps) if (m.afterWave === wave) lines.push(manual(m));
  }
  return lines;
}
