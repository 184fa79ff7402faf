export * from './identity/index.js';
export * from './offers/index.js';
export * from './quotes/index.js';
export * from './renter/index.js';
