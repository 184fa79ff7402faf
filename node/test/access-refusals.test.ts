// Who may not use a lease, and what junk does to the host: real libp2p nodes, the real
// local chain and the real Docker engine. Another key, a forged or replayed signature, a
// lease of another host, an unactivated or expired lease, junk and oversized frames: each
// is refused with its reason, runs nothing in the container, and leaves the host serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import {
  AccessRefusedError, EXEC_PROTOCOL, LOGS_PROTOCOL, OPEN_PROTOCOL, RECEIPT_PROTOCOL, SHELL_PROTOCOL, STATS_PROTOCOL, decodeChallenge,
  decodeExecResult, decodeRefusal, encodeAuth, encodeData, encodeEnd, encodeExecRequest, encodeReceipt, encodeShellRequest,
  execInLease, followLogs, leaseStats, openLeaseAccess, openShell, sendReceipt, signAccess, signReceipt,
} from '@decloud/sdk/access/index';
import type { AccessProtocol, AuthenticatedProtocol, Refusal, RefusalReason } from '@decloud/sdk/access/index';
import {
  containersOf, funded, nowSecs, openLeaseFor, quoteFor, removeRenterContainers, tempDir, waitFor, waitUntilSecs,
} from './support/chain-world.js';
import { containerIdOf, execsCreatedSince, startAccessWorld } from './support/access-world.js';
import type { AccessWorld } from './support/access-world.js';
import { startHostNode } from './support/host-node.js';

let w: AccessWorld;
let lease: PublicKey;
let container: string;
const stranger = Keypair.generate();
const cleanups: Array<() => Promise<unknown>> = [];

async function refusal(call: Promise<unknown> | (() => Promise<unknown>)): Promise<AccessRefusedError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (err) {
    assert.instance(err, AccessRefusedError, String(err));
    return err as AccessRefusedError;
  }
  throw new Error('expected a refusal, the call succeeded');
}

const drain = async (iterable: AsyncIterable<unknown>): Promise<void> => {
  for await (const _ of iterable) { /* nothing */ }
};

/** A raw stream to the host: for what the SDK never sends. */
async function raw(protocol: AccessProtocol): Promise<{ lp: LengthPrefixedStream<Stream>; stream: Stream; read(): Promise<Uint8Array> }> {
  const stream = await w.renterNode.libp2p.dialProtocol(w.hostNode.peerId, protocol);
  const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 });
  return { lp, stream, read: async () => new Uint8Array((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()) };
}

/** Reads frames until the host's refusal (skipping its challenge), then closes our side. */
async function refusalFrom(connection: Awaited<ReturnType<typeof raw>>): Promise<Refusal> {
  for (;;) {
    const frame = await connection.read();
    if (frame[0] !== 3) continue;
    await connection.stream.close().catch(() => undefined);
    return decodeRefusal(frame);
  }
}

/** Signs the challenge of a fresh stream and returns the auth frame, without sending it. */
function authFrame(protocol: AuthenticatedProtocol, challenge: Uint8Array, request: Uint8Array, signer = w.renter, forLease = lease): Uint8Array {
  return encodeAuth({ lease: forLease, signature: signAccess({ protocol, lease: forLease, challenge, request }, signer.secretKey), request });
}

async function assertRanNothing(since: number, marker: string): Promise<void> {
  assert.is(await execsCreatedSince(container, since), 0, 'the engine created no exec');
  const check = await execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['test', '-e', marker]);
  assert.is(check.exitCode, 1, `${marker} does not exist`);
}

function lastRefusal(protocol: AccessProtocol): RefusalReason | undefined {
  return w.refused.filter((r) => r.protocol === protocol).at(-1)?.reason;
}

test.before(async () => {
  w = await startAccessWorld({ access: { leaseCacheMs: 500, execTimeoutMs: 1_500 } });
  lease = await w.rentLease();
  await openLeaseAccess(w.renterNode, w.hostNode.peerId, lease, w.renter);
  container = await containerIdOf(w.runtime, lease);
});

test.after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await w?.close();
});

test('another key is refused UNAUTHORIZED on every protocol, and nothing runs', async () => {
  const since = Date.now();
  const marker = '/tmp/stranger-was-here';
  for (const call of [
    () => execInLease(w.renterNode, w.hostNode.peerId, lease, stranger, ['touch', marker]),
    () => openShell(w.renterNode, w.hostNode.peerId, lease, stranger, { cmd: ['touch', marker] }),
    () => drain(followLogs(w.renterNode, w.hostNode.peerId, lease, stranger)),
    () => leaseStats(w.renterNode, w.hostNode.peerId, lease, stranger),
    () => openLeaseAccess(w.renterNode, w.hostNode.peerId, lease, stranger),
  ]) {
    const err = await refusal(call);
    assert.is(err.reason, 'UNAUTHORIZED');
    assert.match(err.detail, `renter ${w.renter.publicKey.toBase58()} over this stream's challenge`);
  }
  const authenticated: AccessProtocol[] = [EXEC_PROTOCOL, SHELL_PROTOCOL, LOGS_PROTOCOL, STATS_PROTOCOL, OPEN_PROTOCOL];
  for (const protocol of authenticated) assert.is(lastRefusal(protocol), 'UNAUTHORIZED');
  await assertRanNothing(since, marker);
});

test('another key cannot activate a lease either: no container, no record', async () => {
  const fresh = await w.rentLease();
  const err = await refusal(openLeaseAccess(w.renterNode, w.hostNode.peerId, fresh, stranger));
  assert.is(err.reason, 'UNAUTHORIZED');
  assert.equal(await containersOf(w.runtime, fresh), []);
  assert.is(await w.host.manager.get(fresh), undefined);
  // The renter still can: the refusal changed nothing.
  const details = await openLeaseAccess(w.renterNode, w.hostNode.peerId, fresh, w.renter);
  assert.is(details.lease, fresh.toBase58());
});

test('a forged signature, one over another request, another challenge or another protocol is refused', async () => {
  const since = Date.now();
  const marker = '/tmp/forged';
  const request = encodeExecRequest({ cmd: ['touch', marker] });

  const forged = await raw(EXEC_PROTOCOL);
  decodeChallenge(await forged.read());
  await forged.lp.write(encodeAuth({ lease, signature: new Uint8Array(randomBytes(64)), request }));
  assert.is((await refusalFrom(forged)).reason, 'UNAUTHORIZED');

  const swapped = await raw(EXEC_PROTOCOL);
  const challenge = decodeChallenge(await swapped.read());
  const signedHarmless = authFrame(EXEC_PROTOCOL, challenge, encodeExecRequest({ cmd: ['true'] }));
  // Same lease and signature, another command: the request's hash no longer matches.
  await swapped.lp.write(encodeAuth({ lease, signature: signedHarmless.subarray(34, 98), request }));
  assert.is((await refusalFrom(swapped)).reason, 'UNAUTHORIZED');

  const guessed = await raw(EXEC_PROTOCOL);
  decodeChallenge(await guessed.read());
  await guessed.lp.write(authFrame(EXEC_PROTOCOL, new Uint8Array(32), request));
  assert.is((await refusalFrom(guessed)).reason, 'UNAUTHORIZED');

  // Signed for a shell, sent on exec.
  const crossed = await raw(EXEC_PROTOCOL);
  const crossedChallenge = decodeChallenge(await crossed.read());
  await crossed.lp.write(authFrame(SHELL_PROTOCOL, crossedChallenge, request));
  assert.is((await refusalFrom(crossed)).reason, 'UNAUTHORIZED');

  await assertRanNothing(since, marker);
});

test('a replayed auth message fails: every stream has a fresh challenge', async () => {
  const marker = '/tmp/replayed';
  const request = encodeExecRequest({ cmd: ['sh', '-c', `echo once >> ${marker}`] });
  const first = await raw(EXEC_PROTOCOL);
  const recorded = authFrame(EXEC_PROTOCOL, decodeChallenge(await first.read()), request);
  await first.lp.write(recorded);
  assert.is(decodeExecResult(await first.read()).exitCode, 0, 'the original ran');
  await first.stream.close();

  const since = Date.now();
  const replay = await raw(EXEC_PROTOCOL);
  decodeChallenge(await replay.read());
  await replay.lp.write(recorded);
  assert.is((await refusalFrom(replay)).reason, 'UNAUTHORIZED');
  assert.is(await execsCreatedSince(container, since), 0);
  const count = await execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['cat', marker]);
  assert.is(count.stdout, 'once\n', 'it ran once');
});

test('unknown leases, another host\'s lease and a lease not activated here are refused with their reason', async () => {
  const nowhere = Keypair.generate().publicKey;
  const unknown = await refusal(execInLease(w.renterNode, w.hostNode.peerId, nowhere, w.renter, ['true']));
  assert.is(unknown.reason, 'UNKNOWN_LEASE');
  assert.match(unknown.detail, 'open the lease first');

  const dir = await tempDir('access-other');
  const other = await startHostNode(w.world, w.runtime, dir.path);
  cleanups.push(() => dir.remove(), () => other.close());
  const quote = quoteFor(other.operator, w.renter.publicKey);
  await other.manager.recordQuote(quote, w.renter.publicKey);
  const elsewhere = await openLeaseFor(w.renterChain, quote, other.operator.publicKey);
  const wrongHost = await refusal(openLeaseAccess(w.renterNode, w.hostNode.peerId, elsewhere, w.renter));
  assert.is(wrongHost.reason, 'WRONG_HOST');
  assert.match(wrongHost.detail, 'connect to that host');

  const waiting = await w.rentLease();
  const notActive = await refusal(execInLease(w.renterNode, w.hostNode.peerId, waiting, w.renter, ['true']));
  assert.is(notActive.reason, 'NOT_ACTIVE');
  assert.match(notActive.detail, 'activate it first');
  assert.is((await refusal(leaseStats(w.renterNode, w.hostNode.peerId, waiting, w.renter))).reason, 'NOT_ACTIVE');
  assert.equal(await containersOf(w.runtime, waiting), []);
});

test('a lease that does not match the host\'s stored quote is refused REJECTED on activation and closed on-chain; nothing starts', async () => {
  const quote = quoteFor(w.host.operator, w.renter.publicKey, { lamportsPerSecond: 1_000n });
  await w.host.manager.recordQuote(quote, w.renter.publicKey);
  // Terms the host key signed, but not the ones its store holds for this quote.
  const cheap = await openLeaseFor(w.renterChain, quote, w.host.operator.publicKey, { rate: 999n, signWith: w.host.operator });
  const err = await refusal(openLeaseAccess(w.renterNode, w.hostNode.peerId, cheap, w.renter));
  assert.is(err.reason, 'REJECTED');
  assert.match(err.detail, 'WRONG_RATE');
  assert.match(err.detail, 'the renter got the unproven deposit back');
  assert.equal(await containersOf(w.runtime, cheap), []);
  assert.is(await w.renterChain.fetchLease(cheap), null, 'the host closed it on-chain');
});

test('a command past the host\'s time limit is answered TIMEOUT', async () => {
  const err = await refusal(execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['sleep', '4']));
  assert.is(err.reason, 'TIMEOUT');
  assert.match(err.detail, 'in the background');
});

test('a lease past its max end is refused LEASE_CLOSED', async () => {
  const brief = await w.rentLease({ durationSecs: 3 });
  await openLeaseAccess(w.renterNode, w.hostNode.peerId, brief, w.renter);
  const account = (await w.host.chain.fetchLease(brief))!;
  await waitUntilSecs(account.maxEnd);
  const err = await refusal(execInLease(w.renterNode, w.hostNode.peerId, brief, w.renter, ['true']));
  assert.is(err.reason, 'LEASE_CLOSED');
  assert.match(err.detail, 'reached its max end');
});

test('receipts: forged, from the future, for an unknown lease or junk are refused; nothing is kept', async () => {
  const forged = await refusal(sendReceipt(w.renterNode, w.hostNode.peerId, signReceipt(stranger, lease, nowSecs() - 1n)));
  assert.is(forged.reason, 'UNAUTHORIZED');
  const future = await refusal(sendReceipt(w.renterNode, w.hostNode.peerId, signReceipt(w.renter, lease, nowSecs() + 3600n)));
  assert.is(future.reason, 'RECEIPT_IN_FUTURE');
  const unknown = await refusal(sendReceipt(w.renterNode, w.hostNode.peerId, signReceipt(w.renter, Keypair.generate().publicKey, nowSecs() - 1n)));
  assert.is(unknown.reason, 'UNKNOWN_LEASE');
  const junk = await raw(RECEIPT_PROTOCOL);
  await junk.lp.write(encodeReceipt(signReceipt(w.renter, lease, 5n)).subarray(0, 50));
  assert.is((await refusalFrom(junk)).reason, 'MALFORMED');
  assert.equal(w.host.collector.pendingReceipts(), []);
});

test('junk and oversized frames are refused on every protocol, and the host goes on serving', async () => {
  const protocols: AccessProtocol[] = [OPEN_PROTOCOL, EXEC_PROTOCOL, SHELL_PROTOCOL, LOGS_PROTOCOL, STATS_PROTOCOL, RECEIPT_PROTOCOL];
  for (const protocol of protocols) {
    const junk = await raw(protocol);
    await junk.lp.write(new Uint8Array(randomBytes(60)));
    assert.is((await refusalFrom(junk)).reason, 'MALFORMED', `${protocol}: junk`);

    const empty = await raw(protocol);
    await empty.lp.write(new Uint8Array());
    assert.is((await refusalFrom(empty)).reason, 'MALFORMED', `${protocol}: an empty frame`);

    const oversized = await raw(protocol);
    // The host may cut the stream before all of it is sent: its refusal is read either way.
    await oversized.lp.write(new Uint8Array(3 * 1024 * 1024)).catch(() => undefined);
    assert.is((await refusalFrom(oversized)).reason, 'TOO_LARGE', `${protocol}: 3 MiB`);

    // A length prefix that never ends (ten 0xff bytes are no varint the host accepts).
    const badPrefix = await raw(protocol);
    badPrefix.stream.send(new Uint8Array(10).fill(0xff));
    assert.is((await refusalFrom(badPrefix)).reason, 'TOO_LARGE', `${protocol}: an endless length prefix`);
  }
  // An auth frame whose request is junk: authenticated, then refused before anything runs.
  const since = Date.now();
  const badRequest = await raw(EXEC_PROTOCOL);
  await badRequest.lp.write(authFrame(EXEC_PROTOCOL, decodeChallenge(await badRequest.read()), new Uint8Array([6, 1, 0, 1, 0])));
  assert.is((await refusalFrom(badRequest)).reason, 'MALFORMED');
  assert.is(await execsCreatedSince(container, since), 0);

  const result = await execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['echo', 'still here']);
  assert.is(result.stdout, 'still here\n');
});

test('junk in the middle of a shell ends it with a refusal and hangs the command up', async () => {
  const connection = await raw(SHELL_PROTOCOL);
  const request = encodeShellRequest({ cmd: ['sh', '-c', 'echo ready; exec sleep 602'], cols: 80, rows: 24 });
  await connection.lp.write(authFrame(SHELL_PROTOCOL, decodeChallenge(await connection.read()), request));
  let seen = '';
  for (;;) {
    const frame = await connection.read();
    if (frame[0] === 13) seen += Buffer.from(frame.subarray(2)).toString();
    if (seen.includes('ready')) break;
  }
  await connection.lp.write(encodeData(new TextEncoder().encode('fine so far\n')));
  await connection.lp.write(encodeEnd()); // a host -> renter frame: not acceptable from the renter
  const refused = await refusalFrom(connection);
  assert.is(refused.reason, 'MALFORMED');
  assert.match(refused.message, 'got end');
  await waitFor('the hung-up command to end', async () => {
    const ps = await execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['sh', '-c', 'ps -o args | grep -c "^sleep 602" || true']);
    return ps.stdout.trim() === '0' ? true : undefined;
  });
});

test('a lease read moments ago (cached) still lets only its own renter in; one renter cannot use another\'s lease', async () => {
  await execInLease(w.renterNode, w.hostNode.peerId, lease, w.renter, ['true']);
  const err = await refusal(execInLease(w.renterNode, w.hostNode.peerId, lease, stranger, ['true']));
  assert.is(err.reason, 'UNAUTHORIZED');
  const funder = await funded(w.world.connection, 1);
  cleanups.push(() => removeRenterContainers(w.runtime, [funder.publicKey]));
  const theirs = await w.rentLease({}, funder);
  await openLeaseAccess(w.renterNode, w.hostNode.peerId, theirs, funder);
  // The world's renter cannot use another renter's lease, though both are good keys.
  assert.is((await refusal(execInLease(w.renterNode, w.hostNode.peerId, theirs, w.renter, ['true']))).reason, 'UNAUTHORIZED');
  assert.is((await execInLease(w.renterNode, w.hostNode.peerId, theirs, funder, ['echo', 'mine'])).stdout, 'mine\n');
});

test.run();
