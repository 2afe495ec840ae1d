import * as yaml from 'js-yaml';

/**
 * Serializes objects as a multi-document YAML file. Key order is the order the objects
 * were built in and no line is folded, so the same input always gives the same bytes.
 */
export function toYaml(documents: object[], headerComment: string[] = []): string {
  const header = headerComment.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  const body = documents
    .map((doc) => yaml.dump(doc, { noRefs: true, lineWidth: -1 }))
    .join('---\n');
  return header.length > 0 ? `${header}\n${body}` : body;
}
