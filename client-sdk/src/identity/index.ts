export * from './base58.js';
export * from './host-identity.js';
export * from './identity-error.js';
export * from './signatures.js';
