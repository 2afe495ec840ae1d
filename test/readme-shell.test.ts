import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callsTo, contextOf, extractBashBlocks, formatRun, indexOfCall, isCall, ReadmeRun, runReadme,
} from './readme-shell';

/** Markdown from lines, so fences stay readable in the test source. */
const md = (...lines: string[]) => lines.join('\n') + '\n';
const CTX = { CTX_CLUSTER1: 'ctx-cluster1', CTX_CLUSTER2: 'ctx-cluster2' };
const expectOk = (run: ReadmeRun) => expect(run.ok, formatRun(run)).toBe(true);

describe('runReadme', () => {
  it('runs the bash blocks in document order and records every call with its arguments, context and block', async () => {
    const readme = md(
      '# Install Istio',
      '',
      'Create the namespace and install the control plane on cluster1:',
      '',
      '```bash',
      'kubectl --context="${CTX_CLUSTER1}" create namespace istio-system',
      'istioctl install --context="${CTX_CLUSTER1}" -y -f cluster1/istio.yaml',
      '```',
      '',
      'Then cluster2:',
      '',
      '```bash',
      'kubectl apply --context "${CTX_CLUSTER2}" -f cluster2/',
      'helm install istio-base istio/base --kube-context=${CTX_CLUSTER2} -n istio-system',
      '```',
    );
    const run = await runReadme(readme, {
      env: CTX,
      files: [
        { path: 'cluster1/istio.yaml', content: 'kind: IstioOperator\n' },
        { path: 'cluster2/a.yaml', content: 'kind: A\n' },
        { path: 'cluster2/b.yaml', content: 'kind: B\n' },
      ],
    });
    expectOk(run);
    expect(run.calls.map((c) => [c.cmd, c.context, c.block])).toEqual([
      ['kubectl', 'ctx-cluster1', 0],
      ['istioctl', 'ctx-cluster1', 0],
      ['kubectl', 'ctx-cluster2', 1],
      ['helm', 'ctx-cluster2', 1],
    ]);
    expect(run.calls[0].args).toEqual(['--context=ctx-cluster1', 'create', 'namespace', 'istio-system']);
    expect(run.calls[3].args).toEqual(['install', 'istio-base', 'istio/base', '--kube-context=ctx-cluster2', '-n', 'istio-system']);
    // Files named by -f are captured as they were when the command ran.
    expect(run.calls[1].files).toEqual({ 'cluster1/istio.yaml': 'kind: IstioOperator\n' });
    expect(run.calls[2].files).toEqual({ 'cluster2/a.yaml': 'kind: A\n', 'cluster2/b.yaml': 'kind: B\n' });

    // The helpers: context, prefix matching that skips context options, ordering.
    expect(contextOf(['get', 'pods', '--context', 'x'])).toBe('x');
    expect(contextOf(run.calls[3])).toBe('ctx-cluster2');
    expect(callsTo(run, 'kubectl', 'create', 'namespace')).toHaveLength(1);
    expect(callsTo(run, 'kubectl', 'apply').map(contextOf)).toEqual(['ctx-cluster2']);
    const installed = indexOfCall(run, isCall('istioctl', 'install'));
    expect(indexOfCall(run, isCall('kubectl', 'create', 'namespace'))).toBeLessThan(installed);
    expect(indexOfCall(run, (c) => c.cmd === 'helm')).toBeGreaterThan(installed);
    expect(indexOfCall(run, isCall('kubectl', 'delete'))).toBe(-1);
    expect(run.blocks.map((b) => b.line)).toEqual([5, 12]);
  });

  it('keeps variables, exported variables, arrays, associative arrays and functions from one block to the next', async () => {
    const run = await runReadme(md(
      '```bash',
      'CLUSTERS=(cluster1 cluster2)',
      'declare -A CTX=([cluster1]="${CTX_CLUSTER1}" [cluster2]="${CTX_CLUSTER2}")',
      'export ISTIO_NAMESPACE=istio-system',
      'apply_to() { kubectl --context="$1" apply -n "${ISTIO_NAMESPACE}" -f "$2"; }',
      '```',
      'Some prose between the blocks.',
      '```bash',
      'for c in "${CLUSTERS[@]}"; do',
      '  apply_to "${CTX[$c]}" "$c/gateway.yaml"',
      'done',
      'bash -c \'echo "child sees ${ISTIO_NAMESPACE}"\'',
      '```',
    ), { env: CTX });
    expectOk(run);
    expect(run.calls.map((c) => [c.context, c.args.at(-1)])).toEqual([
      ['ctx-cluster1', 'cluster1/gateway.yaml'],
      ['ctx-cluster2', 'cluster2/gateway.yaml'],
    ]);
    expect(run.calls.every((c) => c.block === 1 && c.args.includes('istio-system'))).toBe(true);
    expect(run.stdout).toBe('child sees istio-system\n');
  });

  it('records what is piped or redirected into a command that reads its stdin, and leaves loop input to the loop', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-cluster1\n';
    const run = await runReadme(md(
      '```bash',
      'istioctl create-remote-secret --context="${CTX_CLUSTER1}" --name=cluster1 | \\',
      '  kubectl apply -f - --context="${CTX_CLUSTER2}"',
      'kubectl --context="${CTX_CLUSTER1}" apply -f - <<EOF',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: sample}',
      'EOF',
      '# kubectl does not read stdin here, so the loop gets both lines:',
      'kubectl get ns -o name | while read -r ns; do kubectl label "$ns" istio-injection=enabled; done',
      '```',
    ), {
      env: CTX,
      replies: [
        { cmd: 'istioctl', match: (a) => a[0] === 'create-remote-secret', stdout: secret },
        { cmd: 'kubectl', match: (a) => a[0] === 'get', stdout: 'namespace/a\nnamespace/b\n' },
      ],
    });
    expectOk(run);
    const [create, apply, heredoc] = run.calls;
    expect(create.cmd).toBe('istioctl');
    expect(create.stdin).toBeUndefined();
    expect(apply).toMatchObject({ cmd: 'kubectl', context: 'ctx-cluster2', stdin: secret });
    expect(heredoc.stdin).toBe('apiVersion: v1\nkind: Namespace\nmetadata: {name: sample}\n');
    expect(callsTo(run, 'kubectl', 'label').map((c) => [c.args[1], c.stdin])).toEqual([['namespace/a', undefined], ['namespace/b', undefined]]);
  });

  it('answers from reply rules: captured output, and replies that depend on how often the rule was used', async () => {
    const run = await runReadme(md(
      '```bash',
      'ADDR=$(kubectl --context="${CTX_CLUSTER1}" -n istio-system get svc istio-eastwestgateway \\',
      '  -o jsonpath=\'{.status.loadBalancer.ingress[0].ip}\')',
      'echo "east-west gateway: ${ADDR}"',
      'istioctl install --context="${CTX_CLUSTER2}" --set values.global.remotePilotAddress="${ADDR}" -y',
      'until kubectl --context="${CTX_CLUSTER2}" -n istio-system rollout status deploy/istiod; do sleep 5; done',
      '```',
      '```bash',
      'seen_v1=0 seen_v2=0',
      'for i in $(seq 1 10); do',
      '  out=$(kubectl exec --context="${CTX_CLUSTER1}" -n sample -c curl deploy/curl -- curl -sS helloworld.sample:5000/hello)',
      '  case "$out" in *v1*) seen_v1=1 ;; *v2*) seen_v2=1 ;; esac',
      '  if [ "$seen_v1" = 1 ] && [ "$seen_v2" = 1 ]; then break; fi',
      '  sleep 1',
      'done',
      '[ "$seen_v1" = 1 ] && [ "$seen_v2" = 1 ]',
      'echo "both versions answered"',
      '```',
    ), {
      env: CTX,
      replies: [
        { cmd: 'kubectl', match: (a) => a.includes('svc') && a.some((x) => x.startsWith('jsonpath=') || x === '-o'), stdout: '203.0.113.7' },
        { cmd: 'kubectl', match: (a) => a.includes('rollout'), exitCode: (_a, i) => (i < 2 ? 1 : 0), stderr: (_a, i) => (i < 2 ? 'Waiting for rollout\n' : '') },
        { cmd: 'kubectl', match: (a) => a[0] === 'exec', stdout: (_a, i) => `Hello version: v${(i % 2) + 1}, instance: helloworld-${i}\n` },
      ],
    });
    expectOk(run);
    expect(run.stdout).toBe('east-west gateway: 203.0.113.7\nboth versions answered\n');
    expect(callsTo(run, 'istioctl', 'install')[0].args).toContain('values.global.remotePilotAddress=203.0.113.7');
    expect(callsTo(run, 'kubectl', '-n', 'istio-system', 'rollout')).toHaveLength(3);
    expect(run.stderr).toContain('Waiting for rollout');
    expect(callsTo(run, 'kubectl', 'exec')).toHaveLength(2);
    // sleep is a stub too: recorded, instant.
    expect(callsTo(run, 'sleep').map((c) => c.args)).toEqual([['5'], ['5'], ['1']]);
  });

  it('fails the run when a command fails, reports the failing block and runs nothing after it', async () => {
    const readme = md(
      '```bash',
      'kubectl --context="${CTX_CLUSTER1}" create namespace istio-system',
      '```',
      '```bash',
      'kubectl --context="${CTX_CLUSTER1}" apply -f missing.yaml',
      'echo "not reached"',
      '```',
      '```bash',
      'kubectl --context="${CTX_CLUSTER2}" get pods',
      '```',
    );
    const run = await runReadme(readme, {
      env: CTX,
      replies: [{ cmd: 'kubectl', match: (a) => a.includes('apply'), stderr: 'error: the path "missing.yaml" does not exist\n', exitCode: 1 }],
    });
    expect(run).toMatchObject({ ok: false, exitCode: 1, failedBlock: 1, completed: false, timedOut: false, stdout: '' });
    expect(run.stderr).toContain('error: the path "missing.yaml" does not exist');
    expect(run.calls.map((c) => c.block)).toEqual([0, 1]);
    expect(formatRun(run)).toContain('failed in block 1 (Markdown line 4)');

    // A failing pipeline stage fails too (pipefail), and bash's messages carry Markdown line numbers.
    const piped = await runReadme(md('Intro', '', '```bash', 'kubectl get pods | grep -c istiod', 'echo unreachable', '```'), {
      replies: [{ cmd: 'kubectl', stdout: 'istiod-1\n', exitCode: 3 }],
    });
    expect(piped).toMatchObject({ ok: false, exitCode: 3, failedBlock: 0, stdout: '1\n' });
    const missing = await runReadme(md('# Title', '', '```bash', 'echo one', 'no-such-tool --version', '```'));
    expect(missing).toMatchObject({ exitCode: 127, failedBlock: 0, stdout: 'one\n' });
    expect(missing.stderr).toMatch(/^README\.md: line 5: no-such-tool: command not found$/m);
  });

  it('catches a syntax error in any block before running anything, an early exit, a throwing rule and unmatched calls', async () => {
    const syntax = await runReadme(md('```bash', 'kubectl get pods', '```', '```bash', 'if true; then', '  echo missing fi', '```'));
    expect(syntax).toMatchObject({ ok: false, exitCode: 2, failedBlock: 1, calls: [] });
    expect(syntax.stderr).toContain('syntax error in block 1 (Markdown line 4)');
    expect(syntax.stderr).toMatch(/README\.md: line 7: syntax error/);
    // Runs that would silently swallow the following blocks: an unterminated here-document, a dangling continuation.
    const heredoc = await runReadme(md('```bash', 'kubectl apply -f - <<EOF', 'kind: Namespace', '```', '```bash', 'kubectl get ns', 'EOF', '```'));
    expect(heredoc).toMatchObject({ ok: false, failedBlock: 0, calls: [] });
    expect(heredoc.stderr).toContain('here-document');
    const continued = await runReadme(md('```bash', 'kubectl get ns \\', '```', '```bash', 'kubectl get pods', '```'));
    expect(continued).toMatchObject({ ok: false, failedBlock: 0, calls: [] });
    expect(continued.stderr).toContain('line continuation');

    const early = await runReadme(md('```bash', 'kubectl get pods', 'exit 0', '```', '```bash', 'kubectl get svc', '```'));
    expect(early).toMatchObject({ ok: false, exitCode: 0, completed: false, failedBlock: undefined });
    expect(early.calls).toHaveLength(1);

    const throwing = await runReadme(md('```bash', 'kubectl get pods', '```'), {
      replies: [{ cmd: 'kubectl', stdout: () => { throw new Error('boom'); } }],
    });
    expect(throwing).toMatchObject({ ok: false, exitCode: 70, failedBlock: 0 });
    expect(throwing.harnessErrors).toEqual(['kubectl get pods: boom']);

    const strict = await runReadme(md('```bash', 'helm repo add istio https://istio-release.storage.googleapis.com/charts', '```'), { unmatched: 'fail' });
    expect(strict).toMatchObject({ ok: false, exitCode: 99 });
    expect(strict.stderr).toContain('no reply rule matches: helm repo add istio');
  });

  it('runs only bash fences: yaml, text, untagged, sh and fences nested in longer fences are ignored', async () => {
    const readme = md(
      '```yaml',
      'kind: Namespace  # kubectl delete ns istio-system',
      '```',
      '```text',
      'kubectl delete ns istio-system',
      '```',
      '```',
      'kubectl delete ns untagged',
      '```',
      '```sh',
      'kubectl delete ns sh',
      '```',
      '````markdown',
      '```bash',
      'kubectl delete ns nested',
      '```',
      '````',
      '1. In a list item:',
      '',
      '   ```bash',
      '   kubectl get ns listed',
      '   ```',
      '~~~bash title="tilde fence"',
      'kubectl get ns tilde',
      '~~~',
      '```bash',
      'cat <<\'EOF\'',
      '```yaml',
      'EOF',
      '```',
    );
    expect(extractBashBlocks(readme).map((b) => [b.line, b.code])).toEqual([
      [20, 'kubectl get ns listed'],
      [23, 'kubectl get ns tilde'],
      [26, "cat <<'EOF'\n```yaml\nEOF"],
    ]);
    const run = await runReadme(readme);
    expectOk(run);
    expect(run.calls.map((c) => c.args.join(' '))).toEqual(['get ns listed', 'get ns tilde']);
    expect(run.stdout).toBe('```yaml\n');
    expect(() => extractBashBlocks(md('```bash', 'kubectl get pods'))).toThrow(/never closed/);
  });

  describe('isolation', () => {
    const saved = { PATH: process.env.PATH, KUBECONFIG: process.env.KUBECONFIG, SECRET: process.env.READMESHELL_HOST_SECRET };
    let fakeDir: string | undefined;
    afterEach(() => {
      process.env.PATH = saved.PATH;
      for (const [k, v] of [['KUBECONFIG', saved.KUBECONFIG], ['READMESHELL_HOST_SECRET', saved.SECRET]] as const) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      if (fakeDir) fs.rmSync(fakeDir, { recursive: true, force: true });
    });

    it('never runs a real kubectl and never sees the host environment', async () => {
      // A "real" kubectl first on the host PATH that would leave a mark, and host variables.
      fakeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-shell-fake-'));
      const mark = path.join(fakeDir, 'real-kubectl-ran');
      fs.writeFileSync(path.join(fakeDir, 'kubectl'), `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
      process.env.PATH = `${fakeDir}:${process.env.PATH}`;
      process.env.KUBECONFIG = '/host/kubeconfig';
      process.env.READMESHELL_HOST_SECRET = 'leaked';

      const run = await runReadme(md(
        '```bash',
        'echo "kubectl=$(type -P kubectl)"',
        'for tool in kubectl istioctl helm curl sleep; do echo "$tool=$(command -v "$tool")"; done',
        'kubectl version --client',
        'curl -sS https://example.com/',
        'echo "HOME=$HOME"',
        'env',
        '```',
      ), { env: CTX });
      expectOk(run);
      expect(fs.existsSync(mark)).toBe(false);
      // Every stubbed tool resolves into the run's stub directory, ahead of /usr/bin.
      const resolved = Object.fromEntries(run.stdout.split('\n').filter((l) => /^(kubectl|istioctl|helm|curl|sleep)=/.test(l)).map((l) => l.split('=')));
      for (const tool of ['kubectl', 'istioctl', 'helm', 'curl', 'sleep']) expect(resolved[tool]).toMatch(new RegExp(`/readme-shell-[^/]+/bin/${tool}$`));
      expect(run.calls.map((c) => c.cmd)).toEqual(['kubectl', 'curl']); // the calls reached the stubs
      expect(run.calls[0].cwd).toMatch(/\/readme-shell-[^/]+\/work$/);

      const envLines = run.stdout.split('\n').slice(run.stdout.split('\n').findIndex((l) => l.startsWith('HOME=')) + 1).filter(Boolean);
      const names = envLines.map((l) => l.split('=')[0]);
      expect(names).not.toContain('KUBECONFIG');
      expect(run.stdout).not.toContain('leaked');
      expect(new Set(names)).toEqual(new Set(['CTX_CLUSTER1', 'CTX_CLUSTER2', 'PATH', 'HOME', 'LANG', 'PWD', 'SHLVL', '_', ...names.filter((n) => n === 'OLDPWD')]));
      const env = Object.fromEntries(envLines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(env.PATH).toMatch(/^\/.*\/readme-shell-[^/]+\/bin:\/usr\/bin:\/bin$/);
      expect(env.HOME).not.toBe(os.homedir());
      expect(env.LANG).toBe('C');
      await expect(runReadme('', { env: { PATH: '/usr/local/bin' } })).rejects.toThrow(/PATH/);
    });
  });

  it('kills a run that never ends at the timeout, background jobs included', async () => {
    const run = await runReadme(md(
      '```bash',
      'kubectl get pods',
      '```',
      '```bash',
      '( while :; do echo beat >> heartbeat; done ) &',
      'until kubectl --context="${CTX_CLUSTER1}" get pods | grep -q Running; do sleep 2; done',
      '```',
    ), { env: CTX, timeoutMs: 1000, keepWorkDir: true, replies: [{ cmd: 'kubectl', stdout: 'istiod-1 Pending\n' }] });
    try {
      expect(run).toMatchObject({ ok: false, timedOut: true, exitCode: null, signal: 'SIGKILL', failedBlock: 1 });
      expect(run.durationMs).toBeLessThan(4000);
      expect(callsTo(run, 'kubectl', 'get', 'pods').length).toBeGreaterThan(3);
      const heartbeat = path.join(run.workDir!, 'heartbeat');
      const size = fs.statSync(heartbeat).size;
      await new Promise((r) => setTimeout(r, 300));
      expect(fs.statSync(heartbeat).size).toBe(size); // the background loop is dead too
    } finally {
      fs.rmSync(path.dirname(run.workDir!), { recursive: true, force: true });
    }
  });

  it('works the same with the node stubs used where bash lacks /dev/tcp', async () => {
    const run = await runReadme(md(
      '```bash',
      'V=$(istioctl version --remote=false)',
      'echo "$V" | kubectl apply --context="${CTX_CLUSTER1}" -f -',
      'kubectl get pods || echo "failed with $?"',
      '```',
    ), {
      env: CTX,
      stubRuntime: 'node',
      replies: [
        { cmd: 'istioctl', stdout: '1.24.0\n' },
        { cmd: 'kubectl', match: (a) => a[0] === 'get', exitCode: 4, stderr: 'nope\n' },
      ],
    });
    expectOk(run);
    expect(run.calls.map((c) => [c.cmd, c.stdin])).toEqual([['istioctl', undefined], ['kubectl', '1.24.0\n'], ['kubectl', undefined]]);
    expect(run.stdout).toBe('failed with 4\n');
    expect(run.stderr).toBe('nope\n');
  });
});
