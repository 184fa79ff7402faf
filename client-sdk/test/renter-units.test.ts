// The renter SDK's pure parts: rent options, durations, SOL amounts, the close split read
// from balances, DHT keys for a filter, delegate keys, and the receipt loop's pacing (real timers).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256 } from '@noble/hashes/sha2.js';
import { Keypair, PublicKey } from '@solana/web3.js';
import { delegateKeypair, leaseSigner } from '../src/renter/delegate-key.js';
import { capabilitiesToSearch } from '../src/renter/host-search.js';
import { endReportOf } from '../src/renter/end-report.js';
import { secondsOf } from '../src/renter/durations.js';
import { ReceiptLoop } from '../src/renter/receipt-loop.js';
import { checkAgainstOffer, checkRentOptions, DEFAULT_RESOURCES, quoteRequestOf } from '../src/renter/rent-request.js';
import { RenterError } from '../src/renter/renter-error.js';
import { lamportsOfSol, sol } from '../src/renter/sol-amounts.js';
import { makeHost, makeOffer } from './net-fixtures.js';

function refusal(run: () => unknown): RenterError {
  try {
    run();
  } catch (err) {
    assert.instance(err, RenterError);
    return err as RenterError;
  }
  throw new Error('expected a RenterError');
}

test('rent options: defaults filled in, every bad field named', () => {
  assert.equal(checkRentOptions({ image: 'decloud/busybox:local', hours: 1.5 }), {
    image: 'decloud/busybox:local', durationSecs: 5400, resources: DEFAULT_RESOURCES, env: undefined,
  });
  assert.equal(checkRentOptions({ image: 'a', durationSecs: 90, resources: { memoryMiB: 64 } }).resources, { ...DEFAULT_RESOURCES, memoryMiB: 64 });
  const cases: Array<[object, RegExp]> = [
    [{ image: '', hours: 1 }, /image/],
    [{ image: 'has space', hours: 1 }, /image/],
    [{ image: 'a' }, /duration is missing/],
    [{ image: 'a', hours: 1, durationSecs: 60 }, /either hours or durationSecs/],
    [{ image: 'a', hours: 0 }, /hours/],
    [{ image: 'a', hours: Number.NaN }, /hours/],
    [{ image: 'a', durationSecs: 1.5 }, /durationSecs/],
    [{ image: 'a', hours: 1, resources: { cpuCores: 0 } }, /resources\.cpuCores/],
    [{ image: 'a', hours: 1, resources: { memoryMiB: -1 } }, /resources\.memoryMiB/],
    [{ image: 'a', hours: 1, env: { '1BAD': 'x' } }, /env name/],
  ];
  for (const [options, message] of cases) {
    const error = refusal(() => checkRentOptions(options as never));
    assert.is(error.code, 'BAD_OPTION');
    assert.match(error.message, message);
  }
});

test('the host\'s own offer refuses images and durations it does not sell, before any request', () => {
  const host = makeHost();
  const offer = { ...makeOffer(host), images: ['decloud/*'], duration: { minSecs: 60, maxSecs: 7200 } };
  checkAgainstOffer(offer, checkRentOptions({ image: 'decloud/busybox:local', hours: 1 }));
  assert.match(refusal(() => checkAgainstOffer(offer, checkRentOptions({ image: 'nginx', hours: 1 }))).message, /allows: decloud\/\*/);
  assert.match(refusal(() => checkAgainstOffer(offer, checkRentOptions({ image: 'decloud/x', hours: 3 }))).message, /60\.\.7200 s/);
  const parties = { renter: Keypair.generate().publicKey.toBase58(), leaseId: 5n, delegate: Keypair.generate().publicKey.toBase58() };
  const request = quoteRequestOf(offer, parties, checkRentOptions({ image: 'decloud/x', hours: 1 }));
  assert.is(request.offerSeq, offer.seq);
  assert.equal([request.renter, request.leaseId, request.delegate], [parties.renter, 5n, parties.delegate]);
  assert.is(request.nonce.length, 16);
  assert.not.equal(request.nonce, quoteRequestOf(offer, parties, checkRentOptions({ image: 'decloud/x', hours: 1 })).nonce, 'a fresh nonce each time');
});

test('durations and SOL amounts convert exactly', () => {
  assert.is(secondsOf({ hours: 0.25 }), 900);
  assert.is(secondsOf({ durationSecs: 61 }), 61);
  assert.is(refusal(() => secondsOf({ hours: -1 })).code, 'BAD_OPTION');
  assert.is(refusal(() => secondsOf({ durationSecs: 2 ** 32 })).code, 'BAD_OPTION');
  assert.is(sol(1_500_000_000n), '1.5');
  assert.is(sol(1n), '0.000000001');
  assert.is(sol(-2_000_000_000n), '-2');
  assert.is(lamportsOfSol('0.000000001'), 1n);
  assert.is(lamportsOfSol('2'), 2_000_000_000n);
  for (const bad of ['', '1.0000000001', '-1', '1e9', 'one']) assert.is(lamportsOfSol(bad), undefined, bad);
});

test('the close split is read from the transaction: refund to the renter, the rest settled', () => {
  const [renter, lease, owner, pool] = Array.from({ length: 4 }, () => Keypair.generate().publicKey) as [PublicKey, PublicKey, PublicKey, PublicKey];
  // Lease held 2,000 rent + 10,000 deposit; 3,000 proven: 2,850 to the owner, 150 fee; the renter paid a 5,000 fee.
  const report = endReportOf(lease, renter, 'sig', {
    keys: [renter, lease, owner, pool], pre: [100_000, 12_000, 50, 70], post: [100_000 - 5_000 + 9_000, 0, 2_900, 220], fee: 5_000,
  }, 2_000n);
  assert.equal(report, { lease: lease.toBase58(), signature: 'sig', refund: 9_000n, rentReturned: 2_000n, depositRefund: 7_000n, settled: 3_000n, fee: 5_000n });
  assert.throws(() => endReportOf(Keypair.generate().publicKey, renter, 'sig', { keys: [renter], pre: [1], post: [1], fee: 0 }, 0n), /does not touch/);
});

test('the delegate key is derived from the wallet and the lease id: the same every time, another per lease and per wallet', () => {
  const wallet = Keypair.fromSeed(new Uint8Array(32).fill(7));
  const leaseId = 0x0102_0304_0506_0708n;
  const delegate = delegateKeypair(wallet, leaseId);
  const seed = sha256(Buffer.concat([Buffer.from('decloud/delegate/v1'), wallet.secretKey.subarray(0, 32), Buffer.from([8, 7, 6, 5, 4, 3, 2, 1])]));
  assert.ok(delegate.publicKey.equals(Keypair.fromSeed(seed).publicKey), 'sha256("decloud/delegate/v1" || wallet seed || lease_id u64 LE) is the seed');
  assert.equal(delegateKeypair(wallet, leaseId).secretKey, delegate.secretKey, 'deterministic: another session derives it again');
  assert.ok(!delegateKeypair(wallet, leaseId + 1n).publicKey.equals(delegate.publicKey), 'one key per lease');
  assert.ok(!delegateKeypair(Keypair.generate(), leaseId).publicKey.equals(delegate.publicKey), 'one key per wallet');
  assert.ok(!delegate.publicKey.equals(wallet.publicKey));
  assert.throws(() => delegateKeypair(wallet, -1n), /u64/);
  assert.throws(() => delegateKeypair(wallet, 1n << 64n), /u64/);
  assert.ok(leaseSigner(wallet, leaseId, delegate.publicKey).publicKey.equals(delegate.publicKey), 'a lease naming the derived delegate is signed by it');
  assert.ok(leaseSigner(wallet, leaseId, PublicKey.default) === wallet, 'a lease without it is signed by the renter wallet');
});

test('DHT keys: the most selective the filter names, every kind otherwise', () => {
  assert.equal(capabilitiesToSearch({ country: 'DE', arch: 'arm64' }), [{ type: 'region', value: 'DE' }]);
  assert.equal(capabilitiesToSearch({ arch: 'arm64', kind: 'aws' }), [{ type: 'arch', value: 'arm64' }]);
  assert.equal(capabilitiesToSearch({ kind: 'gcp' }), [{ type: 'kind', value: 'gcp' }]);
  assert.equal(capabilitiesToSearch({ gpuModel: 'rtx' }).map((c) => c.value), ['docker', 'aws', 'gcp']);
});

test('the receipt loop runs one round at a time, reports skipped rounds, and stops', async () => {
  let running = 0;
  let overlapped = false;
  let rounds = 0;
  const loop = new ReceiptLoop(async () => {
    running++;
    overlapped ||= running > 1;
    rounds++;
    await new Promise((resolve) => setTimeout(resolve, 150));
    running--;
    if (rounds === 2) throw new Error('container down');
    return { until: BigInt(rounds), outcome: 'accepted' };
  }, 100);
  const sent: bigint[] = [];
  const skipped: string[] = [];
  loop.events.on('receipt', ({ until }) => sent.push(until));
  loop.events.on('skipped', ({ error }) => skipped.push(error.message));
  loop.start();
  await new Promise((resolve) => setTimeout(resolve, 900));
  loop.stop();
  const after = rounds;
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(!overlapped, 'rounds never overlap');
  assert.ok(after >= 3, `rounds: ${after}`);
  assert.is(rounds, after, 'no round after stop()');
  assert.equal(skipped, ['container down']);
  assert.ok(sent.includes(1n) && sent.includes(3n));
  assert.throws(() => new ReceiptLoop(async () => ({ until: 1n, outcome: 'accepted' }), 10), /at least 100 ms/);
});

test.run();
