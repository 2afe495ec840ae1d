import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Istio, IstioProps, IstioSpecProfile, IstioSpecVersion } from '../../../imports/sail-sailoperator.io';
import { SAIL_ISTIO_VERSIONS } from '../../model/sail-versions';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';

/** The profiles the `Istio` resource accepts (`spec.profile`). */
const SAIL_PROFILES: readonly string[] = Object.values(IstioSpecProfile);

/**
 * The typed `Istio`, with `spec.values` set as given. The generated class rebuilds its JSON
 * through the typed value classes after applying JSON patches, which renames keys
 * (meshID → meshId) and drops any it does not know; the values are added after that, for
 * Helm needs them as Istio's charts spell them.
 */
class IstioWithHelmValues extends Istio {
  constructor(scope: Construct, id: string, props: IstioProps, private readonly helmValues?: Record<string, unknown>) {
    super(scope, id, props);
  }

  public override toJson(): any {
    const json = super.toJson();
    return this.helmValues === undefined ? json : JsonPatch.apply(json, JsonPatch.add('/spec/values', this.helmValues));
  }
}

/** Properties of {@link SailIstio}. */
export interface SailIstioProps {
  /**
   * The Istio release to install, as the Sail Operator names it: `v1.30.3`, or `v1.30-latest`
   * for the newest patch the operator knows. It must be one the operator's `Istio` resource
   * lists (see `SAIL_ISTIO_VERSIONS`).
   */
  readonly version: string;

  /**
   * The Helm values of Istio's charts, passed to the operator as `spec.values` exactly as given:
   * the same keys as the istiod chart's values (`global.meshID`, `meshConfig`, …), not renamed.
   * @default - none: the profile's values
   */
  readonly values?: Record<string, unknown>;

  /**
   * The profile whose values the operator applies under `values`, such as `remote` for a
   * cluster whose control plane runs in another cluster.
   * @default - none: the operator's `default` profile
   */
  readonly profile?: string;

  /**
   * The namespace the control plane is installed into. It must exist before the operator can
   * install into it; the operator does not create it.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * The resource's name. `default` is the name the operator's documentation uses, and the
   * revision name the control plane gets with the `InPlace` update strategy.
   * @default 'default'
   */
  readonly name?: string;

  /**
   * Labels of the resource.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * An Istio control plane installed by the Sail Operator: its cluster-scoped `Istio` resource
 * (sailoperator.io/v1), from which the operator installs Istio's `base` and `istiod` charts
 * with the given values. The operator must run in the cluster, and the namespace exist.
 */
export class SailIstio extends Construct {
  /** The resource's name. */
  public readonly name: string;
  /** The namespace the control plane is installed into. */
  public readonly namespace: string;
  /** The underlying `Istio` object. */
  public readonly resource: Istio;

  constructor(scope: Construct, id: string, props: SailIstioProps) {
    super(scope, id);
    this.name = props.name ?? 'default';
    this.namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    const { version, profile, values } = props;
    this.node.addValidation({
      validate: () => [
        ...(SAIL_ISTIO_VERSIONS.includes(version) ? [] : [`version ${version} is not one the Sail Operator's Istio resource lists`]),
        ...(profile === undefined || SAIL_PROFILES.includes(profile)
          ? [] : [`profile ${profile} is not one of the Sail Operator's: ${SAIL_PROFILES.join(', ')}`]),
      ],
    });
    this.resource = new IstioWithHelmValues(this, 'Resource', {
      metadata: { name: this.name, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: {
        version: version as IstioSpecVersion,
        namespace: this.namespace,
        profile: profile as IstioSpecProfile | undefined,
      },
    }, values === undefined ? undefined : structuredClone(values));
  }
}
