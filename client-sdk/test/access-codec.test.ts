// The access protocols' messages and the renter's signature: exact round trips, one
// encoding per value, and every defect refused with a typed error (never a crash).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Keypair, PublicKey } from '@solana/web3.js';
import {
  ACCESS_LIMITS, ACCESS_TAGS, AccessError, EXEC_PROTOCOL, FrameLengthError, frameOptions, MAX_MESSAGE_BYTES, REFUSAL_REASONS, SHELL_PROTOCOL,
  accessMessageKind, accessSignedBody, chunks, decodeAccessDetails, decodeAuth, decodeChallenge, decodeData, decodeEnd, decodeExecRequest,
  decodeExecResult, decodeExit, decodeLeaseStats, decodeLogsRequest, decodeOpenRequest, decodeReceipt, decodeReceiptOutcome, decodeRefusal,
  decodeResize, decodeShellRequest, decodeStatsRequest, encodeAccessDetails, encodeAuth, encodeChallenge, encodeData, encodeEnd, encodeExecRequest,
  encodeExecResult, encodeExit, encodeLeaseStats, encodeLogsRequest, encodeOpenRequest, encodeReceipt, encodeReceiptOutcome, encodeRefusal,
  encodeResize, encodeShellRequest, encodeStatsRequest, refusalText, signAccess, signReceipt, verifyAccess,
} from '../src/access/index.js';
import type { AccessErrorCode, AccessMessageKind, ExecRequest, LeaseStats, ShellRequest } from '../src/access/index.js';
import { receiptMessage } from '../src/chain/proofs.js';
import { verifySolanaSignature } from '../src/identity/signatures.js';

/** The shape lpStream hands a length decoder. */
const listOf = (bytes: number[]) => ({ byteLength: bytes.length, get: (i: number) => bytes[i]! }) as never;

const renter = Keypair.generate();
const stranger = Keypair.generate();
const lease = Keypair.generate().publicKey;
const challenge = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

function fails(fn: () => unknown, code: AccessErrorCode, pattern?: RegExp): string {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    assert.is(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return err.message;
  }
  throw new Error(`expected AccessError ${code}, nothing was thrown`);
}

const word = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\0'));
const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const envArb = fc.dictionary(envName, fc.string({ maxLength: 30 }).filter((s) => !s.includes('\0')), { maxKeys: 6 });
const execArb: fc.Arbitrary<ExecRequest> = fc.record({ cmd: fc.array(word, { minLength: 1, maxLength: 6 }), env: envArb });
const shellArb: fc.Arbitrary<ShellRequest> = fc.record({
  cmd: fc.array(word, { minLength: 1, maxLength: 4 }),
  env: envArb,
  cols: fc.integer({ min: 1, max: ACCESS_LIMITS.maxTerminalSide }),
  rows: fc.integer({ min: 1, max: ACCESS_LIMITS.maxTerminalSide }),
});
const u64 = (max: bigint) => fc.bigInt({ min: 0n, max });
const I64_MAX = (1n << 63n) - 1n;
const statsArb: fc.Arbitrary<LeaseStats> = fc.record({
  cpuPercent: fc.integer({ min: 0, max: 6_400_00 }).map((n) => n / 100),
  memoryBytes: fc.nat(), memoryLimit: fc.nat(), netRx: fc.nat(), netTx: fc.nat(), pids: fc.nat(), uptimeSecs: fc.nat(),
  provenUntil: u64(I64_MAX), costSoFar: u64(I64_MAX), provenCost: u64(I64_MAX), deposit: u64(I64_MAX), maxEnd: u64(I64_MAX),
});

test('requests round-trip exactly, and one request has one encoding (env order does not matter)', () => {
  fc.assert(fc.property(execArb, (request) => {
    const bytes = encodeExecRequest(request);
    assert.equal(decodeExecRequest(bytes), { ...request, env: { ...request.env } });
    const reversed = Object.fromEntries(Object.entries(request.env ?? {}).reverse());
    assert.equal(encodeExecRequest({ cmd: request.cmd, env: reversed }), bytes);
  }));
  fc.assert(fc.property(shellArb, (request) => assert.equal(decodeShellRequest(encodeShellRequest(request)), { ...request, env: { ...request.env } })));
  assert.equal(decodeLogsRequest(encodeLogsRequest({ follow: true })), { follow: true });
  assert.equal(decodeLogsRequest(encodeLogsRequest({ follow: false, tail: 0 })), { follow: false, tail: 0 });
  assert.equal(decodeLogsRequest(encodeLogsRequest({ follow: true, tail: 25 })), { follow: true, tail: 25 });
  decodeOpenRequest(encodeOpenRequest());
  decodeStatsRequest(encodeStatsRequest());
  assert.equal(decodeExecRequest(encodeExecRequest({ cmd: ['true'] })), { cmd: ['true'], env: {} });
});

test('answers and session frames round-trip exactly', () => {
  const details = { lease: lease.toBase58(), renter: renter.publicKey.toBase58(), container: `decloud-${lease.toBase58()}`, image: 'decloud/busybox:local', maxEnd: 1_900_000_000n };
  assert.equal(decodeAccessDetails(encodeAccessDetails(details)), details);
  fc.assert(fc.property(statsArb, (stats) => assert.equal(decodeLeaseStats(encodeLeaseStats(stats)), { ...stats })));
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string(), fc.string(), fc.boolean(), (exitCode, stdout, stderr, truncated) => {
    const decoded = decodeExecResult(encodeExecResult({ exitCode, stdout, stderr, truncated }));
    assert.equal(decoded, { exitCode, stdout: Buffer.from(stdout).toString(), stderr: Buffer.from(stderr).toString(), truncated });
  }));
  fc.assert(fc.property(fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }), (code) => assert.is(decodeExit(encodeExit(code)), code)));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => assert.equal(decodeData(encodeData(payload)), payload)));
  assert.equal(decodeResize(encodeResize({ cols: 132, rows: 43 })), { cols: 132, rows: 43 });
  decodeEnd(encodeEnd());
  assert.equal(decodeChallenge(encodeChallenge(challenge)), challenge);
  for (const reason of REFUSAL_REASONS) assert.equal(decodeRefusal(encodeRefusal({ reason, message: `why ${reason}` })), { reason, message: `why ${reason}` });
  assert.is(decodeReceiptOutcome(encodeReceiptOutcome('accepted')), 'accepted');
  assert.is(decodeReceiptOutcome(encodeReceiptOutcome('stale')), 'stale');
  const receipt = signReceipt(renter, lease, 1_800_000_000n);
  const back = decodeReceipt(encodeReceipt(receipt));
  assert.ok(back.lease.equals(lease));
  assert.is(back.until, receipt.until);
  assert.equal(back.signature, receipt.signature);
});

test('every message is told apart by its tag; decoding one kind as another is MALFORMED', () => {
  const samples: Array<[AccessMessageKind, Uint8Array]> = [
    ['challenge', encodeChallenge(challenge)],
    ['openRequest', encodeOpenRequest()],
    ['execRequest', encodeExecRequest({ cmd: ['ls'] })],
    ['statsRequest', encodeStatsRequest()],
    ['end', encodeEnd()],
    ['data', encodeData(new Uint8Array([1, 2]))],
  ];
  for (const [kind, bytes] of samples) {
    assert.is(accessMessageKind(bytes), kind);
    assert.is(bytes[0], ACCESS_TAGS[kind]);
  }
  fails(() => decodeExecRequest(encodeStatsRequest()), 'MALFORMED', /expected a execRequest message, got a statsRequest/);
  fails(() => decodeChallenge(encodeData(challenge)), 'MALFORMED');
  fails(() => decodeAccessDetails(new Uint8Array([99, 1])), 'MALFORMED', /tag 99/);
  fails(() => decodeEnd(new Uint8Array()), 'MALFORMED', /\(empty\)/);
  assert.is(accessMessageKind(new Uint8Array([0])), undefined);
});

test('truncated, padded, re-versioned or oversized bytes are refused', () => {
  const bytes = encodeExecRequest({ cmd: ['sh', '-c', 'echo hi'], env: { A: '1' } });
  for (let cut = 1; cut < bytes.length; cut++) fails(() => decodeExecRequest(bytes.subarray(0, cut)), 'MALFORMED');
  fails(() => decodeExecRequest(Uint8Array.from([...bytes, 0])), 'MALFORMED', /trailing/);
  const v2 = bytes.slice();
  v2[1] = 2;
  fails(() => decodeExecRequest(v2), 'BAD_VERSION', /upgrade/);
  const huge = new Uint8Array(MAX_MESSAGE_BYTES.data + 1);
  huge[0] = ACCESS_TAGS.data;
  huge[1] = 1;
  fails(() => decodeData(huge), 'TOO_LARGE');
  fails(() => decodeReceipt(new Uint8Array(MAX_MESSAGE_BYTES.receipt + 1)), 'TOO_LARGE');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
    for (const decode of [decodeAuth, decodeExecRequest, decodeShellRequest, decodeLogsRequest, decodeLeaseStats, decodeExit, decodeReceipt, decodeRefusal, decodeAccessDetails]) {
      try {
        decode(junk);
      } catch (err) {
        assert.instance(err, AccessError);
      }
    }
  }));
});

test('decoders apply the same field rules as encoders: a peer cannot send what a caller may not', () => {
  const valid = encodeShellRequest({ cmd: ['/bin/sh'], cols: 80, rows: 24 });
  const zeroCols = valid.slice();
  zeroCols[2] = 0;
  zeroCols[3] = 0;
  fails(() => decodeShellRequest(zeroCols), 'MALFORMED', /shell.cols must be an integer in 1..1000/);
  // A NUL inside a command word: the encoder refuses it, and bytes carrying one are refused too.
  const nul = encodeExecRequest({ cmd: ['echoXhi'] });
  nul[nul.indexOf('X'.charCodeAt(0))] = 0;
  fails(() => decodeExecRequest(nul), 'MALFORMED', /NUL/);
  // Environment names out of order, or repeated, have a second encoding: refused.
  const env = encodeExecRequest({ cmd: ['env'], env: { AA: '1', BB: '2' } });
  const swapped = env.slice();
  const at = swapped.lastIndexOf('B'.charCodeAt(0));
  swapped[at] = 'A'.charCodeAt(0);
  swapped[at - 1] = 'A'.charCodeAt(0);
  fails(() => decodeExecRequest(swapped), 'MALFORMED', /sorted and unique/);
  const tail = encodeLogsRequest({ follow: false, tail: 5 });
  fails(() => decodeLogsRequest(Uint8Array.from([...tail.subarray(0, 2), 2, ...tail.subarray(3)])), 'MALFORMED', /follow must be 0 or 1/);
  const noTailButCount = Uint8Array.from([...tail.subarray(0, 3), 0, ...tail.subarray(4)]);
  fails(() => decodeLogsRequest(noTailButCount), 'MALFORMED', /tail must be 0/);
  const badReason = encodeRefusal({ reason: 'BUSY', message: 'x' });
  badReason[2] = REFUSAL_REASONS.length;
  fails(() => decodeRefusal(badReason), 'MALFORMED', /unknown refusal reason/);
});

test('a caller\'s invalid request is BAD_REQUEST and never encoded', () => {
  fails(() => encodeExecRequest({ cmd: [] }), 'BAD_REQUEST', /exec.cmd must have 1..1024 entries/);
  fails(() => encodeExecRequest({ cmd: [''] }), 'BAD_REQUEST', /must name a program/);
  fails(() => encodeExecRequest({ cmd: ['a\0b'] }), 'BAD_REQUEST', /NUL/);
  fails(() => encodeExecRequest({ cmd: ['env'], env: { '1BAD': 'x' } }), 'BAD_REQUEST', /not a variable name/);
  fails(() => encodeExecRequest({ cmd: ['env'], env: { OK: 'a\0' } }), 'BAD_REQUEST', /NUL/);
  fails(() => encodeExecRequest({ cmd: ['x'.repeat(70_000)] }), 'TOO_LARGE', /65536-byte limit/);
  fails(() => encodeExecRequest({ cmd: Array.from({ length: 40 }, () => 'y'.repeat(2000)) }), 'TOO_LARGE', /send less/);
  fails(() => encodeShellRequest({ cmd: ['sh'], cols: 0, rows: 24 }), 'BAD_REQUEST', /cols/);
  fails(() => encodeResize({ cols: 80, rows: 1001 }), 'BAD_REQUEST', /rows/);
  fails(() => encodeLogsRequest({ follow: true, tail: -1 }), 'BAD_REQUEST', /tail/);
  fails(() => signReceipt(renter, lease, 0n), 'BAD_REQUEST', /until/);
  fails(() => encodeRefusal({ reason: 'BUSY', message: 'x'.repeat(600) }), 'BAD_REQUEST', /message/);
});

test('exec output is cut at the wire limit even when text grows on re-encoding, and flagged', () => {
  const max = ACCESS_LIMITS.maxExecOutputBytes;
  const binaryAsText = Buffer.from(new Uint8Array(max).fill(0xff)).toString('utf8'); // each byte became U+FFFD (3 bytes)
  const decoded = decodeExecResult(encodeExecResult({ exitCode: 0, stdout: binaryAsText, stderr: 'ok', truncated: false }));
  assert.ok(Buffer.byteLength(decoded.stdout) <= max + 2, 'stdout within the limit (a cut character decodes to one U+FFFD)');
  assert.is(decoded.truncated, true);
  assert.is(decoded.stderr, 'ok');
  const small = decodeExecResult(encodeExecResult({ exitCode: 7, stdout: 'hi\n', stderr: '', truncated: false }));
  assert.equal(small, { exitCode: 7, stdout: 'hi\n', stderr: '', truncated: false });
  assert.ok(encodeExecResult({ exitCode: 0, stdout: 'x'.repeat(max + 10), stderr: 'y'.repeat(max + 10), truncated: false }).length <= MAX_MESSAGE_BYTES.execResult);
});

test('frame lengths: a prefix longer than the largest allowed frame needs is refused at once', () => {
  const decode = frameOptions(300, 1024).lengthDecoder!;
  assert.is(decode(listOf([0xac, 0x02])), 300);
  assert.is(decode(listOf([0x05])), 5);
  assert.throws(() => decode(listOf([0xff])), (err: Error) => err instanceof RangeError, 'one more byte is needed');
  assert.throws(() => decode(listOf([0xff, 0xff])), (err: Error) => err instanceof FrameLengthError);
  assert.is(frameOptions(127, 1024).maxLengthLength, 1);
  assert.is(frameOptions(128, 1024).maxLengthLength, 2);
  assert.is(frameOptions(2 ** 21 - 1, 1024).maxLengthLength, 3);
  assert.is(frameOptions(2 ** 21, 1024).maxLengthLength, 4);
});

test('data is chunked to the frame payload limit', () => {
  const big = new Uint8Array(ACCESS_LIMITS.maxChunkBytes * 2 + 5).map((_, i) => i % 251);
  const pieces = chunks(big);
  assert.equal(pieces.map((p) => p.length), [ACCESS_LIMITS.maxChunkBytes, ACCESS_LIMITS.maxChunkBytes, 5]);
  assert.equal(Buffer.concat(pieces), Buffer.from(big));
  assert.equal(chunks(new Uint8Array()), []);
});

test('refusal text is cleaned of control characters and cut to the limit, keeping its start', () => {
  assert.is(refusalText('line one\nline two'), 'line one line two');
  const long = refusalText(`CAUSE: ${'é'.repeat(400)}`);
  assert.ok(Buffer.byteLength(long) <= ACCESS_LIMITS.maxRefusalMessageBytes);
  assert.ok(long.startsWith('CAUSE: é'));
  assert.ok(long.endsWith('...'));
  encodeRefusal({ reason: 'INTERNAL', message: long });
});

test('the access signature binds renter, protocol, lease, challenge and request', () => {
  const request = encodeExecRequest({ cmd: ['echo', 'hi'] });
  const claim = { protocol: EXEC_PROTOCOL, lease, challenge, request } as const;
  const signature = signAccess(claim, renter.secretKey);
  assert.ok(verifyAccess(claim, signature, renter.publicKey));
  assert.not.ok(verifyAccess(claim, signature, stranger.publicKey), 'another key');
  assert.not.ok(verifyAccess({ ...claim, protocol: SHELL_PROTOCOL }, signature, renter.publicKey), 'another protocol');
  assert.not.ok(verifyAccess({ ...claim, lease: Keypair.generate().publicKey }, signature, renter.publicKey), 'another lease');
  assert.not.ok(verifyAccess({ ...claim, challenge: new Uint8Array(32) }, signature, renter.publicKey), 'another challenge (a replay)');
  assert.not.ok(verifyAccess({ ...claim, request: encodeExecRequest({ cmd: ['rm', '-rf', '/'] }) }, signature, renter.publicKey), 'another request');
  assert.not.ok(verifyAccess(claim, signature.map((b, i) => (i === 0 ? b ^ 1 : b)), renter.publicKey), 'a flipped bit');
  // The signed body starts with the protocol id and ends with fixed-size fields.
  const body = accessSignedBody(claim);
  assert.is(Buffer.from(body.subarray(0, EXEC_PROTOCOL.length)).toString(), EXEC_PROTOCOL);
  assert.is(body.length, EXEC_PROTOCOL.length + 32 + 32 + 32);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 40 }), (sig, key) => {
    assert.is(verifyAccess(claim, sig, new PublicKey(Uint8Array.from({ length: 32 }, (_, i) => key[i] ?? 0))), false);
  }), { numRuns: 50 });
  const auth = { lease, signature, request };
  const decoded = decodeAuth(encodeAuth(auth));
  assert.ok(decoded.lease.equals(lease));
  assert.equal(decoded.signature, signature);
  assert.equal(decoded.request, request);
});

test('a signed receipt verifies exactly as the program checks it (receiptMessage, renter key)', () => {
  const receipt = signReceipt(renter, lease.toBase58(), 1_800_000_123n);
  assert.ok(verifySolanaSignature('', receiptMessage(lease, 1_800_000_123n), receipt.signature, renter.publicKey.toBytes()));
  assert.not.ok(verifySolanaSignature('', receiptMessage(lease, 1_800_000_124n), receipt.signature, renter.publicKey.toBytes()));
});

test.run();
