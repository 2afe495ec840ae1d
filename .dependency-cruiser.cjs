// The layers of src/, lowest first: a file may import its own layer and those below it, never
// one above, type imports included, and no import cycle. Data flows one way: the model and its
// validation, the constructs, the plan, the renderers and the trust code, the writer, the mesh
// construct, the command line and the examples, and the entry points. `npm run layers` checks it.
const LAYERS = [
  ['model', '^src/model/'],
  ['constructs', '^src/constructs/'],
  ['plan', '^src/plan/'],
  ['render and trust', '^src/(render|trust)/'],
  ['writer', '^src/writer/'],
  ['mesh construct', '^src/mesh\\.ts$'],
  ['cli and examples', '^src/(cli|examples)/'],
  ['entry points', '^src/(index|main|cli)\\.ts$'],
];

const upward = LAYERS.flatMap(([name, from], i) => LAYERS.slice(i + 1).map(([above, to]) => ({
  name: `no-upward-import: ${name} -> ${above}`,
  comment: `${name} must not import ${above}, a higher layer`,
  severity: 'error',
  from: { path: from },
  to: { path: to },
})));

module.exports = {
  forbidden: [
    { name: 'no-cycle', comment: 'modules of src/ import each other in a cycle', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'every-file-in-a-layer',
      comment: 'a file of src/ outside every layer: add it to a layer of .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, p]) => p) },
      to: {},
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: '(^node_modules|^imports/)' },
    includeOnly: '^(src|imports)/',
    // Type imports count: a layer that names a higher layer's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
