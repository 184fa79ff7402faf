export * from './witness-messages.js';
export * from './witness-codec.js';
export * from './witness-answer.js';
export * from './witness-error.js';
