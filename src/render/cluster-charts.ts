import { Construct } from 'constructs';
import { AmbientEastWestGateway } from '../constructs/ambient-east-west-gateway';
import { EastWestGateway } from '../constructs/east-west-gateway';
import { ExposeIstiod } from '../constructs/expose-istiod';
import { ExposeServices } from '../constructs/expose-services';
import { IstioIntermediateCa } from '../constructs/cert-manager/istio-intermediate-ca';
import { ReaderCredentialPushSecret } from '../constructs/credentials/reader-credential-push-secret';
import { ReaderTokenSecret } from '../constructs/credentials/reader-token-secret';
import { RemoteSecretExternalSecret } from '../constructs/credentials/remote-secret-external-secret';
import { remoteCredentialKeys } from '../constructs/credentials/istio-remote-secret';
import { IstioSystemNamespace } from '../constructs/istio-system-namespace';
import { IstiodLoadBalancer } from '../constructs/istiod-load-balancer';
import { VerificationWorkloads } from '../constructs/verification-workloads';
import { DataPlaneMode, IstiodExposure } from '../model/mesh-spec';
import { ClusterPlan, ClusterRole, MeshPlan } from '../plan/mesh-plan';
import { commonLabels } from './labels';
import { NAMESPACE_FILE } from './layout';
import { ManifestChart } from './manifest-chart';
import { renderMonitoring } from './monitoring';
import { renderTrafficPolicies } from './traffic';

/**
 * The Kubernetes objects of one cluster, a chart per apply step, so that each step can be
 * applied, delivered and pruned on its own: its namespace, and where the mesh asks for them its
 * intermediate CA, reader credentials, remote secrets, mesh objects, traffic policies,
 * monitoring and verification workloads.
 */
export interface ClusterCharts {
  /** Istio's namespace (`istio-system`, or the external control plane's), applied before the control plane is installed. */
  readonly namespace: ManifestChart;
  /** With cert-manager, a primary's intermediate CA, applied before its control plane. */
  readonly trust?: ManifestChart;
  /** With External Secrets, the reader token and its PushSecret, on a cluster a primary reads. */
  readonly credentials?: ManifestChart;
  /** With External Secrets, a primary's remote secrets, one ExternalSecret per cluster it reads. */
  readonly remoteSecrets?: ManifestChart;
  /** The mesh objects, applied once the control plane is installed; without files when the cluster has none. */
  readonly manifests: ManifestChart;
  /** The traffic policies, on a primary or an external control plane's config cluster, when the mesh has any. */
  readonly traffic?: ManifestChart;
  /** With monitoring: the cluster's scrape configuration and alerts. */
  readonly monitoring?: ManifestChart;
  readonly verification?: ManifestChart;
}

/** Turns one cluster's plan into charts of objects, each building block in its own file. */
export function renderClusterCharts(scope: Construct, mesh: MeshPlan, cluster: ClusterPlan): ClusterCharts {
  // Construct ids never are user names alone: a cluster "a" next to one named "a-verify",
  // or one named "constructor", must not collide with each other or with object keys.
  const clusterScope = new Construct(scope, `Cluster-${cluster.name}`);
  // Its own layer: no selector for the cluster's other objects may ever match the namespace.
  const namespace = new ManifestChart(clusterScope, 'Namespace', { labels: commonLabels(mesh.meshId, cluster.name, 'namespace') });
  namespace.addFile(NAMESPACE_FILE, new IstioSystemNamespace(namespace, 'IstioSystemNamespace', {
    name: mesh.istioNamespace,
    network: cluster.network,
    controlPlaneClusters: cluster.role === ClusterRole.REMOTE ? [cluster.controlPlaneCluster] : undefined,
  }));
  const cm = mesh.trust.certManager;
  let trust: ManifestChart | undefined;
  if (cm && cluster.role === ClusterRole.PRIMARY) {
    trust = new ManifestChart(clusterScope, 'Trust', { labels: commonLabels(mesh.meshId, cluster.name, 'trust') });
    const ca = new IstioIntermediateCa(trust, 'IntermediateCa', { cluster: cluster.name, ...cm });
    if (ca.rootCa) trust.addFile('00-root-ca.yaml', ca.rootCa);
    trust.addFile('10-issuer.yaml', ca.issuer);
    trust.addFile('20-intermediate-ca.yaml', ca.certificate);
  }
  const { credentials, remoteSecrets } = credentialCharts(clusterScope, mesh, cluster);
  const manifests = new ManifestChart(clusterScope, 'Manifests', { labels: commonLabels(mesh.meshId, cluster.name, 'mesh') });
  if (cluster.istiodLoadBalancer) {
    manifests.addFile('10-istiod-external.yaml', new IstiodLoadBalancer(manifests, 'IstiodLoadBalancer', cluster.istiodLoadBalancer));
  }
  const gw = cluster.eastWestGateway;
  if (gw) {
    // What both kinds of gateway take alike: replicas, spread, and the load balancer's settings.
    const { network, exposesIstiod, ...common } = gw;
    manifests.addFile('20-eastwest-gateway.yaml', mesh.dataPlaneMode === DataPlaneMode.AMBIENT
      // Ambient meshes are multi-network (validation), so every gateway serves a network.
      ? new AmbientEastWestGateway(manifests, 'EastWestGateway', { ...common, network: network! })
      : new EastWestGateway(manifests, 'EastWestGateway', {
        ...common, istioVersion: mesh.istioVersion, network, exposeIstiod: exposesIstiod, namespace: mesh.istioNamespace,
      }));
  }
  if (cluster.istiodExposure === IstiodExposure.EAST_WEST_GATEWAY) {
    manifests.addFile('30-expose-istiod.yaml', new ExposeIstiod(manifests, 'ExposeIstiod'));
  }
  if (cluster.exposesServices) {
    manifests.addFile('40-expose-services.yaml', new ExposeServices(manifests, 'ExposeServices', { namespace: mesh.istioNamespace }));
  }

  let traffic: ManifestChart | undefined;
  if (cluster.hasTrafficPolicies) {
    traffic = new ManifestChart(clusterScope, 'Traffic', { labels: commonLabels(mesh.meshId, cluster.name, 'traffic') });
    renderTrafficPolicies(traffic, mesh, cluster);
  }
  let monitoring: ManifestChart | undefined;
  if (cluster.hasMonitoring) {
    monitoring = new ManifestChart(clusterScope, 'Monitoring', { labels: commonLabels(mesh.meshId, cluster.name, 'monitoring') });
    renderMonitoring(monitoring, mesh, cluster);
  }
  if (!mesh.verification) return { namespace, trust, credentials, remoteSecrets, manifests, traffic, monitoring };
  const verification = new ManifestChart(clusterScope, 'Verification', { labels: commonLabels(mesh.meshId, cluster.name, 'verify') });
  const workloads = new VerificationWorkloads(verification, 'VerificationWorkloads', {
    version: `v${cluster.index}`,
    client: mesh.verificationClient,
    dataPlaneMode: mesh.dataPlaneMode,
  });
  verification.addFile('00-sample-namespace.yaml', workloads.namespace);
  verification.addFile('10-helloworld.yaml', workloads.helloWorld);
  verification.addFile(`20-${workloads.client.name}.yaml`, workloads.client);
  return { namespace, trust, credentials, remoteSecrets, manifests, traffic, monitoring, verification };
}

/**
 * With External Secrets: on a cluster that primaries read, its reader token and the PushSecret
 * that publishes it; on a primary, an ExternalSecret per cluster it reads, rendering the remote
 * secret as istioctl would, at the API server address other clusters use.
 */
function credentialCharts(scope: Construct, mesh: MeshPlan, cluster: ClusterPlan): { credentials?: ManifestChart; remoteSecrets?: ManifestChart } {
  const rc = mesh.remoteCredentials;
  if (rc === undefined) return {};
  const readBy = mesh.clusters.some((c) => c.readsApiServersOf.includes(cluster.name));
  let credentials: ManifestChart | undefined;
  if (readBy) {
    credentials = new ManifestChart(scope, 'Credentials', { labels: commonLabels(mesh.meshId, cluster.name, 'credentials') });
    const token = new ReaderTokenSecret(credentials, 'ReaderToken', {});
    credentials.addFile('10-reader-token.yaml', token);
    credentials.addFile('20-push-reader-credentials.yaml', new ReaderCredentialPushSecret(credentials, 'PushReaderCredentials', {
      secretStoreRef: rc.secretStore,
      keys: remoteCredentialKeys(mesh.meshId, cluster.name, rc.keyPrefix),
      tokenSecret: { name: token.name, namespace: token.namespace },
    }));
  }
  let remoteSecrets: ManifestChart | undefined;
  if (cluster.readsApiServersOf.length > 0) {
    remoteSecrets = new ManifestChart(scope, 'RemoteSecrets', { labels: commonLabels(mesh.meshId, cluster.name, 'credentials') });
    for (const name of cluster.readsApiServersOf) {
      const read = mesh.clusters.find((c) => c.name === name)!;
      remoteSecrets.addFile(`remote-secret-${name}.yaml`, new RemoteSecretExternalSecret(remoteSecrets, `Read-${name}`, {
        cluster: name,
        server: read.apiServer!,
        tlsServerName: read.apiServerTlsName,
        secretStoreRef: rc.secretStore,
        keys: remoteCredentialKeys(mesh.meshId, name, rc.keyPrefix),
      }));
    }
  }
  return { credentials, remoteSecrets };
}
