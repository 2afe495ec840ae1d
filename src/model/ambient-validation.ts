import { AddProblem } from './delivery-validation';
import { firstReleaseWhere, istioRelease, MIN_ISTIO_MINOR } from './istio-releases';
import { IstioVersion } from './istio-version';
import { ClusterSpec, DataPlaneMode, MeshSpec } from './mesh-spec';

/** The first Istio minor release with ambient multicluster (alpha, multi-primary on several networks). */
export const AMBIENT_MULTICLUSTER_MIN_MINOR = firstReleaseWhere((r) => r.ambientMulticluster !== undefined);
/** The Istio minor release that promoted ambient multicluster (multi-network) to beta. */
export const AMBIENT_MULTICLUSTER_BETA_MINOR = firstReleaseWhere((r) => r.ambientMulticluster === 'beta');

/** The release status of ambient multicluster in an Istio release, or undefined where it does not exist. */
export function ambientMulticlusterStatus(version: IstioVersion): 'alpha' | 'beta' | undefined {
  return version.minor < MIN_ISTIO_MINOR ? undefined : istioRelease(version.minor).ambientMulticluster;
}

/** One line naming what Istio supports of ambient multicluster, for messages and the README. */
export function ambientSupportStatement(version: IstioVersion | undefined): string {
  const status = version && ambientMulticlusterStatus(version);
  const inRelease = version === undefined ? '' : status === undefined
    ? `Istio ${version.text} has no ambient multicluster (it arrived as alpha in 1.${AMBIENT_MULTICLUSTER_MIN_MINOR}); `
    : `in Istio ${version.text} ambient multicluster is ${status}, and `;
  return `${inRelease}Istio supports ambient mode across clusters for multi-primary meshes on several networks only ` +
    `(alpha in 1.${AMBIENT_MULTICLUSTER_MIN_MINOR} and 1.${AMBIENT_MULTICLUSTER_BETA_MINOR - 1}, beta from 1.${AMBIENT_MULTICLUSTER_BETA_MINOR})`;
}

type Clusters = (ClusterSpec | null)[];

/**
 * Ambient mode across clusters, as Istio supports it: every cluster a primary, the clusters on
 * more than one network, a release that has it; and no traffic policies, which in ambient mode a
 * waypoint proxy would have to apply.
 */
export function checkAmbient(spec: MeshSpec, clusters: Clusters, version: IstioVersion | undefined, add: AddProblem): void {
  if (spec.dataPlaneMode !== DataPlaneMode.AMBIENT) return;
  const present = clusters.filter((c): c is ClusterSpec => c !== null);
  if (present.length <= 1) return; // One cluster is plain ambient mode, stable since Istio 1.24.
  const statement = ambientSupportStatement(version);
  if (version !== undefined && ambientMulticlusterStatus(version) === undefined) {
    add('dataPlaneMode', `is ambient for a mesh of ${present.length} clusters, but ${statement}; ` +
      `use Istio 1.${AMBIENT_MULTICLUSTER_MIN_MINOR} or later (1.${AMBIENT_MULTICLUSTER_BETA_MINOR} or later for beta), or dataPlaneMode sidecar`);
  }
  clusters.forEach((c, i) => {
    if (c?.controlPlaneCluster === undefined) return;
    add(`clusters[${i}].controlPlaneCluster`, `makes this cluster a remote, but the mesh is ambient: primary-remote is not supported in ambient mode; ` +
      `${statement}. Leave controlPlaneCluster out to make it a primary, or use dataPlaneMode sidecar`, c.name);
  });
  if (new Set(present.map((c) => c.network)).size === 1 && present.every((c) => typeof c.network === 'string')) {
    add('clusters', `are all on the network "${present[0].network}", but the mesh is ambient: ambient multicluster on a single network is ` +
      `untested by Istio and not supported; ${statement}. Put the clusters on distinct networks (each gets an east-west gateway), ` +
      'or use dataPlaneMode sidecar');
  }
  (spec.trafficPolicies ?? []).forEach((p, i) => {
    if (p === null) return;
    add(`trafficPolicies[${i}]`, 'needs a waypoint proxy in ambient mode: ztunnel applies no DestinationRule subsets, routes or ' +
      'outlier detection, and this library does not generate waypoints; remove the policy, or use dataPlaneMode sidecar');
  });
}
