import { AddProblem } from './delivery-validation';
import { dns1123SubdomainProblem, goDurationProblem, hostAddressProblem } from './formats';
import { MeshSpec } from './mesh-spec';
import { firstReleaseWhere, istioRelease } from './istio-releases';
import { IstioVersion } from './istio-version';
import { SecretStoreRef, secretStoreKind, TrustMode } from './trust-spec';

/** A DNS name as a TLS server name. */
function dnsNameProblem(value: string): string | undefined {
  return hostAddressProblem(value);
}

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

/**
 * Checks the remote credentials: with External Secrets, every cluster a primary reads needs
 * the API server address other clusters use, as the output cannot take it from a kubeconfig.
 */
export function checkRemoteCredentials(spec: MeshSpec, version: IstioVersion | undefined, add: AddProblem) {
  const es = spec.remoteCredentials?.externalSecrets;
  const clusters = Array.isArray(spec.clusters) ? spec.clusters : [];
  clusters.forEach((c, i) => {
    if (c?.apiServerTlsName !== undefined) {
      const reason = dnsNameProblem(c.apiServerTlsName);
      if (reason) add(`clusters[${i}].apiServerTlsName`, `"${c.apiServerTlsName}" ${reason}`, c.name);
      if (c.apiServer === undefined) add(`clusters[${i}].apiServerTlsName`, 'is set without apiServer, the address it names the certificate of; set apiServer too', c.name);
      // Without External Secrets the README makes the kubeconfigs with `istioctl create-remote-secret`,
      // which has the flag only from some release on.
      if (es === undefined && version !== undefined && !istioRelease(version.minor).remoteSecretTlsServerName) {
        const from = `1.${firstReleaseWhere((r) => r.remoteSecretTlsServerName)}`;
        add(`clusters[${i}].apiServerTlsName`, `needs istioctl's --tls-server-name, which Istio ${version.text} lacks (from ${from}); ` +
          `use Istio ${from} or later, an apiServer address its certificate names, or remote credentials through External Secrets`, c.name);
      }
    }
  });
  if (es === undefined) return;
  if (es.secretStore?.name !== undefined) {
    const reason = dns1123SubdomainProblem(es.secretStore.name);
    if (reason) add('remoteCredentials.externalSecrets.secretStore.name', `"${es.secretStore.name}" ${reason}`);
  }
  if (es.keyPrefix !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(es.keyPrefix)) {
    add('remoteCredentials.externalSecrets.keyPrefix', `"${es.keyPrefix}" must be letters, digits, ".", "_", "-" and "/", starting with a letter or digit`);
  }
  const primaries = clusters.filter((c) => c !== null && c.controlPlaneCluster === undefined);
  clusters.forEach((c, i) => {
    if (c === null || c.name === undefined) return;
    // Every primary reads every other cluster; a cluster read by none needs no address.
    const readBy = primaries.filter((p) => p.name !== c.name);
    if (readBy.length > 0 && c.apiServer === undefined) {
      add(`clusters[${i}].apiServer`, `is required with remoteCredentials.externalSecrets: ${readBy.slice(0, 5).map((p) => p.name).join(', ')}` +
        `${readBy.length > 5 ? ', …' : ''} read this cluster's API server at it, and the output cannot take it from your kubeconfig`, c.name);
    }
  });
}

/**
 * Checks that the stores the mesh names agree: a `SecretStore` and a `ClusterSecretStore` of one
 * name are two objects, so a name given with both kinds means one of them does not exist where
 * the other is expected, and its objects would never become ready.
 */
export function checkSecretStores(spec: MeshSpec, add: AddProblem) {
  const refs: Array<{ field: string; ref: SecretStoreRef | undefined }> = [
    { field: 'trust.certManager.rootCaFromStore.secretStore', ref: spec.trust?.certManager?.rootCaFromStore?.secretStore },
    { field: 'remoteCredentials.externalSecrets.secretStore', ref: spec.remoteCredentials?.externalSecrets?.secretStore },
  ];
  const first = new Map<string, { field: string; ref: SecretStoreRef }>();
  for (const { field, ref } of refs) {
    if (ref?.name === undefined) continue;
    const earlier = first.get(ref.name);
    if (earlier === undefined) {
      first.set(ref.name, { field, ref });
    } else if (secretStoreKind(earlier.ref) !== secretStoreKind(ref)) {
      add(`${field}.kind`, `names the store "${ref.name}" as a ${secretStoreKind(ref)}, but ${earlier.field} names it as a ${secretStoreKind(earlier.ref)}; ` +
        'these are different objects, so one of them is missing in your clusters; give both the kind of the store you have');
    }
  }
}
