/** `base.key`, or `base["a/b"]` for a key that is not a plain identifier. */
export function memberName(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** `clusters[1].eastWestGateway.serviceAnnotations["a/b"]`: a path as people read it. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'description' : path.reduce<string>(memberName, '');
}
