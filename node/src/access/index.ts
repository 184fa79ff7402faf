export { registerAccessHandlers } from './register-access-handlers.js';
export type { AccessEvents, AccessHandlers } from './register-access-handlers.js';
export { ACCESS_DEFAULTS } from './components.js';
export type { AccessComponents, AccessHandlersInit } from './components.js';
