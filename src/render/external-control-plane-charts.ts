import { Construct } from 'constructs';
import { IstioSystemNamespace } from '../constructs/istio-system-namespace';
import { IstiodLoadBalancer } from '../constructs/istiod-load-balancer';
import { MeshPlan } from '../plan/mesh-plan';
import { commonLabels } from './labels';
import { NAMESPACE_FILE } from './layout';
import { ManifestChart } from './manifest-chart';

/** The Kubernetes objects of an external control plane's cluster, beside istiod's install. */
export interface ExternalControlPlaneCharts {
  /** istiod's namespace, applied before `cacerts`, `istio-kubeconfig` and istiod. */
  readonly namespace: ManifestChart;
  /** The `istiod-external` LoadBalancer Service, by which the mesh's clusters reach istiod. */
  readonly manifests: ManifestChart;
}

/**
 * The external cluster's own objects: its istiod's namespace (no network: the external cluster
 * runs no workload of the mesh) and the Service that exposes istiod to the mesh's clusters, with
 * istiod terminating TLS itself, so that proxies trust it by the mesh's root and no Istio runs there.
 */
export function renderExternalControlPlaneCharts(scope: Construct, mesh: MeshPlan): ExternalControlPlaneCharts {
  const ecp = mesh.externalControlPlane!;
  const clusterScope = new Construct(scope, `External-${ecp.name}`);
  const namespace = new ManifestChart(clusterScope, 'Namespace', { labels: commonLabels(mesh.meshId, ecp.name, 'namespace') });
  namespace.addFile(NAMESPACE_FILE, new IstioSystemNamespace(namespace, 'Namespace', { name: ecp.namespace }));
  const manifests = new ManifestChart(clusterScope, 'Manifests', { labels: commonLabels(mesh.meshId, ecp.name, 'mesh') });
  manifests.addFile('10-istiod-external.yaml', new IstiodLoadBalancer(manifests, 'IstiodLoadBalancer', {
    ...ecp.istiodLoadBalancer, namespace: ecp.namespace,
  }));
  return { namespace, manifests };
}
