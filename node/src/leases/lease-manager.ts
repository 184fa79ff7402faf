/** The host's leases: from a signed quote to a running container to a closed lease. */
import type { Keypair, PublicKey } from '@solana/web3.js';
import type { Logger } from 'pino';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import type { TypedEvents } from '@decloud/sdk/net/typed-events';
import type { Quote } from '@decloud/sdk/quotes/index';
import type { Runtime } from '../runtime/index.js';
import type { AccessDetails, LeaseRecord } from './lease-record.js';
import type { LeaseState } from './lease-state.js';
import type { LeaseStore } from './lease-store.js';

export interface Signalled {
  signal?: AbortSignal;
}

/** Posts a lease's pending proofs; the manager calls it before closing a lease so its last proven time is paid. */
export interface LeaseProofs {
  flushLease(lease: PublicKey, options?: Signalled): Promise<unknown>;
}

export interface LeaseManagerComponents {
  store: LeaseStore;
  /** the chain client signing as `operator` */
  chain: DecloudChain;
  runtime: Runtime;
  operator: Keypair;
  /** unix ms; chain time is compared in whole seconds of it */
  clock: () => number;
  log: Logger;
  proofs?: LeaseProofs;
  /**
   * Why a lease being funded no longer fits beside the live ones (quotes are signed against
   * what is free at the time, so two renters can be quoted the same capacity); undefined
   * when it fits. Such a lease fails and is closed on-chain, refunding its renter.
   */
  capacityShortfall?: (quote: Quote, live: LeaseRecord[]) => string | undefined;
}

export interface LeaseManagerInit {
  /** how often tick() runs after start(); default 5000 ms */
  tickIntervalMs?: number;
  /** what a lease's container runs until the renter execs into it; default sleep forever */
  containerCommand?: string[];
  /** most processes in one container; default 512 */
  pidsLimit?: number;
  /** seconds between SIGTERM and SIGKILL when a lease's container is stopped; default 5 */
  stopGraceSeconds?: number;
  /** how long an expired quote is kept, for a lease opened just before expiry to activate; default 10 min */
  quoteRetentionMs?: number;
}

export interface LeaseStateChange {
  lease: string;
  from: LeaseState;
  to: LeaseState;
  reason?: string;
}

export interface LeaseManagerEvents {
  'lease:state': LeaseStateChange;
  /** an open lease of this host the store does not know (the store was lost or is older than the chain) */
  'lease:unknown': { lease: string; renter: string; maxEnd: bigint };
  /** a lease this host could not serve (refused, no capacity, container failed) was closed on-chain by the operator */
  'lease:refunded': { lease: string };
  /** a managed container without an open lease was removed */
  'container:orphan-removed': { lease: string; container: string };
}

/** What reconcile() did, lease addresses by outcome. */
export interface ReconcileReport {
  continued: string[];
  restarted: string[];
  closed: string[];
  ended: string[];
  failed: string[];
  orphansRemoved: string[];
  unknown: string[];
}

export interface LeaseManager {
  readonly events: TypedEvents<LeaseManagerEvents>;
  /** Runs tick() on its interval. Call reconcile() first after a restart. */
  start(): void;
  stop(): Promise<void>;
  /** Keeps a quote this host signed for `renter` until a lease with its terms hash is opened (or it expires). */
  recordQuote(quote: Quote, renter: PublicKey, options?: Signalled): Promise<void>;
  /**
   * Verifies the lease account on-chain against the stored quote, then starts its container.
   * Idempotent: activating a running lease returns its access details again. A lease of this
   * host it cannot serve (no matching quote, no capacity, the container does not start) is
   * closed on-chain by the operator, refunding the renter's unproven deposit, and refused.
   */
  activate(lease: PublicKey | string, options?: Signalled): Promise<AccessDetails>;
  /**
   * One pass over running leases (closed on-chain, past max end, or container dead) and over
   * failed ones whose on-chain close has not gone through yet.
   */
  tick(options?: Signalled): Promise<void>;
  /** Brings store, chain and runtime into agreement after a restart. */
  reconcile(options?: Signalled): Promise<ReconcileReport>;
  get(lease: PublicKey | string): Promise<LeaseRecord | undefined>;
  list(): Promise<LeaseRecord[]>;
}
