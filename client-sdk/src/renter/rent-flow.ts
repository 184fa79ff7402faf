/**
 * One rental, step by step: quote -> open the lease on-chain -> activation over the
 * lease-open protocol -> running. The renter picks the lease id and its delegate key first;
 * the host signs terms that name both, and the lease opens only with that signature. Each
 * step reports progress; a failure names its step and the fix. Funds are never lost: before
 * funding nothing is paid, and once the lease exists every error carries its address and
 * says how to close it for a refund.
 */
import { SendTransactionError } from '@solana/web3.js';
import { ACCOUNT_LAYOUTS } from '../chain/accounts.js';
import { newLeaseId } from '../chain/addresses.js';
import { DecloudProgramError } from '../chain/errors.js';
import { rememberOfferAddresses } from '../net/offer-addresses.js';
import { QuoteRefusedError } from '../net/net-error.js';
import { priceOf } from '../offers/pricing.js';
import type { Offer, SignedOffer } from '../offers/types.js';
import { leaseTermsOf } from '../quotes/lease-terms.js';
import type { QuoteRequest, SignedQuote } from '../quotes/types.js';
import { delegateKeypair } from './delegate-key.js';
import { findHostOffer } from './host-search.js';
import { Lease } from './lease.js';
import type { RenterContext } from './lease.js';
import { checkAgainstOffer, checkRentOptions, quoteRequestOf } from './rent-request.js';
import type { CheckedRent, RentOptions } from './rent-request.js';
import type { RentProgressListener } from './rent-progress.js';
import { messageOf, RenterError } from './renter-error.js';
import { sol } from './sol-amounts.js';
import { requireBalance } from './wallet-funds.js';

export interface RentCallOptions {
  onProgress?: RentProgressListener;
  signal?: AbortSignal;
  /** Automatic usage receipts every this many ms while the lease is in use (default 30 s); false for none. */
  receiptIntervalMs?: number | false;
}

const SECONDS_PER_HOUR = 3600n;

export async function rentFromOffer(ctx: RenterContext, chosen: SignedOffer, options: RentOptions, call: RentCallOptions = {}): Promise<Lease> {
  const emit: RentProgressListener = call.onProgress ?? (() => undefined);
  const { signal } = call;
  const rent = checkRentOptions(options);
  checkAgainstOffer(chosen.offer, rent);
  signal?.throwIfAborted();

  const { chain, wallet } = ctx;
  const leaseId = newLeaseId(wallet.publicKey, chain.program.programId);
  const parties = { renter: wallet.publicKey.toBase58(), leaseId, delegate: delegateKeypair(wallet, leaseId).publicKey.toBase58() };
  emit({ step: 'quote', host: chosen.offer.host, peerId: chosen.offer.peerId, durationSecs: rent.durationSecs });
  const { signed, offer } = await quoteFor(ctx, chosen, parties, rent, signal);
  const { quote } = signed;
  emit({ step: 'quoted', quote, hostSignature: signed.signature });

  const rentExempt = BigInt(await chain.connection.getMinimumBalanceForRentExemption(ACCOUNT_LAYOUTS.lease.size));
  await requireBalance(chain.connection, wallet.publicKey, quote.deposit + rentExempt, `a lease of ${rent.durationSecs} s at ${quote.lamportsPerSecond} lamports/s`, 'funding');
  signal?.throwIfAborted();
  emit({ step: 'funding', deposit: quote.deposit, rentExempt });
  let address: string;
  try {
    const opened = await chain.openLease({ ...leaseTermsOf(quote), hostSignature: signed.signature });
    address = opened.lease.toBase58();
    emit({ step: 'funded', lease: address, signature: opened.signature });
  } catch (err) {
    throw fundingError(err);
  }

  const lease = new Lease(ctx, { address, host: quote.host, hostPeerId: offer.peerId, rate: quote.lamportsPerSecond, leaseId, delegate: quote.delegate }, rent.env);
  emit({ step: 'starting', lease: address });
  try {
    const details = await lease.activate(signal ? { signal } : {});
    emit({ step: 'running', lease: address, details });
  } catch (err) {
    throw new RenterError('ACTIVATION_FAILED', `lease ${address} is funded (${sol(quote.deposit)} SOL in escrow) but host ${offer.peerId} did not start it: ${messageOf(err)}. `
      + `Nothing is lost: \`decloud end ${address}\` closes it and refunds the unproven deposit (SDK: (await decloud.lease('${address}')).end()); or retry the start with (await decloud.lease('${address}')).activate()`,
    { step: 'starting', lease: address, cause: err });
  }
  if (call.receiptIntervalMs !== false) lease.startReceipts(call.receiptIntervalMs === undefined ? {} : { intervalMs: call.receiptIntervalMs });
  return lease;
}

/**
 * A quote for `rent`, verified by requestQuote before anything is paid: from this host,
 * granting this request (lease id and delegate echoed), unexpired, and signed by the host
 * operator over the terms open_lease checks. A host that re-signed its offer since the
 * renter saw it refuses with PRICE_CHANGED: the renter fetches the new offer and asks once
 * more, unless the new price is higher than the one it chose.
 */
async function quoteFor(
  ctx: RenterContext, chosen: SignedOffer, parties: Pick<QuoteRequest, 'renter' | 'leaseId' | 'delegate'>, rent: CheckedRent, signal: AbortSignal | undefined,
): Promise<{ signed: SignedQuote; offer: Offer }> {
  const options = signal ? { signal } : {};
  const ask = async (from: SignedOffer): Promise<SignedQuote> => {
    await rememberOfferAddresses(ctx.node.libp2p.peerStore, from).catch(() => undefined);
    return ctx.node.quotes.requestQuote(from.offer.peerId, quoteRequestOf(from.offer, parties, rent), options);
  };
  const price = priceOf(chosen.offer, rent.resources);
  let current = chosen;
  try {
    let signed: SignedQuote;
    try {
      signed = await ask(current);
    } catch (err) {
      if (!(err instanceof QuoteRefusedError) || err.refusal.reason !== 'PRICE_CHANGED') throw err;
      current = await findHostOffer(ctx.node, chosen.offer.peerId, options);
      if (current.offer.seq <= chosen.offer.seq) throw err;
      const newPrice = priceOf(current.offer, rent.resources);
      if (newPrice > price) {
        throw new RenterError('QUOTE_FAILED', `host ${chosen.offer.peerId} raised its price from ${price} to ${newPrice} lamports/hour since its offer was read: search again (decloud hosts) and pick again`, { step: 'quote' });
      }
      signed = await ask(current);
    }
    checkRate(signed, current.offer, rent);
    return { signed, offer: current.offer };
  } catch (err) {
    signal?.throwIfAborted();
    if (err instanceof RenterError) throw err;
    const fix = err instanceof QuoteRefusedError ? quoteFix(err) : 'check that the host is online (decloud hosts) and try again';
    throw new RenterError('QUOTE_FAILED', `host ${chosen.offer.peerId} gave no quote: ${messageOf(err)}; ${fix}`, { step: 'quote', cause: err });
  }
}

/** A quote above the host's own signed offer is refused before any money moves. */
function checkRate(signed: SignedQuote, offer: Offer, rent: CheckedRent): void {
  const hourly = priceOf(offer, rent.resources);
  const offered = (hourly + SECONDS_PER_HOUR - 1n) / SECONDS_PER_HOUR;
  if (signed.quote.lamportsPerSecond > offered) {
    throw new RenterError('QUOTE_FAILED', `host ${offer.peerId} quoted ${signed.quote.lamportsPerSecond} lamports/s but its signed offer prices this at ${offered}: not funding; pick another host`, { step: 'quote' });
  }
}

function quoteFix(err: QuoteRefusedError): string {
  switch (err.refusal.reason) {
    case 'NO_CAPACITY': return 'ask for fewer resources (--cpu, --memory) or pick another host';
    case 'IMAGE_NOT_ALLOWED': return 'pick an image the host lists (decloud hosts shows them)';
    case 'TOO_LONG':
    case 'TOO_SHORT': return 'pick a duration within the host\'s range';
    case 'PRICE_CHANGED': return 'search again (decloud hosts) and pick again';
    case 'MALFORMED': return 'the host runs an incompatible version: pick another host';
  }
}

/** What to do when the program refuses the terms themselves. */
const FUNDING_FIXES: Partial<Record<string, string>> = {
  QuoteExpired: 'rent again for a fresh quote',
  TermsNotSigned: 'the host\'s signature does not cover these terms: pick another host',
  HostNotActive: 'the host stopped taking leases: pick another host',
  HostJailed: 'the host is jailed: pick another host',
};

function fundingError(err: unknown): RenterError {
  const refused = err instanceof DecloudProgramError || err instanceof SendTransactionError;
  const fix = err instanceof DecloudProgramError ? FUNDING_FIXES[err.errorName] : undefined;
  const message = refused
    ? `the chain refused to open the lease: ${messageOf(err)}; nothing was paid${fix ? `; ${fix}` : ''}`
    : `opening the lease failed: ${messageOf(err)}; if the transaction landed anyway, \`decloud leases\` lists the lease and \`decloud end <lease>\` refunds it`;
  return new RenterError('FUNDING_FAILED', message, { step: 'funding', cause: err });
}
