import type { PublicKey } from '@solana/web3.js';
import type { LeaseManager } from '../leases/index.js';
import type { ContainerHandle } from '../runtime/index.js';
import { AccessRefusal } from './access-refusal.js';

/** The container of a lease this host runs now; AccessRefusal NOT_ACTIVE otherwise. */
export async function runningContainer(leases: Pick<LeaseManager, 'get'>, lease: PublicKey): Promise<ContainerHandle> {
  const address = lease.toBase58();
  const record = await leases.get(address);
  if (!record) {
    throw new AccessRefusal('NOT_ACTIVE', `lease ${address} was never activated on this host: activate it first (openLeaseAccess, /decloud/lease/open/1.0.0)`);
  }
  if (record.state !== 'running' || !record.container) {
    const why = record.reason ? ` (${record.reason})` : '';
    const fix = record.state === 'failed' || record.state === 'closed' || record.state === 'ending' ? 'close it and open a new lease' : 'activate it again';
    throw new AccessRefusal('NOT_ACTIVE', `lease ${address} is ${record.state}${why}, not running: ${fix}`);
  }
  return record.container;
}
