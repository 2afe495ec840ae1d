/**
 * A mesh is an ordinary construct of any cdk8s app: `app.synth()` (which `cdk8s synth`
 * runs) writes each mesh's per-cluster directory under the app's outdir, beside the files
 * cdk8s writes for the app's own charts, and never mixes clusters in cdk8s's flat files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EastWestGateway, IstioMulticlusterMesh, MeshSpec, MeshValidationError, renderMeshFiles, Topology } from '../src';
import { GENERATED_FILES_MANIFEST, MeshWriteError } from '../src/writer/write';
import { MIXED_MESH, readTree, thrown } from './support';

const PRIMARY_REMOTE: MeshSpec = Topology.primaryRemote({ primary: { name: 'hub', discoveryAddress: '192.0.2.50' }, remotes: ['spoke'] });

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-app-'));
});
afterEach(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** What the writer puts in a mesh's directory: its rendered files and the manifest listing them. */
function expectedTree(spec: MeshSpec, id: string): Record<string, string> {
  const files = renderMeshFiles(new IstioMulticlusterMesh(new App(), id, spec));
  return {
    ...Object.fromEntries(files.map((f) => [f.path, f.content])),
    [GENERATED_FILES_MANIFEST]: files.map((f) => `${f.path}\n`).sort().join(''),
  };
}

/** An app with two meshes and a chart of its own, as a user would write it. */
function userApp(meshes: Record<string, MeshSpec> = { prod: MIXED_MESH, edge: PRIMARY_REMOTE }): App {
  const app = new App({ outdir });
  for (const [id, spec] of Object.entries(meshes)) new IstioMulticlusterMesh(app, id, spec);
  const own = new Chart(app, 'own');
  new EastWestGateway(own, 'gw', { network: 'net-a' });
  return app;
}

describe('app.synth() in an app with meshes and charts of its own', () => {
  it('writes each mesh\'s directory, equal to what the writer writes, beside cdk8s\'s file for the app\'s chart', () => {
    userApp().synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(['edge', 'own.k8s.yaml', 'prod']);
    expect(readTree(path.join(outdir, 'prod'))).toEqual(expectedTree(MIXED_MESH, 'prod'));
    expect(readTree(path.join(outdir, 'edge'))).toEqual(expectedTree(PRIMARY_REMOTE, 'edge'));
  });

  it('leaves no mesh object in cdk8s\'s flat files, so kubectl apply -f <outdir>/ sends nothing to the wrong cluster', () => {
    userApp().synth();
    const flat = fs.readdirSync(outdir).filter((f) => fs.statSync(path.join(outdir, f)).isFile());
    expect(flat).toEqual(['own.k8s.yaml']);
    const own = fs.readFileSync(path.join(outdir, 'own.k8s.yaml'), 'utf8');
    expect(own).toContain('name: istio-eastwestgateway');
    expect(own).not.toContain('istiod');
    expect(own).not.toContain('topology.istio.io/network: east');
  });

  it('keeps the mesh\'s charts out of the app\'s tree, yet reachable for escape hatches', () => {
    const app = userApp({ prod: MIXED_MESH });
    const mesh = app.node.findChild('prod') as IstioMulticlusterMesh;
    expect(app.charts.map((c) => c.node.id)).toEqual(['own']);
    const manifests = mesh.cluster('west-1')!.manifests;
    const gateway = manifests.node.findAll().find((c) => ApiObject.isApiObject(c) && c.kind === 'Service' && c.name === 'istio-eastwestgateway') as ApiObject;
    gateway.metadata.addAnnotation('example.com/owner', 'platform');
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'prod/clusters/west-1/mesh/20-eastwest-gateway.yaml'), 'utf8')).toContain('example.com/owner: platform');
  });

  it('replaces the directories it wrote on the next synth', () => {
    userApp().synth();
    userApp({ prod: PRIMARY_REMOTE, edge: PRIMARY_REMOTE }).synth();
    expect(readTree(path.join(outdir, 'prod'))).toEqual(expectedTree(PRIMARY_REMOTE, 'prod'));
  });
});

describe('app.synth() refuses, writing nothing at all', () => {
  it('an invalid mesh, listing its problems and every other construct\'s together', () => {
    const app = userApp({ prod: { clusters: [{ name: 'Bad', network: 'n' }] } });
    const own = app.node.findChild('own') as Chart;
    own.node.addValidation({ validate: () => ['the app\'s own check failed'] });
    const error = thrown(() => app.synth()) as Error;
    expect(error).toBeInstanceOf(MeshValidationError);
    expect(error.message).toMatch(/cluster "Bad"/);
    expect(error.message).toMatch(/own: the app's own check failed/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('two meshes of one id in different scopes, which would share a directory', () => {
    const app = new App({ outdir });
    new IstioMulticlusterMesh(new Chart(app, 'a'), 'mesh', PRIMARY_REMOTE);
    new IstioMulticlusterMesh(new Chart(app, 'b'), 'mesh', MIXED_MESH);
    expect(() => app.synth()).toThrow(/directory "mesh": is the id of 2 meshes \(a\/mesh, b\/mesh\)/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('a mesh directory it did not generate, before cdk8s writes its own files', () => {
    fs.mkdirSync(path.join(outdir, 'prod'));
    fs.writeFileSync(path.join(outdir, 'prod', 'notes.txt'), 'mine');
    expect(() => userApp().synth()).toThrow(MeshWriteError);
    expect(fs.readdirSync(outdir).sort()).toEqual(['prod']);
    expect(fs.readdirSync(path.join(outdir, 'prod'))).toEqual(['notes.txt']);
  });
});
