/** `register_host` against the real program: the host account, its lamports, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { CONFIG, HOST_LEN, IDL, PROGRAM_ID, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { SPEC_HASH, hostAddress, hostSeeds, peerIdOf } from './support/fixtures.js';
import { fieldOffset } from './support/layout.js';
import * as ix from './support/instructions.js';

interface Registration { operator: Keypair; owner: PublicKey; host: PublicKey; args: ix.RegisterArgs }

function registration(chain: TestChain, change: Partial<ix.RegisterArgs> = {}): Registration {
  const operator = chain.wallet();
  const owner = Keypair.generate().publicKey;
  const args = { peerId: peerIdOf(operator.publicKey), specHash: SPEC_HASH, stake: chain.params.minHostStake, ...change };
  return { operator, owner, host: hostAddress(operator.publicKey), args };
}

const register = (chain: TestChain, r: Registration, accounts: Partial<Record<'host' | 'owner' | 'config' | 'systemProgram', PublicKey>> = {}) =>
  ix.registerHost(chain.program, r.args, { operator: r.operator.publicKey, owner: r.owner, host: r.host, ...accounts });

const watched = (r: Registration) => [r.operator.publicKey, r.owner, r.host, CONFIG];

test('register_host creates the host with every field, funded with its rent plus the stake', async () => {
  const chain = await TestChain.create();
  const r = registration(chain, { stake: 3n * SOL });
  const before = chain.balance(r.operator.publicKey);
  const outcome = expectOk(chain.send([await register(chain, r)], [r.operator]));
  reportCu('register_host', outcome);

  const account = chain.svm.getAccount(r.host);
  assert.ok(account?.owner.equals(PROGRAM_ID), 'owned by the program');
  assert.is(BigInt(account?.data.length ?? 0), HOST_LEN);
  const rent = chain.rent(HOST_LEN);
  assert.is(chain.balance(r.host), rent + 3n * SOL, 'rent + stake');
  assert.is(chain.balance(r.operator.publicKey), before - rent - 3n * SOL, 'the operator paid exactly that');
  assert.is(chain.balance(r.owner), 0n, 'the owner paid nothing');

  const host = readHost(chain, r.host);
  assert.ok(host.operator.equals(r.operator.publicKey) && host.owner.equals(r.owner));
  assert.equal(host.peerId, [...r.args.peerId]);
  assert.equal(host.specHash, [...SPEC_HASH]);
  assert.is(host.stake, 3n * SOL);
  assert.is(host.status, 'Registered');
  assert.is(host.registeredAt, chain.now());
  assert.is(host.bump, PublicKey.findProgramAddressSync(hostSeeds(r.operator.publicKey), PROGRAM_ID)[1]);
  for (const zero of [host.provenEpochs, host.lastProofEpoch, host.lastProofAt, host.earned, host.rewardsEarned, host.payable, host.jailedUntil, host.slashBase]) {
    assert.is(zero, 0n);
  }
  assert.is(host.openLeases, 0);
  const reserved = fieldOffset(IDL as never, 'Host', 'reserved');
  assert.ok(Buffer.from(account?.data ?? []).subarray(reserved).every((b) => b === 0), 'reserved bytes are zero');
});

test("the peer id the program requires is libp2p's own identity of the operator key", async () => {
  const chain = await TestChain.create();
  const operator = chain.wallet();
  const libp2p = peerIdFromPublicKey(publicKeyFromRaw(operator.publicKey.toBytes())).toMultihash().bytes;
  const r: Registration = { ...registration(chain), operator, host: hostAddress(operator.publicKey) };
  r.args.peerId = libp2p;
  expectOk(chain.send([await register(chain, r)], [operator]));
  assert.equal(readHost(chain, r.host).peerId, [...libp2p]);
});

test('register_host rejects a stake below the minimum with StakeTooLow', async () => {
  const chain = await TestChain.create();
  const r = registration(chain, { stake: chain.params.minHostStake - 1n });
  chain.rejects([await register(chain, r)], [r.operator], 'StakeTooLow', watched(r));
});

test("register_host rejects a peer id that is not the operator's identity with InvalidArgument", async () => {
  const chain = await TestChain.create();
  const other = registration(chain, { peerId: peerIdOf(Keypair.generate().publicKey) });
  chain.rejects([await register(chain, other)], [other.operator], 'InvalidArgument', watched(other));
  const r = registration(chain);
  const badPrefix = Uint8Array.from(r.args.peerId);
  badPrefix[4] = 0x13;
  chain.rejects([await register(chain, { ...r, args: { ...r.args, peerId: badPrefix } })], [r.operator], 'InvalidArgument', watched(r));
});

test("register_host rejects a host address other than the operator's canonical PDA with InvalidPda", async () => {
  const chain = await TestChain.create();
  const r = registration(chain);
  const [, canonical] = PublicKey.findProgramAddressSync(hostSeeds(r.operator.publicKey), PROGRAM_ID);
  // The same seeds with a lower bump, where it gives an address off the curve: a valid PDA, but not the canonical one.
  const lower = [...Array(canonical).keys()].reverse().flatMap((bump) => {
    try {
      return [PublicKey.createProgramAddressSync([...hostSeeds(r.operator.publicKey), Buffer.from([bump])], PROGRAM_ID)];
    } catch {
      return [];
    }
  })[0];
  const others = [hostAddress(Keypair.generate().publicKey), Keypair.generate().publicKey, ...(lower ? [lower] : [])];
  for (const host of others) {
    chain.rejects([await register(chain, r, { host })], [r.operator], 'InvalidPda', [...watched(r), host]);
  }
});

test('register_host costs the same whatever the bump of the operator\'s address', async () => {
  const chain = await TestChain.create();
  const cost = new Map<number, number>();
  for (let tries = 0; cost.size < 2 && tries < 200; tries++) {
    const r = registration(chain);
    const bump = PublicKey.findProgramAddressSync(hostSeeds(r.operator.publicKey), PROGRAM_ID)[1];
    if (cost.has(bump) || (cost.size === 0 && bump !== 255)) continue;
    const outcome = expectOk(chain.send([await register(chain, r)], [r.operator]));
    reportCu(`register_host (host PDA bump ${bump})`, outcome);
    assert.is(readHost(chain, r.host).bump, bump);
    cost.set(bump, outcome.cu);
  }
  assert.is(cost.size, 2, 'found operators with two different bumps');
  const [first, second] = [...cost.values()] as [number, number];
  // The canonical bump is searched on-chain: a lower one costs one more hash per bump (about 1,500 CU), no more.
  assert.ok(second - first <= 1_600 * (255 - Math.min(...cost.keys())), `compute units for bumps ${[...cost.keys()].join(' and ')}: ${first}, ${second}`);
});

test('a second register_host fails with AlreadyInitialized and changes nothing', async () => {
  const chain = await TestChain.create();
  const r = registration(chain);
  expectOk(chain.send([await register(chain, r)], [r.operator]));
  const again = { ...r, args: { ...r.args, stake: 5n * SOL } };
  chain.rejects([await register(chain, again)], [r.operator], 'AlreadyInitialized', watched(r));
  chain.rejects([await register(chain, { ...again, owner: Keypair.generate().publicKey })], [r.operator], 'AlreadyInitialized', watched(r));
});

test('register_host rejects a read-only owner with OwnerCannotReceive or NotWritable', async () => {
  const chain = await TestChain.create();
  const r = registration(chain);
  chain.rejectsWithOneOf([ix.readonly(await register(chain, r), r.owner)], [r.operator], ['OwnerCannotReceive', 'NotWritable'], watched(r));
});

test('register_host rejects a missing operator signature, a read-only host, a fake config and a wrong system program', async () => {
  const chain = await TestChain.create();
  const r = registration(chain);
  chain.rejects([ix.unsigned(await register(chain, r), r.operator.publicKey)], [], 'MissingSigner', watched(r));
  chain.rejects([ix.readonly(await register(chain, r), r.host)], [r.operator], 'NotWritable', watched(r));
  const fakeConfig = chain.copyAccount(CONFIG, SystemProgram.programId);
  chain.rejects([await register(chain, r, { config: fakeConfig })], [r.operator], 'WrongAccountOwner', watched(r));
  chain.failsWith([await register(chain, r, { systemProgram: PROGRAM_ID })], [r.operator], 'IncorrectProgramId', watched(r));
  assert.is(chain.svm.getAccount(r.host), null, 'no host was created');
});

test('register_host works when someone sent lamports to the host address first', async () => {
  const chain = await TestChain.create();
  const r = registration(chain);
  const griefer = chain.wallet(1n);
  const gift = new Transaction().add(SystemProgram.transfer({ fromPubkey: griefer.publicKey, toPubkey: r.host, lamports: 1_000_000 }));
  gift.recentBlockhash = chain.svm.latestBlockhash();
  gift.feePayer = griefer.publicKey;
  gift.sign(griefer);
  chain.svm.sendTransaction(gift);
  const before = chain.balance(r.operator.publicKey);
  expectOk(chain.send([await register(chain, r)], [r.operator]));
  const holding = chain.rent(HOST_LEN) + r.args.stake;
  assert.is(chain.balance(r.host), holding, 'rent + stake, the gift included');
  assert.is(chain.balance(r.operator.publicKey), before - holding + 1_000_000n, 'the operator paid the rest');
  assert.is(readHost(chain, r.host).stake, r.args.stake);
});

test.run();
