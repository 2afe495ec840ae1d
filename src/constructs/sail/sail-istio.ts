import { Construct } from 'constructs';
import { Istio, IstioSpecProfile, IstioSpecVersion } from '../../../imports/sail-sailoperator.io';
import { SAIL_ISTIO_VERSIONS } from '../../model/sail-versions';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { sailMetadata, sailProfileProblems, SailResourceProps, sailVersionProblems, withHelmValues } from './sail-helm-values';

/** The profiles the `Istio` resource accepts (`spec.profile`). */
const SAIL_PROFILES: readonly string[] = Object.values(IstioSpecProfile);

const IstioWithHelmValues = withHelmValues(Istio);

/**
 * Properties of {@link SailIstio}. The version must be one the operator's `Istio` resource lists
 * (see `SAIL_ISTIO_VERSIONS`); the values are the istiod chart's (`global.meshID`, `meshConfig`, …).
 */
export interface SailIstioProps extends SailResourceProps {
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
      validate: () => [...sailVersionProblems('Istio', version, SAIL_ISTIO_VERSIONS), ...sailProfileProblems(profile, SAIL_PROFILES)],
    });
    this.resource = new IstioWithHelmValues(this, 'Resource', {
      metadata: sailMetadata(this.name, props.labels),
      spec: {
        version: version as IstioSpecVersion,
        namespace: this.namespace,
        profile: profile as IstioSpecProfile | undefined,
      },
    }).setHelmValues(values);
  }
}
