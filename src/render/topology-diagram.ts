/**
 * The mesh's topology as a Mermaid flowchart, which GitHub and GitLab draw where Markdown holds
 * it: the networks, each cluster in its network with its role, its east-west gateway, which
 * istiod serves which cluster, and which istiod reads which API server.
 *
 * Every cluster is drawn up to `DIAGRAM_DETAIL_MAX_CLUSTERS`; a larger mesh is drawn by network
 * (how many clusters of each role), since a drawing with hundreds of nodes and one edge per API
 * server read (n × (n − 1) in a multi-primary mesh) helps nobody, and Mermaid refuses it.
 */
import { ClusterPlan, ClusterRole, MeshPlan } from '../plan/mesh-plan';

/** The largest mesh drawn cluster by cluster. */
export const DIAGRAM_DETAIL_MAX_CLUSTERS = 10;

/** A Mermaid label: quoted, with the characters that would end it written as entities. */
const label = (...lines: string[]) => `"${lines.map((l) => l.replace(/"/g, '#quot;')).join('<br/>')}"`;

/** The mesh's topology as the text of a Mermaid flowchart (without the Markdown fence). */
export function renderTopologyDiagram(mesh: MeshPlan): string {
  return [...(mesh.clusters.length <= DIAGRAM_DETAIL_MAX_CLUSTERS ? detailed(mesh) : byNetwork(mesh))].join('\n') + '\n';
}

/** The diagram as a fenced block of Markdown. */
export function topologyDiagramMarkdown(mesh: MeshPlan): string[] {
  return ['```mermaid', ...renderTopologyDiagram(mesh).trimEnd().split('\n'), '```'];
}

function roleText(c: ClusterPlan): string {
  if (c.role === ClusterRole.PRIMARY) return 'primary: runs istiod';
  if (c.role === ClusterRole.CONFIG) return 'config cluster: holds the configuration';
  return 'remote';
}

function* detailed(mesh: MeshPlan): Iterable<string> {
  // Mermaid ids are plain words: clusters and networks are numbered, their names are labels.
  const id = new Map(mesh.clusters.map((c, i) => [c.name, `c${i + 1}`]));
  const ecp = mesh.externalControlPlane;
  if (ecp) id.set(ecp.name, 'x1');
  yield 'flowchart LR';
  if (ecp) {
    yield `  subgraph external[${label('external control plane')}]`;
    yield `    x1[${label(ecp.name, `istiod in ${ecp.namespace}`, ecp.discoveryAddress)}]`;
    yield '  end';
  }
  for (const [n, network] of mesh.networks.entries()) {
    yield `  subgraph n${n + 1}[${label(`network ${network}`)}]`;
    for (const c of mesh.clusters.filter((o) => o.network === network)) {
      const address = c.discoveryAddress !== undefined ? [`istiod at ${c.discoveryAddress}`] : [];
      yield `    ${id.get(c.name)}[${label(c.name, roleText(c), ...address)}]`;
      if (c.eastWestGateway) {
        const carries = c.eastWestGateway.exposesIstiod ? ['also carries istiod: 15012, 15017'] : [];
        yield `    ${id.get(c.name)}gw{{${label('east-west gateway', ...carries)}}}`;
      }
    }
    yield '  end';
  }
  for (const c of mesh.clusters) if (c.eastWestGateway) yield `  ${id.get(c.name)} --- ${id.get(c.name)}gw`;
  // Who configures whose proxies: a primary its remotes, or the external istiod every cluster.
  for (const c of mesh.clusters) {
    if (ecp) yield `  x1 ==>|serves| ${id.get(c.name)}`;
    else if (c.role === ClusterRole.REMOTE) yield `  ${id.get(c.controlPlaneCluster)} ==>|serves| ${id.get(c.name)}`;
  }
  // Whose API server each istiod reads, through a remote secret (or the external istiod's kubeconfig of the config cluster).
  const readers: { name: string; reads: string[] }[] = [
    ...mesh.clusters.map((c) => ({ name: c.name, reads: c.readsApiServersOf })),
    ...(ecp ? [{ name: ecp.name, reads: [ecp.configCluster, ...ecp.readsApiServersOf] }] : []),
  ];
  for (const r of readers) for (const read of r.reads) yield `  ${id.get(r.name)} -.->|reads API server| ${id.get(read)}`;
}

function* byNetwork(mesh: MeshPlan): Iterable<string> {
  const ecp = mesh.externalControlPlane;
  const networkOf = new Map(mesh.clusters.map((c) => [c.name, c.network]));
  const nid = new Map(mesh.networks.map((n, i) => [n, `n${i + 1}`]));
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  yield 'flowchart LR';
  if (ecp) yield `  x1[${label(ecp.name, 'external control plane', `istiod at ${ecp.discoveryAddress}`)}]`;
  for (const network of mesh.networks) {
    const of = mesh.clusters.filter((c) => c.network === network);
    const roles = [
      [ClusterRole.PRIMARY, 'primary', 'primaries'], [ClusterRole.CONFIG, 'config cluster', 'config clusters'], [ClusterRole.REMOTE, 'remote', 'remotes'],
    ] as const;
    const counts = roles.map(([role, one, many]) => [of.filter((c) => c.role === role).length, one, many] as const).filter(([n]) => n > 0);
    const gateways = of.filter((c) => c.eastWestGateway).length;
    yield `  ${nid.get(network)}[${label(`network ${network}`, counts.map(([n, one, many]) => count(n, one, many)).join(', '),
      ...(gateways > 0 ? [count(gateways, 'east-west gateway', 'east-west gateways')] : []))}]`;
  }
  // Between networks: how many remotes a network's primaries serve in another (or the external istiod, in each).
  const served = new Map<string, number>();
  for (const c of mesh.clusters) {
    if (!ecp && c.role !== ClusterRole.REMOTE) continue;
    const from = ecp ? 'x1' : nid.get(networkOf.get(c.controlPlaneCluster)!)!;
    const key = `${from} ${nid.get(c.network)}`;
    served.set(key, (served.get(key) ?? 0) + 1);
  }
  for (const [key, n] of served) {
    const [from, to] = key.split(' ');
    yield `  ${from} ==>|${label(`serves ${count(n, 'cluster', 'clusters')}`)}| ${to}`;
  }
  // Reads between networks, counted by the networks' positions (a multi-primary mesh reads n × (n − 1) times).
  const position = new Map(mesh.networks.map((n, i) => [n, i]));
  const clusterNetwork = new Map(mesh.clusters.map((c) => [c.name, position.get(c.network)!]));
  const reads = new Map<string, number[]>();
  const countRead = (from: string, read: string) => {
    const row = reads.get(from) ?? mesh.networks.map(() => 0);
    row[clusterNetwork.get(read)!] += 1;
    reads.set(from, row);
  };
  const sizes = mesh.networks.map((n) => mesh.clusters.filter((c) => c.network === n).length);
  for (const c of mesh.clusters) {
    const from = nid.get(c.network)!;
    if (c.readsApiServersOf.length === mesh.clusters.length - 1) {
      // A primary of a multi-primary mesh reads every other cluster: each network's clusters, less itself.
      const row = reads.get(from) ?? mesh.networks.map(() => 0);
      sizes.forEach((size, i) => { row[i] += size - (i === position.get(c.network) ? 1 : 0); });
      reads.set(from, row);
    } else {
      for (const read of c.readsApiServersOf) countRead(from, read);
    }
  }
  // The external istiod reads the config cluster through its kubeconfig, the others through remote secrets.
  for (const r of ecp ? [ecp.configCluster, ...ecp.readsApiServersOf] : []) countRead('x1', r);
  for (const [from, row] of reads) {
    for (const [i, n] of row.entries()) {
      if (n > 0) yield `  ${from} -.->|${label(`reads ${count(n, 'API server', 'API servers')}`)}| n${i + 1}`;
    }
  }
}
