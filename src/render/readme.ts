import { EASTWEST_GATEWAY_NAME, ISTIO_SYSTEM_NAMESPACE } from '../constructs/istio-names';
import { isIPv4, isIPv6 } from '../model/formats';
import { IstiodExposure } from '../model/mesh-spec';
import { ClusterPlan, ClusterRole, contextVariable, MeshPlan } from '../plan/mesh-plan';
import { layerSelector } from './labels';
import {
  clusterDir, helmBaseValuesPath, helmIstiodValuesPath, istioOperatorPath, manifestPath, NAMESPACE_FILE, README_MARKER, verifyDir,
} from './layout';

/** What the README needs to know of the files laid out for each cluster. */
export interface ClusterFiles {
  /** The cluster's manifest file names, in apply order. */
  readonly manifests: string[];
  /** The verification file names, in apply order (empty without verification). */
  readonly verification: string[];
  /** The name of the verification client (`curl` or `sleep`). */
  readonly verificationClient?: string;
}

/** Short name of a mesh's shape, as Istio's guide names the four topologies. */
export function topologyName(mesh: MeshPlan): string {
  const primaries = mesh.clusters.filter((c) => c.role === ClusterRole.PRIMARY).length;
  const remotes = mesh.clusters.length - primaries;
  const control = remotes === 0 ? (primaries > 1 ? 'multi-primary' : 'single primary')
    : primaries > 1 ? 'multi-primary with remotes' : 'primary-remote';
  return `${control}, ${mesh.multiNetwork ? `${mesh.networks.length} networks` : 'one network'}`;
}

const code = (s: string) => `\`${s}\``;
const bash = (lines: string[]) => ['```bash', ...lines, '```'];

function ctx(c: ClusterPlan): string {
  return `"${c.kubeContext}"`;
}

function roleText(mesh: MeshPlan, c: ClusterPlan): string {
  if (c.role === ClusterRole.REMOTE) return `remote of ${c.controlPlaneCluster}, istiod at ${code(c.remotePilotAddress!)}`;
  const serves = c.remotes.length > 0 ? `; serves ${c.remotes.join(', ')} at ${code(c.discoveryAddress!)}` : '';
  const how = c.istiodExposure === IstiodExposure.LOAD_BALANCER ? ' through istiod-external' : c.istiodExposure ? ' through the east-west gateway' : '';
  return `primary (runs istiod${serves}${how})` + (mesh.multiNetwork && c.exposesServices ? '; exposes services to other networks' : '');
}

/**
 * Renders the step-by-step instructions for one mesh: an order that works on empty
 * clusters, with the exact commands for the files generated next to it.
 */
export function renderReadme(mesh: MeshPlan, files: Map<string, ClusterFiles>): string {
  const primaries = mesh.clusters.filter((c) => c.role === ClusterRole.PRIMARY);
  const remotes = mesh.clusters.filter((c) => c.role === ClusterRole.REMOTE);
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  const extraManifests = (c: ClusterPlan) => files.get(c.name)!.manifests.filter((f) => f !== NAMESPACE_FILE);
  let step = 0;
  const heading = (title: string) => p('', `## ${++step}. ${title}`, '');

  p(README_MARKER, '');
  p(`# Istio mesh ${code(mesh.meshId)}: ${topologyName(mesh)}`, '');
  p(`Istio ${mesh.istioVersion}, trust domain ${code(mesh.trustDomain)}, ${mesh.clusters.length} clusters.`, '');
  p('| Cluster | Network | Role | East-west gateway |', '| --- | --- | --- | --- |');
  for (const c of mesh.clusters) {
    const gw = c.eastWestGateway ? (c.eastWestGateway.exposesIstiod ? 'yes, also carries istiod (15012, 15017)' : 'yes') : 'no';
    p(`| ${c.name} | ${c.network} | ${roleText(mesh, c)} | ${gw} |`);
  }

  p('', '## What is here', '');
  p(`- ${code('<cluster>/*.yaml')}: every object ${code('kubectl apply -f <cluster>/')} creates in that cluster; the file names sort in apply order.`);
  p(`- ${code('<cluster>/install/istio-operator.yaml')}: the cluster's Istio install for ${code('istioctl install -f')}.`);
  p(`- ${code('<cluster>/install/helm/base.values.yaml')} and ${code('istiod.values.yaml')}: the same install as values for Istio's ${code('base')} and ${code('istiod')} Helm charts. Use either istioctl or Helm, not both.`);
  if (mesh.verification) p(`- ${code('<cluster>/verify/')}: workloads to check cross-cluster load balancing; ${code('kubectl apply -f <cluster>/')} does not apply them.`);
  p('', 'No file here holds a secret: the CA keys and the remote secrets are created by the commands below, straight into the clusters.');

  heading('Before you begin');
  p(`- ${code('kubectl')}, and either ${code(`istioctl`)} ${mesh.istioVersion} or ${code('helm')} 3 with Istio's chart repository:`, '');
  p(...bash(['helm repo add istio https://istio-release.storage.googleapis.com/charts', 'helm repo update']));
  p('', '- The API server of every cluster must be reachable from every primary cluster, which reads endpoints from them.');
  const variables = mesh.clusters.filter((c) => c.kubeContext === `\${${contextVariable(c.name)}}`);
  if (variables.length > 0) {
    p('- The kubeconfig context of each cluster, in the variables the commands use:', '');
    p(...bash(variables.map((c) => `export ${contextVariable(c.name)}=<kubeconfig context of ${c.name}>`)));
  }

  heading('Create the istio-system namespace in every cluster');
  p('The namespace carries the cluster\'s network label and, on a remote, the annotation naming its primary; both must exist before the control plane is installed.', '');
  p(...bash(mesh.clusters.map((c) => `kubectl --context=${ctx(c)} apply -f ${manifestPath(c.name, NAMESPACE_FILE)}`)));

  heading('Configure trust: one root CA, an intermediate CA per cluster');
  p(`Every cluster gets a ${code('cacerts')} secret with an intermediate CA signed by one shared root, so that workloads of all clusters trust each other.`,
    'Primaries sign workload certificates with it. Run this from the root of the Istio release, which has the certificate Makefile:', '');
  p(...bash([
    'mkdir -p certs && pushd certs',
    'make -f ../tools/certs/Makefile.selfsigned.mk root-ca',
    ...mesh.clusters.flatMap((c) => [
      `make -f ../tools/certs/Makefile.selfsigned.mk ${c.name}-cacerts`,
      `kubectl --context=${ctx(c)} create secret generic cacerts -n ${ISTIO_SYSTEM_NAMESPACE} \\`,
      `  --from-file=${c.name}/ca-cert.pem --from-file=${c.name}/ca-key.pem \\`,
      `  --from-file=${c.name}/root-cert.pem --from-file=${c.name}/cert-chain.pem`,
    ]),
    'popd',
  ]));
  p('', `Keep ${code('certs/root-key.pem')} out of the clusters and out of version control.`);

  const installCommands = (c: ClusterPlan) => [
    `With istioctl:`, '',
    ...bash([`istioctl install --context=${ctx(c)} -y -f ${istioOperatorPath(c.name)}`]),
    '', `Or with Helm:`, '',
    ...bash([
      `helm install istio-base istio/base --version ${mesh.istioVersion} -n ${ISTIO_SYSTEM_NAMESPACE} --kube-context ${ctx(c)} \\`,
      `  -f ${helmBaseValuesPath(c.name)}`,
      `helm install istiod istio/istiod --version ${mesh.istioVersion} -n ${ISTIO_SYSTEM_NAMESPACE} --kube-context ${ctx(c)} \\`,
      `  -f ${helmIstiodValuesPath(c.name)} --wait`,
    ]),
  ];
  const gatewayAddress = (c: ClusterPlan) => {
    if (!c.eastWestGateway && !c.istiodLoadBalancer) return [];
    const service = c.istiodLoadBalancer ? 'istiod-external' : EASTWEST_GATEWAY_NAME;
    const lines = ['', `Wait for the ${code(service)} Service to get an external address:`, '',
      ...bash([`kubectl --context=${ctx(c)} -n ${ISTIO_SYSTEM_NAMESPACE} get svc ${service}`])];
    if (c.discoveryAddress !== undefined) {
      lines.push('', `Its address must be ${code(c.discoveryAddress)}, the discovery address its remotes were generated with` +
        `${isIPv4(c.discoveryAddress) || isIPv6(c.discoveryAddress) ? '' : ' (or that DNS name must resolve to it)'}. ` +
        `If the cloud assigned another address, fix the address in the mesh description (or pin it with ${code('loadBalancerIP')}) and synthesize again.`);
    }
    return lines;
  };

  for (const c of primaries) {
    heading(`Install the control plane of the primary ${code(c.name)}`);
    p(...installCommands(c));
    const rest = extraManifests(c);
    if (rest.length > 0) {
      p('', `Then apply the cluster's objects (${rest.map(code).join(', ')}); Istio's CRDs exist now:`, '');
      p(...bash([`kubectl --context=${ctx(c)} apply -f ${clusterDir(c.name)}/`]));
      p(...gatewayAddress(c));
    }
  }

  for (const c of remotes) {
    heading(`Install the remote ${code(c.name)}`);
    p(`The remote profile installs no istiod: an ${code('istiod')} Service pointing at ${code(c.remotePilotAddress!)} and the injection webhook, ` +
      `served by the istiod of ${code(c.controlPlaneCluster)}.`, '');
    p(...installCommands(c));
    if (!isIPv4(c.remotePilotAddress!)) {
      p('', `Note: ${code(c.remotePilotAddress!)} is not an IPv4 address, so Istio's remote chart makes ${code('istiod')} an ExternalName Service. ` +
        'Istio\'s guide documents IP addresses; check that your API server can reach webhooks through it.');
    }
  }

  const pairs = primaries.flatMap((reader) => reader.readsApiServersOf.map((read) => ({ reader, read: mesh.clusters.find((c) => c.name === read)! })));
  if (pairs.length > 0) {
    heading('Enable endpoint discovery: remote secrets');
    p('Every primary reads the API server of every other cluster. Each command creates a kubeconfig secret for one cluster and applies it to a primary:', '');
    p(...bash(pairs.flatMap(({ reader, read }) => [
      `istioctl create-remote-secret --context=${ctx(read)} --name=${read.name} | \\`,
      `  kubectl apply -f - --context=${ctx(reader)}`,
    ])));
    if (remotes.length > 0) {
      p('', 'A remote is attached once its primary holds its secret: the primary then patches the remote\'s webhooks and serves its proxies.');
    }
  }

  const remotesWithObjects = remotes.filter((c) => extraManifests(c).length > 0);
  if (remotesWithObjects.length > 0) {
    heading('Apply the remotes\' objects');
    p('Their gateway pods are injected by the primary\'s istiod, so this comes after the remote secrets:', '');
    p(...bash(remotesWithObjects.map((c) => `kubectl --context=${ctx(c)} apply -f ${clusterDir(c.name)}/`)));
    for (const c of remotesWithObjects) p(...gatewayAddress(c));
  }

  if (mesh.verification) {
    const client = files.get(mesh.clusters[0].name)!.verificationClient!;
    heading('Verify cross-cluster load balancing');
    p(`Deploy helloworld (version ${code('v<n>')} in the n-th cluster) and a ${code(client)} client to every cluster:`, '');
    p(...bash(mesh.clusters.flatMap((c) => [
      `kubectl --context=${ctx(c)} apply -f ${verifyDir(c.name)}/`,
      `kubectl --context=${ctx(c)} -n sample rollout status deploy/helloworld-v${c.index} deploy/${client}`,
    ])));
    p('', `Call helloworld from every cluster; the replies must come from all of ${mesh.clusters.map((c) => `v${c.index}`).join(', ')}:`, '');
    p(...bash(mesh.clusters.map((c) =>
      `for i in $(seq 10); do kubectl --context=${ctx(c)} -n sample exec deploy/${client} -c ${client} -- curl -sS helloworld.sample:5000/hello; done`)));
    p('', 'Remove the workloads when done:', '');
    p(...bash(mesh.clusters.map((c) => `kubectl --context=${ctx(c)} delete -f ${verifyDir(c.name)}/`)));
  }

  p('', '## Keeping clusters in sync', '');
  p(`Every object carries labels naming the mesh, the cluster and the layer, so a later version of this directory can be applied with pruning of what it no longer contains:`, '');
  p(...bash(mesh.clusters.map((c) =>
    `kubectl --context=${ctx(c)} apply --prune -l ${layerSelector(mesh.meshId, c.name, 'mesh')} -f ${clusterDir(c.name)}/`)));
  return `${out.join('\n')}\n`;
}
