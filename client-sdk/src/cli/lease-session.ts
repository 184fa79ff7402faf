/** Commands on one lease: connect, then open the wallet's lease by its full address. */
import type { Command } from 'commander';
import type { DeCloud } from '../renter/decloud.js';
import type { Lease } from '../renter/lease.js';
import { withDeCloud } from './session.js';
import { step } from './spinner.js';

export async function withLease<T>(
  command: Command, address: string, options: { network: boolean; env?: Record<string, string> }, run: (lease: Lease, decloud: DeCloud) => Promise<T>,
): Promise<T> {
  return withDeCloud(command, { network: options.network }, async (decloud) => {
    const lease = await step(`reading lease ${address}`, () => decloud.lease(address, options.env ? { env: options.env } : {}),
      (found) => `lease ${found.address} on host ${found.hostPeerId}`);
    return run(lease, decloud);
  });
}

/**
 * The container just answered: vouch for it with a usage receipt, so the host is paid for
 * the time up to now. Best effort: a lost receipt only leaves that time unproven (refunded).
 */
export async function vouch(lease: Lease): Promise<void> {
  await lease.sendReceipt({ containerAnswered: true, timeoutMs: 5_000 }).catch(() => undefined);
}
