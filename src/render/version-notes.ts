import { ISTIO_RELEASES, istioRelease } from '../model/istio-releases';
import { IstioVersion, meansNewestPatch } from '../model/istio-version';

/**
 * What this library renders differently by Istio minor release, following Istio's own charts
 * of each release (`ISTIO_RELEASES`). The generated README lists the notes that apply up to the
 * mesh's release, so an upgrade's diff can be read against them.
 */
export function versionNotes(minor: number): string[] {
  return ISTIO_RELEASES.filter((r) => r.minor <= minor).flatMap((r) => r.notes);
}

/**
 * Whether `helm upgrade --install` of this release's charts must apply client-side, as Helm 3
 * does and as these charts were made for: true for the releases whose charts set the webhooks'
 * field that istiod manages (`IstioRelease.webhookFailurePolicyLeftToIstiodFromPatch`).
 */
export function helmNeedsClientSideApply(version: IstioVersion): boolean {
  const firstPatch = istioRelease(version.minor).webhookFailurePolicyLeftToIstiodFromPatch;
  if (firstPatch === undefined) return true;
  // `1.28` means its newest patch, which has the fix; `1.28-beta.1` comes before 1.28.0.
  return !meansNewestPatch(version) && (version.patch ?? 0) < firstPatch;
}

/** The flag that makes Helm 4 apply client-side; Helm 3 always does, and has no such flag. */
export const HELM_CLIENT_SIDE_APPLY_FLAG = '--server-side=false';
