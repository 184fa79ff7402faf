/**
 * Attack: revive a closed lease. If close_lease only emptied the lamports, a transfer in the
 * same transaction would keep the account with its old data (still owned by the program),
 * to be settled, refunded or penalized a second time. close_lease hands the account back to
 * the System Program with no data: a revived account is a plain system account, worthless
 * to the program, and the lease id can simply be opened again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemProgram } from '@solana/web3.js';
import { CONFIG, PROGRAM_ID, REWARD_POOL, TestChain, expectOk } from './support/chain.js';
import { isClosed, readHost, readLease } from './support/accounts.js';
import {
  activeHost, closeInstruction, makePenalizable, openLeaseInstructions, openedLease, penalizeInstruction, plannedLease, provenRental, receiptProof, settleInstruction,
} from './support/fixtures.js';

const setUp = () => provenRental();

test('after close the lease account is gone: no lamports, no data, not the program’s', async () => {
  const { chain, host, lease } = await setUp();
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  const account = chain.svm.getAccount(lease.lease);
  assert.ok(account === null || (account.lamports === 0 && account.data.length === 0 && account.owner.equals(SystemProgram.programId)),
    `gone: ${account && `${account.lamports} ${account.owner.toBase58()} ${account.data.length}`}`);
  assert.ok(isClosed(chain, lease.lease));
});

test('a transfer to the lease in the same transaction as its close leaves a plain system account; the id opens again', async () => {
  const { chain, host, lease } = await setUp();
  const refill = SystemProgram.transfer({ fromPubkey: chain.payer.publicKey, toPubkey: lease.lease, lamports: 5_000_000 });
  expectOk(chain.send([await closeInstruction(chain, host, lease), refill], [lease.renter]));
  const revived = chain.svm.getAccount(lease.lease);
  assert.ok(revived, 'the transfer created an account');
  assert.equal([revived.owner.toBase58(), revived.data.length, revived.lamports, revived.executable], [SystemProgram.programId.toBase58(), 0, 5_000_000, false]);
  // Worthless to the program: settling, closing or penalizing it again is refused.
  const watched = [lease.lease, host.host, REWARD_POOL, lease.renter.publicKey, CONFIG];
  chain.rejects([await settleInstruction(chain, host, lease)], [], 'WrongAccountOwner', watched);
  chain.rejects([await closeInstruction(chain, host, lease)], [lease.renter], 'WrongAccountOwner', watched);
  chain.rejects(await receiptProof(chain, host, lease, chain.now()), [], 'WrongAccountOwner', watched);
  // The renter opens the same lease id again, on the lamports already there.
  const again = plannedLease(chain, { renter: lease.renter, leaseId: lease.leaseId });
  expectOk(chain.send(await openLeaseInstructions(chain, host, again), [lease.renter]));
  const state = readLease(chain, lease.lease);
  assert.equal([state.provenSecs, state.paid, state.status, state.start], [0n, 0n, 'Open', chain.now()]);
  assert.ok(chain.svm.getAccount(lease.lease)?.owner.equals(PROGRAM_ID));
  assert.is(readHost(chain, host.host).openLeases, 1);
});

test('the same after a penalty: a transfer in the same transaction revives nothing', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  await makePenalizable(chain, lease);
  const caller = chain.wallet(1n);
  const refill = SystemProgram.transfer({ fromPubkey: chain.payer.publicKey, toPubkey: lease.lease, lamports: 2_000_000 });
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey), refill], [caller]));
  const revived = chain.svm.getAccount(lease.lease);
  assert.equal([revived?.owner.toBase58(), revived?.data.length, revived?.lamports], [SystemProgram.programId.toBase58(), 0, 2_000_000]);
  chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WrongAccountOwner', [lease.lease, host.host, REWARD_POOL]);
});

test('close then settle (or close again) in one transaction is refused as a whole: nothing is paid twice', async () => {
  const { chain, host, lease } = await setUp();
  const watched = [lease.lease, host.host, REWARD_POOL, lease.renter.publicKey, host.owner];
  const close = await closeInstruction(chain, host, lease);
  chain.rejects([close, await settleInstruction(chain, host, lease)], [lease.renter], 'WrongAccountOwner', watched);
  chain.rejects([close, await closeInstruction(chain, host, lease)], [lease.renter], 'WrongAccountOwner', watched);
  expectOk(chain.send([close], [lease.renter]));
});

test.run();
