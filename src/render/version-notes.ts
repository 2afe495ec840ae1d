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
