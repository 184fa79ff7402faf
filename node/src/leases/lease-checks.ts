/**
 * Whether an on-chain lease account is the lease this host quoted. Pure: the account is
 * what the chain says, never what the renter claims, and the first difference is the
 * reason the lease is refused. The program already holds the renter to the terms the host
 * signed (open_lease checks the operator's signature over them); these checks are the
 * host's own, against the quote it stored, so a lost or mixed-up store never starts a
 * container on terms it did not sign.
 */
import type { PublicKey } from '@solana/web3.js';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import type { Quote } from '@decloud/sdk/quotes/index';
import { LeaseRejectedError } from './errors.js';
import { hex } from './record-codec.js';

export interface LeaseExpectations {
  /** this host's PDA (["host", operator]) */
  hostAddress: PublicKey;
  /** chain time, unix seconds */
  nowSecs: bigint;
}

export function checkLeaseMatchesQuote(lease: string, account: LeaseAccount, quote: Quote, expected: LeaseExpectations): void {
  const reject = (reason: ConstructorParameters<typeof LeaseRejectedError>[0], detail: string): never => {
    throw new LeaseRejectedError(reason, lease, detail);
  };
  if (!account.host.equals(expected.hostAddress)) {
    reject('WRONG_HOST', `it is bound to host ${account.host.toBase58()}, this host is ${expected.hostAddress.toBase58()}`);
  }
  if (account.renter.toBase58() !== quote.renter) reject('WRONG_RENTER', `its renter is ${account.renter.toBase58()}, the quote was for ${quote.renter}`);
  if (account.leaseId !== quote.leaseId) reject('WRONG_LEASE_ID', `its lease id is ${account.leaseId}, the quote was signed for lease id ${quote.leaseId}`);
  if (account.delegate.toBase58() !== quote.delegate) {
    reject('WRONG_DELEGATE', `its delegate is ${account.delegate.toBase58()}, the quote names ${quote.delegate}`);
  }
  const onChainHash = hex(Uint8Array.from(account.termsHash));
  if (onChainHash !== hex(quote.termsHash)) reject('WRONG_TERMS', `its terms hash ${onChainHash} is not the quote's ${hex(quote.termsHash)}`);
  if (account.rate !== quote.lamportsPerSecond) {
    reject('WRONG_RATE', `its rate is ${account.rate} lamports/s, the quote says ${quote.lamportsPerSecond}: open it with the quoted rate`);
  }
  const owed = quote.lamportsPerSecond * BigInt(quote.durationSecs);
  if (account.deposit < owed) {
    reject('DEPOSIT_TOO_SMALL', `it holds ${account.deposit} lamports, the quote needs ${owed} (${quote.durationSecs} s x ${quote.lamportsPerSecond}): open it for the quoted duration`);
  }
  if (!('open' in account.status)) reject('NOT_OPEN', 'it is not open');
  if (expected.nowSecs >= account.maxEnd) reject('EXPIRED', `it ended at ${account.maxEnd} (now ${expected.nowSecs})`);
  if (account.start * 1000n > BigInt(quote.expiresAt)) {
    reject('QUOTE_EXPIRED', `it was opened at ${account.start}, after the quote expired at ${Math.floor(quote.expiresAt / 1000)}: ask for a new quote`);
  }
}
