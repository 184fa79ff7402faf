import type { ConfigAccount, DecloudChain } from '@decloud/sdk/chain/index';
import { derivedSignal } from '@decloud/sdk/net/abort';
import { bounded } from '../leases/signal.js';
import { DaemonError } from './daemon-error.js';

const RPC_TIMEOUT_MS = 10_000;

/**
 * Makes sure the RPC endpoint answers and runs DeCloud (its config account exists) before
 * anything is sent. Returns the program's config.
 */
export async function checkRpc(chain: DecloudChain, where: { rpcUrl: string; configFile: string }, signal?: AbortSignal): Promise<ConfigAccount> {
  const deadline = (): AbortSignal => derivedSignal(RPC_TIMEOUT_MS, signal);
  try {
    await bounded(chain.connection.getVersion(), deadline());
  } catch (err) {
    signal?.throwIfAborted();
    throw new DaemonError(
      'RPC_UNREACHABLE',
      `no Solana RPC answers at ${where.rpcUrl} (${reasonOf(err)}): start the local chain (npx decloud-chain) or set rpcUrl in ${where.configFile} (or DECLOUD_RPC_URL) to a reachable endpoint; nothing was changed`,
      { cause: err },
    );
  }
  try {
    return await bounded(chain.fetchConfig(), deadline());
  } catch (err) {
    signal?.throwIfAborted();
    throw new DaemonError(
      'PROGRAM_NOT_INITIALIZED',
      `${where.rpcUrl} answers, but the DeCloud program ${chain.program.programId.toBase58()} has no config there (${reasonOf(err)}): point rpcUrl at a cluster where DeCloud is deployed and initialized (decloud-chain does both on its first start)`,
      { cause: err },
    );
  }
}

function reasonOf(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError') return `no answer within ${RPC_TIMEOUT_MS / 1000} s`;
  return error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(err);
}
