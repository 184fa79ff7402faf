/** Checking a wallet can pay before sending: a clear error beats a failed transaction's logs. */
import type { Connection, PublicKey } from '@solana/web3.js';
import type { RentStep } from './rent-progress.js';
import { RenterError } from './renter-error.js';
import { sol } from './sol-amounts.js';

/** Room for transaction fees: a wallet paying exactly its balance cannot also pay the fee. */
export const FEE_ALLOWANCE = 10_000n;

/** Throws INSUFFICIENT_FUNDS naming the wallet, its balance and what `what` needs. */
export async function requireBalance(connection: Connection, wallet: PublicKey, amount: bigint, what: string, step?: RentStep): Promise<void> {
  const balance = BigInt(await connection.getBalance(wallet, 'confirmed'));
  const needed = amount + FEE_ALLOWANCE;
  if (balance < needed) {
    throw new RenterError('INSUFFICIENT_FUNDS', `${what} needs ${sol(needed)} SOL (with fees) but wallet ${wallet.toBase58()} holds ${sol(balance)} SOL: fund it (on a local chain: decloud wallet --airdrop 2)`, step === undefined ? {} : { step });
  }
}
