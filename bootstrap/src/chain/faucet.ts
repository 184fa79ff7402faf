import { type Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';

/** A new keypair holding `sol` from the local chain's faucet (airdrop), confirmed. */
export async function fundedKeypair(connection: Connection, sol: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, Math.round(sol * LAMPORTS_PER_SOL));
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
  return keypair;
}
