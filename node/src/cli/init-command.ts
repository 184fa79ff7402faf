/** `decloud-node init`: writes the config, creates the operator key, and says how to fund it. */
import { Connection, LAMPORTS_PER_SOL } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import type { Command } from 'commander';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { ConfigError, createOperatorKey, operatorKeyPathOf, resolveDataDir, writeConfig } from '../config/index.js';
import type { NodeConfigInput } from '../config/index.js';
import { DaemonError } from '../daemon/daemon-error.js';
import { fields, json, lamportsOfSol, sol } from './format.js';

interface InitOptions {
  country?: string;
  label?: string;
  rpcUrl?: string;
  bootstrap?: string;
  listen?: string;
  stake?: string;
  owner?: string;
  image?: string[];
  metricsPort?: string;
  airdrop?: string;
  force?: boolean;
  json?: boolean;
}

const list = (text: string | undefined): string[] | undefined => text?.split(',').map((item) => item.trim()).filter(Boolean);

export function initCommand(program: Command): void {
  program
    .command('init')
    .description('write the node config and create the operator key (the host identity and on-chain signer)')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 country of this machine, e.g. DE')
    .option('--label <text>', 'free-text region label, e.g. "Berlin, fibre"')
    .option('--rpc-url <url>', 'Solana RPC endpoint (default http://127.0.0.1:8899)')
    .option('--bootstrap <multiaddrs>', 'comma-separated bootstrap peer multiaddrs (with /p2p/<id>)')
    .option('--listen <multiaddrs>', 'comma-separated libp2p listen multiaddrs')
    .option('--stake <sol>', 'SOL to stake at registration (default 1)')
    .option('--owner <pubkey>', 'where payouts, rewards and the stake go (default the operator)')
    .option('--image <name>', 'an image renters may run (repeatable; default decloud/busybox:local)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--metrics-port <port>', 'port of the local metrics endpoint (0 picks a free one)')
    .option('--airdrop <sol>', 'request an airdrop to the operator (local chain, devnet)')
    .option('--force', 'replace an existing config (the operator key is always kept)')
    .option('--json', 'print the result as JSON')
    .action(async (options: InitOptions, command: Command) => {
      const dataDir = resolveDataDir(command.optsWithGlobals<{ data?: string }>().data);
      const input = configInput(options);
      const airdropLamports = options.airdrop === undefined ? undefined : solOption('--airdrop', options.airdrop);
      // The config is checked before the key is made: a typo leaves nothing behind.
      const { file, config } = await writeConfig(dataDir, input, { force: options.force });
      const keyPath = operatorKeyPathOf(dataDir, config);
      const { keypair, created } = await createOperatorKey(keyPath);
      const operator = keypair.publicKey.toBase58();
      const peerId = peerIdFromSolanaPublicKey(keypair.publicKey.toBytes()).toString();
      const balance = airdropLamports === undefined ? undefined : await airdrop(config.rpcUrl, keypair.publicKey, airdropLamports);
      const needed = config.stakeLamports + BigInt(LAMPORTS_PER_SOL / 100);
      if (options.json) {
        process.stdout.write(`${json({ dataDir, configFile: file, operatorKeyFile: keyPath, keyCreated: created, operator, peerId, balance, stakeLamports: config.stakeLamports })}\n`);
        return;
      }
      process.stdout.write(`${fields([
        ['config', file],
        ['operator key', `${keyPath}${created ? ' (new: back it up, it holds the stake)' : ' (kept: it existed already)'}`],
        ['operator', operator],
        ['peer id', peerId],
        ['stake', sol(config.stakeLamports)],
        ...(balance === undefined ? [] : [['balance', `${sol(balance)} after the airdrop`] as [string, string]]),
      ])}\n`);
      if (balance === undefined || balance < needed) {
        process.stdout.write(`\nFund the operator with the stake plus fees (about ${sol(needed)}):\n  solana transfer ${operator} ${sol(needed).replace(' SOL', '')} --url ${config.rpcUrl}\n  (on a local or test chain: decloud-node init --airdrop 2 --force ..., or solana airdrop 2 ${operator} --url ${config.rpcUrl})\n`);
      }
      process.stdout.write(`\nThen start the node:\n  decloud-node start${command.optsWithGlobals<{ data?: string }>().data ? ` --data ${dataDir}` : ''}\n`);
    });
}

function configInput(options: InitOptions): NodeConfigInput {
  const stake = options.stake === undefined ? undefined : solOption('--stake', options.stake);
  if (options.metricsPort !== undefined && !/^\d+$/.test(options.metricsPort)) {
    throw new ConfigError('BAD_CONFIG', `--metrics-port must be a port number 0-65535, got ${JSON.stringify(options.metricsPort)}`);
  }
  const port = options.metricsPort === undefined ? undefined : Number(options.metricsPort);
  return {
    region: { country: options.country ?? '', ...(options.label !== undefined ? { label: options.label } : {}) },
    ...(options.rpcUrl !== undefined ? { rpcUrl: options.rpcUrl } : {}),
    ...(options.bootstrap !== undefined ? { bootstrap: list(options.bootstrap) } : {}),
    ...(options.listen !== undefined ? { listen: list(options.listen) } : {}),
    ...(stake !== undefined ? { stakeLamports: stake.toString() } : {}),
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(options.image !== undefined ? { allowedImages: options.image } : {}),
    ...(port !== undefined ? { metrics: { port } } : {}),
  };
}

function solOption(flag: string, text: string): bigint {
  const lamports = lamportsOfSol(text);
  if (lamports === undefined || lamports === 0n) throw new ConfigError('BAD_CONFIG', `${flag} must be an amount of SOL such as 2 or 0.5, got ${JSON.stringify(text)}`);
  return lamports;
}

async function airdrop(rpcUrl: string, to: PublicKey, lamports: bigint): Promise<bigint> {
  const connection = new Connection(rpcUrl, 'confirmed');
  try {
    const signature = await connection.requestAirdrop(to, Number(lamports));
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) }, 'confirmed');
    return BigInt(await connection.getBalance(to, 'confirmed'));
  } catch (err) {
    throw new DaemonError('RPC_UNREACHABLE', `the airdrop from ${rpcUrl} failed (${(err as Error).message}): the config and key were written; fund ${to.toBase58()} another way, or start the local chain (npx decloud-chain) and run init again with --force --airdrop`, { cause: err });
  }
}
