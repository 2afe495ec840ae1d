import { goDurationProblem } from '../../model/formats';

/** The kinds of External Secrets store a PushSecret or ExternalSecret can refer to. */
export type SecretStoreKind = 'SecretStore' | 'ClusterSecretStore';

/** The External Secrets store the reader credentials are pushed to and read from. */
export interface SecretStoreRef {
  /** The store's name. */
  readonly name: string;
  /**
   * `ClusterSecretStore` for a store every namespace can use, `SecretStore` for one in the
   * object's own namespace (istio-system).
   */
  readonly kind: SecretStoreKind;
}

/**
 * The properties to push to and read from, for stores whose entries are maps. HashiCorp Vault's
 * KV engine needs one: without a property it takes a pushed value for a JSON object.
 */
export interface RemoteCredentialProperties {
  /**
   * The property of the token's entry.
   * @default - none: the entry is the token itself
   */
  readonly token?: string;
  /**
   * The property of the CA's entry.
   * @default - none: the entry is the CA itself
   */
  readonly ca?: string;
}

/** How often the credentials are pushed and read again unless told otherwise. */
export const DEFAULT_CREDENTIAL_REFRESH_INTERVAL = '1h';

/** Why a store reference or refresh interval is unusable, for `node.addValidation`. */
export function secretStoreProblems(store: SecretStoreRef, refreshInterval: string): string[] {
  const intervalProblem = goDurationProblem(refreshInterval);
  return [
    ...(store.name !== '' ? [] : ['secretStoreRef.name must not be empty']),
    ...(store.kind === 'SecretStore' || store.kind === 'ClusterSecretStore'
      ? [] : [`secretStoreRef.kind ${JSON.stringify(store.kind)} must be SecretStore or ClusterSecretStore`]),
    ...(intervalProblem === undefined ? [] : [`refreshInterval ${JSON.stringify(refreshInterval)} ${intervalProblem}`]),
  ];
}
