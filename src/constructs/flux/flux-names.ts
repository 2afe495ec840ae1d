/** Names and defaults as Flux itself spells them. */

/** The namespace `flux install` and `flux bootstrap` run Flux in. */
export const FLUX_DEFAULT_NAMESPACE = 'flux-system';

/** How often the objects here are reconciled unless told otherwise. */
export const FLUX_DEFAULT_INTERVAL = '10m';

