/**
 * The `remote-secret` command, against a stand-in kubectl: a node script in a temporary
 * directory, named by `KUBECTL`, that answers from a JSON state file beside it, acts as the token
 * controller (it fills a token Secret on a later read) and records every call. The expected
 * Secret comes from the library's own `istioRemoteSecret`, never from a copy pasted here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { remoteSecretCommand, RemoteSecretDeps, RemoteSecretOptions } from '../src/cli/commands/remote-secret';
import { ExitCode } from '../src/cli/io';
import {
  istioRemoteSecret, IstioRemoteSecret, readerTokenSecretName, RemoteKubeconfig, RemoteSecretInput,
} from '../src/constructs/credentials/istio-remote-secret';
import { toYaml } from '../src/model/yaml';

const root = path.join(__dirname, '..');

/** A JWT-shaped token and a CA bundle, as the token controller writes them. */
const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InN0YW5kLWluIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6aXN0aW8tc3lzdGVtOnJlYWRlciJ9.c2lnbmF0dXJlLV8tXw';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy\n-----END CERTIFICATE-----\n';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A stack frame, as node prints them: no input may make the command print one. */
const STACK_FRAME = /^\s{4}at /m;

// -- the stand-in kubectl -------------------------------------------------------------------

interface StandInCluster {
  serviceAccounts: { namespace: string; name: string }[];
  secrets: { metadata: { name: string; namespace: string; annotations?: Record<string, string> }; type: string; data?: Record<string, string> }[];
  /** The token controller: fills a token Secret when it is read the `fillOnRead`th time (its creation counts as the first); null: never. */
  tokenController: { fillOnRead: number } | null;
  /** When set, `apply` fails with this on standard error. */
  applyError?: string;
  /** What `apply -f -` received. */
  applied: string[];
}

interface StandInState {
  /** `config view --minify`: the server of each context's cluster. */
  contexts: Record<string, { server: string }>;
  /** The cluster behind each context. */
  clusters: Record<string, StandInCluster>;
  /** How often each Secret (`<context>/<namespace>/<name>`) was read. */
  reads: Record<string, number>;
}

const STAND_IN = String.raw`
const fs = require('fs');
const path = require('path');
const dir = __dirname;
const statePath = path.join(dir, 'state.json');
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const args = process.argv.slice(2);
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch { /* no standard input */ }
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ args, stdin }) + '\n');

const flags = {}; const set = new Set(); const words = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const m = /^--(kubeconfig|context|namespace|field-selector)=(.*)$/.exec(a);
  if (m) flags[m[1]] = m[2];
  else if (a === '-o' || a === '-f') flags[a] = args[++i];
  else if (a.startsWith('-')) set.add(a);
  else words.push(a);
}
const ns = flags.namespace || 'default';
const ctx = flags.context;
const done = (code) => { fs.writeFileSync(statePath, JSON.stringify(state, null, 2)); process.exit(code); };
const fail = (message, code = 1) => { process.stderr.write(message + '\n'); done(code); };
const out = (value) => process.stdout.write(typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');

if (words[0] === 'config' && words[1] === 'view') {
  const c = state.contexts[ctx];
  if (!c) fail('error: cannot locate context ' + ctx);
  out({ kind: 'Config', apiVersion: 'v1', clusters: [{ name: ctx + '-cluster', cluster: { server: c.server } }],
    users: [{ name: 'admin', user: { token: 'REDACTED' } }], contexts: [{ name: ctx, context: { cluster: ctx + '-cluster', user: 'admin' } }],
    'current-context': ctx });
  done(0);
}
if (!state.contexts[ctx]) fail('error: context "' + ctx + '" does not exist');
const cluster = state.clusters[ctx];
if (!cluster) fail('Unable to connect to the server: dial tcp: lookup ' + ctx + ': no such host');
const key = (name) => ctx + '/' + ns + '/' + name;
const fill = (s) => {
  const reads = state.reads[key(s.metadata.name)] = (state.reads[key(s.metadata.name)] || 0) + 1;
  if (s.type === 'kubernetes.io/service-account-token' && cluster.tokenController && reads >= cluster.tokenController.fillOnRead && !(s.data && s.data.token)) {
    s.data = { 'ca.crt': Buffer.from(${JSON.stringify(CA)}).toString('base64'), namespace: Buffer.from(ns).toString('base64'),
      token: Buffer.from(${JSON.stringify(TOKEN)}).toString('base64') };
  }
  return s;
};
const notFound = (kind, name) => set.has('--ignore-not-found') ? done(0) : fail('Error from server (NotFound): ' + kind + ' "' + name + '" not found');
const verb = words[0];
if (verb === 'get' && words[1] === 'serviceaccount') {
  const sa = cluster.serviceAccounts.find((a) => a.namespace === ns && a.name === words[2]);
  if (!sa) notFound('serviceaccounts', words[2]);
  out({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa.name, namespace: ns } });
  done(0);
}
if (verb === 'get' && words[1] === 'secrets' && words.length === 2) {
  const type = (flags['field-selector'] || '').replace(/^type=/, '');
  out({ apiVersion: 'v1', kind: 'List', items: cluster.secrets.filter((s) => s.metadata.namespace === ns && (!type || s.type === type)) });
  done(0);
}
if (verb === 'get' && words[1] === 'secret') {
  const s = cluster.secrets.find((x) => x.metadata.namespace === ns && x.metadata.name === words[2]);
  if (!s) notFound('secrets', words[2]);
  out(fill(s));
  done(0);
}
if (verb === 'create' && flags['-f'] === '-') {
  const o = JSON.parse(stdin);
  if (o.kind === 'ServiceAccount') {
    cluster.serviceAccounts.push({ namespace: ns, name: o.metadata.name });
  } else if (o.kind === 'Secret') {
    if (cluster.secrets.some((x) => x.metadata.namespace === ns && x.metadata.name === o.metadata.name)) {
      fail('Error from server (AlreadyExists): error when creating "STDIN": secrets "' + o.metadata.name + '" already exists');
    }
    o.metadata.namespace = ns;
    cluster.secrets.push(o);
    fill(o);
  } else fail('stand-in: cannot create ' + o.kind, 3);
  if (flags['-o'] === 'json') out(o);
  done(0);
}
if (verb === 'apply' && flags['-f'] === '-') {
  if (cluster.applyError) fail(cluster.applyError);
  cluster.applied.push(stdin);
  out('secret/' + /^  name: (.*)$/m.exec(stdin)[1] + ' created\n');
  done(0);
}
fail('stand-in kubectl: unsupported call: ' + args.join(' '), 3);
`;

let tmp: string;
let kubectlPath: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-secret-'));
  kubectlPath = path.join(tmp, 'kubectl');
  fs.writeFileSync(kubectlPath, `#!${process.execPath}\n${STAND_IN}`, { mode: 0o755 });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cluster(overrides: Partial<StandInCluster> = {}): StandInCluster {
  return {
    serviceAccounts: [{ namespace: 'istio-system', name: 'istio-reader-service-account' }],
    secrets: [],
    tokenController: { fillOnRead: 2 },
    applied: [],
    ...overrides,
  };
}

function writeState(state: Partial<StandInState> = {}): void {
  const full: StandInState = {
    contexts: { 'ctx-east-2': { server: 'https://198.51.100.2:6443' }, 'ctx-east-1': { server: 'https://198.51.100.1:6443' } },
    clusters: { 'ctx-east-2': cluster(), 'ctx-east-1': cluster() },
    reads: {},
    ...state,
  };
  fs.writeFileSync(path.join(tmp, 'state.json'), JSON.stringify(full));
}

function readState(): StandInState {
  return JSON.parse(fs.readFileSync(path.join(tmp, 'state.json'), 'utf8'));
}

/** The stand-in's calls: its arguments and what it read on standard input. */
function calls(): { args: string[]; stdin: string }[] {
  const file = path.join(tmp, 'calls.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

/** The verb and words of each call, without the global flags. */
function verbs(): string[] {
  return calls().map((c) => c.args.filter((a) => !/^--(kubeconfig|context|namespace)=/.test(a)).join(' '));
}

/** A token Secret as the token controller has filled it. */
function filledTokenSecret(name: string, account = 'istio-reader-service-account', namespace = 'istio-system', token = TOKEN) {
  return {
    metadata: { name, namespace, annotations: { 'kubernetes.io/service-account.name': account } },
    type: 'kubernetes.io/service-account-token',
    data: { 'ca.crt': b64(CA), 'namespace': b64(namespace), 'token': b64(token) },
  };
}

/** Runs the command's function with the stand-in, a fake clock, and buffers for its output. */
async function run(options: RemoteSecretOptions, deps: RemoteSecretDeps = {}) {
  let clock = 0;
  const out: string[] = [];
  const err: string[] = [];
  const code = await remoteSecretCommand(options, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env: { ...process.env, KUBECTL: kubectlPath },
  }, {
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    ...deps,
  });
  return { code, stdout: out.join(''), stderr: err.join(''), elapsed: () => clock };
}

/** What the command must print for these inputs: istioctl's header, the library's Secret, istioctl's trailer. */
function expectedOutput(input: RemoteSecretInput, namespace = 'istio-system'): string {
  return `# This file is autogenerated, do not edit.\n${toYaml([istioRemoteSecret(input, namespace)])}---\n`;
}

/** The one Secret of the output, and its kubeconfig. */
function printedSecret(stdout: string): { secret: IstioRemoteSecret; kubeconfig: RemoteKubeconfig } {
  const docs = parseAllDocuments(stdout).map((d) => d.toJS()).filter((d) => d !== null);
  expect(docs).toHaveLength(1);
  const secret = docs[0] as IstioRemoteSecret;
  const [key] = Object.keys(secret.stringData);
  return { secret, kubeconfig: parse(secret.stringData[key]) };
}

function expectNoToken(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(b64(TOKEN));
}

const EAST_2 = { context: 'ctx-east-2', name: 'east-2' };

describe('remote-secret: the token Secret', () => {
  it('reuses a filled service-account token Secret annotated for the reader, creating nothing, and prints the remote secret', async () => {
    writeState({
      clusters: {
        'ctx-east-2': cluster({
          secrets: [
            // Of the right type but for another account, and of another type for this one: both skipped.
            filledTokenSecret('other-account-token', 'istiod', 'istio-system', 'token-of-istiod'),
            { ...filledTokenSecret('not-a-token-secret', 'istio-reader-service-account', 'istio-system', 'opaque-token'), type: 'Opaque' },
            filledTokenSecret('reader-token-made-by-hand'),
          ],
        }),
      },
    });
    const result = await run(EAST_2);
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(result.stdout).toBe(expectedOutput({ cluster: 'east-2', server: 'https://198.51.100.2:6443', caData: CA, token: TOKEN }));
    expect(verbs()).toEqual([
      'get serviceaccount istio-reader-service-account -o json --ignore-not-found',
      'get secrets --field-selector=type=kubernetes.io/service-account-token -o json --ignore-not-found',
      'config view --minify -o json',
    ]);
    expect(readState().clusters['ctx-east-2'].secrets.map((s) => s.metadata.name)).toEqual(['other-account-token', 'not-a-token-secret', 'reader-token-made-by-hand']);
    expect(result.stderr).toBe('');
  });

  it('creates istioctl\'s token Secret when there is none, waits until the token controller fills it, and prints the remote secret', async () => {
    writeState();
    const result = await run(EAST_2);
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(result.stdout).toBe(expectedOutput({ cluster: 'east-2', server: 'https://198.51.100.2:6443', caData: CA, token: TOKEN }));
    const name = readerTokenSecretName();
    expect(name).toBe('istio-reader-service-account-istio-remote-secret-token');
    const create = calls().find((c) => c.args.includes('create'))!;
    expect(create.args).toEqual(['--context=ctx-east-2', '--namespace=istio-system', 'create', '-f', '-', '-o', 'json']);
    // As istioctl creates it: that name, that type, the account's annotation, no labels and no data.
    expect(JSON.parse(create.stdin)).toEqual({
      apiVersion: 'v1', kind: 'Secret',
      metadata: { name, namespace: 'istio-system', annotations: { 'kubernetes.io/service-account.name': 'istio-reader-service-account' } },
      type: 'kubernetes.io/service-account-token',
    });
    // Created (unfilled), then read again: the second read is filled.
    expect(verbs().slice(2, 4)).toEqual(['create -f - -o json', `get secret ${name} -o json --ignore-not-found`]);
    expect(result.stderr).toContain(`created token Secret istio-system/${name}`);
    expect(result.stderr).toContain(`waiting for the token controller to fill ${name}`);
    expectNoToken(result.stderr);
  });

  it('keeps polling while the token controller is slow, within the timeout', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ tokenController: { fillOnRead: 5 } }) } });
    const result = await run(EAST_2);
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(verbs().filter((v) => v.startsWith('get secret ')).length).toBe(4);
    expect(result.elapsed()).toBeLessThan(30_000);
  });

  it('gives up after 30 s with one line saying the token controller must run, and prints nothing', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ tokenController: null }) } });
    const result = await run(EAST_2);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stdout).toBe('');
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^error: the token Secret istio-reader-service-account-istio-remote-secret-token in namespace istio-system of context ctx-east-2 still has no token and ca\.crt after 30 s: the token controller of kube-controller-manager must run/);
    expect(result.elapsed()).toBe(30_000);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('honours a shorter timeout given to the function', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ tokenController: null }) } });
    const result = await run(EAST_2, { tokenTimeoutMs: 1_000 });
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stderr).toContain('after 1 s');
    expect(result.elapsed()).toBe(1_000);
  });

  it('explains a Secret of istioctl\'s name that is not a token Secret for the reader', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ secrets: [{ ...filledTokenSecret(readerTokenSecretName()), type: 'Opaque' }] }) } });
    const result = await run(EAST_2);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stderr).toMatch(/^error: a Secret istio-reader-service-account-istio-remote-secret-token exists in namespace istio-system of context ctx-east-2 but is not a kubernetes\.io\/service-account-token Secret for istio-reader-service-account/);
  });
});

describe('remote-secret: the reader service account', () => {
  it('fails with one line saying to install Istio\'s base chart first when the account is missing, and changes nothing', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ serviceAccounts: [] }) } });
    const result = await run(EAST_2);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: the service account istio-reader-service-account does not exist in namespace istio-system of context ctx-east-2: ' +
      'install Istio\'s base chart in that cluster first (it creates the account, and the istiod chart binds its reader role), or pass --create-service-account\n');
    expect(verbs().some((v) => v.startsWith('create') || v.startsWith('get secret'))).toBe(false);
  });

  it('creates the account with --create-service-account, then its token Secret, and says so on standard error', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ serviceAccounts: [] }) } });
    const result = await run({ ...EAST_2, createServiceAccount: true });
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    const creates = calls().filter((c) => c.args.includes('create')).map((c) => JSON.parse(c.stdin));
    expect(creates.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/istio-reader-service-account', `Secret/${readerTokenSecretName()}`,
    ]);
    expect(creates[0].metadata.namespace).toBe('istio-system');
    expect(result.stderr).toContain('created ServiceAccount istio-system/istio-reader-service-account in context ctx-east-2');
    expect(printedSecret(result.stdout).kubeconfig.users[0].user.token).toBe(TOKEN);
  });

  it('uses --namespace and --service-account for every lookup, and puts the remote secret in that namespace', async () => {
    writeState({
      clusters: {
        'ctx-east-2': cluster({
          serviceAccounts: [{ namespace: 'istio-control', name: 'mesh-reader' }],
          secrets: [filledTokenSecret('reader-in-istio-system'), filledTokenSecret('mesh-reader-token', 'mesh-reader', 'istio-control')],
        }),
      },
    });
    const result = await run({ ...EAST_2, namespace: 'istio-control', serviceAccount: 'mesh-reader' });
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(result.stdout).toBe(expectedOutput({ cluster: 'east-2', server: 'https://198.51.100.2:6443', caData: CA, token: TOKEN }, 'istio-control'));
    for (const call of calls().filter((c) => !c.args.includes('config'))) expect(call.args).toContain('--namespace=istio-control');
    expect(verbs()[0]).toBe('get serviceaccount mesh-reader -o json --ignore-not-found');
  });
});

describe('remote-secret: the Secret it prints', () => {
  it('is, for the same inputs, exactly what istioRemoteSecret builds, with istioctl\'s header and trailer', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ secrets: [filledTokenSecret('reader-token')] }) } });
    const result = await run(EAST_2);
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    const input = { cluster: 'east-2', server: 'https://198.51.100.2:6443', caData: CA, token: TOKEN };
    expect(printedSecret(result.stdout).secret).toEqual(istioRemoteSecret(input));
    expect(result.stdout).toBe(expectedOutput(input));
    expect(result.stdout.startsWith('# This file is autogenerated, do not edit.\napiVersion: v1\nkind: Secret\n')).toBe(true);
    expect(result.stdout.endsWith('\n---\n')).toBe(true);
  });

  it('puts --server and --tls-server-name in the kubeconfig, and then does not read the kubeconfig\'s server', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ secrets: [filledTokenSecret('reader-token')] }) } });
    const result = await run({ ...EAST_2, server: 'https://east-2-api.example.com:443', tlsServerName: 'kubernetes.default.svc' });
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    const { kubeconfig } = printedSecret(result.stdout);
    expect(kubeconfig.clusters).toEqual([{
      name: 'east-2',
      cluster: { 'certificate-authority-data': b64(CA), 'server': 'https://east-2-api.example.com:443', 'tls-server-name': 'kubernetes.default.svc' },
    }]);
    expect(kubeconfig.users).toEqual([{ name: 'east-2', user: { token: TOKEN } }]);
    expect(result.stdout).toBe(expectedOutput({
      cluster: 'east-2', server: 'https://east-2-api.example.com:443', tlsServerName: 'kubernetes.default.svc', caData: CA, token: TOKEN,
    }));
    expect(verbs().some((v) => v.startsWith('config'))).toBe(false);
  });

  it('takes the server of the context\'s cluster from the kubeconfig, and passes --kubeconfig to every kubectl call', async () => {
    writeState({ clusters: { 'ctx-east-2': cluster({ secrets: [filledTokenSecret('reader-token')] }) } });
    const result = await run({ ...EAST_2, kubeconfig: '/clusters/kubeconfig.yaml' });
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    const { kubeconfig } = printedSecret(result.stdout);
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://198.51.100.2:6443');
    expect(kubeconfig.clusters[0].cluster).not.toHaveProperty('tls-server-name');
    for (const call of calls()) expect(call.args.slice(0, 2)).toEqual(['--kubeconfig=/clusters/kubeconfig.yaml', '--context=ctx-east-2']);
  });

  it('warns, as istioctl does, when the kubeconfig\'s server is a local address other clusters cannot reach', async () => {
    writeState({
      contexts: { 'ctx-east-2': { server: 'https://127.0.0.1:39211' } },
      clusters: { 'ctx-east-2': cluster({ secrets: [filledTokenSecret('reader-token')] }) },
    });
    const result = await run(EAST_2);
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(result.stderr).toMatch(/^warning: the API server of context ctx-east-2 in the kubeconfig is https:\/\/127\.0\.0\.1:39211, .*pass --server/);
  });
});

describe('remote-secret --apply-to-context', () => {
  it('pipes the Secret to kubectl apply on that context and prints one line, without the token', async () => {
    writeState();
    const result = await run({ ...EAST_2, applyToContext: 'ctx-east-1' });
    expect(result.code, result.stderr).toBe(ExitCode.OK);
    expect(result.stdout).toBe('applied Secret istio-system/istio-remote-secret-east-2 to context ctx-east-1: created\n');
    expectNoToken(result.stdout);
    expectNoToken(result.stderr);
    const apply = calls().at(-1)!;
    expect(apply.args).toEqual(['--context=ctx-east-1', 'apply', '-f', '-']);
    expect(apply.stdin).toBe(expectedOutput({ cluster: 'east-2', server: 'https://198.51.100.2:6443', caData: CA, token: TOKEN }));
    const state = readState();
    expect(state.clusters['ctx-east-1'].applied).toEqual([apply.stdin]);
    expect(state.clusters['ctx-east-2'].applied).toEqual([]);
  });

  it('reports a failed apply in one line, with the token scrubbed from kubectl\'s message', async () => {
    writeState({
      clusters: {
        'ctx-east-2': cluster(),
        'ctx-east-1': cluster({ applyError: `Error from server (Forbidden): secrets is forbidden: token ${TOKEN} (${b64(TOKEN)}) refused` }),
      },
    });
    const result = await run({ ...EAST_2, applyToContext: 'ctx-east-1' });
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stdout).toBe('');
    expectNoToken(result.stderr);
    expect(result.stderr).toMatch(/^error: kubectl --context=ctx-east-1 apply -f - failed: Error from server \(Forbidden\): secrets is forbidden: token <redacted> \(<redacted>\) refused$/m);
  });
});

describe('remote-secret: bad input and failures', () => {
  it.each([
    ['no --context', { name: 'east-2' }, /^error: --context is required\n/],
    ['no --name', { context: 'ctx-east-2' }, /^error: --name is required\n/],
    ['neither', {}, /^error: --context is required; --name is required\n/],
    ['an invalid cluster name', { context: 'ctx-east-2', name: 'East_2' }, /^error: --name "East_2" must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, as istioctl requires of a cluster name\n/],
    ['a name too long', { context: 'ctx-east-2', name: 'a'.repeat(64) }, /^error: --name "a{64}" must be at most 63 characters/],
    ['an invalid namespace', { ...EAST_2, namespace: 'Istio System' }, /^error: --namespace "Istio System" must be a DNS-1123 label/],
    ['an empty --server', { ...EAST_2, server: ' ' }, /^error: --server must not be empty\n/],
  ])('%s: one error line, exit 1, and no kubectl call', async (_what, options, message) => {
    writeState();
    const result = await run(options as RemoteSecretOptions);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(calls()).toEqual([]);
  });

  it('reports a context kubectl does not know in one line', async () => {
    writeState();
    const result = await run({ context: 'ctx-nowhere', name: 'nowhere' });
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stderr).toBe('error: kubectl --context=ctx-nowhere -n istio-system get serviceaccount istio-reader-service-account failed: ' +
      'error: context "ctx-nowhere" does not exist\n');
  });

  it('reports a cluster kubectl cannot reach in one line', async () => {
    writeState({ contexts: { 'ctx-east-2': { server: 'https://198.51.100.2:6443' } }, clusters: {} });
    const result = await run(EAST_2);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stderr).toBe('error: kubectl --context=ctx-east-2 -n istio-system get serviceaccount istio-reader-service-account failed: ' +
      'Unable to connect to the server: dial tcp: lookup ctx-east-2: no such host\n');
  });

  it('reports a kubectl that cannot be run, naming KUBECTL', async () => {
    writeState();
    kubectlPath = path.join(tmp, 'no-such-kubectl');
    const result = await run(EAST_2);
    expect(result.code).toBe(ExitCode.INVALID);
    expect(result.stderr).toBe(`error: cannot run kubectl ${JSON.stringify(kubectlPath)} (ENOENT): install kubectl, or set KUBECTL to its path\n`);
  });
});

describe('remote-secret from the command line', () => {
  /** Runs the command as `npx cdk8s-istio-multicluster …` would, from the source. */
  function cli(args: string[]) {
    const { CDK8S_ISTIO_MULTICLUSTER_DEBUG: _debug, ...inherited } = process.env;
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'src', 'cli.ts'), ...args],
      { cwd: tmp, encoding: 'utf8', env: { ...inherited, KUBECTL: kubectlPath } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints the remote secret, creating and waiting for the token Secret, with the real process and kubectl stand-in', () => {
    writeState();
    const result = cli(['remote-secret', '--context', 'ctx-east-2', '--name', 'east-2', '--tls-server-name', 'api.east-2.internal']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(expectedOutput({
      cluster: 'east-2', server: 'https://198.51.100.2:6443', tlsServerName: 'api.east-2.internal', caData: CA, token: TOKEN,
    }));
    expectNoToken(result.stderr);
  });

  it('exits 1 with one error line and no stack trace on an invalid name, and lists the command in --help', () => {
    writeState();
    const result = cli(['remote-secret', '--context', 'ctx-east-2', '--name', 'east_2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --name "east_2" must be a DNS-1123 label/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(calls()).toEqual([]);
    expect(cli(['--help']).stdout).toMatch(/^ {2}remote-secret\b/m);
  });
});
