/**
 * The delivery formats (render/delivery/formats.ts) are one list that the mesh, the README and
 * `diff` all read: each format renders its directories, writes its README section, and claims
 * the files of its own output that are about one cluster.
 */
import { describe, expect, it } from 'vitest';
import { FluxMode, MeshSpec } from '../src';
import { DELIVERY_FORMATS } from '../src/render/delivery/formats';
import { MIXED_MESH, synth } from './support';

const repository = { url: 'https://git.example.com/platform/mesh.git', path: 'meshes/prod' };
const delivered = (flux: FluxMode): MeshSpec => ({ ...MIXED_MESH, istioVersion: '1.30.3', delivery: { repository, argoCd: {}, flux: { mode: flux }, sailOperator: true } });

describe.each([FluxMode.HUB, FluxMode.PER_CLUSTER])('a mesh delivered with every format (Flux %s)', (mode) => {
  const { mesh, files } = synth(delivered(mode));
  const clusters = mesh.plan!.clusters.map((c) => c.name);

  it('has each format\'s directories and README section, in the formats\' order', () => {
    const readme = files.find((f) => f.path === 'README.md')!.content;
    const sections = ['## Delivering with Argo CD', '## Delivering with Flux', '## Installing with the Sail Operator'].map((h) => readme.indexOf(h));
    expect(sections.every((i) => i >= 0)).toBe(true);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    for (const format of DELIVERY_FORMATS) expect(format.enabled(mesh.plan!)).toBe(true);
  });

  it('gives each file of a format that is about one cluster to that cluster, and no file to two formats', () => {
    for (const format of DELIVERY_FORMATS) expect(files.some((f) => format.clusterOfPath(f.path, clusters) !== undefined)).toBe(true);
    for (const f of files) {
      const claims = DELIVERY_FORMATS.map((format) => format.clusterOfPath(f.path, clusters)).filter((c) => c !== undefined);
      expect(claims.length, f.path).toBeLessThanOrEqual(1);
      const named = clusters.filter((c) => f.path.includes(`/${c}/`) || f.path.includes(`-${c}-`) || f.path.endsWith(`cluster-${c}.yaml`));
      const perCluster = /^(argocd\/applications|flux\/(clusters|control-planes|hub\/cluster-)|install\/[^/]+\/sail)/.test(f.path);
      // A file of a format's per-cluster output goes to the longest cluster name it is named after (`west-1` before `west`).
      expect(claims, f.path).toEqual(perCluster && named.length > 0 ? [[...named].sort((a, b) => b.length - a.length)[0]] : []);
    }
  });
});
