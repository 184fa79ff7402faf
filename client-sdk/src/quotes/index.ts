export * from './codec.js';
export * from './decide.js';
export * from './errors.js';
export * from './lease-terms.js';
export * from './limits.js';
export * from './sign.js';
export * from './types.js';
