/** The renter API: connect, find hosts, rent, and use and end leases. Node.js entry. */
import '../net/polyfill.js';

export * from './airdrop.js';
export * from './decloud.js';
export * from './delegate-key.js';
export * from './durations.js';
export * from './end-report.js';
export * from './host-search.js';
export * from './lease.js';
export * from './lease-info.js';
export * from './receipt-loop.js';
export * from './rent-flow.js';
export * from './rent-progress.js';
export * from './rent-request.js';
export * from './renter-error.js';
export * from './sol-amounts.js';
export * from './wallet-funds.js';
