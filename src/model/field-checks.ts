import { AddProblem } from './delivery-validation';
import { firstReleaseWhere, istioRelease } from './istio-releases';
import { ANNOTATIONS_SIZE_LIMIT, annotationKeyProblem, hostAddressProblem, isIPAddress, isIPv6, parseCidr, sameIpAddress } from './formats';
import { memberName } from './field-name';
import { IstioVersion } from './istio-version';
import { IstiodOptions, LoadBalancerOptions } from './mesh-spec';

/** Checks of fields that clusters and the external control plane share, each reported at the field given. */

/**
 * The address at which remotes reach an istiod, as Istio's remote chart and Kubernetes take it;
 * and, where a Service exposes istiod at a pinned `loadBalancerIP`, that same address.
 */
export function checkDiscoveryAddress(
  address: string, field: string, cluster: string | undefined, version: IstioVersion | undefined,
  exposing: { field: string; options: LoadBalancerOptions | undefined } | undefined, add: AddProblem,
): void {
  const reason = hostAddressProblem(address);
  if (reason) {
    add(field, `"${address}" ${reason}`, cluster);
  } else if (address !== address.toLowerCase()) {
    // The remote chart writes it into a Service (ExternalName or EndpointSlice), where Kubernetes takes lowercase only.
    add(field, `"${address}" has uppercase letters, which Istio's remote chart and Kubernetes reject; write it in lowercase`, cluster);
  } else if (isIPv6(address) && address.includes('.')) {
    add(field, `"${address}" is an IPv6 address with an IPv4 tail, which no release of Istio's remote chart accepts; give the IPv4 address itself`, cluster);
  } else if (isIPv6(address) && version !== undefined && !istioRelease(version.minor).remoteIpv6DiscoveryAddress) {
    add(field, `"${address}" is an IPv6 address: the remote profile of Istio ${version.text} turns it into an ` +
      `ExternalName Service, which Kubernetes rejects; use Istio 1.${firstReleaseWhere((r) => r.remoteIpv6DiscoveryAddress)} or later, an IPv4 address or a DNS name`, cluster);
  } else if (exposing !== undefined) {
    const pinned = exposing.options?.loadBalancerIP;
    if (pinned !== undefined && isIPAddress(address) && isIPAddress(pinned) && !sameIpAddress(pinned, address)) {
      add(field, `"${address}" differs from ${exposing.field}.loadBalancerIP "${pinned}", the address of the Service ` +
        'that exposes istiod: remotes would connect where nothing listens; make them the same', cluster);
    }
  }
}

export function checkIstiodOptions(options: IstiodOptions, field: string, cluster: string | undefined, add: AddProblem) {
  const { replicas, maxReplicas } = options;
  const validReplicas = replicas === undefined || (Number.isInteger(replicas) && replicas >= 1);
  if (!validReplicas) add(`${field}.replicas`, `${replicas} must be a whole number of at least 1`, cluster);
  // Compared with a usable minimum only, so that one mistake is reported once.
  const floor = validReplicas ? replicas ?? 1 : 1;
  if (maxReplicas !== undefined && (!Number.isInteger(maxReplicas) || maxReplicas < floor)) {
    add(`${field}.maxReplicas`, `${maxReplicas} must be a whole number no smaller than replicas (${floor}); ` +
      'make them equal for a fixed number of replicas', cluster);
  }
}

export function checkLoadBalancerOptions(options: LoadBalancerOptions, field: string, cluster: string | undefined, add: AddProblem) {
  if (options.loadBalancerIP !== undefined && !isIPAddress(options.loadBalancerIP)) {
    add(`${field}.loadBalancerIP`, `"${options.loadBalancerIP}" must be an IPv4 or IPv6 address`, cluster);
  }
  (options.loadBalancerSourceRanges ?? []).forEach((range, j) => {
    if (range === null) return;
    const parsed = parseCidr(range);
    if (typeof parsed === 'string') add(`${field}.loadBalancerSourceRanges[${j}]`, `"${range}" ${parsed}`, cluster);
  });
  const annotations = options.serviceAnnotations ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    size += key.length + value.length;
    const reason = annotationKeyProblem(key);
    if (reason) add(memberName(`${field}.serviceAnnotations`, key), `annotation key ${reason}`, cluster);
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) {
    add(`${field}.serviceAnnotations`, `have ${size} characters of keys and values; Kubernetes allows at most ${ANNOTATIONS_SIZE_LIMIT} in all`, cluster);
  }
}

/** A kubeconfig context as the generated instructions quote it. */
export function checkKubeContext(context: string, field: string, cluster: string | undefined, add: AddProblem): void {
  if (context.length === 0 || /[\s"'`$\\]/.test(context)) {
    add(field, `"${context}" must be a non-empty context name without spaces, quotes, "$" or "\\"`, cluster);
  }
}
