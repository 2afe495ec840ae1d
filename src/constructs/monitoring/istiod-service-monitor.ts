import { Construct } from 'constructs';
import { ServiceMonitor } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio-names';
import { MonitoringObjectProps, optionalLabels } from './monitor-props';

/** istiod's Service port for Prometheus, 15014, as Istio's `istiod` chart names it (1.24 to 1.31). */
export const ISTIOD_MONITORING_PORT_NAME = 'http-monitoring';

/** Properties of {@link IstiodServiceMonitor}. */
export interface IstiodServiceMonitorProps extends MonitoringObjectProps {
  /**
   * The ServiceMonitor's name, which is also the `job` of istiod's series unless the
   * Prometheus renames it (the operator's default job is the Service's name, `istiod`).
   * @default 'istiod'
   */
  readonly name?: string;

  /**
   * The namespace istiod runs in.
   * @default 'istio-system'
   */
  readonly istiodNamespace?: string;

  /**
   * How often to scrape istiod, as a Prometheus duration.
   * @default - the Prometheus's scrape interval
   */
  readonly interval?: string;
}

/**
 * Scrapes istiod: a ServiceMonitor on the `istiod` Service's `http-monitoring` port (15014,
 * `/metrics`), selected by the labels Istio's chart gives it (`app: istiod`, `istio: pilot`).
 * The chart's revision-tag Services carry the same labels and port, so they are left out
 * (`istio.io/tag`), or every istiod would be scraped once per tag.
 */
export class IstiodServiceMonitor extends Construct {
  public readonly serviceMonitor: ServiceMonitor;

  constructor(scope: Construct, id: string, props: IstiodServiceMonitorProps = {}) {
    super(scope, id);
    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name: props.name ?? 'istiod', namespace: props.namespace ?? ISTIO_SYSTEM_NAMESPACE, ...optionalLabels(props.labels) },
      spec: {
        selector: {
          matchLabels: { app: 'istiod', istio: 'pilot' },
          matchExpressions: [{ key: 'istio.io/tag', operator: 'DoesNotExist' }],
        },
        namespaceSelector: { matchNames: [props.istiodNamespace ?? ISTIO_SYSTEM_NAMESPACE] },
        endpoints: [{ port: ISTIOD_MONITORING_PORT_NAME, path: '/metrics', interval: props.interval }],
      },
    });
  }
}
