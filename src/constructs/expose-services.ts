import { Construct } from 'constructs';
import * as istio from '../../imports/istio-networking.istio.io';
import { CROSS_NETWORK_PORT, ISTIO_SYSTEM_NAMESPACE } from './istio-names';

/** Properties of {@link ExposeServices}. */
export interface ExposeServicesProps {
  /**
   * The labels of the east-west gateway.
   * @default { istio: 'eastwestgateway' }
   */
  readonly gatewaySelector?: Record<string, string>;

  /**
   * The hosts exposed to other networks.
   * @default ['*.local'] - every service of the mesh
   */
  readonly hosts?: string[];

  /**
   * The namespace of the Gateway.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Extra labels for the Gateway.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Exposes the mesh's services to other networks: the Gateway `cross-network-gateway`
 * on port 15443 with `AUTO_PASSTHROUGH`, which routes mTLS traffic by its SNI. Only
 * peers with a certificate the mesh trusts get through.
 */
export class ExposeServices extends Construct {
  public readonly gateway: istio.Gateway;

  constructor(scope: Construct, id: string, props: ExposeServicesProps = {}) {
    super(scope, id);
    this.gateway = new istio.Gateway(this, 'Gateway', {
      metadata: { name: 'cross-network-gateway', namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE, labels: props.labels },
      spec: {
        selector: props.gatewaySelector ?? { istio: 'eastwestgateway' },
        servers: [{
          port: { number: CROSS_NETWORK_PORT, name: 'tls', protocol: 'TLS' },
          tls: { mode: istio.GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          hosts: props.hosts ?? ['*.local'],
        }],
      },
    });
  }
}
