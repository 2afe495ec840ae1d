import { Document, parse, visit } from 'yaml';
import type { ScalarTag } from 'yaml';

/**
 * Serializes objects as a multi-document YAML file. Key order is the order the objects
 * were built in, no line is folded, objects repeated by reference are written out in full
 * (no anchors or aliases), and the same input always gives the same bytes.
 *
 * Every string, value or map key, is written so that it reads back as that same string in
 * YAML 1.2 readers and in YAML 1.1 readers, including Go's (gopkg.in/yaml.v2, which
 * sigs.k8s.io/yaml, kubectl and Helm use, and yaml.v3). See {@link isSafePlain}.
 */
export function toYaml(documents: object[], headerComment: string[] = []): string {
  const header = headerComment.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  const body = documents.map(renderDocument).join('---\n');
  return header.length > 0 ? `${header}\n${body}` : body;
}

function renderDocument(value: object): string {
  const doc = new Document(value, {
    // Objects repeated by reference are written in full: no `&anchor` / `*alias`.
    aliasDuplicateObjects: false,
    // Plain-object keys whose value is `undefined` are left out, as js-yaml and JSON do.
    keepUndefined: false,
    customTags: (tags) => tags.map((tag) => (typeof tag === 'object' && tag.tag === STRING_TAG.tag ? STRING_TAG : tag)),
  });
  visit(doc, {
    Scalar(_key, node) {
      // `undefined` in an array becomes `null`, as in JSON (js-yaml did the same).
      if (node.value === undefined) node.value = null;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** The string tag, with every string's style chosen by {@link stringifyStringSafely}. */
const STRING_TAG: ScalarTag = {
  identify: (value) => typeof value === 'string',
  default: true,
  tag: 'tag:yaml.org,2002:str',
  resolve: (str) => str,
  stringify: (item, ctx) => stringifyStringSafely(String(item.value), ctx.indent, !!ctx.implicitKey || !!ctx.inFlow),
};

/**
 * The one place that decides how a string is written:
 * - plain, when {@link isSafePlain} says no reader can take it for anything else;
 * - a `|` block literal, for multi-line values that {@link isSafeBlockLiteral} allows;
 * - single-quoted, when it has one line and only {@link SAFE_TEXT} characters;
 * - otherwise double-quoted on one line, with every character a reader could change escaped.
 */
function stringifyStringSafely(value: string, indent: string, inKeyOrFlow: boolean): string {
  if (UNPAIRED_SURROGATE.test(value)) {
    throw new Error(`toYaml: ${JSON.stringify(value)} has an unpaired UTF-16 surrogate and cannot be written as UTF-8`);
  }
  if (isSafePlain(value)) return value;
  if (!SAFE_TEXT.test(value)) return doubleQuoted(value);
  if (!value.includes('\n')) return singleQuoted(value);
  if (!inKeyOrFlow && indent !== '' && isSafeBlockLiteral(value)) return blockLiteral(value, indent);
  return doubleQuoted(value);
}

/**
 * A multi-line string is written as a `|` block literal only in its plainest form, so that no
 * reader's handling of indentation indicators, tabs, blank lines or `|+` chomping matters:
 * its first line is not empty and starts with neither a space nor a tab (the indentation is
 * then taken from it), no line is made only of blanks, and it ends in at most one line feed.
 * Others are double-quoted.
 */
function isSafeBlockLiteral(value: string): boolean {
  const body = value.endsWith('\n') ? value.slice(0, -1) : value;
  if (body.endsWith('\n')) return false;
  const lines = body.split('\n');
  return /^[^\t ]/.test(lines[0]) && lines.every((line) => line === '' || /[^\t ]/.test(line));
}

function blockLiteral(value: string, indent: string): string {
  const chomp = value.endsWith('\n') ? '' : '-';
  const body = chomp === '' ? value.slice(0, -1) : value;
  return `|${chomp}\n${body
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n')}`;
}

/**
 * A string is written plain (unquoted) only when all of these hold:
 * - it is printable ASCII without tabs or line breaks;
 * - it starts with a letter, `_` or `/`. This rules out, at once, everything YAML 1.1 and
 *   Go's gopkg.in/yaml.v2 resolve as a number, timestamp or special float (all start with a
 *   digit, `+`, `-` or `.`: `0_9`, `0b-1`, `3_e2`, `1:20`, `.inf`, `1.31.1`, `2001-12-14`),
 *   the `<<` merge key, `=`, `~`, and every YAML indicator (`-`, `?`, `:`, `#`, `&`, `*`,
 *   `!`, `|`, `>`, `'`, `"`, `%`, `@`, `` ` ``, `[`, `]`, `{`, `}`, `,`);
 * - it has no `: ` or ` #` inside and ends in neither `:` nor a space;
 * - it is not a YAML 1.1 bool or null word in any letter case (`y`, `No`, `oN`, `NULL`, ...);
 * - a YAML 1.1 reader reads it back, written plain as a map key and as a value, as this string.
 * Quoting a string that did not need it is harmless; the rule errs that way.
 */
function isSafePlain(value: string): boolean {
  if (!/^[A-Za-z_/][\x20-\x7e]*$/.test(value) || /: | #|[: ]$/.test(value)) return false;
  if (BOOL_OR_NULL_WORDS.has(value.toLowerCase())) return false;
  let cached = plainCache.get(value);
  if (cached === undefined) {
    cached = readsBackAsItself(value);
    if (plainCache.size >= 10_000) plainCache.clear();
    plainCache.set(value, cached);
  }
  return cached;
}

const plainCache = new Map<string, boolean>();

/** Whether `value`, written plain as a map key and as its value, reads back as itself in YAML 1.1. */
function readsBackAsItself(value: string): boolean {
  try {
    const read = parse(`${value}: ${value}\n`, { version: '1.1', mapAsMap: true, logLevel: 'silent' }) as unknown;
    return read instanceof Map && read.size === 1 && read.get(value) === value;
  } catch {
    return false;
  }
}

/** YAML 1.1 booleans and nulls (and yaml.v2's), compared case-insensitively. */
const BOOL_OR_NULL_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '']);

/**
 * Text every YAML reader keeps as is inside quotes or a block scalar: tab, line feed and
 * printable characters. Left out: the other C0 controls (carriage return among them), DEL,
 * the C1 controls (U+0085 NEL among them) and U+2028/U+2029, which YAML 1.1 and Go read as
 * line breaks or reject, the byte order mark U+FEFF, and U+FFFE/U+FFFF.
 */
const SAFE_TEXT = /^[\t\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** One line, `"` quoted, escaping `"`, `\`, tab, line feed and everything outside {@link SAFE_TEXT}. */
function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (SAFE_TEXT.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}
