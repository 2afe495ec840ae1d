import { Construct } from 'constructs';
import { IstioCni, IstioCniSpecProfile, IstioCniSpecVersion } from '../../../imports/sail-istiocni-sailoperator.io';
import { sailMetadata, sailProfileProblems, SailResourceProps, sailVersionProblems, withHelmValues } from './sail-helm-values';

/** The namespace the `IstioCNI` CRD defaults to, and the Sail Operator's documentation uses. */
export const SAIL_CNI_NAMESPACE = 'istio-cni';

/** The versions and profiles the `IstioCNI` resource accepts. */
const VERSIONS: readonly string[] = Object.values(IstioCniSpecVersion);
const PROFILES: readonly string[] = Object.values(IstioCniSpecProfile);

const IstioCniWithHelmValues = withHelmValues(IstioCni);

/** Properties of {@link SailIstioCni}. The values are those of Istio's `cni` chart (`cni`, `global`). */
export interface SailIstioCniProps extends SailResourceProps {
  /**
   * The profile whose values the operator applies under `values`: `ambient` for the node agent
   * that redirects ambient pods' traffic to ztunnel.
   * @default - none: the operator's `default` profile (the CNI plugin for sidecars)
   */
  readonly profile?: string;

  /**
   * The namespace the node agent is installed into. It must exist before the operator can
   * install into it; the operator does not create it. Immutable once the resource exists.
   * @default 'istio-cni'
   */
  readonly namespace?: string;
}

/**
 * Istio's CNI node agent installed by the Sail Operator: its cluster-scoped `IstioCNI` resource
 * (sailoperator.io/v1), from which the operator installs Istio's `cni` chart. The CRD allows one,
 * named `default`.
 */
export class SailIstioCni extends Construct {
  /** The resource's name: `default`, the only one the CRD allows. */
  public readonly name = 'default';
  /** The namespace the node agent is installed into. */
  public readonly namespace: string;
  /** The underlying `IstioCNI` object. */
  public readonly resource: IstioCni;

  constructor(scope: Construct, id: string, props: SailIstioCniProps) {
    super(scope, id);
    this.namespace = props.namespace ?? SAIL_CNI_NAMESPACE;
    const { version, profile } = props;
    this.node.addValidation({
      validate: () => [...sailVersionProblems('IstioCNI', version, VERSIONS), ...sailProfileProblems(profile, PROFILES)],
    });
    this.resource = new IstioCniWithHelmValues(this, 'Resource', {
      metadata: sailMetadata(this.name, props.labels),
      spec: { version: version as IstioCniSpecVersion, namespace: this.namespace, profile: profile as IstioCniSpecProfile | undefined },
    }).setHelmValues(props.values);
  }
}
