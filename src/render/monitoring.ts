import { ControlPlaneAlerts } from '../constructs/monitoring/control-plane-alerts';
import { EastWestGatewayAlerts } from '../constructs/monitoring/east-west-gateway-alerts';
import { EastWestGatewayPodMonitor } from '../constructs/monitoring/east-west-gateway-pod-monitor';
import { IstiodServiceMonitor } from '../constructs/monitoring/istiod-service-monitor';
import { RemoteProxyAlerts } from '../constructs/monitoring/remote-proxy-alerts';
import { SidecarPodMonitor } from '../constructs/monitoring/sidecar-pod-monitor';
import { ClusterPlan, ClusterRole, MeshPlan } from '../plan/mesh-plan';
import { ManifestChart } from './manifest-chart';
import { GATEWAY_NAME_LABEL } from '../constructs/ambient-east-west-gateway';
import { EASTWEST_GATEWAY_NAME } from '../constructs/istio-names';
import { DataPlaneMode } from '../model/mesh-spec';

/**
 * Adds a cluster's monitoring objects to `chart`, one file each, when the mesh has monitoring:
 * - a primary scrapes its istiod and alerts on its control plane (remote clusters not synced or
 *   no longer managed, istiod's metrics missing);
 * - a cluster with an east-west gateway scrapes it and alerts on it;
 * - a remote scrapes its sidecars' connection to istiod and alerts when they lose it: its proxies
 *   connect to the primary's istiod, which does not tell them apart by cluster, so only the
 *   remote's own Prometheus sees them fail.
 */
export function renderMonitoring(chart: ManifestChart, mesh: MeshPlan, cluster: ClusterPlan): void {
  const monitoring = mesh.monitoring;
  if (monitoring === undefined) return;
  const objects = { namespace: monitoring.namespace, labels: monitoring.labels };
  const alerts = { ...objects, mesh: mesh.meshId, cluster: cluster.name, for: monitoring.alertFor, alertLabels: monitoring.alertLabels };

  if (cluster.role === ClusterRole.PRIMARY) {
    chart.addFile('10-istiod-servicemonitor.yaml', new IstiodServiceMonitor(chart, 'IstiodServiceMonitor', objects));
    chart.addFile('11-control-plane-alerts.yaml', new ControlPlaneAlerts(chart, 'ControlPlaneAlerts', {
      ...alerts, istioVersion: mesh.istioVersion, readClusters: cluster.readsApiServersOf,
    }));
  }
  if (cluster.eastWestGateway !== undefined) {
    const monitor = chart.addFile('20-eastwest-gateway-podmonitor.yaml', new EastWestGatewayPodMonitor(chart, 'EastWestGatewayPodMonitor', {
      ...objects,
      // istiod deploys an ambient mesh's gateway from its Gateway API Gateway, labelling the pods by it.
      podSelector: mesh.dataPlaneMode === DataPlaneMode.AMBIENT ? { [GATEWAY_NAME_LABEL]: EASTWEST_GATEWAY_NAME } : undefined,
    }));
    chart.addFile('21-eastwest-gateway-alerts.yaml', new EastWestGatewayAlerts(chart, 'EastWestGatewayAlerts', {
      ...alerts, controlPlaneCluster: cluster.controlPlaneCluster, job: monitor.job,
    }));
  }
  if (cluster.role === ClusterRole.REMOTE) {
    const monitor = chart.addFile('30-sidecar-podmonitor.yaml', new SidecarPodMonitor(chart, 'SidecarPodMonitor', objects));
    chart.addFile('31-remote-proxy-alerts.yaml', new RemoteProxyAlerts(chart, 'RemoteProxyAlerts', {
      ...alerts, controlPlaneCluster: cluster.controlPlaneCluster, discoveryAddress: cluster.remotePilotAddress, job: monitor.job,
    }));
  }
}
