/**
 * Mesh files: a mesh description (the fields of `MeshSpec`) as a YAML or JSON file.
 *
 * The file is parsed as YAML 1.2 (JSON is a subset of it), strictly: a duplicate key, a
 * second document, an unknown tag or an alias without its anchor is a problem, never a
 * guess. What parses is then analysed by `analyzeMesh`, the same check a description from
 * TypeScript gets (see `loadMeshFile`), and each problem is located in the file (line and
 * column) by `locate` here.
 */
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, visit, YAMLError } from 'yaml';
import { SCHEMA_KEY } from './mesh-file-schema';
import { describeValue } from './plain-data';
import { formatProblem, MeshProblem } from './validation';

/** A problem of a mesh file: a problem of its description, or of its YAML, with where it is. */
export interface MeshFileProblem extends MeshProblem {
  /** The file, as it was named to the loader. */
  readonly file: string;
  /** 1-based line of the field (or of the nearest enclosing one that the file has), when known. */
  readonly line?: number;
  /** 1-based column, with `line`. */
  readonly column?: number;
}

/** A mesh file read as YAML: the problems of its text, or the description it holds. */
export interface MeshFileText {
  readonly file: string;
  /** The problems of the text as YAML, and of its `$schema` key. */
  readonly problems: MeshFileProblem[];
  /** The description as written (without `$schema`), when the text is YAML of one document. */
  readonly description?: unknown;
  /** Where a field of the description (`clusters[1].network`) is written in the file, or its nearest enclosing field. */
  readonly locate: (field: string) => { readonly line?: number; readonly column?: number };
}

/** Deep enough for any mesh; stops alias expansion ("billion laughs") early. */
const MAX_ALIAS_COUNT = 100;

/**
 * `mesh.yaml:3:5: cluster "c2" (clusters[1].network): …`: one line, the file and position
 * first. Control characters (a value's newline, a terminal escape) are written escaped, as
 * in JSON, since messages quote the file's values.
 */
export function formatMeshFileProblem(problem: MeshFileProblem): string {
  const at = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${at}: ${formatProblem(problem)}`.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`.replace('\\u000a', '\\n').replace('\\u0009', '\\t'));
}

/** Reads the text of a mesh file as YAML; `file` names it in the problems. Never throws for any text. */
export function readMeshFileText(text: string, file: string): MeshFileText {
  const lines = new LineCounter();
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problem = (field: string, message: string, offset?: number): MeshFileProblem =>
    ({ file, field, message, ...(offset === undefined ? {} : at(offset)) });
  const failed = (problems: MeshFileProblem[]): MeshFileText => ({ file, problems, locate: () => ({}) });

  let documents: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      version: '1.2', uniqueKeys: true, prettyErrors: false, lineCounter: lines,
      // Problems are reported as problems, not as process warnings on stderr.
      logLevel: 'error',
    });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    // The parser's own limits (a stack overflow on absurd nesting): a problem of the text.
    return failed([problem('YAML', `could not be parsed (${e instanceof Error ? e.message : String(e)}); write the description as plain YAML`)]);
  }

  const syntax = documents.flatMap((d) => [...d.errors, ...d.warnings]).map((e) => syntaxProblem(e, text, problem));
  if (syntax.length > 0) return failed(syntax);
  if (documents.length > 1) {
    return failed([problem('document', `the file holds ${documents.length} YAML documents (separated by "---"); a mesh file holds one mesh: ` +
      'remove the extra "---" separators, or put each mesh in a file of its own', documents[1].range[0])]);
  }
  const doc = documents[0];
  if (doc === undefined || doc.contents === null) {
    return failed([problem('description', 'the file is empty; a mesh file holds one mesh description, a mapping with at least "clusters" ' +
      '(see the examples/ directory of the package, or run the schema command)', 0)]);
  }
  const version = doc.directives.yaml;
  if (version.explicit && version.version !== '1.2') {
    return failed([problem('YAML', `the %YAML ${version.version} directive: mesh files are read as YAML 1.2; remove the directive`, 0)]);
  }
  const unresolved = unresolvedAliases(doc);
  if (unresolved.length > 0) {
    return failed(unresolved.map(({ name, offset }) =>
      problem('YAML', `the alias *${name} names no anchor before it; define &${name} first, or write the value out`, offset)));
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return failed([problem('YAML', `could not be read (${e instanceof Error ? e.message : String(e)}); write the description without so many aliases`, 0)]);
  }

  const problems: MeshFileProblem[] = [];
  const description = withoutSchemaKey(value, (message) => problems.push(problem(SCHEMA_KEY, message, locate(doc, [SCHEMA_KEY]))));
  return { file, problems, description, locate: (field) => at(locate(doc, fieldPath(field)) ?? 0) };
}

/** The description without its top-level `$schema` string, which only editors read. */
function withoutSchemaKey(value: unknown, report: (message: string) => void): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, SCHEMA_KEY)) return value;
  const { [SCHEMA_KEY]: schema, ...rest } = value as Record<string, unknown>;
  if (typeof schema !== 'string') report(`must be a string, the address of the mesh file's JSON Schema, not ${describeValue(schema)}`);
  return rest;
}

function syntaxProblem(error: YAMLError, text: string, problem: (field: string, message: string, offset?: number) => MeshFileProblem): MeshFileProblem {
  const start = error.pos[0];
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = keyAt(text, start);
      const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
      return problem('YAML', `the key ${JSON.stringify(shown)} appears twice in one mapping; keep one of them`, start);
    }
    case 'TAG_RESOLVE_FAILED':
      return problem('YAML', `${error.message}; a mesh file holds plain values: remove the tag`, start);
    default:
      return problem('YAML', `syntax error: ${error.message.replace(/\s*\n[\s\S]*$/, '')}; fix the YAML here`, start);
  }
}

/** The mapping key written at `offset`, unquoted: the parser reports where a duplicate starts, not what it is. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const quoted = /^"((?:[^"\\\n]|\\.)*)"/.exec(rest) ?? /^'((?:[^'\n]|'')*)'/.exec(rest);
  if (quoted) {
    if (rest.startsWith("'")) return quoted[1].replace(/''/g, "'");
    try {
      return JSON.parse(`"${quoted[1]}"`) as string;
    } catch {
      return quoted[1];
    }
  }
  return /^[^\n]*?(?=:(\s|$))|^[^\n,}]*/m.exec(rest)![0].trim();
}

/** Aliases with no anchor before them, which the parser leaves for `toJS` to throw on. */
function unresolvedAliases(doc: Document.Parsed): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) found.push({ name: alias.source, offset: alias.range?.[0] ?? 0 });
    },
  });
  return found;
}

/** `clusters[1].eastWestGateway.serviceAnnotations["a/b"]` → `['clusters', 1, 'eastWestGateway', 'serviceAnnotations', 'a/b']`, as far as it reads. */
function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  const token = /^(?:\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = field;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) break;
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(JSON.parse(m[3]) as string);
    rest = rest.slice(m[0].length);
  }
  return path;
}

/**
 * The offset of the field at `path`: of its key in a mapping, or of the item in a list. A
 * field the file does not have (a missing required one) is located at the nearest enclosing
 * node that it has.
 */
function locate(doc: Document.Parsed, path: (string | number)[]): number | undefined {
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  let node = deref(doc.contents);
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = deref(pair.value);
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = deref(node.items[segment]);
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
