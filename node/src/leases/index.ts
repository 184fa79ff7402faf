export { createLeaseManager } from './default-lease-manager.js';
export type {
  LeaseManager, LeaseManagerComponents, LeaseManagerEvents, LeaseManagerInit, LeaseProofs, LeaseStateChange, ReconcileReport, Signalled,
} from './lease-manager.js';
export type { AccessDetails, LeaseRecord, QuoteRecord } from './lease-record.js';
export { accessOf } from './lease-record.js';
export { LEASE_STATES, LIVE_STATES, canTransition, isLive, transition } from './lease-state.js';
export type { LeaseState } from './lease-state.js';
export type { LeaseStore } from './lease-store.js';
export { LevelLeaseStore } from './level-lease-store.js';
export { LeaseError, LeaseRejectedError, REJECTION_REASONS } from './errors.js';
export type { LeaseErrorCode, RejectionReason } from './errors.js';
export { checkLeaseMatchesQuote } from './lease-checks.js';
export type { LeaseExpectations } from './lease-checks.js';
export { containerSpecOf } from './container-spec.js';
export type { ContainerSettings } from './container-spec.js';
export { PeriodicTask } from './periodic-task.js';
export { leaseSigners, signersText } from './lease-signers.js';
