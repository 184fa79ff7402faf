import type { PublicKey } from '@solana/web3.js';
import type { DecloudChain, HostAccount } from '@decloud/sdk/chain/index';
import { CliError } from './cli-error.js';

/** The operator's host account; CliError NOT_REGISTERED naming the fix when there is none. */
export async function requireHost(chain: DecloudChain, operator: PublicKey): Promise<HostAccount> {
  const host = await chain.fetchHost(operator);
  if (!host) throw new CliError('NOT_REGISTERED', `no host is registered for operator ${operator.toBase58()} on this chain: decloud-node start registers it`);
  return host;
}
