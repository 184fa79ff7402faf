/**
 * Who may use a lease: the renter named in the lease account on-chain, or the delegate
 * (session key) the renter opened it with, for a lease of this host that is still open. The
 * renter proves it by signing this stream's fresh challenge (with the protocol and the
 * request's hash) with either key; everything else is refused before anything runs, with
 * the reason.
 */
import type { PublicKey } from '@solana/web3.js';
import { verifyAccess } from '@decloud/sdk/access/index';
import type { AccessAuth, AuthenticatedProtocol } from '@decloud/sdk/access/index';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import { leaseSigners, signersText } from '../leases/lease-signers.js';
import type { LeaseAccountCache } from './lease-account-cache.js';
import { AccessRefusal } from './access-refusal.js';

export interface AdmittedLease {
  lease: PublicKey;
  /** as read on-chain (at most the cache's TTL ago) */
  account: LeaseAccount;
  /** the key that signed the challenge: the renter or its delegate */
  signer: PublicKey;
}

export class LeaseGate {
  constructor(
    private readonly accounts: LeaseAccountCache,
    private readonly hostAddress: PublicKey,
    private readonly clock: () => number,
  ) {}

  /** The lease, when `auth` is its renter's (or delegate's) signature over `challenge` on `protocol`; throws AccessRefusal otherwise. */
  async admit(protocol: AuthenticatedProtocol, challenge: Uint8Array, auth: AccessAuth, signal?: AbortSignal): Promise<AdmittedLease> {
    const lease = auth.lease;
    const address = lease.toBase58();
    const account = await this.accounts.get(lease, signal);
    if (!account) throw new AccessRefusal('UNKNOWN_LEASE', `no lease account ${address} on-chain: open the lease first (or it was closed)`);
    if (!account.host.equals(this.hostAddress)) {
      throw new AccessRefusal('WRONG_HOST', `lease ${address} belongs to host ${account.host.toBase58()}, not to this host ${this.hostAddress.toBase58()}: connect to that host`);
    }
    const signers = leaseSigners(account);
    const signer = signers.find((key) => verifyAccess({ protocol, lease, challenge, request: auth.request }, auth.signature, key));
    if (!signer) {
      throw new AccessRefusal('UNAUTHORIZED', `the signature is not by lease ${address}'s ${signersText(signers)} over this stream's challenge: sign with the key that opened the lease or its delegate key`);
    }
    if (!('open' in account.status)) throw new AccessRefusal('LEASE_CLOSED', `lease ${address} is closed on-chain: open a new lease`);
    const nowSecs = BigInt(Math.floor(this.clock() / 1000));
    if (nowSecs >= account.maxEnd) {
      throw new AccessRefusal('LEASE_CLOSED', `lease ${address} reached its max end at ${account.maxEnd} (now ${nowSecs}): top it up or open a new lease`);
    }
    return { lease, account, signer };
  }
}
