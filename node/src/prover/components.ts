import type { Keypair } from '@solana/web3.js';
import type { Logger } from 'pino';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { ProverError } from './errors.js';

/** What the prover's services are built from. */
export interface ProverComponents {
  /** the chain client signing as `operator` */
  chain: DecloudChain;
  operator: Keypair;
  /** unix ms */
  clock: () => number;
  log: Logger;
}

export function checkSignsAsOperator(components: Pick<ProverComponents, 'chain' | 'operator'>): void {
  if (!components.chain.wallet.equals(components.operator.publicKey)) {
    throw new ProverError('BAD_CONFIG', `the chain client signs as ${components.chain.wallet.toBase58()}, not as the operator ${components.operator.publicKey.toBase58()}: build it with DecloudChain.fromKeypair(connection, operator)`);
  }
}

export function nowSecs(components: Pick<ProverComponents, 'clock'>): bigint {
  return BigInt(Math.floor(components.clock() / 1000));
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
