import { MeshSpec } from '../model/mesh-spec';

/**
 * Large meshes for scale tests and the benchmark: `count` primaries spread over ten
 * networks, or primaries with nine remotes each (one primary per ten clusters).
 */
export function largeMesh(shape: 'multi-primary' | 'primary-remote', count: number): MeshSpec {
  const networks = Math.min(10, count);
  const clusters = Array.from({ length: count }, (_, i) => {
    const name = `cluster-${i + 1}`;
    if (shape === 'multi-primary') return { name, network: `network-${(i % networks) + 1}` };
    const group = Math.floor(i / 10);
    const primary = `cluster-${group * 10 + 1}`;
    // Each primary and its remotes share a network; groups are spread over ten networks.
    const network = `network-${(group % networks) + 1}`;
    return i % 10 === 0
      ? { name, network, discoveryAddress: `10.${Math.floor(group / 250)}.${group % 250}.1` }
      : { name, network, controlPlaneCluster: primary };
  });
  return { meshId: `${shape}-${count}`, clusters };
}
