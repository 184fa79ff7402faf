export * from './addresses.js';
export * from './accounts.js';
export * from './client.js';
export * from './errors.js';
export * from './proofs.js';
export { IDL, type Decloud } from './idl.js';
