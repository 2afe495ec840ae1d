/**
 * The command line, run as a process as users run it: mesh files in, mesh directories, checks
 * and plans out. Expected output comes from the library itself (dist/, validateMesh, planMesh,
 * the schema file), never from copies pasted here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainFailure, ExitCode } from '../src/cli/io';
import { seedTopologySpecs } from '../src/examples/seed-topologies';
import { formatProblem } from '../src/model/validation';
import { planMesh, validateMesh } from '../src/plan/analyze-mesh';
import { ClusterRole } from '../src/plan/mesh-plan';
import { readTree } from './support';

const root = path.join(__dirname, '..');
const examples = path.join(root, 'examples');
const EXAMPLES = ['multi-primary', 'multi-primary-multi-network', 'primary-remote', 'primary-remote-multi-network'];
const COMMANDS = ['synth', 'validate', 'plan', 'diff', 'ca', 'remote-secret', 'schema'];
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the command in `tmp`, as `npx cdk8s-istio-multicluster …` would, from the source. */
function cli(args: string[], env: Record<string, string> = {}) {
  const { CDK8S_ISTIO_MULTICLUSTER_DEBUG: _debug, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'src', 'cli.ts'), ...args],
    { cwd: tmp, encoding: 'utf8', env: { ...inherited, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A stack frame, as node prints them: no input may make the command print one. */
const STACK_FRAME = /^\s{4}at /m;

function write(name: string, content: string): string {
  fs.writeFileSync(path.join(tmp, name), content);
  return name;
}

/** The 1-based number of the line of `content` that starts (after indentation) with `text`; the nth such line. */
function lineOf(content: string, text: string, nth = 1): number {
  const lines = content.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].trimStart().startsWith(text) && ++seen === nth) return i + 1;
  throw new Error(`no line starts with ${text}`);
}

describe('help', () => {
  it('is printed, with the commands and the exit codes, by --help', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(help.stdout).toMatch(/Exit codes:\n\s+0\s+success\n\s+1\s+invalid input.*\n\s+2\s+usage error.*\n\s+70\s+internal error/);
  });

  it.each(COMMANDS)('is printed for %s by --help and by the help command, with its options and the exit codes', (command) => {
    const help = cli([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(new RegExp(`^Usage: cdk8s-istio-multicluster ${command}\\b`));
    expect(help.stdout).toContain('Exit codes:');
    expect(cli(['help', command]).stdout).toBe(help.stdout);
    const options: Record<string, string[]> = {
      synth: ['-o, --output <dir>', '--name <name>'],
      validate: [],
      plan: ['--json'],
      diff: ['<before>', '<after>', '--exit-code'],
      ca: ['--dir', '--clusters', '--key-type', '--root-days', '--intermediate-days', '--output-dir', '--root-only', '--overwrite'],
      'remote-secret': ['--context <context>', '--name <cluster>', '--kubeconfig', '--server', '--tls-server-name', '--namespace', '--apply-to-context'],
      schema: [],
    };
    for (const option of options[command]) expect(help.stdout).toContain(option);
  });

  it('is printed on standard error when no command is given, which is a usage error (2)', () => {
    const none = cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: cdk8s-istio-multicluster');
    expect(none.stderr).toContain('Exit codes:');
  });

  it('--version prints the package\'s version', () => {
    expect(cli(['--version']).stdout.trim()).toBe(pkg.version);
  });
});

describe('usage errors exit 2, in one line with a hint, never a stack trace', () => {
  it.each([
    ['an unknown command', ['synthesize'], /^error: unknown command 'synthesize'/],
    ['an unknown option', ['validate', '--strict', 'x.yaml'], /^error: unknown option '--strict'/],
    ['a missing mesh file', ['validate'], /^error: missing required argument 'mesh-file'/],
    ['a missing output directory', ['synth', 'x.yaml'], /^error: required option '-o, --output <dir>' not specified/],
    ['two mesh files for plan', ['plan', 'a.yaml', 'b.yaml'], /^error: too many arguments/],
    ['--name with several files', ['synth', 'a.yaml', 'b.yaml', '--name', 'x', '-o', 'out'], /^error: --name names the directory of one mesh/],
  ])('%s', (_what, args, message) => {
    const run = cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('(add --help for usage)');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('synth', () => {
  it('writes each example mesh file byte for byte as `npm run synth` writes dist/, and nothing else', () => {
    const run = cli(['synth', ...EXAMPLES.map((e) => path.join(examples, `${e}.yaml`)), '-o', 'out']);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'out')).sort()).toEqual([...EXAMPLES].sort());
    for (const name of EXAMPLES) {
      expect(run.stdout).toContain(`wrote ${path.join('out', name)}${path.sep}`);
      // Every file, the generated-files manifest included, as bytes; and no file more or less.
      const written = readTree(path.join(tmp, 'out', name), 'base64');
      const committed = readTree(path.join(root, 'dist', name), 'base64');
      expect(Object.keys(written).sort(), name).toEqual(Object.keys(committed).sort());
      for (const [file, content] of Object.entries(committed)) expect(written[file] === content, `${name}/${file}`).toBe(true);
    }
  }, 60_000);

  it('names the directory --name when one file is given, and replaces a directory it generated', () => {
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'mesh.yaml'));
    expect(cli(['synth', 'mesh.yaml', '-o', 'out', '--name', 'prod']).code).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['prod']);
    const again = cli(['synth', 'mesh.yaml', '--output', 'out', '--name', 'prod']);
    expect(again.code, again.stderr).toBe(0);
    expect(readTree(path.join(tmp, 'out', 'prod'))).toEqual(readTree(path.join(root, 'dist', 'multi-primary')));
  });

  it('writes nothing when any file has a problem, and exits 1', () => {
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'good.yaml'));
    write('bad.yaml', 'clusters:\n  - name: cluster1\n    network: network1\n    controlPlane: cluster1\n');
    const run = cli(['synth', 'good.yaml', 'bad.yaml', '-o', 'out']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.yaml:4:5: .*controlPlane.*did you mean "controlPlaneCluster"\?$/m);
    expect(run.stderr).toContain('nothing was written');
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  it('refuses a file whose name is no directory name, or two files of one name, with exit 1', () => {
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'Mesh_1.yaml'));
    const badName = cli(['synth', 'Mesh_1.yaml', '-o', 'out']);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/^Mesh_1\.yaml: the directory name "Mesh_1" .*must be a DNS-1123 label.*give --name$/m);
    fs.mkdirSync(path.join(tmp, 'a'));
    fs.mkdirSync(path.join(tmp, 'b'));
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'a', 'mesh.yaml'));
    fs.copyFileSync(path.join(examples, 'primary-remote.yaml'), path.join(tmp, 'b', 'mesh.json'));
    const clash = cli(['synth', 'a/mesh.yaml', 'b/mesh.json', '-o', 'out']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`b/mesh.json: would be written to ${path.join('out', 'mesh')}/, as a/mesh.yaml is`);
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  it('exits 1, writing nothing, when the writer refuses a directory holding a file it did not generate', () => {
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'mesh.yaml'));
    expect(cli(['synth', 'mesh.yaml', '-o', 'out']).code).toBe(0);
    write('out/mesh/notes.txt', 'mine');
    const before = readTree(path.join(tmp, 'out'));
    fs.copyFileSync(path.join(examples, 'primary-remote.yaml'), path.join(tmp, 'mesh.yaml'));
    const run = cli(['synth', 'mesh.yaml', '-o', 'out']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: Refusing to replace .*notes\.txt/);
    expect(readTree(path.join(tmp, 'out'))).toEqual(before);
  });

  it('exits 2 with one line when a file cannot be read or the output cannot be written', () => {
    fs.copyFileSync(path.join(examples, 'multi-primary.yaml'), path.join(tmp, 'mesh.yaml'));
    const missing = cli(['synth', 'mesh.yaml', 'missing.yaml', '-o', 'out']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: ENOENT: no such file or directory, open 'missing\.yaml'$/m);
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
    write('out', 'a file where the output directory should be');
    const unwritable = cli(['synth', 'mesh.yaml', '-o', 'out']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr.trim()).toMatch(/^error: ENOTDIR: not a directory, \w+ '.*out/);
    expect(unwritable.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('validate', () => {
  it('prints "<file>: valid" for each good file (YAML or JSON), exits 0 and writes nothing', () => {
    write('mesh.json', JSON.stringify({ $schema: './mesh.schema.json', ...seedTopologySpecs()['primary-remote'] }));
    const files = [...EXAMPLES.map((e) => path.join(examples, `${e}.yaml`)), 'mesh.json'];
    const run = cli(['validate', ...files]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(files.map((f) => `${f}: valid`));
    expect(run.stderr).toBe('');
    expect(fs.readdirSync(tmp)).toEqual(['mesh.json']);
  });

  const typo = 'clusters:\n  - name: cluster1\n    network: network1\n    discoveryAddress: 192.0.2.10\n  - name: cluster2\n    network: network1\n    controlPlane: cluster1\n';
  const cases: [string, string, (content: string) => RegExp][] = [
    ['a YAML syntax error', 'clusters:\n  - name: "cluster1\n    network: network1\n', () => /^bad\.yaml:\d+:\d+: YAML: syntax error: .+; fix the YAML here$/m],
    ['a duplicate key', 'clusters:\n  - name: cluster1\n    network: network1\n    network: network2\n',
      (c) => new RegExp(`^bad\\.yaml:${lineOf(c, 'network', 2)}:5: YAML: the key "network" appears twice in one mapping; keep one of them$`, 'm')],
    ['an empty file', '', () => /^bad\.yaml:1:1: description: the file is empty; a mesh file holds one mesh description/m],
    ['a file of comments only', '# nothing yet\n', () => /^bad\.yaml:1:1: description: the file is empty/m],
    ['two documents', 'clusters: []\n---\nclusters: []\n', (c) => new RegExp(`^bad\\.yaml:${lineOf(c, '---')}:1: document: the file holds 2 YAML documents`, 'm')],
    ['a top-level list', '- name: cluster1\n  network: network1\n', () => /^bad\.yaml:1:1: description: must be an object, not a list$/m],
    ['a top-level null', 'null\n', () => /^bad\.yaml:1:1: description: must be an object, not null$/m],
    ['a misspelt controlPlaneCluster', typo,
      (c) => new RegExp(`^bad\\.yaml:${lineOf(c, 'controlPlane:')}:5: cluster "cluster2" \\(clusters\\[1\\]\\.controlPlane\\): .*did you mean "controlPlaneCluster"\\?$`, 'm')],
    ['a null cluster', 'clusters:\n  - name: cluster1\n    network: network1\n  -\n', () => /^bad\.yaml:4:\d+: clusters\[1\]: must be an object, not null$/m],
    ['a version written as a number', 'istioVersion: 1.25\nclusters:\n  - name: cluster1\n    network: network1\n',
      () => /^bad\.yaml:1:1: istioVersion: must be a string, not the number 1\.25: quote it/m],
    ['a word where a number belongs', 'clusters:\n  - name: cluster1\n    network: network1\n    eastWestGateway:\n      replicas: two\n',
      (c) => new RegExp(`^bad\\.yaml:${lineOf(c, 'replicas:')}:7: cluster "cluster1" \\(clusters\\[0\\]\\.eastWestGateway\\.replicas\\): must be a number, not the string "two"$`, 'm')],
    ['an alias without anchor', 'clusters: *all\n', () => /^bad\.yaml:1:11: YAML: the alias \*all names no anchor before it/m],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\nclusters: []\n', () => /^bad\.yaml:1:1: YAML: the %YAML 1\.1 directive: mesh files are read as YAML 1\.2/m],
  ];

  it.each(cases)('reports %s in one line naming the file and the position, exit 1, no stack trace', (_what, content, expected) => {
    write('bad.yaml', content);
    const run = cli(['validate', 'bad.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(expected(content));
    for (const line of run.stderr.trim().split('\n')) expect(line).toMatch(/^bad\.yaml:\d+:\d+: \S/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(fs.readdirSync(tmp)).toEqual(['bad.yaml']);
  });

  it('reports exactly what validateMesh reports for the parsed file, each at its position', () => {
    const content = 'meshId: Mesh_1\nclusters:\n  - name: cluster1\n    network: network1\n  - name: cluster2\n    network: network1\n' +
      '    controlPlaneCluster: cluster9\n    controlPlane: cluster1\n';
    write('bad.yaml', content);
    const run = cli(['validate', 'bad.yaml']);
    expect(run.code).toBe(1);
    const reported = run.stderr.trim().split('\n').map((line) => line.replace(/^bad\.yaml:\d+:\d+: /, ''));
    expect(reported).toEqual(validateMesh(parse(content)).map(formatProblem));
    expect(reported.length).toBeGreaterThanOrEqual(3);
  });

  it('checks every file it is given, and exits 1 when any is invalid', () => {
    write('bad.yaml', '- a list\n');
    const good = path.join(examples, 'multi-primary.yaml');
    const run = cli(['validate', good, 'bad.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${good}: valid\n`);
    expect(run.stderr).toMatch(/^bad\.yaml:1:1: /);
  });

  it('exits 2 with one line for a file that is missing or is a directory', () => {
    const missing = cli(['validate', 'missing.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: ENOENT: no such file or directory, open \'missing.yaml\'\n');
    fs.mkdirSync(path.join(tmp, 'dir.yaml'));
    const directory = cli(['validate', 'dir.yaml']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toBe('error: EISDIR: illegal operation on a directory, read \'dir.yaml\'\n');
  });
});

describe('plan', () => {
  const file = path.join(examples, 'primary-remote.yaml');
  const plan = planMesh(seedTopologySpecs()['primary-remote']);

  it('prints each cluster\'s role and duties as planMesh derives them', () => {
    const run = cli(['plan', file]);
    expect(run.code, run.stderr).toBe(0);
    const sections = run.stdout.trim().split('\n\n');
    expect(sections[0]).toMatch(new RegExp(`^mesh ${plan.meshId}: primary-remote, one network\n  Istio ${plan.istioVersion.replace(/\./g, '\\.')}`));
    for (const c of plan.clusters) {
      const section = sections.find((s) => s.startsWith(`cluster ${c.name}:`))!;
      expect(section, c.name).toBeDefined();
      const line = (label: string) => section.split('\n').find((l) => l.startsWith(`  ${label}:`)) ?? '';
      expect(section.split('\n')[0]).toBe(c.role === ClusterRole.PRIMARY
        ? `cluster ${c.name}: primary, on network ${c.network}`
        : `cluster ${c.name}: remote of ${c.controlPlaneCluster}, on network ${c.network}`);
      if (c.role === ClusterRole.PRIMARY) {
        expect(line('control plane')).toContain(c.remotes.length > 0 ? `the remotes ${c.remotes.join(', ')}` : 'itself only');
        if (c.istiodExposure) expect(line('exposes istiod')).toContain(`at ${c.discoveryAddress}, through its east-west gateway`);
        else expect(line('exposes istiod')).toContain('no');
      } else {
        expect(line('control plane')).toBe(`  control plane: none; the istiod of ${c.controlPlaneCluster}, reached at ${c.remotePilotAddress}`);
      }
      const gateway = line('east-west gateway');
      if (c.eastWestGateway) {
        expect(gateway).toContain(`${c.eastWestGateway.minReplicas} to ${c.eastWestGateway.maxReplicas} replicas`);
        expect(gateway).toContain(`carries istiod's ports: ${c.eastWestGateway.exposesIstiod ? 'yes' : 'no'}`);
        expect(gateway).toContain(`exposes services (cross-network-gateway): ${c.exposesServices ? 'yes' : 'no'}`);
      } else {
        expect(gateway).toBe('  east-west gateway: none');
      }
      expect(line('reads the API servers of')).toContain(c.readsApiServersOf.length > 0 ? c.readsApiServersOf.join(', ') : 'none');
      // The cluster's delivery steps, in the plan's order.
      const steps = section.split('\n').filter((l) => /^ {4}\d+\. /.test(l)).map((l) => l.replace(/^ {4}\d+\. (\S+) .*$/, '$1'));
      expect(steps).toEqual(plan.delivery.steps.filter((s) => s.cluster === c.name).map((s) => s.stage));
    }
    // The apply order: every step of the delivery plan, wave by wave.
    const order = sections.find((s) => s.startsWith('apply order'))!;
    for (const wave of new Set(plan.delivery.steps.map((s) => s.wave))) {
      expect(order).toContain(`  wave ${wave}: ${plan.delivery.steps.filter((s) => s.wave === wave).map((s) => `${s.cluster}/${s.stage}`).join(', ')}\n`.trimEnd());
    }
  });

  it('prints an external control plane, its config cluster and remotes, and the order with istio-kubeconfig between the config cluster and istiod', () => {
    const ecpPlan = planMesh(seedTopologySpecs()['external-control-plane']);
    const ecp = ecpPlan.externalControlPlane!;
    const run = cli(['plan', path.join(examples, 'external-control-plane.yaml')]);
    expect(run.code, run.stderr).toBe(0);
    const sections = run.stdout.trim().split('\n\n');
    const extSteps = ecpPlan.delivery.steps.filter((s) => s.cluster === ecp.name);
    expect(sections[1].split('\n')).toEqual([
      `external control plane ${ecp.name} (not a cluster of the mesh)`,
      `  runs istiod in ${ecp.namespace}, as the istiod of config cluster ${ecp.configCluster}, reached at ${ecp.discoveryAddress} ` +
      'through the istiod-external LoadBalancer Service (ports 15012, 15017)',
      `  reads the config cluster ${ecp.configCluster} through istio-kubeconfig, and the API servers of ${ecp.readsApiServersOf.join(', ')} (their remote secrets)`,
      '  steps, in order:',
      ...extSteps.map((s, i) => `    ${i + 1}. ${s.stage} (wave ${s.wave}${s.after.length > 0 ? `, after ${s.after.map((a) => `${a.cluster}/${a.stage}`).join(', ')}` : ''})`),
    ]);
    expect(extSteps.map((s) => s.stage)).toEqual(['namespace', 'mesh', 'istiod']);
    const headings = sections.filter((s) => s.startsWith('cluster ')).map((s) => s.split('\n')[0]);
    expect(headings).toEqual(ecpPlan.clusters.map((c) => (c.role === ClusterRole.CONFIG
      ? `cluster ${c.name}: config cluster (holds the mesh's configuration), on network ${c.network}`
      : `cluster ${c.name}: remote of the external control plane ${ecp.name} (its cluster ID: ${ecp.configCluster}), on network ${c.network}`)));
    // The order: istio-kubeconfig by hand once the config cluster's istiod chart is in, before the external istiod's wave.
    const order = sections[sections.length - 1].split('\n');
    const kubeconfig = order.findIndex((l) => l.startsWith('  by hand: istio-kubeconfig'));
    expect(order[kubeconfig - 1]).toBe('  wave 3: cluster1/istiod');
    expect(order[kubeconfig]).toContain(`before ${ecp.name}/istiod`);
    expect(order[kubeconfig + 1]).toBe(`  wave 4: ${ecp.name}/istiod`);
  });

  it('prints the plan as JSON with --json', () => {
    const run = cli(['plan', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(plan)));
  });

  it('exits 1 with the problems of an invalid file', () => {
    write('bad.yaml', 'clusters: {}\n');
    const run = cli(['plan', 'bad.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^bad\.yaml:1:1: clusters: must be a list/);
  });
});

describe('schema', () => {
  it('prints the JSON Schema the package ships', () => {
    const run = cli(['schema']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(fs.readFileSync(path.join(root, 'schema', 'mesh.schema.json'), 'utf8'));
  });
});

describe('internal errors', () => {
  // No input reaches a bug on purpose; this is what one would print.
  it('are one line asking for a report, exit 70, with the stack only when debugging', () => {
    const bug = new TypeError('cannot read properties of undefined (reading \'name\')');
    expect(explainFailure(bug, {})).toEqual({
      lines: ['internal error: cannot read properties of undefined (reading \'name\'); please report it'], code: ExitCode.INTERNAL,
    });
    expect(ExitCode.INTERNAL).toBe(70);
    const debug = explainFailure(bug, { CDK8S_ISTIO_MULTICLUSTER_DEBUG: '1' });
    expect(debug.lines[1]).toMatch(STACK_FRAME);
  });
});
