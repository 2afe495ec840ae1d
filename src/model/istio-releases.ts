/**
 * What this library knows of each Istio minor release that its output depends on: one row per
 * release, from the oldest it renders to the newest whose charts it follows, each read off
 * Istio's own charts, istioctl and release notes of that release. A new release is one row;
 * a release newer than the last row is rendered as the last row (and the generated README says so).
 */

/** One Istio minor release, as the output depends on it. */
export interface IstioRelease {
  readonly minor: number;
  /**
   * The Gateway API release whose standard CRDs the README installs for an ambient mesh's east-west
   * gateways: the version the release's documentation installs (1.27: v1.3.0, 1.28: v1.4.0); Istio
   * 1.30 moved to v1.5.1 and reads TLSRoute and ReferenceGrant from its standard channel (1.30
   * upgrade notes).
   */
  readonly gatewayApi: string;
  /** The status of ambient mode across clusters (multi-primary, several networks); undefined where the release has none. */
  readonly ambientMulticluster?: 'alpha' | 'beta';
  /** Whether `istioctl create-remote-secret` has `--tls-server-name`. */
  readonly remoteSecretTlsServerName: boolean;
  /**
   * Whether the remote chart gives a remote's `istiod` Service an endpoint at an IPv6 discovery
   * address, as at an IPv4 one (before, it made an ExternalName Service, which Kubernetes rejects).
   */
  readonly remoteIpv6DiscoveryAddress: boolean;
  /** Whether the gateway chart's pods carry `istio.io/dataplane-mode: none`, so that ambient mode never captures them. */
  readonly gatewayAmbientOptOut: boolean;
  /** Whether the gateway chart's container runs as user and group 1337. */
  readonly gatewayFixedProxyUser: boolean;
  /**
   * The first patch whose `base` and `istiod` charts no longer set the validating webhooks'
   * `failurePolicy` on an upgrade (istio/istio#59367): 0 for every patch; undefined where every
   * patch sets it. istiod manages that field once its webhook serves, and Helm 4, which applies
   * server-side, refuses an upgrade with a chart that sets it again.
   */
  readonly webhookFailurePolicyLeftToIstiodFromPatch?: number;
  /** What the library renders differently from this release on, as the generated README lists it. */
  readonly notes: readonly string[];
}

/** Every release the library renders, oldest first. */
export const ISTIO_RELEASES: readonly IstioRelease[] = [
  {
    minor: 24, gatewayApi: 'v1.3.0', remoteSecretTlsServerName: false, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: false, gatewayFixedProxyUser: true, notes: [],
  },
  {
    minor: 25, gatewayApi: 'v1.3.0', remoteSecretTlsServerName: false, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: true,
    notes: ['From 1.25 the east-west gateway\'s pods carry `istio.io/dataplane-mode: none`, as the gateway chart sets, so ambient mode never captures them.'],
  },
  {
    minor: 26, gatewayApi: 'v1.3.0', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: true, notes: [],
  },
  {
    minor: 27, gatewayApi: 'v1.3.0', ambientMulticluster: 'alpha', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: true, notes: [],
  },
  {
    minor: 28, gatewayApi: 'v1.4.0', ambientMulticluster: 'alpha', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: true, webhookFailurePolicyLeftToIstiodFromPatch: 6,
    notes: ['From 1.28 Istio\'s gateway chart renders no PodDisruptionBudget for a single replica; this library never renders one that blocks every eviction, in any release.'],
  },
  {
    minor: 29, gatewayApi: 'v1.4.0', ambientMulticluster: 'beta', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: false,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: true, webhookFailurePolicyLeftToIstiodFromPatch: 2, notes: [],
  },
  {
    minor: 30, gatewayApi: 'v1.5.1', ambientMulticluster: 'beta', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: true,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: false, webhookFailurePolicyLeftToIstiodFromPatch: 0,
    notes: [
      'From 1.30 the gateway container no longer sets `runAsUser`/`runAsGroup: 1337`, as the gateway chart dropped them.',
      'From 1.30 an IPv6 discovery address gives a remote\'s `istiod` Service an endpoint, as IPv4 does; earlier releases made an ExternalName Service, which Kubernetes rejects, so the library refuses IPv6 there.',
    ],
  },
  {
    minor: 31, gatewayApi: 'v1.5.1', ambientMulticluster: 'beta', remoteSecretTlsServerName: true, remoteIpv6DiscoveryAddress: true,
    gatewayAmbientOptOut: true, gatewayFixedProxyUser: false, webhookFailurePolicyLeftToIstiodFromPatch: 0, notes: [],
  },
];

/** The oldest Istio minor release whose multicluster install this library renders. */
export const MIN_ISTIO_MINOR = ISTIO_RELEASES[0].minor;

/**
 * The newest Istio minor release whose charts this library follows. A newer release is
 * rendered as this one; the generated README says so.
 */
export const NEWEST_KNOWN_ISTIO_MINOR = ISTIO_RELEASES[ISTIO_RELEASES.length - 1].minor;

/**
 * What the library knows of a minor release: its row, or the newest row for a newer release.
 * @throws Error for a release older than the oldest row, which validation refuses
 */
export function istioRelease(minor: number): IstioRelease {
  const row = ISTIO_RELEASES.find((r) => r.minor === Math.min(minor, NEWEST_KNOWN_ISTIO_MINOR));
  if (row === undefined) throw new Error(`Istio 1.${minor} is older than every release this library knows`);
  return row;
}

/** The first release with a fact, for messages such as "use Istio 1.30 or later". */
export function firstReleaseWhere(fact: (release: IstioRelease) => boolean): number {
  const row = ISTIO_RELEASES.find(fact);
  if (row === undefined) throw new Error('no release this library knows has the fact');
  return row.minor;
}
