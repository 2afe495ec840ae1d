/**
 * readme-shell: runs the ```bash blocks of a generated README, in order, in one bash process,
 * with stand-ins for kubectl, istioctl, helm, curl and sleep, and records every call.
 *
 * Design
 * - The blocks are written into one script, line for line: block lines keep their Markdown line
 *   numbers (every other line is left blank), so a bash error "README.md: line 42" points at
 *   line 42 of the Markdown. The opening fence line of block N becomes a marker command that
 *   records "block N started"; the closing fence of the last block records "all blocks ran".
 *   Each block is syntax-checked alone (`bash -n`) before anything runs.
 * - The script runs under `bash -e -o pipefail` (optionally `-u`) in a fresh temporary directory
 *   holding the caller's files, with an environment made only of PATH (stub dir, /usr/bin, /bin),
 *   HOME (temporary), LANG=C and the caller's variables. The host environment is never passed on.
 * - Each stub is a small bash script. It connects to a TCP server run by the harness in the test
 *   process (127.0.0.1, random port) through bash's /dev/tcp, sends its name, argv, working
 *   directory and current block, and receives the reply decided by the caller's rules (the
 *   rules may be functions, since they are evaluated in the test process). When the call reads
 *   standard input (`-f -`, `exec -i`, ...), the server asks the stub for it and the stub
 *   copies it to a file first. If this bash lacks /dev/tcp, a node stub speaking the same
 *   protocol is used instead (about 40 ms per call instead of a few).
 * - The whole run is bounded by a timeout; on timeout (and after every run) the process group
 *   is killed, background jobs included.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** A fenced code block of the README that the harness runs. */
export interface BashBlock {
  /** 0-based position among the extracted blocks. */
  readonly index: number;
  /** 1-based Markdown line of the opening fence. */
  readonly line: number;
  /** The fence's info string, e.g. `bash` or `bash title="x"`. */
  readonly info: string;
  /** The block's text, fence indentation removed, without a trailing newline. */
  readonly code: string;
}

/** One invocation of a stubbed command, in the order the harness answered them. */
export interface StubCall {
  /** 0-based position in `ReadmeRun.calls`. */
  readonly index: number;
  readonly cmd: string;
  readonly args: string[];
  /** What was piped or redirected into the command, when the command reads its standard input
   *  (see `ReadmeRunOptions.readStdin`) and stdin was a pipe, file or socket; otherwise absent. */
  readonly stdin?: string;
  /** The kube context named by `--context`/`--kube-context`, if any (see `contextOf`). */
  readonly context?: string;
  /** The block (0-based index) that was running when the call was made; -1 if none. */
  readonly block: number;
  /** The working directory of the call. */
  readonly cwd: string;
  /** Contents, at call time, of the files named by `-f`/`--filename`/`--values` (relative names
   *  resolved against `cwd`; a directory contributes its regular files, non-recursively), by the
   *  name as written (directory entries as `dir/entry`). Missing files are absent. */
  readonly files: Record<string, string>;
}

/** A reply value, or a function computing it. `callIndex` counts the earlier calls answered by
 *  the same rule (0 for the first). */
export type ReplyValue<T> = T | ((args: string[], callIndex: number, call: StubCall) => T);

/** How a stub answers the calls it matches. The first matching rule wins. */
export interface ReplyRule {
  /** Command name (`kubectl`, ...), or `*` for any stubbed command. */
  readonly cmd: string;
  /** Whether this rule answers the call; absent: every call to `cmd`. */
  readonly match?: (args: string[], call: StubCall) => boolean;
  /** Printed on stdout (default: nothing). Printed as is: add the trailing newline yourself. */
  readonly stdout?: ReplyValue<string>;
  /** Printed on stderr (default: nothing). */
  readonly stderr?: ReplyValue<string>;
  /** Exit code (default: 0). */
  readonly exitCode?: ReplyValue<number>;
}

export interface ReadmeRunOptions {
  /** Environment variables for the run, e.g. `{ CTX_CLUSTER1: 'ctx-cluster1' }`. PATH cannot be set. */
  readonly env?: Record<string, string>;
  /** Files written below the working directory before the run (relative, `/`-separated paths). */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string | Uint8Array; readonly mode?: number }>;
  /** Reply rules; unmatched calls succeed with no output (see `unmatched`). */
  readonly replies?: ReadonlyArray<ReplyRule>;
  /** What an unmatched call does: `succeed` (default; exit 0, no output) or `fail` (exit 99). */
  readonly unmatched?: 'succeed' | 'fail';
  /** Commands to stub besides kubectl, istioctl, helm, curl and sleep. */
  readonly stubs?: ReadonlyArray<string>;
  /** Whether a call reads its stdin. `auto` (default): kubectl/istioctl/helm/curl only when the
   *  arguments ask for it (`-f -`, `--filename=-`, `/dev/stdin`, `exec -i`, `curl -d @-`, ...),
   *  like the real tools, so `while read` loops around them keep their input; `sleep` never;
   *  other stubs always. `always`/`never`, or a function deciding per call. */
  readonly readStdin?: 'auto' | 'always' | 'never' | ((cmd: string, args: string[]) => boolean);
  /** Also run with `set -u` (default: false; a person's shell does not have it). */
  readonly nounset?: boolean;
  /** Fence info-string languages to run (default: `['bash']`). */
  readonly languages?: ReadonlyArray<string>;
  /** Kill the run after this many milliseconds (default: 60 000). */
  readonly timeoutMs?: number;
  /** Keep the temporary directory (reported as `ReadmeRun.workDir`; calls logged in `../calls.jsonl`). */
  readonly keepWorkDir?: boolean;
  /** Stub implementation: `auto` (bash if it supports /dev/tcp, else node), `bash` or `node`. */
  readonly stubRuntime?: 'auto' | 'bash' | 'node';
}

export interface ReadmeRun {
  /** True when every block ran and the script exited 0 in time. */
  readonly ok: boolean;
  /** bash's exit code; null when it was killed (timeout). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Whether execution reached the end of the last block (false if a block ran `exit 0`). */
  readonly completed: boolean;
  readonly stdout: string;
  /** bash's stderr; the script's path is shown as `README.md`, so line numbers are Markdown lines. */
  readonly stderr: string;
  readonly calls: StubCall[];
  readonly blocks: BashBlock[];
  /** Index of the block that was running when the run failed (non-zero exit, syntax error or timeout). */
  readonly failedBlock?: number;
  /** Errors thrown by reply rules (the call was answered with exit code 70). */
  readonly harnessErrors: string[];
  readonly durationMs: number;
  /** The working directory, only with `keepWorkDir` (otherwise it is deleted). */
  readonly workDir?: string;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

interface Fence { readonly open: number; readonly close: number; readonly indent: number; readonly info: string }

function fencesOf(lines: string[]): Fence[] {
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, marker, rest] = open;
    if (marker[0] === '`' && rest.includes('`')) continue; // not a fence (inline code)
    let close = -1;
    for (let j = i + 1; j < lines.length; j++) {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[j]);
      if (m && m[1][0] === marker[0] && m[1].length >= marker.length) { close = j; break; }
    }
    if (close < 0) throw new Error(`readme-shell: the code fence opened at line ${i + 1} is never closed`);
    fences.push({ open: i, close, indent: indent.length, info: rest.trim() });
    i = close;
  }
  return fences;
}

const stripIndent = (line: string, indent: number) => line.replace(new RegExp(`^ {0,${indent}}`), '');

/** The fenced blocks whose info string's first word is one of `languages`, in document order.
 *  Throws on a fence that is never closed. */
export function extractBashBlocks(markdown: string, languages: ReadonlyArray<string> = ['bash']): BashBlock[] {
  const lines = markdown.split(/\r?\n/);
  return fencesOf(lines)
    .filter((f) => languages.includes(f.info.split(/\s+/)[0]))
    .map((f, index) => ({
      index, line: f.open + 1, info: f.info,
      code: lines.slice(f.open + 1, f.close).map((l) => stripIndent(l, f.indent)).join('\n'),
    }));
}

// ---------------------------------------------------------------------------------------------
// Helpers for assertions
// ---------------------------------------------------------------------------------------------

/** The value of option `--name` in `args` (`--name=X` or `--name X`; first occurrence). */
export function flagValue(args: ReadonlyArray<string>, ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
      if (args[i] === name && i + 1 < args.length) return args[i + 1];
    }
  }
  return undefined;
}

/** The kube context of a call: `--context=X`, `--context X`, `--kube-context X` or `--kube-context=X`. */
export function contextOf(call: Pick<StubCall, 'args'> | ReadonlyArray<string>): string | undefined {
  const args = Array.isArray(call) ? call : (call as Pick<StubCall, 'args'>).args;
  return flagValue(args, '--context', '--kube-context');
}

/** `args` without the context options, so that `kubectl --context=X apply ...` reads `apply ...`. */
export function argsWithoutContext(args: ReadonlyArray<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--context' || args[i] === '--kube-context') { i++; continue; }
    if (args[i].startsWith('--context=') || args[i].startsWith('--kube-context=')) continue;
    out.push(args[i]);
  }
  return out;
}

/** Whether `call` is `cmd` whose arguments, context options removed, start with `argPrefix`. */
export function matchesCall(call: StubCall, cmd: string, ...argPrefix: string[]): boolean {
  if (call.cmd !== cmd) return false;
  const args = argsWithoutContext(call.args);
  return argPrefix.every((a, i) => args[i] === a);
}

/** A predicate for `indexOfCall`/`Array.filter`: `isCall('kubectl', 'apply')`. */
export const isCall = (cmd: string, ...argPrefix: string[]) => (call: StubCall) => matchesCall(call, cmd, ...argPrefix);

/** The calls to `cmd` whose arguments (context options removed) start with `argPrefix`, in order. */
export function callsTo(run: Pick<ReadmeRun, 'calls'>, cmd: string, ...argPrefix: string[]): StubCall[] {
  return run.calls.filter((c) => matchesCall(c, cmd, ...argPrefix));
}

/** Index in `run.calls` of the first call satisfying `predicate` (from `from`), or -1. */
export function indexOfCall(run: Pick<ReadmeRun, 'calls'>, predicate: (call: StubCall) => boolean, from = 0): number {
  for (let i = from; i < run.calls.length; i++) if (predicate(run.calls[i])) return i;
  return -1;
}

/** A command line as a person would read it. */
export function formatCall(call: StubCall): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [call.cmd, ...call.args].map(quote).join(' ') + (call.stdin !== undefined ? `  <<stdin ${call.stdin.length} chars>>` : '');
}

/** A summary of a run for assertion messages: `expect(run.ok, formatRun(run)).toBe(true)`. */
export function formatRun(run: ReadmeRun, maxCalls = 60): string {
  const out: string[] = [];
  out.push(`exit ${run.exitCode}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ', timed out' : ''}` +
    `${run.completed ? '' : ', did not reach the end of the last block'}, ${run.calls.length} calls, ${run.durationMs} ms`);
  if (run.failedBlock !== undefined) {
    const b = run.blocks[run.failedBlock];
    out.push(`failed in block ${b.index} (Markdown line ${b.line}):`, ...b.code.split('\n').slice(0, 15).map((l) => `  | ${l}`));
  }
  for (const e of run.harnessErrors) out.push(`reply rule error: ${e}`);
  const stderr = run.stderr.trimEnd().split('\n').slice(-20);
  if (stderr.join('')) out.push('stderr (tail):', ...stderr.map((l) => `  ${l}`));
  out.push('calls:');
  for (const c of run.calls.slice(0, maxCalls)) out.push(`  #${c.index} [block ${c.block}] ${formatCall(c)}`);
  if (run.calls.length > maxCalls) out.push(`  ... ${run.calls.length - maxCalls} more`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Stubs
// ---------------------------------------------------------------------------------------------

export const DEFAULT_STUBS: ReadonlyArray<string> = ['kubectl', 'istioctl', 'helm', 'curl', 'sleep'];
const KNOWN_TOOLS = new Set(['kubectl', 'istioctl', 'helm', 'curl']);

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const firstExisting = (...candidates: string[]) => candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
const BASH = firstExisting('/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash');
const CAT = firstExisting('/bin/cat', '/usr/bin/cat');
const RM = firstExisting('/bin/rm', '/usr/bin/rm');

interface StubPaths { readonly port: number; readonly state: string; readonly io: string }

function bashStub(cmd: string, p: StubPaths): string {
  const io = (suffix: string) => `${shq(p.io)}/"$$"${suffix}`;
  return `#!${BASH}
# readme-shell stub for ${cmd}: asks the test harness what to do.
__rs_kind=
if [ -p /dev/stdin ]; then __rs_kind=pipe; elif [ -f /dev/stdin ]; then __rs_kind=file; elif [ -S /dev/stdin ]; then __rs_kind=socket; fi
__rs_block=
{ IFS= read -r __rs_block < ${shq(p.state)}; } 2>/dev/null || :
exec 3<>/dev/tcp/127.0.0.1/${p.port} || { echo 'readme-shell: the ${cmd} stub cannot reach the harness' >&2; exit 97; }
printf '%s\\0' rs1 ${shq(cmd)} "$__rs_block" "$PWD" "$__rs_kind" "$$" "$#" "$@" >&3
IFS=' ' read -r __rs_op __rs_code __rs_err <&3 || exit 97
if [ "$__rs_op" = stdin ]; then
  if ${CAT} > ${io('.in')}; then printf 'ok\\0' >&3; else printf 'fail\\0' >&3; fi
  IFS=' ' read -r __rs_op __rs_code __rs_err <&3 || exit 97
fi
[ "$__rs_op" = reply ] || exit 97
if [ "$__rs_err" = 1 ]; then ${CAT} ${io('.err')} >&2; ${RM} -f ${io('.err')}; fi
${CAT} <&3
exit "$__rs_code"
`;
}

/** The same protocol in node, for a bash built without /dev/tcp. argv: cmd port state io args... */
const NODE_STUB = String.raw`'use strict';
const fs = require('fs'), net = require('net'), path = require('path');
const [cmd, port, state, io, ...args] = process.argv.slice(2);
let kind = '';
try { const s = fs.fstatSync(0); kind = s.isFIFO() ? 'pipe' : s.isFile() ? 'file' : s.isSocket() ? 'socket' : ''; } catch {}
let block = '';
try { block = fs.readFileSync(state, 'utf8').split('\n')[0]; } catch {}
const id = String(process.pid);
const sock = net.connect(Number(port), '127.0.0.1');
sock.on('error', (e) => { process.stderr.write('readme-shell: the ' + cmd + ' stub cannot reach the harness: ' + e.message + '\n'); process.exit(97); });
sock.write(Buffer.from([ 'rs1', cmd, block, process.cwd(), kind, id, String(args.length), ...args ].map((f) => f + '\0').join('')));
let buf = Buffer.alloc(0), code = null, chunks = [];
sock.on('data', (d) => {
  if (code !== null) { chunks.push(d); return; }
  buf = Buffer.concat([buf, d]);
  for (let nl; code === null && (nl = buf.indexOf(10)) >= 0;) {
    const [op, c, err] = buf.subarray(0, nl).toString().split(' ');
    buf = buf.subarray(nl + 1);
    if (op === 'stdin') {
      let ok = 'ok';
      try { fs.writeFileSync(path.join(io, id + '.in'), fs.readFileSync(0)); } catch { ok = 'fail'; }
      sock.write(ok + '\0');
    } else if (op === 'reply') {
      code = Number(c);
      if (err === '1') { const f = path.join(io, id + '.err'); process.stderr.write(fs.readFileSync(f)); fs.rmSync(f, { force: true }); }
      chunks.push(buf);
    } else process.exit(97);
  }
});
sock.on('end', () => {
  if (code === null) process.exit(97);
  process.stdout.on('error', () => process.exit(code));
  process.stdout.write(Buffer.concat(chunks), () => process.exit(code));
});
`;

function nodeStub(cmd: string, nodeJs: string, p: StubPaths): string {
  return `#!${BASH}\nexec ${shq(process.execPath)} ${shq(nodeJs)} ${shq(cmd)} ${p.port} ${shq(p.state)} ${shq(p.io)} "$@"\n`;
}

let devTcpSupport: Promise<boolean> | undefined;
/** Whether this machine's bash can open /dev/tcp connections (probed once). */
function bashHasDevTcp(): Promise<boolean> {
  devTcpSupport ??= new Promise<boolean>((resolve) => {
    const server = net.createServer((s) => s.end());
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const child = spawn(BASH, ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
      child.on('error', () => { server.close(); resolve(false); });
      child.on('exit', (code) => { server.close(); resolve(code === 0); });
    });
  });
  return devTcpSupport;
}

// ---------------------------------------------------------------------------------------------
// Reading stdin, like the real tools
// ---------------------------------------------------------------------------------------------

const FILE_FLAGS = ['-f', '--filename', '--values'];

/** Whether the real tool would read its standard input for these arguments. */
export function toolReadsStdin(cmd: string, args: ReadonlyArray<string>): boolean {
  if (cmd === 'sleep') return false;
  if (!KNOWN_TOOLS.has(cmd)) return true;
  if (args.some((a) => a === '/dev/stdin' || a.endsWith('=/dev/stdin') || a === '/dev/fd/0')) return true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (FILE_FLAGS.includes(a) && args[i + 1] === '-') return true;
    if (FILE_FLAGS.some((f) => a === `${f}=-`)) return true;
  }
  if (cmd === 'kubectl') {
    const own = args.indexOf('--') >= 0 ? args.slice(0, args.indexOf('--')) : args; // after --: the remote command's
    const sub = argsWithoutContext(own).filter((a) => !a.startsWith('-'))[0];
    if (['exec', 'attach', 'run'].includes(sub) &&
        own.some((a) => a === '-i' || a === '--stdin' || a === '--stdin=true' || a === '-it' || a === '-ti')) return true;
  }
  if (cmd === 'curl') {
    if (args.some((a) => a === '@-' || a.endsWith('=@-'))) return true;
    for (let i = 0; i < args.length; i++) if (['-T', '--upload-file', '-K', '--config'].includes(args[i]) && args[i + 1] === '-') return true;
  }
  return false;
}

/** Contents of the files named by -f/--filename/--values, relative to `cwd`. */
function fileArgs(args: ReadonlyArray<string>, cwd: string): Record<string, string> {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (FILE_FLAGS.includes(a) && i + 1 < args.length) names.push(args[++i]);
    else for (const f of FILE_FLAGS) if (a.startsWith(`${f}=`)) names.push(a.slice(f.length + 1));
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    if (name === '-' || /^[a-z]+:\/\//i.test(name) || name.startsWith('/dev/')) continue;
    const full = path.resolve(cwd, name);
    try {
      const st = fs.statSync(full);
      if (st.isFile()) out[name] = fs.readFileSync(full, 'utf8');
      else if (st.isDirectory()) {
        // In code-point order, as kubectl walks a directory; never the locale's collation, which varies by machine.
        for (const e of fs.readdirSync(full, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
          if (e.isFile()) out[path.posix.join(name, e.name)] = fs.readFileSync(path.join(full, e.name), 'utf8');
        }
      }
    } catch { /* missing: absent */ }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The reply server
// ---------------------------------------------------------------------------------------------

interface Request { cmd: string; block: number; cwd: string; kind: string; id: string; args: string[] }

class ReplyServer {
  readonly calls: StubCall[] = [];
  readonly errors: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly ruleCounts = new Map<ReplyRule, number>();

  constructor(private readonly io: string, private readonly opts: ReadmeRunOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    let request: Request | undefined;
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!request) {
        const fields = splitFields(buf);
        if (fields.length < 7) return;
        const argc = Number(fields[6]);
        if (fields[0] !== 'rs1' || !Number.isInteger(argc) || !/^\d+$/.test(fields[5])) { socket.destroy(); return; }
        if (fields.length < 7 + argc) return;
        const [, cmd, block, cwd, kind, id] = fields;
        request = { cmd, block: block === '' ? -1 : Number(block), cwd, kind, id, args: fields.slice(7, 7 + argc) };
        buf = Buffer.alloc(0);
        if (kind !== '' && this.wantsStdin(cmd, request.args)) { socket.write('stdin\n'); return; }
        this.answer(socket, request, undefined);
      } else {
        const status = splitFields(buf)[0];
        if (status === undefined) return;
        const file = path.join(this.io, `${request.id}.in`);
        let stdin: string | undefined;
        if (status === 'ok') { try { stdin = fs.readFileSync(file, 'utf8'); } catch { /* absent */ } }
        fs.rmSync(file, { force: true });
        this.answer(socket, request, stdin);
      }
    });
  }

  private wantsStdin(cmd: string, args: string[]): boolean {
    const policy = this.opts.readStdin ?? 'auto';
    if (policy === 'always') return true;
    if (policy === 'never') return false;
    if (policy === 'auto') return toolReadsStdin(cmd, args);
    return policy(cmd, args);
  }

  private answer(socket: net.Socket, req: Request, stdin: string | undefined): void {
    const call: StubCall = {
      index: this.calls.length, cmd: req.cmd, args: req.args, block: req.block, cwd: req.cwd,
      files: fileArgs(req.args, req.cwd),
      ...(stdin !== undefined ? { stdin } : {}),
      ...(contextOf(req.args) !== undefined ? { context: contextOf(req.args) } : {}),
    };
    this.calls.push(call);
    let stdout = '', stderr = '', code = 0;
    try {
      const rule = (this.opts.replies ?? []).find((r) => (r.cmd === req.cmd || r.cmd === '*') && (!r.match || r.match(req.args, call)));
      if (rule) {
        const n = this.ruleCounts.get(rule) ?? 0;
        this.ruleCounts.set(rule, n + 1);
        const value = <T>(v: ReplyValue<T> | undefined, dflt: T): T =>
          v === undefined ? dflt : typeof v === 'function' ? (v as (a: string[], i: number, c: StubCall) => T)(req.args, n, call) : v;
        stdout = String(value(rule.stdout, ''));
        stderr = String(value(rule.stderr, ''));
        code = Number(value(rule.exitCode, 0));
      } else if (this.opts.unmatched === 'fail') {
        stderr = `readme-shell: no reply rule matches: ${formatCall(call)}\n`;
        code = 99;
      }
    } catch (e) {
      const message = `${formatCall(call)}: ${e instanceof Error ? e.message : String(e)}`;
      this.errors.push(message);
      stdout = '';
      stderr = `readme-shell: a reply rule threw: ${message}\n`;
      code = 70;
    }
    if (!Number.isInteger(code) || code < 0 || code > 255) code = 70;
    if (stderr) fs.writeFileSync(path.join(this.io, `${req.id}.err`), stderr);
    socket.end(Buffer.concat([Buffer.from(`reply ${code} ${stderr ? 1 : 0}\n`), Buffer.from(stdout)]));
  }
}

function splitFields(buf: Buffer): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = buf.indexOf(0, start); i >= 0; i = buf.indexOf(0, start)) {
    fields.push(buf.subarray(start, i).toString('utf8'));
    start = i + 1;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

const MARK_BLOCK = '__readme_shell_block';
const MARK_DONE = '__readme_shell_done';
const DONE = 'done';

/** The script: block lines at their Markdown line numbers, markers on fence lines. */
function scriptOf(markdown: string, languages: ReadonlyArray<string>): string {
  const lines = markdown.split(/\r?\n/);
  const out: string[] = lines.map(() => '');
  const fences = fencesOf(lines).filter((f) => languages.includes(f.info.split(/\s+/)[0]));
  fences.forEach((f, n) => {
    out[f.open] = `${MARK_BLOCK} ${n}`;
    for (let i = f.open + 1; i < f.close; i++) out[i] = stripIndent(lines[i], f.indent);
  });
  if (fences.length) out[fences[fences.length - 1].close] = MARK_DONE;
  else out[0] = MARK_DONE;
  return out.join('\n') + '\n';
}

function runProcess(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; onTimeout?: () => void }) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false, exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const killGroup = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    const timer = setTimeout(() => { timedOut = true; options.onTimeout?.(); killGroup(); }, options.timeoutMs);
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ code: exit?.code ?? null, signal: exit?.signal ?? null, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    };
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      killGroup(); // background jobs left behind by the script
      // Output pipes still held by a process that left the group: stop waiting for them.
      grace = setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); finish(); }, 2000);
    });
    child.on('close', finish);
  });
}

/**
 * Runs the `bash` blocks of `markdown` in order, in one bash process, against stubs; never
 * rejects for a failing script (see `ReadmeRun.ok`), only for harness problems (e.g. an
 * unclosed fence).
 */
export async function runReadme(markdown: string, options: ReadmeRunOptions = {}): Promise<ReadmeRun> {
  const started = Date.now();
  const languages = options.languages ?? ['bash'];
  const blocks = extractBashBlocks(markdown, languages);
  const script = scriptOf(markdown, languages);
  if (options.env && Object.keys(options.env).some((k) => k === 'PATH' || k === 'BASH_ENV')) {
    throw new Error('readme-shell: PATH and BASH_ENV are set by the harness');
  }
  const stubNames = [...new Set([...DEFAULT_STUBS, ...(options.stubs ?? [])])];
  for (const s of stubNames) if (!/^[\w.+-]+$/.test(s)) throw new Error(`readme-shell: bad stub name ${JSON.stringify(s)}`);

  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-shell-')));
  const dirs = { work: path.join(root, 'work'), home: path.join(root, 'home'), bin: path.join(root, 'bin'), harness: path.join(root, 'harness'), io: path.join(root, 'harness', 'io') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const server = new ReplyServer(dirs.io, options);
  try {
    for (const f of options.files ?? []) {
      const target = path.resolve(dirs.work, f.path);
      if (path.isAbsolute(f.path) || !target.startsWith(dirs.work + path.sep)) throw new Error(`readme-shell: file path must be relative and inside the working directory: ${f.path}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content, { mode: f.mode });
    }
    const state = path.join(dirs.harness, 'state');
    const scriptFile = path.join(dirs.harness, 'README.md.sh');
    fs.writeFileSync(scriptFile, script);

    const base = { cwd: dirs.work, timeoutMs: options.timeoutMs ?? 60_000 };
    const env: NodeJS.ProcessEnv = { HOME: dirs.home, LANG: 'C', ...options.env, PATH: `${dirs.bin}:/usr/bin:/bin` };

    // 1. Syntax, block by block (each padded so its lines keep their Markdown numbers).
    const blockFiles = blocks.map((b) => {
      const file = path.join(dirs.harness, `block-${b.index}.sh`);
      fs.writeFileSync(file, '\n'.repeat(b.line) + b.code + '\n');
      return file;
    });
    // A block ending in a line continuation would swallow the next marker: a person pasting it
    // would be left at a continuation prompt. bash -n only warns (exit 0) about an unterminated
    // here-document, so any message counts as an error.
    const dangling = blocks.find((b) => /(^|[^\\])(\\\\)*\\$/.test(b.code.trimEnd()));
    const syntaxError = (n: number, message: string) => result({ exitCode: 2, signal: null, timedOut: false, completed: false, stdout: '',
      stderr: `readme-shell: syntax error in block ${n} (Markdown line ${blocks[n].line})\n${message}`, failedBlock: n });
    if (dangling) return syntaxError(dangling.index, 'the block ends with a line continuation (\\)\n');
    if (blocks.length) {
      const check = await runProcess(BASH,
        ['-c', `n=0; for f; do if ! e=$(${BASH} -n "$f" 2>&1) || [ -n "$e" ]; then printf '%s\\n' "$e" >&2; echo "$n"; exit 2; fi; n=$((n+1)); done`, 'check', ...blockFiles],
        { ...base, env: { PATH: '/usr/bin:/bin', LANG: 'C' } });
      if (check.code !== 0) {
        const failed = Number(check.stdout.trim());
        if (!Number.isInteger(failed) || !blocks[failed]) throw new Error(`readme-shell: the syntax check failed: ${check.stderr}`);
        let stderr = check.stderr;
        for (const f of blockFiles) stderr = stderr.split(f).join('README.md');
        return syntaxError(failed, stderr);
      }
    }

    // 2. Stubs and the shell's start-up file.
    const port = await server.listen();
    const runtime = options.stubRuntime === 'bash' || options.stubRuntime === 'node' ? options.stubRuntime : (await bashHasDevTcp()) ? 'bash' : 'node';
    const paths = { port, state, io: dirs.io };
    const nodeJs = path.join(dirs.harness, 'stub.cjs');
    if (runtime === 'node') fs.writeFileSync(nodeJs, NODE_STUB);
    for (const s of stubNames) fs.writeFileSync(path.join(dirs.bin, s), runtime === 'bash' ? bashStub(s, paths) : nodeStub(s, nodeJs, paths), { mode: 0o755 });
    const bashEnv = path.join(dirs.harness, 'bash_env');
    fs.writeFileSync(bashEnv, [
      'unset BASH_ENV',
      `${MARK_BLOCK}() { printf '%s\\n' "$1" > ${shq(state)}; }`,
      `${MARK_DONE}() { printf '%s\\n' ${DONE} > ${shq(state)}; }`,
      // Every stubbed name must resolve to its stub, whatever is installed on the machine.
      `for __rs_c in ${stubNames.join(' ')}; do`,
      `  [ "$(type -P "$__rs_c")" = ${shq(dirs.bin)}/"$__rs_c" ] || { echo "readme-shell: $__rs_c does not resolve to its stub" >&2; exit 96; }`,
      'done; unset __rs_c',
      '',
    ].join('\n'));

    // 3. The run.
    const flags = ['--noprofile', '--norc', '-e', '-o', 'pipefail', ...(options.nounset ? ['-u'] : [])];
    const run = await runProcess(BASH, [...flags, scriptFile], { ...base, env: { ...env, BASH_ENV: bashEnv } });
    const last = fs.existsSync(state) ? fs.readFileSync(state, 'utf8').trim() : '';
    const completed = last === DONE;
    const current = /^\d+$/.test(last) ? Number(last) : undefined;
    const failed = run.timedOut || run.code !== 0 ? current : undefined;
    return result({ exitCode: run.code, signal: run.signal, timedOut: run.timedOut, completed, stdout: run.stdout,
      stderr: run.stderr.split(scriptFile).join('README.md'), failedBlock: failed });
  } finally {
    await server.close();
    if (options.keepWorkDir) fs.writeFileSync(path.join(root, 'calls.jsonl'), server.calls.map((c) => JSON.stringify(c) + '\n').join(''));
    else fs.rmSync(root, { recursive: true, force: true });
  }

  function result(r: Pick<ReadmeRun, 'exitCode' | 'signal' | 'timedOut' | 'completed' | 'stdout' | 'stderr' | 'failedBlock'>): ReadmeRun {
    return {
      ok: r.exitCode === 0 && r.completed && !r.timedOut,
      ...r,
      calls: server.calls, blocks, harnessErrors: server.errors, durationMs: Date.now() - started,
      ...(options.keepWorkDir ? { workDir: dirs.work } : {}),
    };
  }
}
