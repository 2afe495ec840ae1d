import { Construct } from 'constructs';
import * as istio from '../../imports/istio-networking.istio.io';
import {
  ISTIO_SYSTEM_NAMESPACE, istiodHost, ISTIOD_SERVICE_WEBHOOK_PORT, ISTIOD_WEBHOOK_PORT, ISTIOD_XDS_PORT,
} from './istio-names';

/** Properties of {@link ExposeIstiod}. */
export interface ExposeIstiodProps {
  /**
   * The labels of the gateway that carries istiod's ports.
   * @default { istio: 'eastwestgateway' }
   */
  readonly gatewaySelector?: Record<string, string>;

  /**
   * The namespace istiod runs in; the Gateway and VirtualService go there too.
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Extra labels for both objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Makes a primary's istiod reachable through its east-west gateway, for remote clusters:
 * the Gateway `istiod-gateway` passes TLS on 15012 and 15017 through, and the
 * VirtualService `istiod-vs` routes it to istiod's xDS (15012) and webhook (443) ports.
 */
export class ExposeIstiod extends Construct {
  public readonly gateway: istio.Gateway;
  public readonly virtualService: istio.VirtualService;

  constructor(scope: Construct, id: string, props: ExposeIstiodProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? ISTIO_SYSTEM_NAMESPACE;
    const metadata = (name: string) => ({ name, namespace, labels: props.labels });
    const passthrough = (name: string, number: number): istio.GatewaySpecServers => ({
      port: { name, number, protocol: 'TLS' },
      tls: { mode: istio.GatewaySpecServersTlsMode.PASSTHROUGH },
      hosts: ['*'],
    });
    this.gateway = new istio.Gateway(this, 'Gateway', {
      metadata: metadata('istiod-gateway'),
      spec: {
        selector: props.gatewaySelector ?? { istio: 'eastwestgateway' },
        servers: [passthrough('tls-istiod', ISTIOD_XDS_PORT), passthrough('tls-istiodwebhook', ISTIOD_WEBHOOK_PORT)],
      },
    });
    const route = (gatewayPort: number, istiodPort: number): istio.VirtualServiceSpecTls => ({
      match: [{ port: gatewayPort, sniHosts: ['*'] }],
      route: [{ destination: { host: istiodHost(namespace), port: { number: istiodPort } } }],
    });
    this.virtualService = new istio.VirtualService(this, 'VirtualService', {
      metadata: metadata('istiod-vs'),
      spec: {
        hosts: ['*'],
        gateways: ['istiod-gateway'],
        tls: [route(ISTIOD_XDS_PORT, ISTIOD_XDS_PORT), route(ISTIOD_WEBHOOK_PORT, ISTIOD_SERVICE_WEBHOOK_PORT)],
      },
    });
  }
}
