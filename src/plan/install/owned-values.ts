import { isDeepStrictEqual } from 'util';
import { isValuesObject, ownValue, ValuesObject } from './merge-values';

/** An override that would change a value the library derives for a cluster. */
export interface OwnedValueConflict {
  /** The keys from the override's root to the key at fault. */
  readonly path: string[];
  /** What the override gives there; `null` deletes it. */
  readonly given: unknown;
  /** What the library derives there: a value, or the object of derived values it would replace. */
  readonly required: unknown;
}

/**
 * The keys of `override` that, merged over `owned` by `mergeValues`, would change one of its
 * values: a different value, an object or `null` in place of a value, or a value or `null` in
 * place of an object that holds derived values. Giving a derived value its own value is no
 * conflict, and neither is any key that `owned` does not have.
 */
export function ownedValueConflicts(owned: ValuesObject, override: ValuesObject, path: readonly string[] = []): OwnedValueConflict[] {
  const conflicts: OwnedValueConflict[] = [];
  for (const [key, given] of Object.entries(override)) {
    const required = ownValue(owned, key);
    if (required === undefined) continue;
    const at = [...path, key];
    if (isValuesObject(required) && isValuesObject(given)) conflicts.push(...ownedValueConflicts(required, given, at));
    else if (!isDeepStrictEqual(given, required)) conflicts.push({ path: at, given, required });
  }
  return conflicts;
}
