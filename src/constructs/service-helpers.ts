import { k8s } from 'cdk8s-plus-27';

/** A TCP Service port that forwards to the same container port. */
export function tcpServicePort(name: string, port: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}

/** `{ annotations }` when there are any, so that objects carry no empty annotation maps. */
export function optionalAnnotations(annotations: Record<string, string> | undefined): { annotations?: Record<string, string> } {
  return annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {};
}
