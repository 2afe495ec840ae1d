import { toYaml } from '../model/yaml';

/**
 * A kustomize file listing a directory's files and subdirectories in apply order. Kustomize
 * itself emits namespaces and CRDs first, whatever the order, which our order agrees with.
 */
export function renderKustomization(resources: string[], header: string[]): string {
  return toYaml([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }], header);
}
