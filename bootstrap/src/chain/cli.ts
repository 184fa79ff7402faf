import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PublicKey } from '@solana/web3.js';
import { startLocalChain } from './index.js';
import type { ProgramSource } from './index.js';
import { LOCAL_WITNESS_FILE, decloudAuthority, decloudProgram, defaultGenesis, initializeDecloud, localWitnessKey } from './decloud-genesis.js';

/**
 * `decloud-chain`: runs the local chain until SIGINT/SIGTERM, then saves its state.
 *
 *   decloud-chain --port 8899 --host 127.0.0.1 --state .decloud/chain --program <id>=<path.so> [--reset]
 *
 * The DeCloud program is loaded unless --no-decloud, deployed through the upgradeable loader
 * with the chain's DeCloud authority (authority.json beside the ledger) as its upgrade
 * authority, and its config initialized by that authority on first start.
 */
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new InvalidArgumentError('expected a port from 0 to 65534 (the websocket port is port + 1)');
  return port;
}

function collectProgram(value: string, previous: ProgramSource[]): ProgramSource[] {
  const separator = value.indexOf('=');
  if (separator <= 0 || separator === value.length - 1) throw new InvalidArgumentError('expected <program id>=<path to .so>');
  return [...previous, { programId: value.slice(0, separator), path: resolve(value.slice(separator + 1)) }];
}

function collectWitness(value: string, previous: PublicKey[]): PublicKey[] {
  try {
    return [...previous, new PublicKey(value)];
  } catch {
    throw new InvalidArgumentError('expected a base58 public key');
  }
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const command = new Command('decloud-chain')
  .description('Local Solana-compatible chain (litesvm) serving the JSON-RPC and websocket API that web3.js and Anchor use')
  .option('--port <port>', 'RPC port; websockets also listen on port + 1 (0 = any free port)', parsePort, 8899)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--state <dir>', 'directory to keep the ledger in across restarts (in memory only without it)')
  .option('--program <id=path>', 'load an SBF program (.so) at this id; repeatable', collectProgram, [] as ProgramSource[])
  .option('--reset', 'discard the state saved in --state first', false)
  .option('--no-decloud', 'do not load the DeCloud program nor initialize its config')
  .option('--witness <pubkey>', `witness key for the DeCloud config (first start); repeatable, at most 4; without one, a key kept as ${LOCAL_WITNESS_FILE} in --state`, collectWitness, [] as PublicKey[])
  .option('--epoch-secs <n>', 'proof epoch length in seconds (first start)', parseCount, Number(defaultGenesis.proofEpochSecs))
  .option('--grace-epochs <n>', 'witness-alive epochs a lease may go unproven before its host can be penalized, 2 to 32 (first start)', parseCount, defaultGenesis.graceEpochs)
  .option('--epoch-reward <lamports>', 'most a host earns from the reward pool per attested epoch (first start)', parseCount, Number(defaultGenesis.epochReward))
  .option('--jail-secs <n>', 'how long a penalized host stays jailed before it may withdraw its stake (first start)', parseCount, Number(defaultGenesis.jailSecs))
  .parse();

const options = command.opts<{
  port: number; host: string; state?: string; program: ProgramSource[]; reset: boolean;
  decloud: boolean; witness: PublicKey[]; epochSecs: number; graceEpochs: number; epochReward: number; jailSecs: number;
}>();
const log = (message: string) => process.stderr.write(`decloud-chain: ${message}\n`);
if (options.reset && !options.state) command.error('error: --reset discards the state kept with --state <dir>; give both');

try {
  const stateDir = options.state ? resolve(options.state) : undefined;
  // The same key every start: the program's upgrade authority, and the config's authority.
  const authority = options.decloud ? await decloudAuthority(stateDir) : undefined;
  const chain = await startLocalChain({
    host: options.host,
    port: options.port,
    stateDir,
    reset: options.reset,
    programs: authority ? [decloudProgram(undefined, authority.publicKey), ...options.program] : options.program,
    log,
    onStart: async (started) => {
      if (!authority || !started.firstStart) return;
      let witnesses = options.witness;
      if (witnesses.length === 0) {
        const local = await localWitnessKey(stateDir);
        witnesses = [local.publicKey];
        log(stateDir
          ? `no --witness: the config names ${local.publicKey.toBase58()} (${join(stateDir, LOCAL_WITNESS_FILE)}; run decloud-bootstrap --witness-key with it)`
          : `no --witness: the config names ${local.publicKey.toBase58()}, a key kept nowhere (give --state to keep it, or --witness)`);
      }
      const genesis = {
        ...defaultGenesis, witnesses, proofEpochSecs: BigInt(options.epochSecs), graceEpochs: options.graceEpochs,
        epochReward: BigInt(options.epochReward), jailSecs: BigInt(options.jailSecs),
      };
      await initializeDecloud(started, genesis, authority);
      log(`DeCloud config initialized (authority ${authority.publicKey.toBase58()}, ${witnesses.length} witness(es))`);
    },
  });
  const lines = [
    'decloud-chain is running',
    `  RPC:      ${chain.rpcUrl}`,
    `  WS:       ${chain.wsUrl} (also on the RPC port)`,
    `  state:    ${options.state ? `${resolve(options.state)} (${chain.firstStart ? 'new' : 'restored'}, slot ${chain.ledger.slot()})` : 'in memory only'}`,
    ...(authority ? [`  DeCloud:  ${decloudProgram().path} (upgrade authority ${authority.publicKey.toBase58()})`] : []),
    ...options.program.map((p) => `  program:  ${String(p.programId)} from ${p.path}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: saving state and stopping`);
    chain.close().then(
      // An explicit exit skips the teardown of litesvm's addon, which is not safe once programs ran.
      () => process.exit(0),
      (err: Error) => {
        log(`stopping failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  log((err as Error).message);
  process.exit(1);
}
