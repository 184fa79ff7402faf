/** `open_lease` against the real program: the escrow account, exact balances, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, LEASE_LEN, PROGRAM_ID, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readLease } from './support/accounts.js';
import {
  TERMS_HASH, activeHost, jailedHost, leaseAddress, leaseIdWithBump, leaseSeeds, openLeaseInstruction, plannedLease, registeredHost,
} from './support/fixtures.js';
import type { HostParty, LeaseParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const open = (chain: TestChain, host: HostParty, lease: LeaseParty, accounts: Partial<Record<'lease' | 'host' | 'config' | 'systemProgram', PublicKey>> = {}, bump?: number) =>
  ix.openLease(chain.program, { leaseId: lease.leaseId, rate: lease.rate, durationSecs: lease.durationSecs, termsHash: TERMS_HASH, ...(bump === undefined ? {} : { bump }) },
    { renter: lease.renter.publicKey, host: host.host, lease: lease.lease, ...accounts });

const watched = (host: HostParty, lease: LeaseParty) => [lease.renter.publicKey, host.host, lease.lease, CONFIG];

test('open_lease locks rate x duration plus rent in a new lease with every field', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain, { rate: 1_500n, durationSecs: 3_600n });
  const before = chain.balance(lease.renter.publicKey);
  const outcome = expectOk(chain.send([await openLeaseInstruction(chain, host, lease)], [lease.renter]));
  reportCu('open_lease (lease PDA bump 255)', outcome, CU_BUDGET.open_lease);

  const deposit = 1_500n * 3_600n;
  const rent = chain.rent(LEASE_LEN);
  const account = chain.svm.getAccount(lease.lease);
  assert.ok(account?.owner.equals(PROGRAM_ID), 'owned by the program');
  assert.is(BigInt(account?.data.length ?? 0), LEASE_LEN);
  assert.is(chain.balance(lease.lease), rent + deposit, 'rent + deposit');
  assert.is(chain.balance(lease.renter.publicKey), before - rent - deposit, 'the renter paid exactly that');

  const state = readLease(chain, lease.lease);
  assert.ok(state.renter.equals(lease.renter.publicKey) && state.host.equals(host.host));
  assert.is(state.leaseId, lease.leaseId);
  assert.is(state.rate, 1_500n);
  assert.is(state.deposit, deposit);
  assert.is(state.start, chain.now());
  assert.is(state.maxEnd, chain.now() + 3_600n);
  assert.is(state.provenUntil, state.start);
  assert.is(state.provenSecs + state.settledSecs + state.paid, 0n);
  assert.equal(state.termsHash, [...TERMS_HASH]);
  assert.is(state.status, 'Open');
  assert.is(state.bump, 255);
  assert.is(readHost(chain, host.host).openLeases, 1);
});

test('open_lease costs the same whatever the bump (the caller gives it); a host counts every open lease', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const renter = chain.wallet();
  const cost: number[] = [];
  let from = 1n;
  for (const bump of [255, 254, 250]) {
    const lease = plannedLease(chain, { renter, leaseId: leaseIdWithBump(renter.publicKey, bump, from) });
    from = lease.leaseId + 1n;
    const outcome = expectOk(chain.send([await openLeaseInstruction(chain, host, lease)], [renter]));
    reportCu(`open_lease (lease PDA bump ${bump})`, outcome, CU_BUDGET.open_lease);
    assert.is(readLease(chain, lease.lease).bump, bump);
    cost.push(outcome.cu);
  }
  assert.equal(new Set(cost).size, 1, `the same compute units for every bump: ${cost.join(', ')}`);
  assert.is(readHost(chain, host.host).openLeases, 3);
});

test('open_lease rejects a bump that does not give the lease address, or gives no address, with InvalidPda', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  for (const bump of [254, 0]) {
    chain.rejects([await open(chain, host, lease, {}, bump)], [lease.renter], 'InvalidPda', watched(host, lease));
  }
  assert.is(chain.svm.getAccount(lease.lease), null, 'no lease was created');
});

test('open_lease rejects registered and inactive hosts with HostNotActive and jailed ones with HostJailed', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  const lease = plannedLease(chain);
  chain.rejects([await open(chain, registered, lease)], [lease.renter], 'HostNotActive', watched(registered, lease));
  const inactive = await activeHost(chain);
  expectOk(chain.send([await ix.deactivateHost(chain.program, { operator: inactive.operator.publicKey, host: inactive.host })], [inactive.operator]));
  chain.rejects([await open(chain, inactive, lease)], [lease.renter], 'HostNotActive', watched(inactive, lease));
  const jailed = await jailedHost(chain);
  chain.rejects([await open(chain, jailed, lease)], [lease.renter], 'HostJailed', watched(jailed, lease));
});

test('open_lease rejects a zero rate or duration with InvalidArgument and an unpayable size with ArithmeticOverflow', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  for (const [rate, durationSecs] of [[0n, 60n], [1_000n, 0n]] as const) {
    const lease = plannedLease(chain, { rate, durationSecs });
    chain.rejects([await open(chain, host, lease)], [lease.renter], 'InvalidArgument', watched(host, lease));
  }
  // rate x duration above u64, and a duration beyond any timestamp.
  for (const [rate, durationSecs] of [[2n ** 40n, 2n ** 30n], [1n, 2n ** 63n]] as const) {
    const lease = plannedLease(chain, { rate, durationSecs });
    chain.rejects([await open(chain, host, lease)], [lease.renter], 'ArithmeticOverflow', watched(host, lease));
  }
});

test('open_lease rejects a lease address that is not the PDA of (renter, lease_id) with InvalidPda', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  const wrong = [
    leaseAddress(lease.renter.publicKey, lease.leaseId + 1n),
    leaseAddress(Keypair.generate().publicKey, lease.leaseId),
    PublicKey.findProgramAddressSync([...leaseSeeds(lease.renter.publicKey, lease.leaseId)], SystemProgram.programId)[0],
  ];
  for (const address of wrong) {
    chain.rejects([await open(chain, host, lease, { lease: address })], [lease.renter], 'InvalidPda', [...watched(host, lease), address]);
  }
});

test('open_lease rejects a reused lease id with AlreadyInitialized', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  expectOk(chain.send([await open(chain, host, lease)], [lease.renter]));
  chain.rejects([await open(chain, host, { ...lease, rate: 1n })], [lease.renter], 'AlreadyInitialized', watched(host, lease));
});

test('open_lease rejects a missing signature, read-only accounts, fake host or config and a wrong system program', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  const w = watched(host, lease);
  chain.rejects([ix.unsigned(await open(chain, host, lease), lease.renter.publicKey)], [], 'MissingSigner', w);
  chain.rejects([ix.readonly(await open(chain, host, lease), lease.lease)], [lease.renter], 'NotWritable', w);
  chain.rejects([ix.readonly(await open(chain, host, lease), host.host)], [lease.renter], 'NotWritable', w);
  const fakeHost = chain.copyAccount(host.host, SystemProgram.programId);
  chain.rejects([await open(chain, host, lease, { host: fakeHost })], [lease.renter], 'WrongAccountOwner', [...w, fakeHost]);
  chain.rejects([await open(chain, host, lease, { host: CONFIG })], [lease.renter], 'InvalidAccountData', w);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([await open(chain, host, lease, { config: fakeConfig })], [lease.renter], 'WrongAccountOwner', w);
  chain.failsWith([await open(chain, host, lease, { systemProgram: PROGRAM_ID })], [lease.renter], 'IncorrectProgramId', w);
  assert.is(chain.svm.getAccount(lease.lease), null, 'no lease was created');
});

test("open_lease fails in the System Program, creating nothing, when the renter cannot pay the deposit", async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain, { renter: chain.wallet(1n), rate: SOL, durationSecs: 2n });
  const before = chain.snapshot(watched(host, lease));
  const outcome = chain.send([await open(chain, host, lease)], [lease.renter]);
  assert.not.ok(outcome.ok);
  assert.ok(outcome.logs.some((l) => l.includes('insufficient lamports')), outcome.logs.join('\n'));
  chain.assertUnchanged(before);
});

test.run();
