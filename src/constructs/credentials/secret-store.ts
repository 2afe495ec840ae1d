import { goDurationProblem } from '../../model/formats';
import { SecretStoreKind, SecretStoreRef, secretStoreKind } from '../../model/trust-spec';

// One store type for the model and the constructs, so a mesh's store passes through unchanged.
export { SecretStoreKind, SecretStoreRef, secretStoreKind };

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
    ...(store.kind === undefined || store.kind === 'SecretStore' || store.kind === 'ClusterSecretStore'
      ? [] : [`secretStoreRef.kind ${JSON.stringify(store.kind)} must be SecretStore or ClusterSecretStore`]),
    ...(intervalProblem === undefined ? [] : [`refreshInterval ${JSON.stringify(refreshInterval)} ${intervalProblem}`]),
  ];
}
