// The `decloud` command line as a new user runs it, each command its own process, against a
// real network (local chain, bootstrap peer, host node: separate processes started through
// their bins): wallet -> hosts -> rent -> exec/shell/logs/stats -> extend -> end. Checks exit
// codes, what is printed, and that every command ends by itself.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import { lamportsOfSol } from '../src/renter/sol-amounts.js';
import { balanceOf, IMAGE, runDecloud, startWorld } from './renter-world.js';
import type { RunResult, World } from './renter-world.js';
import { boundedTests } from './bounded-tests.js';

/** Each step is a CLI run of seconds; past 3 min it is stuck, not slow. */
const test = boundedTests(uvuTest, 180_000);

let world: World;
let home: string;
let env: NodeJS.ProcessEnv;
let lease: string;
let walletAddress: string;

const decloud = (args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> => runDecloud(args, { ...env, ...extraEnv }, input);

/** The value printed after `label` on a "  label  value" line. */
function field(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
  if (line === undefined) throw new Error(`no "${label}" line in:\n${output}`);
  return line.trim().slice(label.length).trim();
}

function ok(result: RunResult, what: string): void {
  assert.is(result.code, 0, `${what} exited ${String(result.code)}: ${result.stderr}`);
}

test.before(async () => {
  world = await startWorld();
  home = await mkdtemp(join(tmpdir(), 'decloud-cli-home-'));
  env = { HOME: home, DECLOUD_RPC_URL: world.rpcUrl, DECLOUD_BOOTSTRAP: world.bootstrap.join(','), DECLOUD_WALLET: '' };
});

test.after(async () => {
  await world?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('wallet: created on first use (0600), then funded by an airdrop on the local chain', async () => {
  const first = await decloud(['wallet']);
  ok(first, 'decloud wallet');
  walletAddress = field(first.stdout, 'address');
  assert.ok(new PublicKey(walletAddress));
  assert.is(field(first.stdout, 'balance'), '0 SOL');
  assert.match(first.stderr, /created a new wallet/);
  assert.is((await stat(join(home, '.decloud/wallet.json'))).mode & 0o777, 0o600);

  const funded = await decloud(['wallet', '--airdrop', '2']);
  ok(funded, 'decloud wallet --airdrop');
  assert.is(field(funded.stdout, 'address'), walletAddress, 'the same wallet');
  assert.is(field(funded.stdout, 'balance'), '2 SOL');
  assert.not.match(funded.stderr, /created a new wallet/);
});

test('hosts: a numbered table of live hosts with their price', async () => {
  const none = await decloud(['hosts', '--country', 'US', '--timeout', '1']);
  ok(none, 'decloud hosts --country US');
  assert.match(none.stderr, /No live host matches/);
  const bad = await decloud(['hosts', '--cpu', 'two']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /whole number/);
  // The last listing is the one `decloud rent <#>` numbers from.
  const listed = await decloud(['hosts', '--cpu', '1', '--memory', '256MiB']);
  ok(listed, 'decloud hosts');
  const row = listed.stdout.split('\n').find((line) => line.includes(world.host.peerId));
  assert.ok(row, listed.stdout);
  const cells = row.split('│').map((cell) => cell.trim()).filter(Boolean);
  assert.is(cells[0], '1');
  assert.is(cells[1], world.host.peerId);
  assert.is(cells[2], 'DE test rack');
  assert.ok(Number(cells[8]) > 0, `a price per hour: ${cells[8]}`);
  assert.match(listed.stdout, /decloud rent <#\|peer id>/);
});

test('rent by the number from the hosts list: spinners per step, then the lease and how to use it', async () => {
  const rented = await decloud(['rent', '1', '--image', IMAGE, '--hours', '1', '--memory', '256MiB']);
  ok(rented, 'decloud rent');
  lease = field(rented.stdout, 'lease');
  assert.ok(new PublicKey(lease));
  assert.match(field(rented.stdout, 'host'), new RegExp(world.host.peerId));
  for (const step of [/quoted .* SOL\/h.*terms signed by the host/, /lease \w+ funded/, /running decloud\/busybox:local/]) assert.match(rented.stderr, step);
  assert.match(rented.stdout, new RegExp(`decloud exec ${lease} -- echo hello`));
  assert.match(rented.stdout, new RegExp(`decloud end ${lease}`));

  const leases = await decloud(['leases']);
  ok(leases, 'decloud leases');
  assert.ok(leases.stdout.includes(lease), leases.stdout);
  const noImage = await decloud(['rent', '1', '--image', 'nginx:latest', '--hours', '1']);
  assert.is(noImage.code, 1);
  assert.match(noImage.stderr, /does not run image nginx:latest/);
  const noSuchHost = await decloud(['rent', '7', '--image', IMAGE, '--hours', '1']);
  assert.is(noSuchHost.code, 1);
  assert.match(noSuchHost.stderr, /there is no #7/);
});

// Each command is a new process: it re-derives the lease's delegate key from the wallet to sign.
test('exec: the command\'s output and exit code are the CLI\'s', async () => {
  const echoed = await decloud(['exec', lease, '--', 'echo', 'hello']);
  ok(echoed, 'decloud exec echo');
  assert.is(echoed.stdout, 'hello\n');
  const failed = await decloud(['exec', lease, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.is(failed.code, 3);
  assert.is(failed.stdout, 'out\n');
  assert.match(failed.stderr, /err\n/);
  const withEnv = await decloud(['exec', '--env', 'NAME=world', lease, '--', 'sh', '-c', 'echo "hi $NAME"']);
  ok(withEnv, 'decloud exec --env');
  assert.is(withEnv.stdout, 'hi world\n');
  const notLease = await decloud(['exec', 'not-a-lease', '--', 'true']);
  assert.is(notLease.code, 1);
  assert.match(notLease.stderr, /not a lease address/);
});

test('shell: input from stdin, output on stdout, the shell\'s exit code', async () => {
  const shell = await decloud(['shell', lease], 'echo $((6 * 7)); exit 4\n');
  assert.is(shell.code, 4, shell.stderr);
  assert.match(shell.stdout, /42/);
});

test('logs and stats', async () => {
  ok(await decloud(['exec', lease, '--', 'sh', '-c', 'echo from the container > /proc/1/fd/1']), 'exec into the log');
  const logs = await decloud(['logs', lease]);
  ok(logs, 'decloud logs');
  assert.is(logs.stdout, 'from the container\n');
  const stats = await decloud(['stats', lease]);
  ok(stats, 'decloud stats');
  assert.match(field(stats.stdout, 'memory'), /of 256\.0 MiB/);
  assert.match(field(stats.stdout, 'cost so far'), /SOL$/);
});

test('extend, then end: the refund printed is what comes back to the wallet', async () => {
  const extended = await decloud(['extend', lease, '--hours', '0.5']);
  ok(extended, 'decloud extend');
  assert.match(field(extended.stdout, 'paid'), /SOL$/);

  const before = await balanceOf(world.connection, new PublicKey(walletAddress));
  const ended = await decloud(['end', lease]);
  ok(ended, 'decloud end');
  const refund = lamportsOfSol(field(ended.stdout, 'refund').split(' ')[0]!)!;
  const fee = lamportsOfSol(field(ended.stdout, 'fee').split(' ')[0]!)!;
  assert.is(await balanceOf(world.connection, new PublicKey(walletAddress)) - before, refund - fee);

  const again = await decloud(['end', lease]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /no lease account .* closed already/);
  const leases = await decloud(['leases']);
  ok(leases, 'decloud leases');
  assert.not.ok(leases.stdout.includes(lease));
  assert.match(leases.stderr, /No open lease/);
});

test('settings: flags over environment over ~/.decloud/config.json; missing ones say how to set them', async () => {
  const noBootstrap = await decloud(['hosts'], undefined, { DECLOUD_BOOTSTRAP: '' });
  assert.is(noBootstrap.code, 1);
  assert.match(noBootstrap.stderr, /no bootstrap peer configured: pass --bootstrap/);

  await mkdir(join(home, '.decloud'), { recursive: true });
  await writeFile(join(home, '.decloud/config.json'), JSON.stringify({ rpcUrl: world.rpcUrl, bootstrap: world.bootstrap }));
  const fromFile = await decloud(['wallet'], undefined, { DECLOUD_RPC_URL: '', DECLOUD_BOOTSTRAP: '' });
  ok(fromFile, 'decloud wallet with config.json');
  assert.is(field(fromFile.stdout, 'chain'), world.rpcUrl);

  const flagWins = await decloud(['--rpc-url', 'http://127.0.0.1:9', 'wallet']);
  assert.is(flagWins.code, 1);
  assert.match(flagWins.stderr, /http:\/\/127\.0\.0\.1:9 does not answer/);
  const missingWallet = await decloud(['--wallet', join(home, 'nope.json'), 'wallet']);
  assert.is(missingWallet.code, 1);
  assert.match(missingWallet.stderr, /nope\.json does not exist/);

  await writeFile(join(home, '.decloud/config.json'), '{"rpcUrl": 8899}');
  const badFile = await decloud(['wallet']);
  assert.is(badFile.code, 1);
  assert.match(badFile.stderr, /config\.json: rpcUrl/);
});

test.run();
