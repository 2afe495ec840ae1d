import { IstioVersion, meansNewestPatch } from '../model/istio-version';

/**
 * What this library renders differently by Istio minor release, following Istio's own
 * charts of each release. The generated README lists the notes that apply up to the
 * mesh's release, so an upgrade's diff can be read against them.
 */
const NOTES: ReadonlyArray<{ readonly minor: number; readonly text: string }> = [
  { minor: 25, text: 'From 1.25 the east-west gateway\'s pods carry `istio.io/dataplane-mode: none`, as the gateway chart sets, so ambient mode never captures them.' },
  { minor: 28, text: 'From 1.28 Istio\'s gateway chart renders no PodDisruptionBudget for a single replica; this library never renders one that blocks every eviction, in any release.' },
  { minor: 30, text: 'From 1.30 the gateway container no longer sets `runAsUser`/`runAsGroup: 1337`, as the gateway chart dropped them.' },
  { minor: 30, text: 'From 1.30 an IPv6 discovery address gives a remote\'s `istiod` Service an endpoint, as IPv4 does; earlier releases made an ExternalName Service, which Kubernetes rejects, so the library refuses IPv6 there.' },
];

/** The notes of every release from the oldest supported up to `minor`. */
export function versionNotes(minor: number): string[] {
  return NOTES.filter((n) => n.minor <= minor).map((n) => n.text);
}

/**
 * The first patch of each minor release whose `base` and `istiod` charts no longer set the
 * validating webhooks' `failurePolicy` on an upgrade (istio/istio#59367, in 1.28.6 and 1.29.2,
 * and in every release from 1.30). istiod sets that field to `Fail` at run time, once its
 * webhook serves, which makes it the field's manager; Helm 4 applies server-side, and an
 * upgrade with a chart that sets the field again is refused over the conflict.
 */
const WEBHOOK_FIELD_LEFT_TO_ISTIOD: Readonly<Record<number, number>> = { 28: 6, 29: 2, 30: 0 };

/**
 * Whether `helm upgrade --install` of this release's charts must apply client-side, as Helm 3
 * does and as these charts were made for: true for the releases whose charts set the field that
 * istiod manages (see {@link WEBHOOK_FIELD_LEFT_TO_ISTIOD}).
 */
export function helmNeedsClientSideApply(version: IstioVersion): boolean {
  const minors = Object.keys(WEBHOOK_FIELD_LEFT_TO_ISTIOD).map(Number);
  if (version.minor > Math.max(...minors)) return false;
  const firstPatch = WEBHOOK_FIELD_LEFT_TO_ISTIOD[version.minor];
  if (firstPatch === undefined) return true;
  // `1.28` means its newest patch, which has the fix; `1.28-beta.1` comes before 1.28.0.
  return !meansNewestPatch(version) && (version.patch ?? 0) < firstPatch;
}

/** The flag that makes Helm 4 apply client-side; Helm 3 always does, and has no such flag. */
export const HELM_CLIENT_SIDE_APPLY_FLAG = '--server-side=false';
