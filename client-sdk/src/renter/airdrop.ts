/** Free lamports from a local or test chain, confirmed. */
import type { Connection, PublicKey } from '@solana/web3.js';
import { messageOf, RenterError } from './renter-error.js';

export async function requestAirdrop(connection: Connection, to: PublicKey, lamports: bigint): Promise<void> {
  if (typeof lamports !== 'bigint' || lamports <= 0n) throw new RenterError('BAD_OPTION', `an airdrop needs an amount above 0 lamports, got ${String(lamports)}`);
  try {
    const signature = await connection.requestAirdrop(to, Number(lamports));
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  } catch (err) {
    throw new RenterError('FUNDING_FAILED', `the chain at ${connection.rpcEndpoint} gave no airdrop (${messageOf(err)}): only local and test chains do; send SOL to ${to.toBase58()} instead`, { cause: err });
  }
}
