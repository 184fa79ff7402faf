export { registerWitnessResponder, DEFAULT_RESPONDER_TIMEOUT_MS } from './witness-responder.js';
export type { WitnessResponder, WitnessResponderEvents, WitnessResponderInit } from './witness-responder.js';
export { ConfiguredWitnesses } from './configured-witnesses.js';
export type { ConfiguredWitnessesInit } from './configured-witnesses.js';
export type { LeaseReport } from '@decloud/sdk/witness/witness-messages';
