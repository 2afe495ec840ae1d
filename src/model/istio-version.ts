import { MIN_ISTIO_MINOR, NEWEST_KNOWN_ISTIO_MINOR } from './istio-releases';

export { MIN_ISTIO_MINOR, NEWEST_KNOWN_ISTIO_MINOR } from './istio-releases';

/**
 * The Istio release used when a mesh names none: the Helm chart version in the
 * generated instructions and the istioctl the instructions expect.
 */
export const DEFAULT_ISTIO_VERSION = '1.31.1';

export interface IstioVersion {
  /** The version as Helm and istioctl are given it: without a leading `v`. */
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number | undefined;
}

const VERSION = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(-[0-9A-Za-z.-]{1,64})?$/;

/**
 * Parses `1.28.0`, `v1.28.0`, `1.28` or `1.28.0-beta.1`; returns a reason string when
 * unusable. A leading `v` is dropped, as Istio's release tags and Helm chart versions have none.
 */
export function parseIstioVersion(text: string): IstioVersion | string {
  const match = VERSION.exec(text);
  if (!match) {
    return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not an Istio version; name a release of Istio 1.${MIN_ISTIO_MINOR} or later, such as ${DEFAULT_ISTIO_VERSION}`;
  }
  const version: IstioVersion = {
    text: text.replace(/^v/, ''),
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? undefined : Number(match[3]),
  };
  if (version.major !== 1 || version.minor < MIN_ISTIO_MINOR) {
    return `Istio ${text} is not supported: this library renders the multicluster install of Istio 1.${MIN_ISTIO_MINOR} and later ` +
      `(older releases use pilot.env.EXTERNAL_ISTIOD and the istiod-remote chart); use ${DEFAULT_ISTIO_VERSION} or newer`;
  }
  return version;
}

/** Whether the library knows this release's charts, or renders it as the newest release it knows. */
export function isNewerThanKnown(version: IstioVersion): boolean {
  return version.minor > NEWEST_KNOWN_ISTIO_MINOR;
}

/**
 * The chart version a tool resolves for a release: the release itself, or for one named
 * without a patch, such as `1.28`, a semver range of its patches (`1.28.*` for Argo CD,
 * `1.28.x` for Flux), so that the newest patch is installed, as Helm does for `--version 1.28`.
 */
export function chartVersion(version: IstioVersion, wildcard: '*' | 'x'): string {
  return meansNewestPatch(version) ? `${version.major}.${version.minor}.${wildcard}` : version.text;
}

/** Whether a release is named by its minor alone (`1.28`), meaning its newest patch. */
export function meansNewestPatch(version: IstioVersion): boolean {
  return version.patch === undefined && !version.text.includes('-');
}
