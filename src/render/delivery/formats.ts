import { ARGO_CD_FORMAT } from './argocd';
import { DeliveryFormat } from './format';
import { FLUX_FORMAT } from './flux';
import { SAIL_FORMAT } from './sail';

/** Every delivery format, in the order the output and the README give them. */
export const DELIVERY_FORMATS: readonly DeliveryFormat[] = [ARGO_CD_FORMAT, FLUX_FORMAT, SAIL_FORMAT];
