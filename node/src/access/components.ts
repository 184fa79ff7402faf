/** What the access handlers are built from, and their settings. */
import type { Libp2p } from '@libp2p/interface';
import type { Keypair } from '@solana/web3.js';
import type { Logger } from 'pino';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { EXEC_PROTOCOL, LOGS_PROTOCOL, OPEN_PROTOCOL, RECEIPT_PROTOCOL, SHELL_PROTOCOL, STATS_PROTOCOL } from '@decloud/sdk/access/index';
import type { AccessProtocol } from '@decloud/sdk/access/index';
import type { LeaseManager, Signalled } from '../leases/index.js';
import type { Receipt, ReceiptOutcome } from '../prover/index.js';
import type { Runtime } from '../runtime/index.js';

export interface AccessComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>;
  /** Lease accounts are read here: the renter's key and the lease's state are what the chain says. */
  chain: Pick<DecloudChain, 'fetchLease' | 'hostAddress'>;
  leases: Pick<LeaseManager, 'activate' | 'get'>;
  runtime: Pick<Runtime, 'exec' | 'logs' | 'stats' | 'inspect'>;
  /** The ReceiptCollector (or anything that checks and keeps receipts the same way). */
  receipts: { submit(receipt: Receipt, options?: Signalled): Promise<ReceiptOutcome> };
  operator: Pick<Keypair, 'publicKey'>;
  /** unix ms */
  clock: () => number;
  log: Logger;
}

export interface AccessHandlersInit {
  /** From the stream opening to a verified auth frame (or a receipt), ms. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Activation: on-chain checks and a container start, ms. Default 120 s. */
  activationTimeoutMs?: number;
  /** Longest one exec may run before the host answers TIMEOUT (the process runs on), ms. Default 10 min. */
  execTimeoutMs?: number;
  /** One stats answer (an engine sample takes about a second), ms. Default 20 s. */
  statsTimeoutMs?: number;
  /** How long a lease account read on-chain is reused, ms. Default 2 s. */
  leaseCacheMs?: number;
  /** Shells and log streams open at once on this host; more are refused BUSY. Default 64. */
  maxSessions?: number;
  /** Terminal output waiting for a slow renter before its shell is cut, bytes. Default 8 MiB. */
  maxShellBacklogBytes?: number;
  /** Streams of one protocol a single connection may have open at once. */
  maxInboundStreams?: Partial<Record<AccessProtocol, number>>;
}

export interface ResolvedAccessInit {
  handshakeTimeoutMs: number;
  activationTimeoutMs: number;
  execTimeoutMs: number;
  statsTimeoutMs: number;
  leaseCacheMs: number;
  maxSessions: number;
  maxShellBacklogBytes: number;
  maxInboundStreams: Record<AccessProtocol, number>;
}

export const ACCESS_DEFAULTS: ResolvedAccessInit = {
  handshakeTimeoutMs: 10_000,
  activationTimeoutMs: 120_000,
  execTimeoutMs: 10 * 60_000,
  statsTimeoutMs: 20_000,
  leaseCacheMs: 2_000,
  maxSessions: 64,
  maxShellBacklogBytes: 8 * 1024 * 1024,
  maxInboundStreams: {
    [OPEN_PROTOCOL]: 2,
    [EXEC_PROTOCOL]: 8,
    [SHELL_PROTOCOL]: 4,
    [LOGS_PROTOCOL]: 4,
    [STATS_PROTOCOL]: 4,
    [RECEIPT_PROTOCOL]: 4,
  },
};

export function resolveAccessInit(init: AccessHandlersInit): ResolvedAccessInit {
  const { maxInboundStreams, ...rest } = init;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return { ...ACCESS_DEFAULTS, ...defined, maxInboundStreams: { ...ACCESS_DEFAULTS.maxInboundStreams, ...maxInboundStreams } };
}
