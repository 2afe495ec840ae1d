import { Construct } from 'constructs';
import { SailIstio } from '../../constructs/sail/sail-istio';
import { MeshPlan } from '../../plan/mesh-plan';
import { IstioInstallValues } from '../install/istio-values';
import { commonLabels } from '../labels';
import { namespaceDir, sailIstioDir } from '../layout';
import { ManifestChart } from '../manifest-chart';
import { OutputDirectory } from '../output-directory';

/** The file of each cluster's Sail directory. */
export const SAIL_ISTIO_FILE = 'istio.yaml';

/**
 * The Sail Operator's install of every cluster, when the mesh asks for it: one `Istio` resource
 * per cluster, carrying the cluster's install values unchanged, so that the operator installs
 * what istioctl and Helm would. The values' `profile` is the resource's own field.
 */
export function renderSail(scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>): OutputDirectory[] {
  const version = mesh.delivery.sailVersion;
  if (version === undefined) return [];
  // Its own scope: the mesh's other renderers own the `Cluster-<name>` ids directly below it.
  const sailScope = new Construct(scope, 'Sail');
  return mesh.clusters.map((cluster): OutputDirectory => {
    const clusterValues = values.get(cluster.name);
    if (clusterValues === undefined) throw new Error(`no install values for cluster ${cluster.name}`);
    const { profile, ...helmValues } = clusterValues;
    const chart = new ManifestChart(sailScope, `Cluster-${cluster.name}`, { labels: commonLabels(mesh.meshId, cluster.name, 'install') });
    chart.addFile(SAIL_ISTIO_FILE, new SailIstio(chart, 'SailIstio', { version, profile, values: helmValues }));
    const dir = sailIstioDir(cluster.name);
    return {
      path: dir,
      chart,
      header: `The Sail Operator's install of the ${cluster.role} cluster ${cluster.name} of mesh ${mesh.meshId}: ` +
        `kubectl apply -f ${dir}/ once the operator runs and ${namespaceDir(cluster.name)}/ is applied`,
    };
  });
}
