import { Construct } from 'constructs';
import { ZTunnel, ZTunnelSpecTargetRefKind, ZTunnelSpecVersion } from '../../../imports/sail-ztunnel-sailoperator.io';
import { sailMetadata, SailResourceProps, sailVersionProblems, withHelmValues } from './sail-helm-values';

/** The namespace the `ZTunnel` CRD defaults to, and the Sail Operator's documentation uses. */
export const SAIL_ZTUNNEL_NAMESPACE = 'ztunnel';

/** The versions the `ZTunnel` resource accepts. */
const VERSIONS: readonly string[] = Object.values(ZTunnelSpecVersion);

const ZTunnelWithHelmValues = withHelmValues(ZTunnel);

/**
 * Properties of {@link SailZTunnel}. The values are those of Istio's `ztunnel` chart: `global`,
 * and under `ztunnel` what the chart takes at its top level (`multiCluster.clusterName`,
 * `network`, …), which the operator moves there.
 */
export interface SailZTunnelProps extends SailResourceProps {
  /**
   * The namespace ztunnel is installed into. It must exist before the operator can install into
   * it; the operator does not create it. istiod issues certificates only to a ztunnel in its own
   * namespace or in its `pilot.trustedZtunnelNamespace`.
   * @default 'ztunnel'
   */
  readonly namespace?: string;

  /**
   * The `Istio` resource ztunnel belongs to (`spec.targetRef`): the operator copies its
   * `global`, `meshConfig` and `revision` values into ztunnel's, under those given here.
   * @default - none: only the values given here
   */
  readonly istio?: string;
}

/**
 * Istio's ztunnel installed by the Sail Operator: its cluster-scoped `ZTunnel` resource
 * (sailoperator.io/v1), from which the operator installs Istio's `ztunnel` chart with the
 * `ambient` profile. The CRD allows one, named `default`.
 */
export class SailZTunnel extends Construct {
  /** The resource's name: `default`, the only one the CRD allows. */
  public readonly name = 'default';
  /** The namespace ztunnel is installed into. */
  public readonly namespace: string;
  /** The underlying `ZTunnel` object. */
  public readonly resource: ZTunnel;

  constructor(scope: Construct, id: string, props: SailZTunnelProps) {
    super(scope, id);
    this.namespace = props.namespace ?? SAIL_ZTUNNEL_NAMESPACE;
    const { version, istio } = props;
    this.node.addValidation({ validate: () => sailVersionProblems('ZTunnel', version, VERSIONS) });
    this.resource = new ZTunnelWithHelmValues(this, 'Resource', {
      metadata: sailMetadata(this.name, props.labels),
      spec: {
        version: version as ZTunnelSpecVersion,
        namespace: this.namespace,
        targetRef: istio !== undefined ? { kind: ZTunnelSpecTargetRefKind.ISTIO, name: istio } : undefined,
      },
    }).setHelmValues(props.values);
  }
}
