/** The DeCloud network layer (Node entry). Browsers import `./browser.js` instead. */
import './polyfill.js';

export * from './capability-keys.js';
export * from './create-node.js';
export * from './decloud-node.js';
export * from './gossip-config.js';
export * from './libp2p-options.js';
export * from './net-error.js';
export * from './offer-addresses.js';
export * from './offer-message-verdict.js';
export * from './offer-record.js';
export * from './protocol-ids.js';
export * from './quote-protocol.js';
export * from './services.js';
export * from './typed-events.js';
