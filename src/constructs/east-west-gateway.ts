import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { istioRelease } from '../model/istio-releases';
import { DEFAULT_ISTIO_VERSION, IstioVersion, parseIstioVersion } from '../model/istio-version';
import { LoadBalancerOptions } from '../model/mesh-spec';
import { optionalAnnotations, optionalSourceRanges, sourceRangeProblems, tcpServicePort } from './service-helpers';
import {
  CROSS_NETWORK_PORT, DATAPLANE_MODE_LABEL, EASTWEST_GATEWAY_NAME, gatewaySelectorLabels, ISTIO_SYSTEM_NAMESPACE,
  ISTIOD_WEBHOOK_PORT, ISTIOD_XDS_PORT, NETWORK_LABEL, STATUS_PORT,
} from './istio-names';


/** What Istio's `gateway` chart renders differently from one minor release to the next. */
interface GatewayChartTraits {
  /**
   * Label the gateway `istio.io/dataplane-mode: none`, keeping it out of ambient's
   * dataplane even in an ambient-enrolled namespace (the chart's default labels from 1.25).
   */
  readonly ambientOptOut: boolean;
  /**
   * Pin the proxy to UID/GID 1337 in the Deployment (the chart up to 1.29). From 1.30 the
   * chart leaves it to the injector's `gateway` template, which still picks 1337 on
   * plain Kubernetes but a namespace-assigned UID where the platform requires one.
   */
  readonly fixedProxyUser: boolean;
}

/**
 * The traits of the chart of a release. An unusable version, which validation reports,
 * renders as the default release meanwhile.
 */
function gatewayChartTraits(version: IstioVersion | string): GatewayChartTraits {
  // Later releases than the library knows render as the newest it knows.
  const usable = typeof version === 'string' ? parseIstioVersion(DEFAULT_ISTIO_VERSION) as IstioVersion : version;
  const release = istioRelease(usable.minor);
  return { ambientOptOut: release.gatewayAmbientOptOut, fixedProxyUser: release.gatewayFixedProxyUser };
}

/**
 * What an east-west gateway takes however it is deployed (from Istio's `gateway` chart, or by
 * istiod from a Gateway API `Gateway` in an ambient mesh): its replicas and their spread, its
 * name and namespace, and its LoadBalancer Service's settings.
 */
export interface EastWestGatewayCommonProps extends LoadBalancerOptions {
  /**
   * Minimum number of replicas, the HorizontalPodAutoscaler's floor. Above 1, a
   * PodDisruptionBudget keeps one replica up during voluntary disruptions such as node
   * drains; at 1 there is none, since it could only forbid every eviction.
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * Maximum number of replicas, the HorizontalPodAutoscaler's ceiling.
   * @default 5, or `minReplicas` when that is larger
   */
  readonly maxReplicas?: number;

  /**
   * Whether to spread the pods across zones and then nodes when `minReplicas` is 2 or more:
   * `topologySpreadConstraints` on `topology.kubernetes.io/zone` and `kubernetes.io/hostname`,
   * `whenUnsatisfiable: ScheduleAnyway`, so that a cluster of one zone or one node still schedules
   * them all. Turn it off where the cluster's scheduler spreads pods by its own rules.
   * @default true
   */
  readonly topologySpread?: boolean;

  /**
   * The gateway's name, used for every object it consists of.
   * @default 'istio-eastwestgateway'
   */
  readonly name?: string;

  /**
   * The namespace to run the gateway in.
   * @default 'istio-system'
   */
  readonly namespace?: string;

}

/** Properties of {@link EastWestGateway}. */
export interface EastWestGatewayProps extends EastWestGatewayCommonProps {
  /**
   * The Istio release the gateway runs with, such as `1.29.3` or `1.29`. The objects follow
   * Istio's `gateway` chart of that minor release where it changed between releases (the
   * proxy's user and group up to 1.29, the `istio.io/dataplane-mode: none` label from 1.25);
   * releases newer than 1.31 render as 1.31.
   * @default DEFAULT_ISTIO_VERSION
   */
  readonly istioVersion?: string;

  /**
   * The network this gateway serves, in a mesh of several networks. Sets the
   * `topology.istio.io/network` label (by which istiod finds the network's gateway)
   * and the proxy's `ISTIO_META_REQUESTED_NETWORK_VIEW`.
   * @default - single network: neither is set
   */
  readonly network?: string;

  /**
   * Whether the gateway also carries istiod's ports, 15012 (xDS) and 15017 (webhooks),
   * so that remote clusters reach the control plane through it.
   * @default false
   */
  readonly exposeIstiod?: boolean;

  /**
   * Extra labels for every object of the gateway. An `istio.io/dataplane-mode` label here
   * replaces the chart's default `none` and goes on the pods as well.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A gateway dedicated to east-west traffic between clusters: the same objects Istio's
 * `gateway` Helm chart renders with `networkGateway` set (ServiceAccount, Role,
 * RoleBinding, Deployment, Service, HorizontalPodAutoscaler), as the chart of the given
 * Istio release renders them, plus, when there are at least two replicas, a
 * PodDisruptionBudget keeping one up and a spread of the pods across zones and nodes.
 * The proxy image is `auto`: Istio's injector fills it in with the `gateway` template,
 * so the control plane must be installed first.
 */
export class EastWestGateway extends Construct {
  /** The name shared by the gateway's objects. */
  public readonly name: string;
  /** The namespace the gateway runs in. */
  public readonly namespace: string;
  /** The labels Istio Gateway resources select this gateway by (`istio: eastwestgateway`). */
  public readonly gatewaySelector: Record<string, string>;
  /** The LoadBalancer Service other clusters connect to. */
  public readonly service: k8s.KubeService;
  public readonly deployment: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: EastWestGatewayProps = {}) {
    super(scope, id);
    this.name = props.name ?? EASTWEST_GATEWAY_NAME;
    this.namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    const selector = gatewaySelectorLabels(this.name);
    this.gatewaySelector = { istio: selector.istio };
    const version = parseIstioVersion(props.istioVersion ?? DEFAULT_ISTIO_VERSION);
    const traits = gatewayChartTraits(version);
    const networkLabel: Record<string, string> = props.network !== undefined ? { [NETWORK_LABEL]: props.network } : {};
    // Like the chart's default labels, the ambient opt-out yields to a value given in `labels`.
    const ambientLabel: Record<string, string> = traits.ambientOptOut ? { [DATAPLANE_MODE_LABEL]: 'none' } : {};
    const labels: Record<string, string> = { ...ambientLabel, ...props.labels, ...selector, 'app.kubernetes.io/name': this.name, ...networkLabel };
    const metadata = { name: this.name, namespace: this.namespace, labels };
    // The dataplane mode is read from the pods, so they carry the label too.
    const podDataplaneLabel: Record<string, string> = labels[DATAPLANE_MODE_LABEL] !== undefined
      ? { [DATAPLANE_MODE_LABEL]: labels[DATAPLANE_MODE_LABEL] } : {};
    const minReplicas = props.minReplicas ?? 1;
    const maxReplicas = props.maxReplicas ?? Math.max(5, minReplicas);
    this.node.addValidation({
      validate: () => [
        ...(typeof version === 'string' ? [`istioVersion: ${version}`] : []),
        ...(Number.isInteger(minReplicas) && minReplicas >= 1 ? [] : [`minReplicas (${minReplicas}) must be a whole number of at least 1`]),
        ...(Number.isInteger(maxReplicas) && maxReplicas >= minReplicas
          ? [] : [`maxReplicas (${maxReplicas}) must be a whole number no smaller than minReplicas (${minReplicas})`]),
        ...sourceRangeProblems(props.loadBalancerSourceRanges),
      ],
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });

    // The gateway reads TLS secrets of its namespace through SDS.
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name }],
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        // No replica count: the HorizontalPodAutoscaler owns it.
        selector: { matchLabels: selector },
        template: {
          metadata: {
            annotations: {
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'prometheus.io/path': '/stats/prometheus',
              'inject.istio.io/templates': 'gateway',
              'sidecar.istio.io/inject': 'true',
            },
            // The chart labels the pods with the network only from 1.26; they carry it for every
            // release here, as istioctl's east-west gateway always did: it is the network they serve.
            labels: { 'sidecar.istio.io/inject': 'true', ...selector, ...podDataplaneLabel, ...networkLabel },
          },
          spec: {
            serviceAccountName: this.name,
            securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
            terminationGracePeriodSeconds: 30,
            // Replicas asked for availability should not share a zone or node; with one replica
            // guaranteed, the output stays as the chart's default.
            ...(minReplicas > 1 && (props.topologySpread ?? true)
              ? { topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
                maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
              })) }
              : {}),
            containers: [{
              name: 'istio-proxy',
              // Replaced by the injector with the proxy image of the installed Istio.
              image: 'auto',
              env: props.network !== undefined ? [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: props.network }] : undefined,
              ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
                limits: { cpu: k8s.Quantity.fromString('2000m'), memory: k8s.Quantity.fromString('1024Mi') },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                ...(traits.fixedProxyUser ? { runAsGroup: 1337 } : {}),
                runAsNonRoot: true,
                ...(traits.fixedProxyUser ? { runAsUser: 1337 } : {}),
              },
            }],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        ...metadata,
        ...optionalAnnotations(props.serviceAnnotations),
      },
      spec: {
        type: 'LoadBalancer',
        loadBalancerIp: props.loadBalancerIP,
        ...optionalSourceRanges(props.loadBalancerSourceRanges),
        selector,
        ports: [
          tcpServicePort('status-port', STATUS_PORT),
          tcpServicePort('tls', CROSS_NETWORK_PORT),
          ...(props.exposeIstiod ? [tcpServicePort('tls-istiod', ISTIOD_XDS_PORT), tcpServicePort('tls-webhook', ISTIOD_WEBHOOK_PORT)] : []),
        ],
      },
    });

    // With a single replica, `minAvailable: 1` would forbid every voluntary eviction and hang
    // node drains; Istio's chart renders no PDB there since 1.28. Above one replica it lets
    // all but one go, for every release.
    if (minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata,
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas,
        maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    });
  }
}
