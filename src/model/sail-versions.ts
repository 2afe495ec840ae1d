import { IstioSpecVersion } from '../../imports/sail-sailoperator.io';
import { IstioVersion, meansNewestPatch } from './istio-version';

/**
 * The Istio versions the Sail Operator's `Istio` CRD lists (`spec.version`), as imported
 * into `imports/` from the CRD: the operator installs only these.
 */
export const SAIL_ISTIO_VERSIONS: readonly string[] = Object.values(IstioSpecVersion);

/**
 * The Sail Operator's name for an Istio release: `v1.30.3`, or `v1.30-latest` for a release
 * named without a patch (the newest patch the operator knows). Undefined when the operator
 * does not list it.
 */
export function sailIstioVersion(version: IstioVersion): string | undefined {
  const name = meansNewestPatch(version) ? `v${version.major}.${version.minor}-latest` : `v${version.text}`;
  return SAIL_ISTIO_VERSIONS.includes(name) ? name : undefined;
}

/** The newest releases the Sail Operator lists, for error messages: one per minor, newest first. */
export function newestSailVersions(count: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of SAIL_ISTIO_VERSIONS) {
    const m = /^v(\d+\.\d+)\.(\d+)$/.exec(v);
    if (!m || seen.has(m[1])) continue;
    seen.add(m[1]);
    out.push(v);
    if (out.length === count) break;
  }
  return out;
}
