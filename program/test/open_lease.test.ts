/**
 * `open_lease` against the real program: the escrow account bound to the terms the host
 * operator signed (Ed25519 instruction right before it), exact balances, and every rejection.
 * The attacks on the signed terms are in attack-terms.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, LEASE_LEN, PROGRAM_ID, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readLease } from './support/accounts.js';
import {
  LEASE_BUMP, NO_DELEGATE, activeHost, deactivateInstruction, jailedHost, leaseAddress, leaseIdFrom, leaseIdWithoutAddress, leaseSeeds,
  openLeaseInstructions, plannedLease, registeredHost,
} from './support/fixtures.js';
import type { HostParty, LeaseParty, OpenOptions } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const open = (chain: TestChain, host: HostParty, lease: LeaseParty, options: OpenOptions = {}) => openLeaseInstructions(chain, host, lease, options);
const watched = (host: HostParty, lease: LeaseParty) => [lease.renter.publicKey, host.host, lease.lease, CONFIG];

test('open_lease locks rate x duration plus rent in a new lease with every field, the fee and grace of the config', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const delegate = Keypair.generate();
  const lease = plannedLease(chain, { rate: 1_500n, durationSecs: 3_600n, delegate });
  const before = chain.balance(lease.renter.publicKey);
  const outcome = expectOk(chain.send(await open(chain, host, lease), [lease.renter]));
  reportCu('open_lease', outcome, CU_BUDGET.open_lease);

  const deposit = 1_500n * 3_600n;
  const rent = chain.rent(LEASE_LEN);
  const account = chain.svm.getAccount(lease.lease);
  assert.ok(account?.owner.equals(PROGRAM_ID), 'owned by the program');
  assert.is(BigInt(account?.data.length ?? 0), LEASE_LEN);
  assert.is(chain.balance(lease.lease), rent + deposit, 'rent + deposit');
  assert.is(chain.balance(lease.renter.publicKey), before - rent - deposit, 'the renter paid exactly that');

  const state = readLease(chain, lease.lease);
  assert.ok(state.renter.equals(lease.renter.publicKey) && state.host.equals(host.host));
  assert.ok(state.delegate.equals(delegate.publicKey), 'the delegate the operator signed for');
  assert.is(state.leaseId, lease.leaseId);
  assert.is(state.rate, 1_500n);
  assert.is(state.deposit, deposit);
  assert.is(state.start, chain.now());
  assert.is(state.maxEnd, chain.now() + 3_600n);
  assert.is(state.provenUntil, state.start);
  assert.is(state.provenSecs + state.settledSecs + state.paid, 0n);
  assert.equal([state.feeBps, state.graceEpochs], [chain.params.feeBps, chain.params.graceEpochs], "the config's fee and grace at open");
  assert.equal(state.termsHash, [...lease.termsHash]);
  assert.is(state.status, 'Open');
  assert.is(state.bump, LEASE_BUMP);
  assert.is(readHost(chain, host.host).openLeases, 1);
});

test('a lease without a delegate stores the all-zero key; a host counts every open lease; the cost does not depend on the id', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const renter = chain.wallet();
  const cost: number[] = [];
  let from = 1n;
  for (let i = 0; i < 3; i++) {
    const lease = plannedLease(chain, { renter, leaseId: leaseIdFrom(renter.publicKey, from) });
    from = lease.leaseId + 1n;
    const outcome = expectOk(chain.send(await open(chain, host, lease), [renter]));
    reportCu(`open_lease (id ${lease.leaseId})`, outcome, CU_BUDGET.open_lease);
    assert.ok(readLease(chain, lease.lease).delegate.equals(NO_DELEGATE));
    cost.push(outcome.cu);
  }
  assert.equal(new Set(cost).size, 1, `the same compute units for every id: ${cost.join(', ')}`);
  assert.is(readHost(chain, host.host).openLeases, 3);
});

test('open_lease rejects a lease id whose bump-255 address is on the curve, and any address but the bump-255 one, with InvalidPda', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const renter = chain.wallet();
  // No bump-255 address: even the canonical PDA (a lower bump) is refused.
  const noAddress = leaseIdWithoutAddress(renter.publicKey);
  const [canonical, bump] = PublicKey.findProgramAddressSync(leaseSeeds(renter.publicKey, noAddress), PROGRAM_ID);
  assert.ok(bump < LEASE_BUMP);
  const unusable: LeaseParty = { ...plannedLease(chain, { renter }), leaseId: noAddress, lease: canonical };
  chain.rejects(await open(chain, host, unusable), [renter], 'InvalidPda', watched(host, unusable));
  // A usable id, at a lower-bump address of the same seeds.
  const lease = plannedLease(chain, { renter });
  for (let lower = LEASE_BUMP - 1; lower >= 250; lower--) {
    let address: PublicKey;
    try {
      address = PublicKey.createProgramAddressSync([...leaseSeeds(renter.publicKey, lease.leaseId), Buffer.from([lower])], PROGRAM_ID);
    } catch {
      continue;
    }
    chain.rejects(await open(chain, host, lease, { accounts: { lease: address } }), [renter], 'InvalidPda', [...watched(host, lease), address]);
  }
  assert.is(chain.svm.getAccount(lease.lease), null, 'no lease was created');
});

test('open_lease rejects registered and inactive hosts with HostNotActive and jailed ones with HostJailed', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  const lease = plannedLease(chain, { quoteExpiresAt: chain.now() + 100_000n });
  chain.rejects(await open(chain, registered, lease), [lease.renter], 'HostNotActive', watched(registered, lease));
  const inactive = await activeHost(chain);
  expectOk(chain.send([await deactivateInstruction(chain, inactive)], [inactive.operator]));
  chain.rejects(await open(chain, inactive, lease), [lease.renter], 'HostNotActive', watched(inactive, lease));
  const jailed = await jailedHost(chain);
  chain.rejects(await open(chain, jailed, lease), [lease.renter], 'HostJailed', watched(jailed, lease));
});

test('open_lease rejects a zero rate or duration with InvalidArgument and an unpayable size with ArithmeticOverflow', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  for (const [rate, durationSecs] of [[0n, 60n], [1_000n, 0n]] as const) {
    const lease = plannedLease(chain, { rate, durationSecs });
    chain.rejects(await open(chain, host, lease), [lease.renter], 'InvalidArgument', watched(host, lease));
  }
  // rate x duration above u64, and a duration beyond any timestamp.
  for (const [rate, durationSecs] of [[2n ** 40n, 2n ** 30n], [1n, 2n ** 63n]] as const) {
    const lease = plannedLease(chain, { rate, durationSecs });
    chain.rejects(await open(chain, host, lease), [lease.renter], 'ArithmeticOverflow', watched(host, lease));
  }
});

test('open_lease rejects a lease address that is not the PDA of (renter, lease_id) with InvalidPda', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  const stranger = Keypair.generate().publicKey;
  const wrong = [
    leaseAddress(lease.renter.publicKey, leaseIdFrom(lease.renter.publicKey, lease.leaseId + 1n)),
    leaseAddress(stranger, leaseIdFrom(stranger)),
    PublicKey.findProgramAddressSync([...leaseSeeds(lease.renter.publicKey, lease.leaseId)], SystemProgram.programId)[0],
    Keypair.generate().publicKey,
  ];
  for (const address of wrong) {
    chain.rejects(await open(chain, host, lease, { accounts: { lease: address } }), [lease.renter], 'InvalidPda', [...watched(host, lease), address]);
  }
});

test('open_lease rejects a reused lease id with AlreadyInitialized', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  expectOk(chain.send(await open(chain, host, lease), [lease.renter]));
  const again = { ...lease, rate: 1n };
  chain.rejects(await open(chain, host, again), [lease.renter], 'AlreadyInitialized', watched(host, lease));
});

test('open_lease rejects a missing signature, read-only accounts, fake host or config, a fake instructions sysvar and a wrong system program', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  const w = watched(host, lease);
  const [verify, instruction] = await open(chain, host, lease);
  if (!verify || !instruction) throw new Error('two instructions');
  const openWith = async (options: OpenOptions) => (await open(chain, host, lease, options))[1] as typeof instruction;
  chain.rejects([verify, ix.unsigned(await openWith({}), lease.renter.publicKey)], [], 'MissingSigner', w);
  chain.rejects([verify, ix.readonly(await openWith({}), lease.lease)], [lease.renter], 'NotWritable', w);
  chain.rejects([verify, ix.readonly(await openWith({}), host.host)], [lease.renter], 'NotWritable', w);
  const fakeHost = chain.copyAccount(host.host, SystemProgram.programId);
  chain.rejects([verify, await openWith({ accounts: { host: fakeHost } })], [lease.renter], 'WrongAccountOwner', [...w, fakeHost]);
  chain.rejects([verify, await openWith({ accounts: { host: CONFIG } })], [lease.renter], 'InvalidAccountData', w);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([verify, await openWith({ accounts: { config: fakeConfig } })], [lease.renter], 'WrongAccountOwner', w);
  chain.failsWith([verify, await openWith({ accounts: { instructions: Keypair.generate().publicKey } })], [lease.renter], 'UnsupportedSysvar', w);
  chain.failsWith([verify, await openWith({ accounts: { systemProgram: PROGRAM_ID } })], [lease.renter], 'IncorrectProgramId', w);
  assert.is(chain.svm.getAccount(lease.lease), null, 'no lease was created');
  expectOk(chain.send([verify, instruction], [lease.renter]));
});

test('open_lease fails in the System Program, creating nothing, when the renter cannot pay the deposit', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain, { renter: chain.wallet(1n), rate: SOL, durationSecs: 2n });
  const before = chain.snapshot(watched(host, lease));
  const outcome = chain.send(await open(chain, host, lease), [lease.renter]);
  assert.not.ok(outcome.ok);
  assert.ok(outcome.logs.some((l) => l.includes('insufficient lamports')), outcome.logs.join('\n'));
  chain.assertUnchanged(before);
});

test.run();
