/**
 * `decloud-node start` refuses to run without what it needs, says what to fix, exits
 * non-zero and changes nothing: no RPC endpoint, no Docker engine, a bad config value, an
 * owner that cannot be paid, no config at all. A jailed host's status says until when, and
 * withdraw explains the lock with the time left. Real child processes against the real
 * local chain.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROGRAM_ID, hostStatusOf } from '@decloud/sdk/chain/index';
import { readOperatorKey } from '../src/config/index.js';
import { HostRegistration } from '../src/prover/index.js';
import {
  EPOCH_SECS, SOL, clientOf, epochRange, funded, heartbeats, openLeaseFor, quoteFor, silentLog, startWorld, tempDir, waitUntilSecs,
} from './support/chain-world.js';
import type { World } from './support/chain-world.js';
import { runCli, startDaemon } from './support/cli-process.js';

let world: World;
let data: Awaited<ReturnType<typeof tempDir>>;
let empty: Awaited<ReturnType<typeof tempDir>>;

/** Long enough that the jailed host below is still jailed when withdraw is tried. */
const JAIL_SECS = 3600n;

test.before(async () => {
  world = await startWorld({ jailSecs: JAIL_SECS });
  data = await tempDir('cli-refusals');
  empty = await tempDir('cli-empty');
  const init = await runCli(['--data', data.path, 'init', '--country', 'NL', '--rpc-url', world.chain.rpcUrl, '--listen', '/ip4/127.0.0.1/tcp/0', '--metrics-port', '0', '--airdrop', '2']);
  assert.is(init.code, 0, init.stderr);
});

test.after(async () => {
  await world?.close();
  await data?.remove();
  await empty?.remove();
});

/** Nothing on-chain, nothing on disk: no host account, the airdropped balance untouched, no store, no daemon.json. */
async function assertNothingChanged(): Promise<void> {
  const operator = await readOperatorKey(join(data.path, 'operator-key.json'));
  assert.is(await clientOf(world.connection, operator).fetchHost(operator.publicKey), null, 'no host account');
  assert.is(BigInt(await world.connection.getBalance(operator.publicKey, 'confirmed')), 2n * SOL, 'no fee was paid');
  assert.not.ok(existsSync(join(data.path, 'leases')), 'no lease store');
  assert.not.ok(existsSync(join(data.path, 'daemon.json')), 'no daemon.json');
}

test('an unreachable RPC endpoint: exit 1, the URL and the fix named, nothing changed', async () => {
  const node = startDaemon(['--data', data.path], { DECLOUD_RPC_URL: 'http://127.0.0.1:9' });
  assert.is(await node.exited(), 1);
  assert.match(node.stderr(), /RPC_UNREACHABLE: no Solana RPC answers at http:\/\/127\.0\.0\.1:9 \(.+\): start the local chain .* or set rpcUrl in .*config\.json \(or DECLOUD_RPC_URL\)/);
  assert.ok(node.events.some((e) => e.event === 'step' && e.step === 'rpc' && e.phase === 'failed'));
  await assertNothingChanged();
});

test('no Docker engine: exit 1, the engine and the fix named, nothing changed', async () => {
  const node = startDaemon(['--data', data.path], { DOCKER_HOST: 'unix:///nonexistent.sock' });
  assert.is(await node.exited(), 1);
  assert.match(node.stderr(), /RUNTIME_UNAVAILABLE: no Docker engine answers at unix:\/\/\/nonexistent\.sock .*: start one with scripts\/docker-engine\.sh start or set DOCKER_HOST/);
  assert.ok(node.events.some((e) => e.event === 'step' && e.step === 'docker' && e.phase === 'failed'));
  await assertNothingChanged();
});

test('a bad value from the environment: exit 1, the field and the variable named, nothing changed', async () => {
  const node = startDaemon(['--data', data.path], { DECLOUD_METRICS_PORT: '70000', DECLOUD_COUNTRY: 'UK' });
  assert.is(await node.exited(), 1);
  assert.match(node.stderr(), /BAD_CONFIG: the node config is invalid:\n {2}- region\.country: must be an ISO 3166-1 alpha-2 country code .*; got "UK" \(set by DECLOUD_COUNTRY\)\n {2}- metrics\.port: .*got 70000 \(set by DECLOUD_METRICS_PORT\)/);
  await assertNothingChanged();
});

test('no config: exit 1 with the command that makes one', async () => {
  for (const command of [['start'], ['status'], ['leases']]) {
    const result = await runCli(['--data', empty.path, ...command]);
    assert.is(result.code, 1, command.join(' '));
    assert.match(result.stderr, `CONFIG_MISSING: no node config at ${join(empty.path, 'config.json')}: run decloud-node init`);
  }
  const missingCountry = await runCli(['--data', empty.path, 'init']);
  assert.is(missingCountry.code, 1);
  assert.match(missingCountry.stderr, /required option '--country <code>' not specified/);
  const badStake = await runCli(['--data', empty.path, 'init', '--country', 'DE', '--stake', 'lots']);
  assert.is(badStake.code, 1);
  assert.match(badStake.stderr, /--stake must be an amount of SOL such as 2 or 0\.5, got "lots"/);
  assert.not.ok(existsSync(join(empty.path, 'config.json')), 'a refused init writes nothing');
  assert.not.ok(existsSync(join(empty.path, 'operator-key.json')));
});

test('add-stake refuses a bad amount and an operator without a host: exit 1, nothing changed', async () => {
  const bad = await runCli(['--data', data.path, 'add-stake', 'lots']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'BAD_AMOUNT: the amount must be a positive amount of SOL such as 1 or 0.5, got "lots"');
  const unregistered = await runCli(['--data', data.path, 'add-stake', '1']);
  assert.is(unregistered.code, 1);
  assert.match(unregistered.stderr, /NOT_REGISTERED: no host is registered for operator \w+ on this chain: decloud-node start registers it/);
  await assertNothingChanged();
});

test('an owner that cannot receive lamports (a program): exit 1, the cause and the fix named, nothing registered', async () => {
  const node = startDaemon(['--data', data.path], { DECLOUD_OWNER: PROGRAM_ID.toBase58() });
  assert.is(await node.exited(), 1);
  assert.match(node.stderr(), `OWNER_CANNOT_RECEIVE: the owner ${PROGRAM_ID.toBase58()} cannot receive lamports (it is an executable program account)`);
  assert.match(node.stderr(), /set "owner" in the node's config\.json \(or DECLOUD_OWNER\) to a wallet address you control/);
  assert.ok(node.events.some((e) => e.event === 'step' && e.step === 'registration' && e.phase === 'failed'));
  await assertNothingChanged();
});

test('status with the chain down names the URL and the fix', async () => {
  const status = await runCli(['--data', data.path, 'status'], { DECLOUD_RPC_URL: 'http://127.0.0.1:9' });
  assert.is(status.code, 1);
  assert.match(status.stderr, /RPC_UNREACHABLE: no Solana RPC answers at http:\/\/127\.0\.0\.1:9/);
});

test('a jailed host: status shows until when, withdraw explains the lock with the time left and moves nothing', async () => {
  const operator = await readOperatorKey(join(data.path, 'operator-key.json'));
  const chain = clientOf(world.connection, operator);
  await new HostRegistration({ chain, operator, log: silentLog }, { stake: SOL, specHash: 'aa'.repeat(32) }).ensure();
  // A lease the host never proves, while the witness says it is alive: past the grace anyone may penalize.
  const renter = await funded(world.connection, 5);
  const renterChain = clientOf(world.connection, renter);
  const lease = await openLeaseFor(renterChain, quoteFor(operator, renter.publicKey), operator.publicKey);
  const first = (await renterChain.fetchLease(lease))!.start / EPOCH_SECS + 1n;
  const last = first + BigInt(world.genesis.graceEpochs);
  await waitUntilSecs((last + 1n) * EPOCH_SECS);
  await heartbeats(world, epochRange(first, last));
  await renterChain.penalize(lease);
  const host = (await chain.fetchHost(operator.publicKey))!;
  assert.is(hostStatusOf(host.status), 'jailed');

  const status = await runCli(['--data', data.path, 'status']);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /status\s+jailed\n/);
  assert.match(status.stdout, /jailed until\s+\S+Z \(in (59m\d\ds|1h00m)\): the stake stays locked until then \(decloud-node withdraw after\)\n/);

  const withdraw = await runCli(['--data', data.path, 'withdraw']);
  assert.is(withdraw.code, 1);
  assert.match(withdraw.stderr, /STILL_JAILED: the host is jailed until \S+Z \(in (59m\d\ds|1h00m)\) \(penalized for missing uptime proofs\): its stake, [0-9.]+ SOL \(\d+ lamports\), stays locked until then; run decloud-node withdraw again after that time/);
  assert.is((await chain.fetchHost(operator.publicKey))!.stake, host.stake, 'nothing moved');
  const addStake = await runCli(['--data', data.path, 'add-stake', '0.1']);
  assert.is(addStake.code, 1);
  assert.match(addStake.stderr, 'HOST_JAILED: the host is jailed (penalized for missing uptime proofs) until');
});

test.run();
