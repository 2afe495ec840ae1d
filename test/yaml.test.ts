import fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, Scalar, visit } from 'yaml';
import { toYaml } from '../src/model/yaml';
import { loadAllYaml11 } from './yaml11';

/** Asserts that a YAML 1.1 reader and a YAML 1.2 reader (js-yaml) both read `docs` back unchanged. */
function expectReadBack(docs: object[], text = toYaml(docs)): void {
  const plain = JSON.parse(JSON.stringify(docs)) as unknown[];
  expect(withoutNegativeZero(loadAllYaml11(text)), text).toEqual(plain);
  expect(withoutNegativeZero(jsyaml.loadAll(text)), text).toEqual(plain);
}

/** -0 as 0: JSON, which the API server speaks, has no -0, so the plain copy of the input cannot hold one either. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return value;
}

/** Every scalar written plain (unquoted, not a block) in a YAML text, with its value. */
function plainScalars(text: string): Scalar[] {
  const out: Scalar[] = [];
  for (const doc of parseAllDocuments(text)) {
    visit(doc, {
      Scalar(_key, node) {
        if (node.type === Scalar.PLAIN) out.push(node);
      },
    });
  }
  return out;
}

const BOOL_OR_NULL_WORDS = ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~'];

// Strings to throw at the writer.
const numberChar = fc.constantFrom(...'0123456789_.eE+-xXoObB:'.split(''), '0x', '0o', '0b', '.inf', '.nan');
/** Strings that YAML 1.1 or Go's gopkg.in/yaml.v2 may take for numbers: `0_9`, `0b-1`, `3_e2`, `1:20`, `-.inf`, ... */
const numberLike = fc.array(numberChar, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));
/** YAML 1.1 bool and null words in random letter case, sometimes with a neighbour. */
const boolOrNullWord = fc
  .tuple(fc.constantFrom(...BOOL_OR_NULL_WORDS, '<<', '=', '.inf', '-.inf', '.nan'), fc.infiniteStream(fc.boolean()))
  .map(([word, upper]) => [...word].map((c) => (upper.next().value ? c.toUpperCase() : c)).join(''))
  .chain((word) => fc.constantFrom(word, `${word} `, ` ${word}`, `${word}:`, `${word}\n`, `-${word}`, `${word}_`));
/** Blanks, line breaks (YAML 1.1 and Go also break lines at U+0085, U+2028, U+2029), indicators and controls. */
const syntaxHeavy = fc
  .array(
    fc.constantFrom(' ', '\n', '\t', '\r', '\u0085', '\u2028', '\u2029', '\ufeff', '\u00a0', '\x7f', '\0', '\x1b', '\ufffe', 'a', '#', '-', ':', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '\\', '---', '...', '<<'),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));
/** Multi-line texts: scripts, indented lines, blank lines, trailing line feeds. */
const multiLine = fc
  .array(fc.array(fc.constantFrom('a', 'echo hi', ' ', '\t', '#', '- x', '---', 'k: v', '"', "'", '%'), { maxLength: 4 }).map((p) => p.join('')), { minLength: 2, maxLength: 5 })
  .map((lines) => lines.join('\n'));
const anyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
  numberLike,
  boolOrNullWord,
  syntaxHeavy,
  multiLine,
);

/** JSON-like trees whose strings and keys come from {@link anyString}. */
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('list'), tie('object')),
  leaf: fc.oneof(anyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
  list: fc.array(tie('tree'), { maxLength: 4 }),
  object: fc.dictionary(anyString, tie('tree'), { maxKeys: 4 }),
}));
const object = fc.dictionary(anyString, tree, { maxKeys: 5 });

const RUNS = { numRuns: 300 };

describe('toYaml: strings read back as the same strings (issue: YAML that Go tools read differently)', () => {
  it('quotes the three names from the issue, which Go read as 9, -1 and 300', () => {
    const spec = { network: '0_9', cluster: '0b-1', trustDomain: '3_e2' };
    const text = toYaml([spec]);
    expect(text).toBe("network: '0_9'\ncluster: '0b-1'\ntrustDomain: '3_e2'\n");
    expectReadBack([spec], text);
    // the same strings as keys
    expectReadBack([{ '0_9': 'network', '0b-1': 'cluster', '3_e2': 'trust domain' }]);
    expect(toYaml([{ '0_9': 1 }])).toBe("'0_9': 1\n");
  });

  it('quotes what Helm and kubectl would turn into numbers, booleans or null', () => {
    const values = {
      version: '1.31.1',
      port: '15020',
      enabled: 'true',
      answer: 'yes',
      short: 'n',
      switch: 'Off',
      nothing: 'null',
      tilde: '~',
      empty: '',
      octal: '0o17',
      hex: '0x1F',
      sexagesimal: '1:20',
      date: '2001-12-14',
      infinity: '.inf',
      negative: '-1',
      plus: '+1',
      merge: '<<',
      cidr: '10.0.0.0/8',
    };
    const text = toYaml([values]);
    for (const [key, value] of Object.entries(values)) {
      expect(text).toContain(`${key}: '${value}'\n`);
    }
    expectReadBack([values], text);
  });

  it('leaves ordinary Kubernetes and Istio strings plain', () => {
    const ordinary = ['istio-system', 'cluster1', 'mesh1', 'network1', 'LoadBalancer', 'TCP', 'cluster.local', 'app.kubernetes.io/name', 'docker.io/istio/examples-helloworld-v1:1.0', '/bin/sleep', 'tls-istiod', 'sleep infinity', "it's"];
    const text = toYaml([{ values: ordinary, keys: Object.fromEntries(ordinary.map((s) => [s, s])) }]);
    for (const s of ordinary) expect(text).toContain(`- ${s}\n`);
    for (const s of ordinary) expect(text).toContain(`  ${s}: ${s}\n`);
  });

  it('any string, as a value, in a list and in a list of objects, reads back unchanged', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expectReadBack([{ v: s, l: [s, { k: s }, [s]] }]);
      }),
      RUNS,
    );
  });

  it('any string, as a map key at the top and nested, reads back unchanged', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expectReadBack([{ [s]: s }, { m: { [s]: [s] } }]);
      }),
      RUNS,
    );
  });

  it('number-like strings (starting with a digit, `+`, `-`, `.` or `:`) and bool/null words are never written plain', () => {
    fc.assert(
      fc.property(fc.oneof(numberLike, boolOrNullWord), (s) => {
        const text = toYaml([{ v: s, [s]: 'k' }]);
        if (/^[0-9+\-.:]/.test(s) || BOOL_OR_NULL_WORDS.includes(s.toLowerCase())) {
          expect(plainScalars(text).map((node) => node.value)).not.toContain(s);
        }
        expectReadBack([{ v: s, [s]: 'k' }], text);
      }),
      { numRuns: 500 },
    );
  });

  it('a plain scalar is always printable ASCII starting with a letter, `_` or `/`, and never a bool/null word in any case', () => {
    // The rule that keeps Go's readers (gopkg.in/yaml.v2 strips `_`, parses `0b`/`0o`/`0x`
    // prefixes, `1:20`, `.inf`, y/n/on/off...) from taking a string for something else.
    fc.assert(
      fc.property(object, (obj) => {
        for (const node of plainScalars(toYaml([obj]))) {
          if (typeof node.value !== 'string') continue; // numbers, booleans, null
          expect(node.value).toMatch(/^[A-Za-z_/][\x20-\x7e]*$/);
          expect(BOOL_OR_NULL_WORDS).not.toContain(node.value.toLowerCase());
        }
      }),
      { numRuns: 150 },
    );
  });

  it('random trees of objects and arrays read back unchanged', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 3 }), (docs) => {
        expectReadBack(docs);
      }),
      { numRuns: 150 },
    );
  });

  it('multi-line strings read back exactly; the plain ones as `|` block literals', () => {
    fc.assert(
      fc.property(multiLine, (s) => {
        expectReadBack([{ v: s, l: [s], [s]: s }]);
      }),
      RUNS,
    );
    expect(toYaml([{ script: '#!/bin/sh\nset -e\n\n  echo "hi: there"\n' }])).toBe('script: |\n  #!/bin/sh\n  set -e\n\n    echo "hi: there"\n');
    expect(toYaml([{ l: ['a\nb'] }])).toBe('l:\n  - |-\n    a\n    b\n');
    // forms a block literal cannot hold plainly are double-quoted on one line
    expect(toYaml([{ v: ' indented\nfirst line' }])).toBe('v: " indented\\nfirst line"\n');
    expect(toYaml([{ v: 'two\n\n' }])).toBe('v: "two\\n\\n"\n');
    expect(toYaml([{ 'a\nb': 1 }])).toBe('"a\\nb": 1\n');
  });

  it('escapes characters that YAML 1.1 and Go read as line breaks or reject', () => {
    const value = 'a\u0085b\u2028c\u2029d\ufeffe\x7ff\rg\0h\u00e9\u{1f600}';
    const text = toYaml([{ v: value }]);
    expect(text).toBe('v: "a\\x85b\\u2028c\\u2029d\\uFEFFe\\x7Ff\\rg\\x00h\u00e9\u{1f600}"\n');
    expectReadBack([{ v: value }], text);
  });

  it('refuses strings that cannot be written as UTF-8 (unpaired surrogates)', () => {
    expect(() => toYaml([{ v: 'a\ud800b' }])).toThrow(/unpaired UTF-16 surrogate/);
  });
});

describe('toYaml: values other than strings', () => {
  it('numbers stay numbers, booleans stay booleans, null stays null', () => {
    const values = { port: 15443, negative: -3, ratio: 0.25, zero: 0, big: 1e21, yes: true, no: false, nothing: null };
    const text = toYaml([values]);
    expect(text).toBe("port: 15443\nnegative: -3\nratio: 0.25\nzero: 0\nbig: 1e+21\n'yes': true\n'no': false\nnothing: null\n");
    expectReadBack([values], text);
    fc.assert(
      fc.property(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), (i, d, b) => {
        expect(loadAllYaml11(toYaml([{ i, d, b }]))).toEqual([{ i, d, b }]);
      }),
      RUNS,
    );
  });

  it('leaves out keys whose value is undefined, and writes undefined in arrays as null (as JSON and js-yaml do)', () => {
    expect(toYaml([{ a: 1, b: undefined, c: { d: undefined } }])).toBe('a: 1\nc: {}\n');
    expect(toYaml([{ l: [1, undefined] }])).toBe('l:\n  - 1\n  - null\n');
  });

  it('writes an object repeated by reference in full each time: no anchors or aliases', () => {
    const shared = { name: 'istiod', port: 15012, tags: ['a'] };
    const text = toYaml([{ first: shared, second: shared, list: [shared, shared] }, { again: shared }]);
    expect(text).not.toMatch(/[&*]/);
    expect(text.match(/name: istiod/g)).toHaveLength(5);
    expectReadBack([{ first: shared, second: shared, list: [shared, shared] }, { again: shared }], text);
  });
});

describe('toYaml: file layout', () => {
  it('writes a typical Kubernetes object with keys in built order and lists indented under their key', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'helloworld-v1', namespace: 'sample', labels: { app: 'helloworld', version: 'v1' } },
      spec: {
        replicas: 1,
        template: {
          metadata: { annotations: { 'prometheus.io/port': '15020', 'sidecar.istio.io/inject': 'true' } },
          spec: {
            containers: [
              {
                name: 'helloworld',
                image: 'docker.io/istio/examples-helloworld-v1:1.0',
                command: ['/bin/sh', '-c', 'sleep 3650d'],
                env: [{ name: 'ISTIO_VERSION', value: '1.31.1' }],
                ports: [{ containerPort: 5000, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    };
    expect(toYaml([deployment])).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: helloworld-v1',
        '  namespace: sample',
        '  labels:',
        '    app: helloworld',
        '    version: v1',
        'spec:',
        '  replicas: 1',
        '  template:',
        '    metadata:',
        '      annotations:',
        "        prometheus.io/port: '15020'",
        "        sidecar.istio.io/inject: 'true'",
        '    spec:',
        '      containers:',
        '        - name: helloworld',
        '          image: docker.io/istio/examples-helloworld-v1:1.0',
        '          command:',
        '            - /bin/sh',
        "            - '-c'",
        '            - sleep 3650d',
        '          env:',
        '            - name: ISTIO_VERSION',
        "              value: '1.31.1'",
        '          ports:',
        '            - containerPort: 5000',
        '              protocol: TCP',
        '',
      ].join('\n'),
    );
  });

  it('does not fold long lines', () => {
    const long = 'word '.repeat(100).trim();
    const quoted = `-${long}`;
    const text = toYaml([{ long, quoted, [long]: 1 }]);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain(`long: ${long}\n`);
    expect(text).toContain(`quoted: '${quoted}'\n`);
    expectReadBack([{ long, quoted, [long]: 1 }], text);
  });

  it('joins documents with `---` and puts the header comment lines first', () => {
    expect(toYaml([{ a: 1 }, { b: 'x' }], ['Applied by: kubectl apply -f cluster1/', '', 'generated'])).toBe(
      '# Applied by: kubectl apply -f cluster1/\n#\n# generated\na: 1\n---\nb: x\n',
    );
    expect(toYaml([{}], ['values'])).toBe('# values\n{}\n');
    expect(toYaml([{ a: [] }])).toBe('a: []\n');
  });

  it('is deterministic: the same input gives the same bytes', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 2 }), (docs) => {
        const first = toYaml(docs, ['header']);
        toYaml([{ other: 'strings', '0_1': 'in between' }]);
        expect(toYaml(structuredClone(docs), ['header'])).toBe(first);
      }),
      { numRuns: 100 },
    );
  });
});
