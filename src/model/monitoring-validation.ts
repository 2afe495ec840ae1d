import { AddProblem } from './delivery-validation';
import { memberName } from './field-name';
import { annotationKeyProblem, dns1123LabelProblem, labelValueProblem } from './formats';
import { MeshSpec } from './mesh-spec';

/** The alert labels the library sets itself; a user's label of one of these names would be overwritten or overwrite them. */
export const RESERVED_ALERT_LABELS = ['alertname', 'severity', 'mesh', 'cluster', 'control_plane_cluster'] as const;

/** A Prometheus duration (`30s`, `10m`, `1h30m`, `1d`), as rules' `for:` takes it; undefined when it is one. */
export function prometheusDurationProblem(value: string): string | undefined {
  // Prometheus's own syntax: units from years down to milliseconds, each at most once, largest first.
  const valid = value !== '' && /^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$/.test(value);
  return valid ? undefined : 'is not a Prometheus duration such as 30s, 10m or 1h30m (units y, w, d, h, m, s, ms, largest first, whole numbers)';
}

/** A Prometheus label name an alert may carry; undefined when it is one. */
export function alertLabelNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'is not a Prometheus label name: letters, digits and "_", not starting with a digit';
  if (name.startsWith('__')) return 'starts with "__", which Prometheus reserves for its own labels';
  if ((RESERVED_ALERT_LABELS as readonly string[]).includes(name)) {
    return `is set by the library on every alert (${RESERVED_ALERT_LABELS.join(', ')}); choose another name`;
  }
  return undefined;
}

/**
 * Checks the monitoring section: the labels of the Prometheus Operator's objects (Kubernetes
 * label syntax, or the API server refuses the objects), their namespace, and the alerts'
 * duration and labels (Prometheus refuses a rule file with a bad one, and with it every rule).
 */
export function checkMonitoring(spec: MeshSpec, add: AddProblem) {
  const monitoring = spec.monitoring;
  if (monitoring === undefined) return;
  for (const [key, value] of Object.entries(monitoring.labels ?? {})) {
    const field = memberName('monitoring.labels', key);
    const keyReason = annotationKeyProblem(key);
    if (keyReason) add(field, `label key ${keyReason}`);
    const valueReason = labelValueProblem(value);
    if (valueReason) add(field, `label value "${value}" ${valueReason}`);
  }
  if (monitoring.namespace !== undefined) {
    const reason = dns1123LabelProblem(monitoring.namespace);
    if (reason) add('monitoring.namespace', `"${monitoring.namespace}" ${reason}`);
  }
  const alerts = monitoring.alerts;
  if (alerts === undefined) return;
  if (alerts.for !== undefined) {
    const reason = prometheusDurationProblem(alerts.for);
    if (reason) add('monitoring.alerts.for', `"${alerts.for}" ${reason}`);
  }
  for (const [name, value] of Object.entries(alerts.labels ?? {})) {
    const field = memberName('monitoring.alerts.labels', name);
    const reason = alertLabelNameProblem(name);
    if (reason) add(field, `label name "${name}" ${reason}`);
    if (value === '') add(field, 'is empty; an alert label without a value is no label at all: give it a value or remove it');
  }
}
