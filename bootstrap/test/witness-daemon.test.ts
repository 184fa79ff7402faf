// The `decloud-bootstrap` bin as a witness and offer index (its own process, the local chain
// over RPC in this one): it runs under the witness key's peer id, challenges the active hosts
// every epoch, posts a heartbeat per ended epoch paid from its key, reports through /health
// and /metrics, and refuses bad flags and keys with the fix.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { DecloudChain } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { spawnBin } from './fixtures/json-process.js';
import type { JsonProcess } from './fixtures/json-process.js';
import { airdrop, startRegisteredHost, startWitnessWorld, waitFor } from './witness-fixtures.js';
import type { TestHost, WitnessWorld } from './witness-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bootstrap/bin/decloud-bootstrap.js');
const freePorts = ['--tcp-port', '0', '--ws-port', '0', '--webrtc-port', '0'];

let world: WitnessWorld;
let dir: string;
let keyFile: string;
let daemon: JsonProcess;
let started: { peerId: string; multiaddrs: string[]; http: string; witness: string };
let host: TestHost | undefined;

const clientOf = (w: WitnessWorld): DecloudChain => DecloudChain.fromKeypair(w.connection, w.witness);

async function writeKey(name: string, key: Keypair): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(Array.from(key.secretKey)));
  return file;
}

test.before(async () => {
  world = await startWitnessWorld();
  dir = await mkdtemp(join(tmpdir(), 'decloud-witness-daemon-'));
  keyFile = await writeKey('witness.json', world.witness);
  await airdrop(world.connection, world.witness.publicKey, 1);
  daemon = spawnBin('bootstrap', bin, ['--state', join(dir, 'state'), ...freePorts, '--json', '--http-port', '0', '--rpc', world.chain.rpcUrl, '--witness-key', keyFile], root);
  started = await daemon.next((e) => Array.isArray(e.multiaddrs), 60_000) as typeof started;
});

test.after(async () => {
  await host?.node.stop();
  if (daemon !== undefined) await daemon.stop('SIGINT');
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

test('it runs under the witness key\'s peer id and prints its HTTP URL and witness key', async () => {
  assert.is(started.peerId, peerIdFromSolanaPublicKey(world.witness.publicKey.toBytes()).toString());
  assert.is(started.witness, world.witness.publicKey.toBase58());
  assert.match(started.http, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await readdir(join(dir, 'state')), ['webrtc-certificate.json'], 'no generated identity: the witness key is the identity');
  const health = await (await fetch(`${started.http}/health`)).json() as { witness: { witness: string; epochSecs: number } };
  assert.is(health.witness.witness, started.witness);
  assert.is(health.witness.epochSecs, 2);
});

test('it challenges an active host every epoch and counts the outcome in /metrics', async () => {
  // A registered host whose node does not speak the witness protocol: unreachable on it.
  const tcp = started.multiaddrs.find((a) => a.includes('/tcp/') && !a.includes('/ws'))!;
  host = await startRegisteredHost(world, tcp);
  const text = await waitFor('an unreachable host counted', async () => {
    const metrics = await (await fetch(`${started.http}/metrics`)).text();
    return /^decloud_witness_challenges_failed_total\{reason="unreachable"\} [1-9]/m.test(metrics) ? metrics : undefined;
  }, 20_000);
  assert.match(text, /^decloud_witness_active_hosts 1$/m);
  assert.match(text, /^decloud_witness_attestations_signed_total 0$/m);
  const health = await (await fetch(`${started.http}/health`)).json() as { witness: { activeHosts: number } };
  assert.is(health.witness.activeHosts, 1);
});

test('it posts a heartbeat for each ended epoch, paid from the witness key', async () => {
  const health = await waitFor('two heartbeats', async () => {
    const { witness } = await (await fetch(`${started.http}/health`)).json() as { witness: { lastHeartbeat?: string; heartbeatsFunded?: boolean } };
    return witness.lastHeartbeat !== undefined && /^decloud_witness_heartbeats_posted_total [2-9]/m.test(await (await fetch(`${started.http}/metrics`)).text()) ? witness : undefined;
  }, 20_000);
  assert.is(health.heartbeatsFunded, true);
  assert.ok(BigInt(await world.connection.getBalance(world.witness.publicKey)) < 1_000_000_000n, 'the witness paid the fees');
  assert.match(daemon.stderr(), `the witness key ${world.witness.publicKey.toBase58()} holds`);
  const pool = await clientOf(world).fetchRewardPool();
  const epoch = BigInt(health.lastHeartbeat!);
  assert.ok(pool.aliveEpoch >= epoch && ((pool.aliveBits >> (pool.aliveEpoch - epoch)) & 1n) === 1n, 'the epoch is alive on-chain');
});

test('SIGINT stops it cleanly', async () => {
  assert.is(await daemon.stop('SIGINT'), 0);
});

test('bad flags and keys are refused with the fix', async () => {
  const stranger = await writeKey('stranger.json', Keypair.generate());
  const junk = join(dir, 'junk.json');
  await writeFile(junk, '[1, 2, 3]');
  for (const [args, message] of [
    [['--witness-key', keyFile], "'--witness-key <file>' needs '--rpc <url>'"],
    [['--web', dir], "'--web <dir>' needs '--http-port <port>'"],
    [['--rpc', 'ftp://example.org'], 'expected an http(s) URL'],
    [['--rpc', world.chain.rpcUrl, '--witness-key', junk], 'is not a Solana keypair file (expected a JSON array of 64 numbers'],
    [['--rpc', world.chain.rpcUrl, '--witness-key', join(dir, 'missing.json')], 'is not a Solana keypair file'],
    [['--rpc', world.chain.rpcUrl, '--witness-key', stranger], 'is not a witness in the program config'],
    [['--http-port', '0', '--web', join(dir, 'no-such-dir')], 'cannot be served'],
  ] as const) {
    const refused = spawnBin('bootstrap', bin, ['--state', join(dir, 'refused'), ...freePorts, ...args], root);
    assert.is.not(await refused.exited(), 0, args.join(' '));
    assert.ok(refused.stderr().includes(message), `${args.join(' ')}: ${refused.stderr()}`);
  }
});

test.run();
