/**
 * Stand-ins for what a cluster and External Secrets do with the credential objects: the token
 * controller filling the reader's token Secret, a PushSecret copying it to a store, and an
 * ExternalSecret rendering its template from the store.
 */
import { expect } from 'vitest';
import { parse } from 'yaml';

/**
 * Go's text/template as External Secrets' v2 engine runs it (`missingkey=error`), for exactly the
 * constructs the remote secret's template may use: `{{ .key }}` and `{{ .key | b64enc }}`. Anything
 * else throws, so that a template using more cannot pass by being misread.
 */
export function renderGoTemplate(template: string, values: Record<string, string>): string {
  const rendered = template.replace(/\{\{(.*?)\}\}/gs, (_action, body: string) => {
    const match = /^ *\.([A-Za-z_][A-Za-z0-9_]*)(?: *\| *(b64enc))? *$/.exec(body);
    if (!match) throw new Error(`template stand-in: unsupported action {{${body}}}`);
    const [, key, pipe] = match;
    if (!Object.prototype.hasOwnProperty.call(values, key)) throw new Error(`template stand-in: map has no entry for key "${key}"`);
    return pipe === 'b64enc' ? Buffer.from(values[key], 'utf8').toString('base64') : values[key];
  });
  if (rendered.includes('{{')) throw new Error('template stand-in: unclosed action');
  return rendered;
}

/** A secret store: an entry is a value, or a map of properties for stores like Vault. */
export type Store = Map<string, string | Record<string, string>>;

/** What Kubernetes' token controller puts into a token Secret of the reader service account. */
export function filledTokenSecret(tokenSecret: any, token: string, ca: string): Record<string, string> {
  expect(tokenSecret.type).toBe('kubernetes.io/service-account-token');
  return { 'token': token, 'ca.crt': ca, 'namespace': tokenSecret.metadata.namespace };
}

/** What the PushSecret does: copy the selected Secret's keys to the store. */
export function push(pushSecret: any, secretData: Record<string, string>, store: Store): void {
  for (const { match } of pushSecret.spec.data) {
    const value = secretData[match.secretKey];
    if (value === undefined) throw new Error(`push: the Secret has no key ${match.secretKey}`);
    const { remoteKey, property } = match.remoteRef;
    if (property === undefined) store.set(remoteKey, value);
    else store.set(remoteKey, { ...(store.get(remoteKey) as Record<string, string> | undefined), [property]: value });
  }
}

/**
 * What the ExternalSecret makes of the store (External Secrets' `ApplyTemplate`): a Secret named
 * by the target, in the ExternalSecret's namespace, with the template's labels, annotations and
 * data rendered. External Secrets' own bookkeeping labels and annotations are left out.
 */
export function externalSecretTarget(externalSecret: any, store: Store): any {
  const values: Record<string, string> = {};
  for (const { secretKey, remoteRef } of externalSecret.spec.data) {
    const entry = store.get(remoteRef.key);
    const value = remoteRef.property === undefined ? entry : (entry as Record<string, string> | undefined)?.[remoteRef.property];
    if (typeof value !== 'string') throw new Error(`fetch: no value at ${remoteRef.key}${remoteRef.property ? `#${remoteRef.property}` : ''}`);
    values[secretKey] = value;
  }
  const { target } = externalSecret.spec;
  const render = (map: Record<string, string> | undefined) =>
    (map === undefined ? undefined : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, renderGoTemplate(v, values)])));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: target.name ?? externalSecret.metadata.name,
      namespace: externalSecret.metadata.namespace,
      labels: render(target.template.metadata?.labels),
      annotations: render(target.template.metadata?.annotations),
    },
    ...(target.template.type !== undefined ? { type: target.template.type } : {}),
    data: Object.fromEntries(Object.entries(render(target.template.data)!).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

/**
 * A Secret as the API server keeps it, ready to compare: `stringData` folded into `data`, the
 * default type filled in, and each value, a kubeconfig, parsed as Go's YAML reader would parse it.
 */
export function asStored(secret: any): any {
  const data: Record<string, string> = {
    ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v as string, 'base64').toString('utf8')])),
    ...secret.stringData,
  };
  const { stringData: _s, data: _d, ...rest } = secret;
  return {
    ...rest,
    type: secret.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, parse(v, { version: '1.1' })])),
  };
}

