import { k8s } from 'cdk8s-plus-27';
import { parseCidr } from '../model/formats';

/** A TCP Service port that forwards to the same container port. */
export function tcpServicePort(name: string, port: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}

/** `{ annotations }` when there are any, so that objects carry no empty annotation maps. */
export function optionalAnnotations(annotations: Record<string, string> | undefined): { annotations?: Record<string, string> } {
  return annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {};
}

/**
 * `{ loadBalancerSourceRanges }` when there are any: an empty list would read as "no restriction"
 * anyway, and leaving the field out keeps the Service as Kubernetes would store it.
 */
export function optionalSourceRanges(ranges: readonly string[] | undefined): { loadBalancerSourceRanges?: string[] } {
  return ranges && ranges.length > 0 ? { loadBalancerSourceRanges: [...ranges] } : {};
}

/**
 * Why each source range is unusable, if it is: the API server refuses a Service whose
 * `loadBalancerSourceRanges` are not CIDRs, and only when the manifests are applied.
 */
export function sourceRangeProblems(ranges: readonly string[] | undefined): string[] {
  return (ranges ?? []).flatMap((range, i) => {
    const parsed = parseCidr(range);
    return typeof parsed === 'string' ? [`loadBalancerSourceRanges[${i}] "${range}" ${parsed}`] : [];
  });
}
