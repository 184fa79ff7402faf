export { startOfferBookPruner, PRUNE_INTERVAL_MS } from './offer-book-pruner.js';
export { HTTP_LIMITS, startOfferIndexServer } from './offer-index-server.js';
export type { OfferIndexServer, OfferIndexServerInit } from './offer-index-server.js';
export { offerJson, withStrings } from './offer-json.js';
export type { Json } from './offer-json.js';
export { DEFAULT_OFFER_LIMIT, MAX_OFFER_LIMIT, OfferQueryError, parseOfferQuery } from './offer-query.js';
export type { OfferQuery } from './offer-query.js';
export { DEFAULT_MAX_FILE_BYTES, openStaticSite, StaticSiteError } from './static-site.js';
export type { StaticSite } from './static-site.js';
