import { Connection } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { DecloudChain } from '@decloud/sdk/chain/index';
import type { ConfigAccount } from '@decloud/sdk/chain/index';
import { loadConfig, readOperatorKey } from '../config/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { checkRpc } from '../daemon/rpc-check.js';

/** What the chain commands work with: the config, the operator key, and a chain client signing as the operator. */
export interface OperatorContext {
  config: ResolvedConfig;
  operator: Keypair;
  chain: DecloudChain;
  programConfig: ConfigAccount;
}

/** Loads config and key and checks the RPC endpoint answers (clear errors otherwise, nothing sent). */
export async function operatorContext(dataDir: string | undefined): Promise<OperatorContext> {
  const config = await loadConfig({ dataDir });
  const operator = await readOperatorKey(config.operatorKeyPath);
  const chain = DecloudChain.fromKeypair(new Connection(config.rpcUrl, 'confirmed'), operator);
  const programConfig = await checkRpc(chain, config);
  return { config, operator, chain, programConfig };
}
