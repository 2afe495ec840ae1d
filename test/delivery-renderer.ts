import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { expect } from 'vitest';
import { IstioInstallValues, istioInstallValues, MeshPlan, MeshSpec, OutputDirectory, planMesh } from '../src';

/** One renderer's output for a mesh description, with what it was rendered from. */
export interface Rendered {
  readonly spec: MeshSpec;
  readonly plan: MeshPlan;
  readonly values: Map<string, IstioInstallValues>;
  readonly dirs: OutputDirectory[];
}

type Renderer = (scope: Construct, mesh: MeshPlan, values: ReadonlyMap<string, IstioInstallValues>) => OutputDirectory[];

/** Plans a description and runs one delivery renderer on it, in a fresh app. */
export function renderWith(renderer: Renderer, spec: MeshSpec): Rendered {
  const plan = planMesh(spec);
  const values = new Map(plan.clusters.map((c) => [c.name, istioInstallValues(plan, c)]));
  return { spec, plan, values, dirs: renderer(new Construct(new App(), 'mesh'), plan, values) };
}

/** A directory's files, in order, each with the objects the writer would put in it. */
export function filesOf(dir: OutputDirectory): { name: string; objects: any[] }[] {
  return dir.chart!.files.map((f) => ({
    name: f.name,
    objects: f.scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson()),
  }));
}

/** The rendered directory at `path`; fails the test when there is none. */
export function dir(r: Rendered, path: string): OutputDirectory {
  const found = r.dirs.find((d) => d.path === path);
  expect(found, `directory ${path}`).toBeDefined();
  return found!;
}

export const objectsOf = (d: OutputDirectory) => filesOf(d).flatMap((f) => f.objects);
