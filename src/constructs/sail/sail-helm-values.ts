import { ApiObject, JsonPatch } from 'cdk8s';

type ApiObjectClass = new (...args: any[]) => ApiObject;

/** A typed Sail Operator resource whose `spec.values` are written as given. */
export interface HelmValuesResource {
  /** Sets `spec.values` to a copy of `values`, as they are now; none when undefined. */
  setHelmValues(values: Record<string, unknown> | undefined): this;
}

/**
 * A typed Sail Operator resource with `spec.values` set as given. The generated classes rebuild
 * their JSON through the typed value classes after applying JSON patches, which renames keys
 * (meshID → meshId, psp_cluster_role → pspClusterRole) and drops any they do not know; the
 * values are added after that, for Helm needs them as Istio's charts spell them.
 */
export function withHelmValues<T extends ApiObjectClass>(Resource: T): new (...args: ConstructorParameters<T>) => InstanceType<T> & HelmValuesResource {
  class WithHelmValues extends Resource implements HelmValuesResource {
    private helmValues?: Record<string, unknown>;

    public setHelmValues(values: Record<string, unknown> | undefined): this {
      this.helmValues = values === undefined ? undefined : structuredClone(values);
      return this;
    }

    public override toJson(): any {
      const json = super.toJson();
      return this.helmValues === undefined ? json : JsonPatch.apply(json, JsonPatch.add('/spec/values', this.helmValues));
    }
  }
  return WithHelmValues as unknown as new (...args: ConstructorParameters<T>) => InstanceType<T> & HelmValuesResource;
}

/** What every Sail Operator resource here takes. */
export interface SailResourceProps {
  /**
   * The Istio release to install, as the Sail Operator names it: `v1.30.3`, or `v1.30-latest`
   * for the newest patch the operator knows. It must be one the resource's CRD lists.
   */
  readonly version: string;

  /**
   * The Helm values of the resource's charts, passed to the operator as `spec.values` exactly as
   * given, keys as Istio's charts spell them (`global.meshID`, not renamed); a copy, taken when
   * the construct is created.
   * @default - none: the profile's values
   */
  readonly values?: Record<string, unknown>;

  /**
   * Labels of the resource.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** The resource's `metadata`, with a copy of its labels. */
export function sailMetadata(name: string, labels: Record<string, string> | undefined) {
  return { name, ...(labels ? { labels: { ...labels } } : {}) };
}

/** A problem when `version` is not one the resource's CRD lists (the API server would refuse it). */
export function sailVersionProblems(kind: string, version: string, versions: readonly string[]): string[] {
  return versions.includes(version) ? [] : [`version ${version} is not one the Sail Operator's ${kind} resource lists`];
}

/** A problem when `profile` is not one the resource's CRD lists. */
export function sailProfileProblems(profile: string | undefined, profiles: readonly string[]): string[] {
  return profile === undefined || profiles.includes(profile) ? [] : [`profile ${profile} is not one of the Sail Operator's: ${profiles.join(', ')}`];
}
