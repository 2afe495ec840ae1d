import { AddProblem } from './delivery-validation';
import { dns1123LabelProblem } from './formats';
import { IstioVersion } from './istio-version';
import { ClusterSpec, DataPlaneMode, MeshSpec } from './mesh-spec';
import { TrustMode } from './trust-spec';
import { checkDiscoveryAddress, checkIstiodOptions, checkKubeContext, checkLoadBalancerOptions } from './field-checks';

type Clusters = (ClusterSpec | null)[];

/** The cluster fields that name or configure a cluster's own istiod, which an external control plane replaces. */
const OWN_CONTROL_PLANE_FIELDS = ['controlPlaneCluster', 'discoveryAddress', 'istiodExposure', 'istiodLoadBalancer', 'istiod'] as const;

/**
 * An external control plane: its cluster is not one of the mesh, its config cluster is, its
 * address is one remotes can use, and no cluster of the mesh configures an istiod of its own.
 * What the library does not generate for it yet is refused: cert-manager trust, External Secrets and monitoring.
 */
export function checkExternalControlPlane(spec: MeshSpec, clusters: Clusters, version: IstioVersion | undefined, add: AddProblem): void {
  const ecp = spec.externalControlPlane;
  if (ecp === undefined) return;
  const names = clusters.flatMap((c) => (c?.name !== undefined ? [c.name] : []));
  const field = (name: string) => `externalControlPlane.${name}`;

  if (ecp.name !== undefined) {
    const reason = dns1123LabelProblem(ecp.name);
    if (reason) add(field('name'), `"${ecp.name}" ${reason}`);
    else if (names.includes(ecp.name)) {
      add(field('name'), `"${ecp.name}" is also the name of a cluster of the mesh; the external cluster runs only istiod and is not ` +
        'part of the mesh: give it a name of its own');
    }
  }
  if (ecp.configCluster !== undefined && !names.includes(ecp.configCluster)) {
    add(field('configCluster'), `names "${ecp.configCluster}", which is not a cluster of this mesh; name one of: ` +
      `${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … (${names.length} clusters)` : ''}`);
  }
  if (ecp.discoveryAddress !== undefined) {
    checkDiscoveryAddress(ecp.discoveryAddress, field('discoveryAddress'), undefined, version,
      { field: 'externalControlPlane.istiodLoadBalancer', options: ecp.istiodLoadBalancer }, add);
  }
  if (ecp.istiodLoadBalancer !== undefined) checkLoadBalancerOptions(ecp.istiodLoadBalancer, field('istiodLoadBalancer'), undefined, add);
  if (ecp.istiod !== undefined) checkIstiodOptions(ecp.istiod, field('istiod'), undefined, add);
  if (ecp.kubeContext !== undefined) checkKubeContext(ecp.kubeContext, field('kubeContext'), undefined, add);
  if (ecp.namespace !== undefined) {
    const reason = dns1123LabelProblem(ecp.namespace);
    if (reason) add(field('namespace'), `"${ecp.namespace}" ${reason}`);
  }

  clusters.forEach((c, i) => {
    if (c === null) return;
    for (const key of OWN_CONTROL_PLANE_FIELDS) {
      if (c[key] === undefined) continue;
      add(`clusters[${i}].${key}`, `is set, but the mesh has an external control plane ("${ecp.name}"), whose istiod serves every ` +
        `cluster${key === 'istiod' ? ': set externalControlPlane.istiod instead' : '; leave it out'}`, c.name);
    }
  });
  if (spec.dataPlaneMode === DataPlaneMode.AMBIENT) {
    add('dataPlaneMode', 'is ambient, but Istio supports ambient mode across clusters only for multi-primary meshes, and an external ' +
      'control plane makes every cluster a remote; use dataPlaneMode sidecar, or primaries');
  }
  // What would have to be generated for the external cluster, which this library does not do yet.
  const notYet = (field: string, what: string) => add(field, `${what} is not generated for an external control plane yet; ` +
    'leave it out (the generated README creates the trust and the remote secrets by command)');
  if (spec.trust?.mode === TrustMode.CERT_MANAGER) notYet('trust.mode', 'cert-manager trust');
  if (spec.remoteCredentials?.externalSecrets !== undefined) notYet('remoteCredentials.externalSecrets', 'remote credentials through External Secrets');
  if (spec.monitoring !== undefined && spec.monitoring.enabled !== false) notYet('monitoring', 'monitoring');
}
