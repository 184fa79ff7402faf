/**
 * `decloud`: the renter's command line.
 *
 *   decloud wallet --airdrop 2                      address and balance (+ funds on a local chain)
 *   decloud hosts --cpu 2 --memory 2GiB             hosts selling containers, numbered
 *   decloud rent 1 --image decloud/busybox:local --hours 1
 *   decloud exec <lease> -- echo hi                 run a command (its exit code is ours)
 *   decloud shell <lease> | logs <lease> -f | stats <lease>
 *   decloud extend <lease> --hours 1 | end <lease> | leases
 *
 * Settings: flags > DECLOUD_RPC_URL, DECLOUD_BOOTSTRAP, DECLOUD_WALLET > ~/.decloud/config.json.
 */
import '../net/polyfill.js';
import { Command } from 'commander';
import { endCommand } from './end-command.js';
import { execCommand } from './exec-command.js';
import { extendCommand } from './extend-command.js';
import { hostsCommand } from './hosts-command.js';
import { leasesCommand } from './leases-command.js';
import { logsCommand } from './logs-command.js';
import { rentCommand } from './rent-command.js';
import { shellCommand } from './shell-command.js';
import { statsCommand } from './stats-command.js';
import { walletCommand } from './wallet-command.js';

const program = new Command('decloud')
  .description('DeCloud renter: find hosts, rent containers paid in SOL through an on-chain escrow, use and end them')
  .option('--rpc-url <url>', 'Solana RPC endpoint running DeCloud (default $DECLOUD_RPC_URL, config.json, or http://127.0.0.1:8899)')
  .option('--bootstrap <multiaddrs>', 'comma-separated bootstrap peer multiaddrs with /p2p/<id> (default $DECLOUD_BOOTSTRAP or config.json)')
  .option('--wallet <file>', 'Solana keypair file paying and signing (default $DECLOUD_WALLET, config.json, or ~/.decloud/wallet.json)')
  .enablePositionalOptions()
  .showHelpAfterError();

for (const add of [walletCommand, hostsCommand, rentCommand, execCommand, shellCommand, logsCommand, statsCommand, extendCommand, endCommand, leasesCommand]) add(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const error = err as Error;
  process.stderr.write(`decloud: ${error?.message ?? String(err)}\n`);
  if (process.env.DECLOUD_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
  process.exitCode = 1;
}
// The command is done: sockets and timers of the chain client must not keep the process alive.
process.exit();
