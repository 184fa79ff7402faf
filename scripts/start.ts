/**
 * `npm start`: the whole DeCloud network on this machine, offline: a local chain with the
 * program, a bootstrap peer (relay, offer index, uptime witness) and one host node selling
 * Docker containers, with all state under .state/local. The witness key is funded from the
 * local faucet: it pays a heartbeat per proof epoch, without which no host can be penalized. Ctrl-C stops everything; a second
 * `npm start` resumes where the first left off. If the host node dies, the chain and the
 * bootstrap peer keep running, so renters can still end their leases and be refunded.
 *
 * Environment:
 *   DECLOUD_LOCAL_STATE   state folder (default .state/local)
 *   DECLOUD_EPOCH_SECS    proof epoch length in seconds (default 30)
 *   DECLOUD_GRACE_EPOCHS  witness-alive epochs a lease's proofs may lag before its host can be penalized (2 to 32, default 3)
 * The last two are written into the program's config when the chain starts on fresh state;
 * a resumed chain keeps the values it was created with.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Connection, LAMPORTS_PER_SOL } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import Docker from 'dockerode';
import { startChild, type Child } from './local-network/child.js';
import { keypairFile } from './local-network/keys.js';
import { usePrivateDockerEngine } from './local-network/docker-host.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const state = process.env.DECLOUD_LOCAL_STATE ?? join(root, '.state/local');
const rpcUrl = 'http://127.0.0.1:8899';
const httpPort = 8080;
const bin = (pkg: string, name: string) => join(root, pkg, 'bin', `${name}.js`);
const step = (text: string) => process.stdout.write(`\x1b[1m==>\x1b[0m ${text}\n`);
const children: Child[] = [];
const WITNESS_TOP_UP_BELOW = LAMPORTS_PER_SOL / 10;

async function airdrop(connection: Connection, to: PublicKey, lamports: number): Promise<void> {
  await connection.confirmTransaction(await connection.requestAirdrop(to, lamports), 'confirmed');
}

/** A whole number from `min` to `max` from the environment, or the default. */
function wholeEnv(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = process.env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name}=${JSON.stringify(text)} is not a whole number ${range}: unset it or give e.g. ${name}=${fallback}`);
  }
  return Number(text);
}

async function main(): Promise<void> {
  const epochSecs = wholeEnv('DECLOUD_EPOCH_SECS', 30, 1, 604_800);
  // The program's range: a penalty needs more than this many witness-alive unproven epochs, within the 64 it remembers.
  const graceEpochs = wholeEnv('DECLOUD_GRACE_EPOCHS', 3, 2, 32);
  if (!existsSync(join(root, 'program/deploy/decloud.so'))) {
    step('building the on-chain program');
    if (spawnSync('npm', ['run', 'build:program'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('npm run build:program failed');
  }

  step('checking the Docker engine');
  usePrivateDockerEngine(root);
  try {
    await new Docker().ping();
  } catch (err) {
    throw new Error(`no Docker engine answers (${(err as Error).message}): run "sudo scripts/docker-engine.sh start" ` +
      'and export the DOCKER_HOST it prints, or start your own engine');
  }

  const witness = keypairFile(join(state, 'bootstrap/witness.json'));
  const renter = keypairFile(join(state, 'renter.json'));

  step('starting the local chain');
  const chain = startChild('chain', process.execPath, [bin('bootstrap', 'decloud-chain'),
    '--state', join(state, 'chain'), '--port', '8899', '--witness', witness.publicKey.toBase58(),
    '--epoch-secs', String(epochSecs), '--grace-epochs', String(graceEpochs)]);
  children.push(chain);
  await chain.waitForLine((l) => l.includes('decloud-chain is running'), 60_000);
  const connection = new Connection(rpcUrl, 'confirmed');
  // The witness pays each heartbeat's fee (10 000 lamports): 1 SOL lasts 100 000 epochs.
  if ((await connection.getBalance(witness.publicKey)) < WITNESS_TOP_UP_BELOW) {
    step('funding the witness key with 1 SOL (it pays a heartbeat per proof epoch)');
    await airdrop(connection, witness.publicKey, LAMPORTS_PER_SOL);
  }

  step('starting the bootstrap peer (relay, offer index, witness)');
  const bootstrap = startChild('bootstrap', process.execPath, [bin('bootstrap', 'decloud-bootstrap'),
    '--state', join(state, 'bootstrap'), '--rpc', rpcUrl, '--witness-key', join(state, 'bootstrap/witness.json'),
    '--http-port', String(httpPort), '--json']);
  children.push(bootstrap);
  const info = JSON.parse(await bootstrap.waitForLine((l) => l.startsWith('{'), 60_000)) as { multiaddrs: string[] };
  const bootstrapAddr = info.multiaddrs.find((a) => a.includes('/tcp/') && !a.includes('/ws')) ?? info.multiaddrs[0]!;

  const hostData = join(state, 'host');
  if (!existsSync(join(hostData, 'config.json'))) {
    step('creating the host node (operator key, config, 10 SOL from the local faucet)');
    const init = spawnSync(process.execPath, [bin('node', 'decloud-node'), '--data', hostData, 'init', '--country', 'DE',
      '--label', 'local machine', '--rpc-url', rpcUrl, '--bootstrap', bootstrapAddr, '--airdrop', '10'], { stdio: 'inherit' });
    if (init.status !== 0) throw new Error('decloud-node init failed');
  }
  step('starting the host node');
  const host = startChild('host', process.execPath, [bin('node', 'decloud-node'), '--data', hostData, 'start', '--json']);
  children.push(host);
  await host.waitForLine((l) => l.includes('"event":"ready"'), 120_000);

  if ((await connection.getBalance(renter.publicKey)) < LAMPORTS_PER_SOL) {
    step('funding the demo renter wallet with 20 SOL');
    await airdrop(connection, renter.publicKey, 20 * LAMPORTS_PER_SOL);
  }

  const env = `export DECLOUD_RPC_URL=${rpcUrl} DECLOUD_BOOTSTRAP=${bootstrapAddr} DECLOUD_WALLET=${join(state, 'renter.json')}`;
  process.stdout.write(`
DeCloud is running: local chain ${rpcUrl}, bootstrap ${bootstrapAddr},
offer index http://127.0.0.1:${httpPort}/offers, one host selling decloud/busybox:local.

In another terminal, rent a container as a renter:

  ${env}
  npx decloud hosts                                  # offers on the network
  npx decloud rent 1 --image decloud/busybox:local --hours 1
  npx decloud exec <lease> -- uname -a               # run a command
  npx decloud shell <lease>                          # interactive shell
  npx decloud end <lease>                            # pay the proven part, refund the rest

Host side: npx decloud-node --data ${hostData} status | leases | earnings
Ctrl-C stops everything; npm start again resumes.
`);
  void host.exited.then((code) => {
    if (stopping) return;
    process.stderr.write(`\nthe host node stopped unexpectedly (exit ${code}):\n${host.tail()}\n` +
      'The chain and the bootstrap peer keep running, so leases can still be ended; Ctrl-C and npm start again to bring the host back.\n');
  });
  const network = [chain, bootstrap];
  const died = await Promise.race(network.map((c) => c.exited.then((code) => ({ c, code }))));
  throw new Error(`${died.c.name} stopped unexpectedly (exit ${died.code}):\n${died.c.tail()}`);
}

let stopping = false;
let stopped: Promise<void> | undefined;
/**
 * Stops every child, then exits. Ctrl-C reaches this process more than once (from the
 * terminal's process group and again from npm): a later call waits for the same stop, so
 * nothing exits while a child still holds its ports.
 */
async function stopAll(code: number): Promise<never> {
  stopping = true;
  stopped ??= (async () => {
    // Host first (it stops publishing), then the bootstrap, then the chain (it saves the ledger).
    for (const child of [...children].reverse()) await child.stop();
  })();
  await stopped;
  process.exit(code);
}

process.on('SIGINT', () => { process.stdout.write('\nstopping…\n'); void stopAll(0); });
process.on('SIGTERM', () => void stopAll(0));
main().catch((err: Error) => {
  // Ctrl-C reaches the children too: one exiting while we stop them is no failure.
  if (stopping) return;
  process.stderr.write(`\nnpm start failed: ${err.message}\n`);
  void stopAll(1);
});
