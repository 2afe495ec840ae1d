import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Gateway, GatewaySpecListenersTlsMode } from '../../imports/gateway-api-gateway.networking.k8s.io';
import { toYaml } from '../model/yaml';
import { EastWestGatewayCommonProps } from './east-west-gateway';
import { optionalAnnotations, optionalSourceRanges, sourceRangeProblems } from './service-helpers';
import { EASTWEST_GATEWAY_NAME, ISTIO_SYSTEM_NAMESPACE, NETWORK_LABEL } from './istio-names';

/** The GatewayClass istiod runs for ambient east-west gateways when `AMBIENT_ENABLE_MULTI_NETWORK` is on. */
export const EAST_WEST_GATEWAY_CLASS = 'istio-east-west';
/** The port of HBONE, the HTTP/2 CONNECT tunnel ambient mode carries mesh traffic in. */
export const HBONE_PORT = 15008;
/** The label the Gateway API puts on every pod of a deployed gateway. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Properties of {@link AmbientEastWestGateway}. */
export interface AmbientEastWestGatewayProps extends EastWestGatewayCommonProps {
  /**
   * The network the gateway serves: its `topology.istio.io/network` label, by which the other
   * clusters' istiods find the gateway of this network.
   */
  readonly network: string;

  /**
   * Extra labels for the Gateway and the ConfigMap.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * The east-west gateway of a cluster in an ambient mesh, as Istio's ambient multicluster guide
 * declares it: a Gateway API `Gateway` of class `istio-east-west` with one HBONE listener on 15008
 * that terminates the outer tunnel with Istio's mutual TLS, labelled with its network. istiod
 * deploys it (Deployment, Service, ServiceAccount) from the Gateway; how it scales and how its
 * LoadBalancer Service looks is said in a ConfigMap the Gateway names in
 * `spec.infrastructure.parametersRef`, whose keys Istio merges over what it deploys.
 */
export class AmbientEastWestGateway extends Construct {
  /** The name of the Gateway, and of the Deployment and Service istiod creates for it. */
  public readonly name: string;
  public readonly namespace: string;
  public readonly gateway: Gateway;
  /** The overlays for what istiod deploys (`deployment`, `service`, `horizontalPodAutoscaler`, `podDisruptionBudget`). */
  public readonly options: k8s.KubeConfigMap;
  /** The labels of the gateway's pods, for selecting them (monitoring). */
  public readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: AmbientEastWestGatewayProps) {
    super(scope, id);
    this.name = props.name ?? EASTWEST_GATEWAY_NAME;
    this.namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    this.podSelector = { [GATEWAY_NAME_LABEL]: this.name };
    const minReplicas = props.minReplicas ?? 1;
    const maxReplicas = props.maxReplicas ?? Math.max(5, minReplicas);
    this.node.addValidation({
      validate: () => [
        ...(Number.isInteger(minReplicas) && minReplicas >= 1 ? [] : [`minReplicas (${minReplicas}) must be a whole number of at least 1`]),
        ...(Number.isInteger(maxReplicas) && maxReplicas >= minReplicas
          ? [] : [`maxReplicas (${maxReplicas}) must be a whole number no smaller than minReplicas (${minReplicas})`]),
        ...sourceRangeProblems(props.loadBalancerSourceRanges),
      ],
    });

    const optionsName = `${this.name}-options`;
    // Istio creates a HorizontalPodAutoscaler and a PodDisruptionBudget only when these keys are
    // present; a budget of one replica would forbid every eviction, so it comes from 2 replicas.
    const overlays: Record<string, object> = {
      horizontalPodAutoscaler: {
        spec: {
          minReplicas,
          maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
        },
      },
      ...(minReplicas > 1 ? { podDisruptionBudget: { spec: { minAvailable: 1 } } } : {}),
      ...(minReplicas > 1 && (props.topologySpread ?? true) ? {
        deployment: {
          spec: {
            template: {
              spec: {
                topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
                  maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: this.podSelector },
                })),
              },
            },
          },
        },
      } : {}),
    };
    const service = {
      ...(Object.keys(optionalAnnotations(props.serviceAnnotations)).length > 0 ? { metadata: optionalAnnotations(props.serviceAnnotations) } : {}),
      ...(props.loadBalancerIP !== undefined || (props.loadBalancerSourceRanges?.length ?? 0) > 0 ? {
        spec: {
          ...(props.loadBalancerIP !== undefined ? { loadBalancerIP: props.loadBalancerIP } : {}),
          ...optionalSourceRanges(props.loadBalancerSourceRanges),
        },
      } : {}),
    };
    if (Object.keys(service).length > 0) overlays.service = service;
    this.options = new k8s.KubeConfigMap(this, 'Options', {
      metadata: { name: optionsName, namespace: this.namespace, labels: { ...props.labels } },
      // Each overlay as the YAML of the object it patches, keys in a fixed order.
      data: Object.fromEntries(Object.keys(overlays).sort().map((key) => [key, toYaml([overlays[key]])])),
    });

    this.gateway = new Gateway(this, 'Gateway', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...props.labels, [NETWORK_LABEL]: props.network } },
      spec: {
        gatewayClassName: EAST_WEST_GATEWAY_CLASS,
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: optionsName } },
        listeners: [{
          name: 'mesh',
          port: HBONE_PORT,
          protocol: 'HBONE',
          // The outer HBONE tunnel ends here with Istio's mutual TLS; the inner one goes on to the workload.
          tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
        }],
      },
    });
  }
}
