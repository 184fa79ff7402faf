/**
 * One CLI command's connection: the config resolved, the wallet loaded (created on first
 * use), DeCloud connected behind a spinner, and always closed again so the process ends
 * as soon as the command is done.
 */
import type { Command } from 'commander';
import { DeCloud } from '../renter/decloud.js';
import { requireBootstrap, resolveCliConfig } from './cli-config.js';
import type { CliConfig, GlobalFlags } from './cli-config.js';
import { step, note } from './spinner.js';
import { loadWallet } from './wallet-file.js';
import type { LoadedWallet } from './wallet-file.js';

export interface Session {
  config: CliConfig;
  wallet: LoadedWallet;
}

export async function openSession(command: Command): Promise<Session> {
  const config = await resolveCliConfig(command.optsWithGlobals<GlobalFlags>());
  const wallet = await loadWallet(config.walletFile, config.defaultWallet);
  if (wallet.created) note(`created a new wallet ${wallet.keypair.publicKey.toBase58()} in ${config.walletFile} (back it up; fund it before renting)`);
  return { config, wallet };
}

/**
 * Runs `run` with a connected DeCloud. `network: true` for commands that talk to hosts
 * (they need a bootstrap peer); chain-only commands join with whatever is configured.
 */
export async function withDeCloud<T>(command: Command, options: { network: boolean }, run: (decloud: DeCloud, session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(command);
  const { config, wallet } = session;
  const bootstrap = options.network ? requireBootstrap(config) : config.bootstrap;
  const decloud = await step(`connecting to ${config.rpcUrl}${options.network ? ' and the DeCloud network' : ''}`, () =>
    DeCloud.connect({ rpcUrl: config.rpcUrl, bootstrap, wallet: wallet.keypair }),
  () => `connected as ${wallet.keypair.publicKey.toBase58()}`);
  try {
    return await run(decloud, session);
  } finally {
    await decloud.close();
  }
}
