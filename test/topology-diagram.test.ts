/**
 * The topology diagram (`plan --format mermaid`, and in every README): it parses with Mermaid's
 * own parser, and draws what the plan says: every cluster in its network with its role, the
 * east-west gateways, who serves whom and whose API servers each istiod reads; a mesh too large
 * to draw cluster by cluster is drawn network by network, with counts that add up.
 */
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClusterRole, MeshPlan, MeshSpec, planMesh, seedTopologySpecs } from '../src';
import { runCli } from '../src/cli/main';
import { largeMesh } from '../src/examples/large-meshes';
import { DIAGRAM_DETAIL_MAX_CLUSTERS, renderTopologyDiagram } from '../src/render/topology-diagram';
import { ECP_CONFIG_ONLY, MIXED_MESH, synth } from './support';

/** Mermaid's parser, which needs a DOM for its sanitizer even when it only parses. */
let parse: (text: string) => Promise<unknown>;
beforeAll(async () => {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const mermaid = (await import('mermaid')).default;
  parse = (text) => mermaid.parse(text);
});

const small: [string, MeshSpec][] = [
  ...Object.entries(seedTopologySpecs()),
  ['two primaries with remotes', MIXED_MESH],
  ['an external control plane with its config cluster alone', ECP_CONFIG_ONLY],
];
const large: [string, MeshSpec][] = [
  ['100 primaries on ten networks', largeMesh('multi-primary', 100)],
  ['100 clusters, ten primaries with nine remotes each', largeMesh('primary-remote', 100)],
  ['an external control plane with 12 clusters on two networks', {
    ...ECP_CONFIG_ONLY,
    clusters: Array.from({ length: 12 }, (_, i) => ({ name: `cluster${i + 1}`, network: `network${(i % 2) + 1}` })),
  }],
];

/** The lines of the diagram that match, with their captures. */
const matches = (text: string, re: RegExp) => text.split('\n').map((l) => re.exec(l)).filter((m): m is RegExpExecArray => m !== null);

describe.each(small)('the diagram of %s', (_name, spec) => {
  const plan = planMesh(spec);
  const text = renderTopologyDiagram(plan);

  it('parses as a Mermaid flowchart', async () => {
    await expect(parse(text)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
  });

  it('draws each cluster once, in its network, with its role, and each east-west gateway', () => {
    const ids = new Map<string, string>();
    let network: string | undefined;
    for (const line of text.split('\n')) {
      const sub = /^ {2}subgraph n\d+\["network (.*)"\]$/.exec(line);
      if (sub) network = sub[1];
      if (line === '  end') network = undefined;
      const node = /^ {4}(c\d+)\["([^<"]+)<br\/>([^<"]+)/.exec(line);
      if (!node) continue;
      const c = plan.clusters.find((o) => o.name === node[2])!;
      expect(c, node[2]).toBeDefined();
      expect(ids.has(c.name), `${c.name} drawn twice`).toBe(false);
      ids.set(c.name, node[1]);
      expect(network, `${c.name}'s network`).toBe(c.network);
      expect(node[3]).toMatch(c.role === ClusterRole.PRIMARY ? /^primary/ : c.role === ClusterRole.CONFIG ? /^config cluster/ : /^remote$/);
    }
    expect([...ids.keys()]).toEqual(plan.clusters.map((c) => c.name));
    const gateways = matches(text, /^ {4}(c\d+)gw\{\{/).map((m) => m[1]);
    expect(gateways).toEqual(plan.clusters.filter((c) => c.eastWestGateway).map((c) => ids.get(c.name)));
  });

  it('draws who serves whom, and every API server each istiod reads', () => {
    const name = (id: string) => (id === 'x1' ? plan.externalControlPlane!.name : plan.clusters[Number(id.slice(1)) - 1].name);
    const served = matches(text, /^ {2}(\w+) ==>\|serves\| (\w+)$/).map((m) => `${name(m[1])} serves ${name(m[2])}`);
    const ecp = plan.externalControlPlane;
    expect(served.sort()).toEqual(plan.clusters
      .filter((c) => ecp || c.role === ClusterRole.REMOTE)
      .map((c) => `${ecp ? ecp.name : c.controlPlaneCluster} serves ${c.name}`).sort());
    const reads = matches(text, /^ {2}(\w+) -\.->\|reads API server\| (\w+)$/).map((m) => `${name(m[1])} reads ${name(m[2])}`);
    expect(reads.sort()).toEqual([
      ...plan.clusters.flatMap((c) => c.readsApiServersOf.map((r) => `${c.name} reads ${r}`)),
      ...(ecp ? [ecp.configCluster, ...ecp.readsApiServersOf].map((r) => `${ecp.name} reads ${r}`) : []),
    ].sort());
  });

  it('is the one the README shows', () => {
    const readme = synth(spec).files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain(`\`\`\`mermaid\n${text}\`\`\`\n`);
  });
});

describe.each(large)('the diagram of %s', (_name, spec) => {
  const plan: MeshPlan = planMesh(spec);
  const text = renderTopologyDiagram(plan);

  it('is drawn network by network, and parses', async () => {
    expect(plan.clusters.length).toBeGreaterThan(DIAGRAM_DETAIL_MAX_CLUSTERS);
    await expect(parse(text)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
    expect(matches(text, /^ {2}n\d+\["network /)).toHaveLength(plan.networks.length);
  });

  it('counts every cluster, every remote served and every API server read', () => {
    const counted = (re: RegExp) => matches(text, re).reduce((sum, m) => sum + Number(m[1]), 0);
    const clusters = matches(text, /^ {2}n\d+\["network [^<]*<br\/>([^<"]*)/)
      .flatMap((m) => m[1].split(', ')).reduce((sum, part) => sum + Number(part.split(' ')[0]), 0);
    expect(clusters).toBe(plan.clusters.length);
    const served = plan.externalControlPlane ? plan.clusters.length : plan.clusters.filter((c) => c.role === ClusterRole.REMOTE).length;
    expect(counted(/==>\|"serves (\d+) clusters?"\|/)).toBe(served);
    const ecp = plan.externalControlPlane;
    expect(counted(/-\.->\|"reads (\d+) API servers?"\|/))
      .toBe(plan.clusters.reduce((sum, c) => sum + c.readsApiServersOf.length, 0) + (ecp ? 1 + ecp.readsApiServersOf.length : 0));
  });
});

describe('plan --format mermaid', () => {
  it('prints the diagram of the mesh file, and refuses a format it does not know', async () => {
    let out = '';
    let err = '';
    const io = { out: (t: string) => { out += t; }, err: (t: string) => { err += t; }, env: {} };
    expect(await runCli(['plan', '--format', 'mermaid', 'examples/primary-remote.yaml'], io)).toBe(0);
    expect(out).toBe(renderTopologyDiagram(planMesh(seedTopologySpecs()['primary-remote'])));
    expect(await runCli(['plan', '--format', 'svg', 'examples/primary-remote.yaml'], io)).not.toBe(0);
    expect(err).toMatch(/--format.*svg.*text, json, mermaid/s);
  });
});
