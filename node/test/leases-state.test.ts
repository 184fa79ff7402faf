// The lease state machine and the stored form of records: pure functions and a real LevelDB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { LEASE_STATES, LeaseError, LevelLeaseStore, canTransition, isLive, transition } from '../src/leases/index.js';
import type { LeaseRecord, LeaseState } from '../src/leases/index.js';
import { decodeLeaseRecord, encodeLeaseRecord } from '../src/leases/record-codec.js';
import { quoteFor, tempDir } from './support/chain-world.js';

const host = Keypair.generate();
const renter = Keypair.generate();
const lease = Keypair.generate().publicKey.toBase58();

function record(overrides: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    lease,
    state: 'running',
    quote: quoteFor(host, renter.publicKey, { lamportsPerSecond: 12_345_678_901n, durationSecs: 3600, leaseId: 18_446_744_073_709_551_557n, delegate: Keypair.generate().publicKey }),
    maxEnd: 1_900_000_000n,
    container: { id: 'c0ffee', name: `decloud-${lease}`, leaseId: lease, renter: renter.publicKey.toBase58() },
    updatedAt: 1_700_000_000_123,
    ...overrides,
  };
}

function illegal(from: LeaseState, to: LeaseState): LeaseError {
  try {
    transition(from, to, lease);
  } catch (err) {
    assert.instance(err, LeaseError);
    return err as LeaseError;
  }
  throw new Error(`${from} -> ${to} was allowed`);
}

test('the happy path is legal, and every live state may fail', () => {
  const path: LeaseState[] = ['quoted', 'funded', 'starting', 'running', 'ending', 'closed'];
  for (let i = 1; i < path.length; i++) assert.is(transition(path[i - 1]!, path[i]!), path[i]);
  for (const from of ['quoted', 'funded', 'starting', 'running', 'ending'] as const) assert.ok(canTransition(from, 'failed'), `${from} -> failed`);
  assert.ok(canTransition('running', 'starting'), 'a running lease may bring its container up again');
  assert.ok(canTransition('running', 'closed'), 'closed on-chain by the renter');
});

test('illegal transitions are refused with the allowed ones named', () => {
  const refused = illegal('closed', 'running');
  assert.is(refused.code, 'ILLEGAL_TRANSITION');
  assert.match(refused.message, `lease ${lease} cannot go from closed to running`);
  assert.match(refused.message, 'nothing (it is final)');
  assert.match(illegal('quoted', 'running').message, 'it may go to funded, failed');
  for (const [from, to] of [['failed', 'running'], ['closed', 'failed'], ['failed', 'failed'], ['running', 'quoted'], ['ending', 'running'], ['funded', 'quoted'], ['running', 'running']] as const) {
    assert.is(illegal(from, to).code, 'ILLEGAL_TRANSITION');
  }
});

test('transition throws exactly when canTransition says no, for every pair', () => {
  for (const from of LEASE_STATES) {
    for (const to of LEASE_STATES) {
      let threw = false;
      try {
        transition(from, to);
      } catch {
        threw = true;
      }
      assert.is(threw, !canTransition(from, to), `${from} -> ${to}`);
    }
  }
  assert.equal(LEASE_STATES.filter(isLive), ['funded', 'starting', 'running', 'ending']);
});

test('records round-trip through their stored form, bigints, bytes, lease id and delegate included', () => {
  const original = record({ state: 'failed', reason: 'its container vanished', closePending: true });
  const text = encodeLeaseRecord(original);
  assert.match(text, '"lamportsPerSecond":"12345678901"');
  assert.match(text, '"leaseId":"18446744073709551557"');
  assert.match(text, `"delegate":"${original.quote.delegate}"`);
  assert.equal(decodeLeaseRecord(lease, text), original);
  const { container: _container, reason: _reason, closePending: _pending, ...bare } = original;
  assert.equal(decodeLeaseRecord(lease, encodeLeaseRecord(bare)), bare);
});

test('a damaged stored record is reported, never acted on', () => {
  const good = JSON.parse(encodeLeaseRecord(record())) as Record<string, any>;
  const corrupt = (mutate: (r: Record<string, any>) => void, key = lease): string => {
    const copy = structuredClone(good);
    mutate(copy);
    try {
      decodeLeaseRecord(key, JSON.stringify(copy));
    } catch (err) {
      assert.instance(err, LeaseError);
      assert.is((err as LeaseError).code, 'STORE_CORRUPT');
      return (err as Error).message;
    }
    throw new Error('decoded a damaged record');
  };
  assert.match(corrupt((r) => { r.quote.deposit = '1'; }), 'quote.deposit');
  assert.match(corrupt((r) => { r.quote.termsHash = '00'.repeat(32); }), 'does not hash the stored terms');
  assert.match(corrupt((r) => { r.state = 'sleeping'; }), 'not a lease state');
  assert.match(corrupt((r) => { r.maxEnd = 12; }), 'field maxEnd is not a string');
  assert.match(corrupt((r) => { delete r.quote.leaseId; }), 'field leaseId is not a string');
  assert.match(corrupt((r) => { r.quote.leaseId = '7'; }), 'does not hash the stored terms');
  assert.match(corrupt((r) => { r.quote.delegate = 'not-a-key'; }), 'quote.delegate');
  assert.match(corrupt((r) => { r.closePending = 'yes'; }), 'field text is not true or false');
  assert.match(corrupt(() => {}, Keypair.generate().publicKey.toBase58()), 'stored under');
  assert.throws(() => decodeLeaseRecord(lease, '{not json'), /STORE_CORRUPT.*is not JSON/);
});

test('the level store keeps leases and quotes across reopening; funding consumes the quote atomically', async () => {
  const dir = await tempDir('store');
  try {
    let store = await LevelLeaseStore.open(dir.path);
    const funded = record({ state: 'funded' });
    const hash = Buffer.from(funded.quote.termsHash).toString('hex');
    await store.putQuote(hash, { state: 'quoted', quote: funded.quote, recordedAt: 1 });
    assert.equal((await store.listQuotes()).map((q) => q.termsHashHex), [hash]);
    await store.fundLease(funded, hash);
    await store.close();

    store = await LevelLeaseStore.open(dir.path);
    assert.is(await store.getQuote(hash), undefined);
    assert.equal(await store.getLease(lease), funded);
    assert.equal(await store.listLeases(), [funded]);
    assert.is(await store.getLease(Keypair.generate().publicKey.toBase58()), undefined);
    await store.close();
  } finally {
    await dir.remove();
  }
});

test.run();
