import { AddProblem } from './delivery-validation';
import { dns1123SubdomainProblem, goDurationProblem } from './formats';
import { MeshSpec } from './mesh-spec';
import { TrustMode } from './trust-spec';

/** A Go duration in milliseconds (`1h30m`); undefined when it is not one. */
export function goDurationMs(value: string): number | undefined {
  if (goDurationProblem(value) !== undefined) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}

/** Checks the trust section: settings for a mode the mesh does not use, names, and renewal that cannot work. */
export function checkTrust(spec: MeshSpec, add: AddProblem) {
  const trust = spec.trust;
  if (trust === undefined) return;
  const mode = trust.mode ?? TrustMode.OFFLINE_CA;
  const cm = trust.certManager;
  if (cm === undefined) return;
  if (mode !== TrustMode.CERT_MANAGER) {
    add('trust.certManager', `is set, but the trust mode is ${mode}; set trust.mode to TrustMode.CERT_MANAGER, or remove it`);
  }
  if (cm.rootCaSecret !== undefined) {
    const reason = dns1123SubdomainProblem(cm.rootCaSecret);
    if (reason) add('trust.certManager.rootCaSecret', `"${cm.rootCaSecret}" ${reason}`);
  }
  const store = cm.rootCaFromStore;
  if (store !== undefined) {
    const reason = store.secretStore?.name === undefined ? undefined : dns1123SubdomainProblem(store.secretStore.name);
    if (reason) add('trust.certManager.rootCaFromStore.secretStore.name', `"${store.secretStore.name}" ${reason}`);
    if (store.key !== undefined && store.key.trim() === '') add('trust.certManager.rootCaFromStore.key', 'must name the root\'s key in the store');
  }
  const duration = cm.duration === undefined ? 8760 * 3_600_000 : goDurationMs(cm.duration);
  const renewBefore = cm.renewBefore === undefined ? 720 * 3_600_000 : goDurationMs(cm.renewBefore);
  if (cm.duration !== undefined && duration === undefined) add('trust.certManager.duration', `"${cm.duration}" is not a duration such as 8760h`);
  if (cm.renewBefore !== undefined && renewBefore === undefined) add('trust.certManager.renewBefore', `"${cm.renewBefore}" is not a duration such as 720h`);
  // cert-manager refuses a CA it would have to renew at once, and anything under an hour.
  if (duration !== undefined && duration < 3_600_000) add('trust.certManager.duration', `"${cm.duration}" is under cert-manager's minimum of 1h`);
  if (duration !== undefined && renewBefore !== undefined && renewBefore >= duration) {
    add('trust.certManager.renewBefore', `${cm.renewBefore ?? '720h'} is not shorter than the duration ${cm.duration ?? '8760h'}: the intermediate would be renewed continuously; make it shorter`);
  }
}
