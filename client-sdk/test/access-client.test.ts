// The renter's access calls against scripted hosts on real libp2p nodes (loopback TCP): a
// host that follows the protocol, and hosts that refuse, lie, stall, ramble or send junk.
// The renter must get a typed error or its answer, never hang and never crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { Keypair } from '@solana/web3.js';
import {
  AccessError, AccessRefusedError, EXEC_PROTOCOL, LOGS_PROTOCOL, RECEIPT_PROTOCOL, SHELL_PROTOCOL, STATS_PROTOCOL, accessMessageKind,
  decodeAuth, decodeData, decodeExecRequest, decodeLogsRequest, decodeReceipt, decodeResize, decodeShellRequest, encodeAccepted,
  encodeChallenge, encodeData, encodeEnd, encodeExecResult, encodeExit, encodeReceiptOutcome, encodeRefusal, execInLease, followLogs,
  leaseStats, openShell, sendReceipt, signReceipt, verifyAccess,
} from '../src/access/index.js';
import type { AccessProtocol, AuthenticatedProtocol } from '../src/access/index.js';
import type { DecloudChain } from '../src/chain/client.js';
import { receiptMessage } from '../src/chain/proofs.js';
import { verifySolanaSignature } from '../src/identity/signatures.js';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';
import { delegateKeypair } from '../src/renter/delegate-key.js';
import { Lease } from '../src/renter/lease.js';
import { LOCAL_NODE, waitFor } from './net-fixtures.js';
import { rejection } from './rejection.js';

const renter = Keypair.generate();
const lease = Keypair.generate().publicKey;
let host: DecloudNode;
let renterNode: DecloudNode;
const served: string[] = [];

type Script = (lp: LengthPrefixedStream<Stream>, stream: Stream) => Promise<void>;

/** Serves `protocol` on the host with `script` (replacing the previous script). */
async function hostScript(protocol: AccessProtocol, script: Script): Promise<void> {
  await host.libp2p.unhandle(protocol);
  await host.libp2p.handle(protocol, (stream) => {
    served.push(protocol);
    script(lpStream(stream, { maxDataLength: 8 * 1024 * 1024 }), stream).catch((err: Error) => stream.abort(err));
  });
}

const bytes = async (lp: LengthPrefixedStream<Stream>): Promise<Uint8Array> => new Uint8Array((await lp.read()).subarray());

/** The host half of the handshake, checking the renter's signature like a real host does. */
async function challengeAndVerify(lp: LengthPrefixedStream<Stream>, protocol: AuthenticatedProtocol): Promise<Uint8Array> {
  const challenge = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
  await lp.write(encodeChallenge(challenge));
  const auth = decodeAuth(await bytes(lp));
  assert.ok(auth.lease.equals(lease));
  assert.ok(verifyAccess({ protocol, lease, challenge, request: auth.request }, auth.signature, renter.publicKey), 'the renter signed this challenge');
  return auth.request;
}

test.before(async () => {
  host = await createDecloudNode({ ...LOCAL_NODE, offerGossip: false });
  renterNode = await createDecloudNode({ ...LOCAL_NODE, offerGossip: false });
  await renterNode.libp2p.peerStore.merge(host.peerId, { multiaddrs: host.getMultiaddrs() });
});

test.after(async () => {
  await Promise.all([host?.stop(), renterNode?.stop()]);
});

test('exec: the renter signs the host\'s challenge over the exact request and reads the result', async () => {
  await hostScript(EXEC_PROTOCOL, async (lp, stream) => {
    const request = decodeExecRequest(await challengeAndVerify(lp, EXEC_PROTOCOL));
    await lp.write(encodeExecResult({ exitCode: 3, stdout: request.cmd.join(' '), stderr: JSON.stringify(request.env), truncated: false }));
    await stream.close();
  });
  const result = await execInLease(renterNode, host.peerId, lease, renter, ['echo', 'hi'], { env: { A: 'b' } });
  assert.equal(result, { exitCode: 3, stdout: 'echo hi', stderr: '{"A":"b"}', truncated: false });
});

test('a refusal (even in place of the challenge) is AccessRefusedError with the host\'s reason', async () => {
  await hostScript(STATS_PROTOCOL, async (lp, stream) => {
    await lp.write(encodeRefusal({ reason: 'BUSY', message: 'come back later' }));
    await stream.close();
  });
  const err = await rejection(leaseStats(renterNode, host.peerId, lease, renter));
  assert.instance(err, AccessRefusedError);
  const refused = err as AccessRefusedError;
  assert.is(refused.reason, 'BUSY');
  assert.is(refused.detail, 'come back later');
  assert.is(refused.host, host.peerId.toString());
  assert.is(refused.protocol, STATS_PROTOCOL);
});

test('junk, a wrong message or an oversized frame from the host is an error, not a hang', async () => {
  await hostScript(STATS_PROTOCOL, async (lp) => {
    await lp.write(new Uint8Array([1, 1, 2, 3]));
  });
  const junk = await rejection(leaseStats(renterNode, host.peerId, lease, renter));
  assert.instance(junk, AccessError);
  assert.is((junk as AccessError).code, 'BAD_ANSWER');
  assert.match(junk.message, 'invalid challenge');

  await hostScript(STATS_PROTOCOL, async (lp) => {
    await challengeAndVerify(lp, STATS_PROTOCOL);
    await lp.write(encodeEnd());
  });
  const wrong = (await rejection(leaseStats(renterNode, host.peerId, lease, renter))) as AccessError;
  assert.is(wrong.code, 'BAD_ANSWER');
  assert.match(wrong.message, 'expected a leaseStats message, got a end');

  await hostScript(STATS_PROTOCOL, async (lp) => {
    await challengeAndVerify(lp, STATS_PROTOCOL);
    await lp.write(new Uint8Array(100_000));
  });
  const big = (await rejection(leaseStats(renterNode, host.peerId, lease, renter))) as AccessError;
  assert.is(big.code, 'BAD_ANSWER');
  assert.match(big.message, 'more than /decloud/stats/1.0.0 allows');
});

test('a silent host costs the renter its timeout, and its own abort works at once', async () => {
  await hostScript(EXEC_PROTOCOL, async () => { /* never answers */ });
  const started = Date.now();
  const late = await rejection(execInLease(renterNode, host.peerId, lease, renter, ['true'], { timeoutMs: 300 }));
  assert.is(late.name, 'TimeoutError');
  assert.ok(Date.now() - started < 5_000);
  const controller = new AbortController();
  const pending = execInLease(renterNode, host.peerId, lease, renter, ['true'], { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('changed my mind')), 100);
  assert.is((await rejection(pending)).message, 'changed my mind');
});

test('a bad request is refused locally and never dialed', async () => {
  const before = served.length;
  const err = (await rejection(execInLease(renterNode, host.peerId, lease, renter, []))) as AccessError;
  assert.is(err.code, 'BAD_REQUEST');
  const badLease = (await rejection(execInLease(renterNode, host.peerId, 'not a lease', renter, ['true']))) as AccessError;
  assert.is(badLease.code, 'BAD_REQUEST');
  const badPeer = (await rejection(leaseStats(renterNode, 'not-a-peer', lease, renter))) as AccessError;
  assert.is(badPeer.code, 'BAD_REQUEST');
  assert.is(served.length, before);
});

test('logs: chunks in order until the host\'s end; a refusal throws at the first iteration', async () => {
  await hostScript(LOGS_PROTOCOL, async (lp, stream) => {
    const request = decodeLogsRequest(await challengeAndVerify(lp, LOGS_PROTOCOL));
    await lp.write(encodeAccepted());
    for (let i = 0; i < (request.tail ?? 3); i++) await lp.write(encodeData(new TextEncoder().encode(`line ${i}\n`)));
    await lp.write(encodeEnd());
    await stream.close();
  });
  const lines: string[] = [];
  for await (const chunk of followLogs(renterNode, host.peerId, lease, renter, { follow: false, tail: 4 })) lines.push(new TextDecoder().decode(chunk));
  assert.equal(lines, ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n']);

  await hostScript(LOGS_PROTOCOL, async (lp, stream) => {
    await challengeAndVerify(lp, LOGS_PROTOCOL);
    await lp.write(encodeRefusal({ reason: 'NOT_ACTIVE', message: 'activate it first' }));
    await stream.close();
  });
  const refused = await rejection((async () => { for await (const _ of followLogs(renterNode, host.peerId, lease, renter)) { /* none */ } })());
  assert.instance(refused, AccessRefusedError);
  assert.is((refused as AccessRefusedError).reason, 'NOT_ACTIVE');
});

test('logs and shells outlive their handshake deadline: it bounds only the start', async () => {
  await hostScript(LOGS_PROTOCOL, async (lp, stream) => {
    await challengeAndVerify(lp, LOGS_PROTOCOL);
    await lp.write(encodeAccepted());
    await new Promise((resolve) => setTimeout(resolve, 600));
    await lp.write(encodeData(new TextEncoder().encode('late\n')));
    await lp.write(encodeEnd());
    await stream.close();
  });
  const late: string[] = [];
  for await (const chunk of followLogs(renterNode, host.peerId, lease, renter, { handshakeTimeoutMs: 300 })) late.push(new TextDecoder().decode(chunk));
  assert.equal(late, ['late\n']);

  await hostScript(SHELL_PROTOCOL, async (lp, stream) => {
    await challengeAndVerify(lp, SHELL_PROTOCOL);
    await lp.write(encodeAccepted());
    await new Promise((resolve) => setTimeout(resolve, 600));
    await lp.write(encodeExit(0));
    await stream.close();
  });
  assert.is(await (await openShell(renterNode, host.peerId, lease, renter, { handshakeTimeoutMs: 300 })).exited, 0);
});

test('logs: aborting a follow ends the iteration quietly and resets the host\'s stream', async () => {
  let hostStream: Stream | undefined;
  await hostScript(LOGS_PROTOCOL, async (lp, stream) => {
    hostStream = stream;
    await challengeAndVerify(lp, LOGS_PROTOCOL);
    await lp.write(encodeAccepted());
    await lp.write(encodeData(new TextEncoder().encode('first\n')));
  });
  const controller = new AbortController();
  const got: string[] = [];
  for await (const chunk of followLogs(renterNode, host.peerId, lease, renter, { signal: controller.signal })) {
    got.push(new TextDecoder().decode(chunk));
    setTimeout(() => controller.abort(), 50);
  }
  assert.equal(got, ['first\n']);
  await waitFor('the host stream to close', () => hostStream?.status === 'reset' || hostStream?.status === 'closed', 5_000);

  // Breaking out of the loop ends it the same way.
  for await (const chunk of followLogs(renterNode, host.peerId, lease, renter)) {
    assert.is(new TextDecoder().decode(chunk), 'first\n');
    break;
  }
  await waitFor('the host stream to close', () => hostStream?.status === 'reset' || hostStream?.status === 'closed', 5_000);
});

test('shell: input, resizes and hang-up reach the host; output and the exit code come back', async () => {
  await hostScript(SHELL_PROTOCOL, async (lp, stream) => {
    const request = decodeShellRequest(await challengeAndVerify(lp, SHELL_PROTOCOL));
    await lp.write(encodeAccepted());
    await lp.write(encodeData(new TextEncoder().encode(`${request.cmd.join(' ')} ${request.cols}x${request.rows}\n`)));
    for (;;) {
      let frame: Uint8Array;
      try {
        frame = await bytes(lp);
      } catch {
        break; // the renter hung up
      }
      if (accessMessageKind(frame) === 'resize') {
        const size = decodeResize(frame);
        await lp.write(encodeData(new TextEncoder().encode(`resized ${size.cols}x${size.rows}\n`)));
      } else {
        await lp.write(encodeData(new TextEncoder().encode(new TextDecoder().decode(decodeData(frame)).toUpperCase())));
      }
    }
    await lp.write(encodeExit(42));
    await stream.close();
  });
  const shell = await openShell(renterNode, host.peerId, lease, renter, { cols: 100, rows: 30, cmd: ['/bin/bash', '-l'] });
  let output = '';
  shell.onData((chunk) => { output += new TextDecoder().decode(chunk); });
  await waitFor('the banner', () => output.includes('/bin/bash -l 100x30\n'), 5_000);
  shell.write('echo hi\n');
  await waitFor('the echo', () => output.includes('ECHO HI\n'), 5_000);
  shell.resize(132, 43);
  await waitFor('the resize', () => output.includes('resized 132x43\n'), 5_000);
  assert.throws(() => shell.resize(0, 10), (err: unknown) => err instanceof AccessError && err.code === 'BAD_REQUEST');
  shell.close();
  assert.is(await shell.exited, 42);
  shell.write('ignored after the end');
});

test('shell: a host that vanishes mid-session or loses the exit code rejects `exited` with SESSION_LOST', async () => {
  await hostScript(SHELL_PROTOCOL, async (lp, stream) => {
    await challengeAndVerify(lp, SHELL_PROTOCOL);
    await lp.write(encodeAccepted());
    await bytes(lp);
    stream.abort(new Error('host crashed'));
  });
  const shell = await openShell(renterNode, host.peerId, lease, renter);
  shell.write('anything\n');
  const lost = (await rejection(shell.exited)) as AccessError;
  assert.is(lost.code, 'SESSION_LOST');

  await hostScript(SHELL_PROTOCOL, async (lp, stream) => {
    await challengeAndVerify(lp, SHELL_PROTOCOL);
    await lp.write(encodeAccepted());
    await lp.write(encodeExit(null));
    await stream.close();
  });
  const noCode = (await rejection((await openShell(renterNode, host.peerId, lease, renter)).exited)) as AccessError;
  assert.is(noCode.code, 'SESSION_LOST');
  assert.match(noCode.message, 'lost the exit code');
});

test('receipts: sent as signed, the host\'s outcome or refusal comes back', async () => {
  await hostScript(RECEIPT_PROTOCOL, async (lp, stream) => {
    const receipt = decodeReceipt(await bytes(lp));
    const valid = verifySolanaSignature('', receiptMessage(receipt.lease, receipt.until), receipt.signature, renter.publicKey.toBytes());
    await lp.write(valid ? encodeReceiptOutcome('stale') : encodeRefusal({ reason: 'UNAUTHORIZED', message: 'not the renter' }));
    await stream.close();
  });
  assert.is(await sendReceipt(renterNode, host.peerId, signReceipt(renter, lease, 1_700_000_000n)), 'stale');
  const forged = await rejection(sendReceipt(renterNode, host.peerId, signReceipt(Keypair.generate(), lease, 1_700_000_000n)));
  assert.instance(forged, AccessRefusedError);
  assert.is((forged as AccessRefusedError).reason, 'UNAUTHORIZED');
});

test('a Lease signs access challenges and receipts with its delegate key, never the wallet', async () => {
  const leaseId = 77n;
  const delegate = delegateKeypair(renter, leaseId);
  const signers: string[] = [];
  const signerOf = (ok: (key: Keypair) => boolean): string => ([['delegate', delegate], ['wallet', renter]] as const).find(([, key]) => ok(key))?.[0] ?? 'nobody';
  await hostScript(EXEC_PROTOCOL, async (lp, stream) => {
    const challenge = new Uint8Array(32).fill(5);
    await lp.write(encodeChallenge(challenge));
    const auth = decodeAuth(await bytes(lp));
    signers.push(signerOf((key) => verifyAccess({ protocol: EXEC_PROTOCOL, lease, challenge, request: auth.request }, auth.signature, key.publicKey)));
    await lp.write(encodeExecResult({ exitCode: 0, stdout: '', stderr: '', truncated: false }));
    await stream.close();
  });
  await hostScript(RECEIPT_PROTOCOL, async (lp, stream) => {
    const receipt = decodeReceipt(await bytes(lp));
    signers.push(signerOf((key) => verifySolanaSignature('', receiptMessage(receipt.lease, receipt.until), receipt.signature, key.publicKey.toBytes())));
    await lp.write(encodeReceiptOutcome('accepted'));
    await stream.close();
  });
  const ctx = { node: renterNode, chain: {} as DecloudChain, wallet: renter, clock: () => 1_700_000_000_000, locate: async () => undefined };
  const handle = new Lease(ctx, { address: lease.toBase58(), host: 'host', hostPeerId: host.peerId.toString(), rate: 1n, leaseId, delegate: delegate.publicKey.toBase58() });
  assert.is((await handle.exec(['true'])).exitCode, 0);
  assert.equal(await handle.sendReceipt({ containerAnswered: true }), { until: 1_700_000_000n, outcome: 'accepted' });
  assert.equal(signers, ['delegate', 'delegate']);
});

test.run();
