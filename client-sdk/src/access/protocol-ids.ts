/**
 * The lease access protocols: after a lease is opened on-chain, the renter reaches its
 * container over these libp2p streams. Each id is versioned; a breaking wire change gets
 * a new id, so old and new peers refuse each other cleanly at protocol negotiation.
 */

/** Activation: the host verifies the lease on-chain and starts its container. */
export const OPEN_PROTOCOL = '/decloud/lease/open/1.0.0';
/** One command, one answer (exit code, stdout, stderr). */
export const EXEC_PROTOCOL = '/decloud/exec/1.0.0';
/** An interactive terminal: data both ways, resizes, the exit code at the end. */
export const SHELL_PROTOCOL = '/decloud/shell/1.0.0';
/** The container's output, tailed and/or followed. */
export const LOGS_PROTOCOL = '/decloud/logs/1.0.0';
/** Usage and cost of the lease so far. */
export const STATS_PROTOCOL = '/decloud/stats/1.0.0';
/** A signed usage receipt, for the host to post on-chain as uptime proof. */
export const RECEIPT_PROTOCOL = '/decloud/receipt/1.0.0';

/** The protocols a renter authenticates for with a challenge signed by the lease's renter or delegate key. */
export const AUTHENTICATED_PROTOCOLS = [OPEN_PROTOCOL, EXEC_PROTOCOL, SHELL_PROTOCOL, LOGS_PROTOCOL, STATS_PROTOCOL] as const;
export type AuthenticatedProtocol = (typeof AUTHENTICATED_PROTOCOLS)[number];

export const ACCESS_PROTOCOLS = [...AUTHENTICATED_PROTOCOLS, RECEIPT_PROTOCOL] as const;
export type AccessProtocol = (typeof ACCESS_PROTOCOLS)[number];
