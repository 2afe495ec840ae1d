import { ApplicationSpecIgnoreDifferences } from '../../../imports/argocd-argoproj.io';
import { DeliveryStage, HelmStage } from '../../model/delivery-names';

/** The API group of webhook configurations. */
const ADMISSION_GROUP = 'admissionregistration.k8s.io';

/**
 * The fields of every webhook of a webhook configuration that istiod owns at run time: its
 * webhook controller patches in the CA bundle it signs with, and switches the validation
 * webhooks from the charts' `Ignore` to `Fail` once it serves them. By group and kind, not by
 * name: the names carry the revision and namespace (`istio-validator-istio-system`) and
 * change between releases.
 */
const CA_BUNDLE = '.webhooks[]?.clientConfig.caBundle';
const FAILURE_POLICY = '.webhooks[]?.failurePolicy';

const validatingWebhooks: ApplicationSpecIgnoreDifferences = {
  group: ADMISSION_GROUP,
  kind: 'ValidatingWebhookConfiguration',
  jqPathExpressions: [CA_BUNDLE, FAILURE_POLICY],
};

/**
 * What Argo CD must leave to istiod in Istio's `base` chart: the `istiod-default-validator`
 * ValidatingWebhookConfiguration, whose CA bundle and failure policy istiod sets.
 */
export const ISTIO_BASE_CHART_DIFFERENCES: readonly ApplicationSpecIgnoreDifferences[] = [validatingWebhooks];

/**
 * What Argo CD must leave to istiod in Istio's `istiod` chart: the validation webhook
 * (`istio-validator-<namespace>`, also rendered on a remote that is its own config cluster),
 * as in `base`, and the injection webhooks (`istio-sidecar-injector`), whose CA bundle istiod
 * patches in, on a remote the primary's istiod.
 */
export const ISTIOD_CHART_DIFFERENCES: readonly ApplicationSpecIgnoreDifferences[] = [
  validatingWebhooks,
  { group: ADMISSION_GROUP, kind: 'MutatingWebhookConfiguration', jqPathExpressions: [CA_BUNDLE] },
];

/**
 * What Argo CD must leave to istiod, by chart. The `cni` and `ztunnel` charts have no webhook
 * configurations: nothing they render is changed at run time.
 */
export const ISTIO_CHART_DIFFERENCES: Record<HelmStage, readonly ApplicationSpecIgnoreDifferences[]> = {
  [DeliveryStage.BASE]: ISTIO_BASE_CHART_DIFFERENCES,
  [DeliveryStage.ISTIOD]: ISTIOD_CHART_DIFFERENCES,
  [DeliveryStage.CNI]: [],
  [DeliveryStage.ZTUNNEL]: [],
};
