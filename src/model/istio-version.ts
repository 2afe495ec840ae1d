/** The oldest Istio minor release whose multicluster install this library renders. */
export const MIN_ISTIO_MINOR = 24;

/**
 * The Istio release used when a mesh names none: the Helm chart version in the
 * generated instructions and the istioctl the instructions expect.
 */
export const DEFAULT_ISTIO_VERSION = '1.31.1';

export interface IstioVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number | undefined;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?$/;

/** Parses `1.28.0`, `1.28` or `1.28.0-beta.1`; returns a reason string when unusable. */
export function parseIstioVersion(text: string): IstioVersion | string {
  const match = VERSION.exec(text);
  if (!match) {
    return `"${text}" is not an Istio version; name a release of Istio 1.${MIN_ISTIO_MINOR} or later, such as ${DEFAULT_ISTIO_VERSION}`;
  }
  const version: IstioVersion = {
    text,
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
