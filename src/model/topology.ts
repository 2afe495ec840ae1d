import { ClusterSpec, DataPlaneMode, MeshSpec } from './mesh-spec';

/** Mesh-wide settings every preset accepts. */
export type MeshOptions = Omit<MeshSpec, 'clusters'>;

/** A cluster of a single-network preset: its network comes from the preset. */
export type SingleNetworkCluster = string | Omit<ClusterSpec, 'network' | 'controlPlaneCluster'>;

/** A cluster of a multi-network preset. */
export type NetworkCluster = Omit<ClusterSpec, 'controlPlaneCluster'>;

/** Options of {@link Topology.multiPrimary}. */
export interface MultiPrimaryOptions extends MeshOptions {
  /** The primaries: names, or specs without network. */
  readonly clusters: SingleNetworkCluster[];
  /**
   * The one network all clusters are on.
   * @default 'network1'
   */
  readonly network?: string;
}

/** Options of {@link Topology.multiPrimaryMultiNetwork}. */
export interface MultiPrimaryMultiNetworkOptions extends MeshOptions {
  /** The primaries, each with its network. */
  readonly clusters: NetworkCluster[];
}

/** Options of {@link Topology.primaryRemote}. */
export interface PrimaryRemoteOptions extends MeshOptions {
  /** The primary; it needs a `discoveryAddress` for its remotes. */
  readonly primary: Omit<ClusterSpec, 'network' | 'controlPlaneCluster'>;
  /** The remotes of the primary: names, or specs without network. */
  readonly remotes: SingleNetworkCluster[];
  /**
   * The one network all clusters are on.
   * @default 'network1'
   */
  readonly network?: string;
}

/** Options of {@link Topology.primaryRemoteMultiNetwork}. */
export interface PrimaryRemoteMultiNetworkOptions extends MeshOptions {
  /** The primary, with its network and `discoveryAddress`. */
  readonly primary: NetworkCluster;
  /** The remotes, each with its network. */
  readonly remotes: NetworkCluster[];
}

/** Options of {@link Topology.ambientMultiNetwork}. */
export interface AmbientMultiNetworkOptions extends Omit<MeshOptions, 'dataPlaneMode'> {
  /** The primaries, each with its network; together on at least two networks. */
  readonly clusters: NetworkCluster[];
}

const toSpec = (c: SingleNetworkCluster, network: string): ClusterSpec =>
  (typeof c === 'string' ? { name: c, network } : { ...c, network });

/**
 * Presets for the four topologies of Istio's multicluster guide, and for ambient mode across
 * networks. Each returns a plain mesh description, to pass to `IstioMulticlusterMesh` as is or to extend.
 */
export class Topology {
  /** Every cluster runs istiod; all pods reach each other directly on one network. */
  public static multiPrimary(options: MultiPrimaryOptions): MeshSpec {
    const { clusters, network, ...mesh } = options;
    return { ...mesh, clusters: clusters.map((c) => toSpec(c, network ?? 'network1')) };
  }

  /** Every cluster runs istiod; clusters on different networks talk through east-west gateways. */
  public static multiPrimaryMultiNetwork(options: MultiPrimaryMultiNetworkOptions): MeshSpec {
    const { clusters, ...mesh } = options;
    return { ...mesh, clusters: clusters.map((c) => ({ ...c })) };
  }

  /**
   * Ambient mode across clusters, the one multicluster topology Istio supports for it: every cluster
   * a primary, on two or more networks, joined by HBONE east-west gateways (Istio 1.27 or later;
   * beta from 1.29).
   */
  public static ambientMultiNetwork(options: AmbientMultiNetworkOptions): MeshSpec {
    const { clusters, ...mesh } = options;
    return { ...mesh, dataPlaneMode: DataPlaneMode.AMBIENT, clusters: clusters.map((c) => ({ ...c })) };
  }

  /** One primary runs istiod for itself and its remotes, all on one network. */
  public static primaryRemote(options: PrimaryRemoteOptions): MeshSpec {
    const { primary, remotes, network, ...mesh } = options;
    const net = network ?? 'network1';
    return {
      ...mesh,
      clusters: [toSpec(primary, net), ...remotes.map((r) => ({ ...toSpec(r, net), controlPlaneCluster: primary.name }))],
    };
  }

  /** One primary runs istiod for itself and remotes on other networks, reached through east-west gateways. */
  public static primaryRemoteMultiNetwork(options: PrimaryRemoteMultiNetworkOptions): MeshSpec {
    const { primary, remotes, ...mesh } = options;
    return { ...mesh, clusters: [{ ...primary }, ...remotes.map((r) => ({ ...r, controlPlaneCluster: primary.name }))] };
  }
}
