// The lease access protocols end to end: real libp2p nodes on loopback TCP, the real local
// chain running the program, the real Docker engine. A renter rents a lease on-chain,
// activates it over /decloud/lease/open/1.0.0, then execs, opens a terminal, follows the
// logs, reads stats and hands in a receipt the host's collector accepts and posts. A lease
// opened with a delegate (the renter's session key) is used and vouched for with that key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import {
  ACCESS_LIMITS, AccessRefusedError, EXEC_PROTOCOL, LOGS_PROTOCOL, SHELL_PROTOCOL, execInLease, followLogs, leaseStats, openLeaseAccess, openShell,
  sendReceipt, signReceipt,
} from '@decloud/sdk/access/index';
import { newLeaseId } from '@decloud/sdk/chain/index';
import { delegateKeypair } from '@decloud/sdk/renter/delegate-key';
import type { ShellSession } from '@decloud/sdk/access/index';
import { IMAGE, containersOf, nowSecs, waitFor } from './support/chain-world.js';
import { containerIdOf, execsCreatedSince, startAccessWorld } from './support/access-world.js';
import type { AccessWorld } from './support/access-world.js';

let w: AccessWorld;
let lease: PublicKey;

const run = (cmd: string[], env?: Record<string, string>) =>
  execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, cmd, env ? { env } : {});

/** Collects a terminal's output; `until` waits for text to appear in it. */
function transcript(shell: ShellSession): { text(): string; until(needle: string | RegExp): Promise<void> } {
  let text = '';
  shell.onData((chunk) => { text += new TextDecoder().decode(chunk); });
  return {
    text: () => text,
    until: (needle) => waitFor(`terminal output ${String(needle)} (got ${JSON.stringify(text.slice(-200))})`, async () => {
      const found = typeof needle === 'string' ? text.includes(needle) : needle.test(text);
      return found ? true : undefined;
    }, 10_000).then(() => undefined),
  };
}

test.before(async () => {
  w = await startAccessWorld({ access: { maxSessions: 3 } });
  lease = await w.rentLease({ lamportsPerSecond: 2_000n, durationSecs: 300 });
});

test.after(async () => {
  await w?.close();
});

test('open: the host verifies the lease on-chain, starts its container and answers the access details', async () => {
  const details = await openLeaseAccess(w.renterNode, w.hostNode.peerId, lease, w.renter);
  const account = (await w.host.chain.fetchLease(lease))!;
  assert.equal(details, { lease: lease.toBase58(), renter: w.renter.publicKey.toBase58(), container: `decloud-${lease.toBase58()}`, image: IMAGE, maxEnd: account.maxEnd });
  const [container] = await containersOf(w.runtime, lease);
  assert.is(container?.status, 'running');
  assert.is((await w.host.manager.get(lease))?.state, 'running');
  assert.equal(await openLeaseAccess(w.renterNode, w.hostNode.peerId, lease.toBase58(), w.renter), details, 'again: the same details');
  assert.is((await containersOf(w.runtime, lease)).length, 1, 'still one container');
});

test('exec: output, exit codes and environment come back; every call is one engine exec', async () => {
  const container = await containerIdOf(w.runtime, lease);
  const since = Date.now();
  assert.equal(await run(['echo', 'hello', 'world']), { exitCode: 0, stdout: 'hello world\n', stderr: '', truncated: false });
  assert.equal(await run(['sh', '-c', 'echo oops >&2; exit 3']), { exitCode: 3, stdout: '', stderr: 'oops\n', truncated: false });
  assert.equal(await run(['sh', '-c', 'echo "$GREETING, $WHO"'], { GREETING: 'hi there', WHO: 'renter' }), { exitCode: 0, stdout: 'hi there, renter\n', stderr: '', truncated: false });
  const missing = await run(['no-such-program']);
  assert.ok([126, 127].includes(missing.exitCode), `exit code ${missing.exitCode}`); // the engine's code for a missing executable
  assert.match(missing.stdout + missing.stderr, 'no-such-program');
  assert.is(await execsCreatedSince(container, since), 4);
});

test('exec: output past the limit is cut and flagged truncated', async () => {
  const bytes = ACCESS_LIMITS.maxExecOutputBytes + 4096;
  const result = await run(['sh', '-c', `head -c ${bytes} /dev/zero | tr '\\0' a`]);
  assert.is(result.exitCode, 0);
  assert.is(result.truncated, true);
  assert.is(result.stdout.length, ACCESS_LIMITS.maxExecOutputBytes);
  assert.ok(/^a+$/.test(result.stdout));
});

test('shell: keys in, output out, the initial size and a resize show in stty, the exit code at the end', async () => {
  const shell = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter, { cols: 120, rows: 40 });
  const out = transcript(shell);
  shell.write('stty size; echo "marker-$((6 * 7))"\n');
  await out.until('40 120');
  await out.until('marker-42');
  shell.resize(100, 31);
  // The resize frame and the next keys travel in order on one stream.
  shell.write('stty size\n');
  await out.until('31 100');
  shell.write('exit 5\n');
  assert.is(await shell.exited, 5);
  await waitFor('the host to report the shell served', async () => (w.served.some((s) => s.protocol === SHELL_PROTOCOL) ? true : undefined));
});

test('shell: hanging up closes the terminal on the host and its exit code comes back', async () => {
  const shell = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter, { cmd: ['sh', '-c', 'echo ready; exec sleep 601'] });
  const out = transcript(shell);
  await out.until('ready');
  const served = w.served.length;
  shell.close();
  const code = await shell.exited;
  assert.type(code, 'number');
  await waitFor('the host to end the session', async () => (w.served.length > served ? true : undefined));
  const sleeping = await run(['sh', '-c', 'ps -o args | grep -c "^sleep 601" || true']);
  assert.is(sleeping.stdout.trim(), '0', 'the hung-up command is gone');
});

test('shell: a renter that vanishes (its stream reset) is hung up too', async () => {
  const controller = new AbortController();
  const shell = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter, { cmd: ['sh', '-c', 'echo ready; exec sleep 603'], signal: controller.signal });
  await transcript(shell).until('ready');
  controller.abort(new Error('laptop lid closed'));
  assert.is((await shell.exited.then(() => undefined, (err: Error) => err))?.message, 'laptop lid closed');
  await waitFor('the vanished renter\'s command to end', async () => {
    const ps = await run(['sh', '-c', 'ps -o args | grep -c "^sleep 603" || true']);
    return ps.stdout.trim() === '0' ? true : undefined;
  });
});

test('logs: a tail of the existing output, then a follow that sees new lines until the renter aborts', async () => {
  const tailed: string[] = [];
  for await (const chunk of followLogs(w.renterNode, w.hostNode.peerId, lease, w.renter, { follow: false, tail: 2 })) tailed.push(new TextDecoder().decode(chunk));
  const lines = tailed.join('').trim().split('\n');
  assert.is(lines.length, 2);
  assert.ok(lines.every((line) => /^tick \d+$/.test(line)), lines.join('|'));

  const controller = new AbortController();
  const seen: number[] = [];
  const servedBefore = w.served.filter((s) => s.protocol === LOGS_PROTOCOL).length;
  for await (const chunk of followLogs(w.renterNode, w.hostNode.peerId, lease, w.renter, { tail: 0, signal: controller.signal })) {
    for (const match of new TextDecoder().decode(chunk).matchAll(/tick (\d+)/g)) seen.push(Number(match[1]));
    if (seen.length >= 3) controller.abort();
  }
  assert.ok(seen.length >= 3);
  assert.ok(seen.every((n, i) => i === 0 || n === seen[i - 1]! + 1), `consecutive ticks: ${seen.join(',')}`);
  assert.ok(seen[0]! > Number(lines[1]!.split(' ')[1]), 'a follow with tail 0 shows only new output');
  await waitFor('the host to end the followed stream', async () => (w.served.filter((s) => s.protocol === LOGS_PROTOCOL).length > servedBefore ? true : undefined));
});

test('stats: the container\'s usage and the lease\'s cost, from the engine and the chain', async () => {
  const account = (await w.host.chain.fetchLease(lease))!;
  const before = nowSecs();
  const stats = await leaseStats(w.renterNode, w.hostNode.peerId, lease, w.renter);
  const after = nowSecs();
  assert.is(stats.memoryLimit, 64 * 1024 * 1024);
  assert.ok(stats.memoryBytes > 0 && stats.memoryBytes < stats.memoryLimit);
  assert.ok(stats.pids >= 1, `pids ${stats.pids}`);
  assert.ok(stats.cpuPercent >= 0);
  assert.ok(stats.uptimeSecs >= 0 && stats.uptimeSecs < 600);
  assert.is(stats.deposit, account.deposit);
  assert.is(stats.deposit, 2_000n * 300n);
  assert.is(stats.maxEnd, account.maxEnd);
  assert.is(stats.provenUntil, account.provenUntil);
  assert.ok(stats.costSoFar >= account.rate * (before - account.start - 3n) && stats.costSoFar <= account.rate * (after - account.start), `cost ${stats.costSoFar}`);
  assert.ok(stats.costSoFar > 0n);
});

test('receipt: the collector accepts a signed receipt, calls a repeat stale, and posts it on-chain', async () => {
  const account = (await w.host.chain.fetchLease(lease))!;
  const until = nowSecs() - 1n;
  assert.ok(until > account.start, 'time has passed since the lease opened');
  const receipt = signReceipt(w.renter, lease, until);
  assert.is(await sendReceipt(w.renterNode, w.hostNode.peerId, receipt), 'accepted');
  const pending = w.host.collector.pendingReceipts();
  assert.is(pending.length, 1);
  assert.ok(pending[0]!.lease.equals(lease));
  assert.is(pending[0]!.until, until);
  assert.is(await sendReceipt(w.renterNode, w.hostNode.peerId, receipt), 'stale');
  const report = await w.host.collector.flush();
  assert.equal(report.posted, [lease.toBase58()]);
  const proven = (await w.host.chain.fetchLease(lease))!;
  assert.is(proven.provenUntil, until);
  await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the host's lease cache
  const stats = await leaseStats(w.renterNode, w.hostNode.peerId, lease, w.renter);
  assert.is(stats.provenUntil, until);
  assert.is(stats.provenCost, account.rate * proven.provenSecs);
});

test('delegate: the lease\'s session key opens it, execs and signs receipts the host posts with it; the renter still may; others may not', async () => {
  const leaseId = newLeaseId(w.renter.publicKey);
  const session = delegateKeypair(w.renter, leaseId);
  const delegated = await w.rentLease({ leaseId, delegate: session.publicKey, durationSecs: 300 });
  assert.ok((await w.host.chain.fetchLease(delegated))!.delegate.equals(session.publicKey), 'the lease names the delegate on-chain');
  const details = await openLeaseAccess(w.renterNode, w.hostNode.peerId, delegated, session);
  assert.is(details.renter, w.renter.publicKey.toBase58());
  assert.is((await execInLease(w.renterNode, w.hostNode.peerId, delegated, session, ['echo', 'by the delegate'])).stdout, 'by the delegate\n');
  assert.is((await execInLease(w.renterNode, w.hostNode.peerId, delegated, w.renter, ['echo', 'by the renter'])).stdout, 'by the renter\n');
  const stranger = await execInLease(w.renterNode, w.hostNode.peerId, delegated, Keypair.generate(), ['true']).then(() => undefined, (err: Error) => err);
  assert.instance(stranger, AccessRefusedError);
  assert.is((stranger as AccessRefusedError).reason, 'UNAUTHORIZED');
  assert.match((stranger as AccessRefusedError).detail, `or its delegate ${session.publicKey.toBase58()}`);

  const start = (await w.host.chain.fetchLease(delegated))!.start;
  await waitFor('two seconds of lease time', async () => (nowSecs() > start + 2n ? true : undefined), 5_000);
  const until = nowSecs() - 1n;
  const forged = await sendReceipt(w.renterNode, w.hostNode.peerId, signReceipt(Keypair.generate(), delegated, until)).then(() => undefined, (err: Error) => err);
  assert.is((forged as AccessRefusedError).reason, 'UNAUTHORIZED');
  assert.is(await sendReceipt(w.renterNode, w.hostNode.peerId, signReceipt(session, delegated, until)), 'accepted');
  const report = await w.host.collector.flush();
  assert.equal(report.posted, [delegated.toBase58()], 'posted with the delegate as the signer the program checks');
  assert.is((await w.host.chain.fetchLease(delegated))!.provenUntil, until);
});

test('sessions are capped host-wide: past the cap a shell is refused BUSY, and a freed slot serves again', async () => {
  const shells = await Promise.all([1, 2, 3].map(() => openShell(w.renterNode, w.hostNode.peerId, lease, w.renter)));
  const refused = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter).then(() => undefined, (err: Error) => err);
  assert.match(refused?.message ?? '', 'BUSY');
  shells[0]!.write('exit 0\n');
  assert.is(await shells[0]!.exited, 0);
  await waitFor('the slot to be free', async () => {
    const shell = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter).catch(() => undefined);
    if (!shell) return undefined;
    shells.push(shell);
    return true;
  });
  for (const shell of shells.slice(1)) shell.close();
  await Promise.all(shells.slice(1).map((shell) => shell.exited.catch(() => undefined)));
});

test('exec round trip (measured, not asserted)', async () => {
  await run(['true']);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await run(['true']);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`  exec round trip over ${EXEC_PROTOCOL}: median ${times[10]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms`);
});

test('stop(): the protocols are gone and open sessions end', async () => {
  const shell = await openShell(w.renterNode, w.hostNode.peerId, lease, w.renter);
  await w.handlers.stop();
  const ended = await shell.exited.then((code) => code, (err: Error) => err);
  assert.ok(ended !== undefined, 'the session ended');
  const refused = await run(['true']).then(() => undefined, (err: Error) => err);
  assert.match(refused?.message ?? '', /protocol/i);
});

test.run();
