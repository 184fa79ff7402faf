/**
 * `withdraw_stake` against the real program: the stake back to the owner once nothing is
 * open and the host is not active, a jailed host only after its jail time, and every rejection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PublicKey } from '@solana/web3.js';
import { HOST_LEN, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import {
  activeHost, closeInstruction, deactivateInstruction, jailedHost, openedLease, receiptProof, registeredHost, settleInstruction, withdrawInstruction,
} from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const withdraw = (chain: TestChain, host: HostParty, a: Partial<Record<'operator' | 'owner' | 'host', PublicKey>> = {}) =>
  ix.withdrawStake(chain.program, { operator: host.operator.publicKey, owner: host.owner, host: host.host, ...a });
const watched = (host: HostParty) => [host.host, host.owner, host.operator.publicKey];

test('withdraw_stake returns the whole stake to the owner; the host keeps its rent and what is payable, and turns inactive', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  chain.advance(100n);
  expectOk(chain.send(await receiptProof(chain, host, lease, chain.now())));
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  expectOk(chain.send([await deactivateInstruction(chain, host)], [host.operator]));
  const { stake, payable } = readHost(chain, host.host);
  assert.ok(payable > 0n);
  const [owner, operator] = [chain.balance(host.owner), chain.balance(host.operator.publicKey)];
  const outcome = expectOk(chain.send([await withdrawInstruction(chain, host)], [host.operator]));
  reportCu('withdraw_stake', outcome);
  assert.is(chain.balance(host.owner), owner + stake);
  assert.is(chain.balance(host.operator.publicKey), operator, 'the stake goes to the owner, not the operator');
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN) + payable, 'rent + payable stay');
  const h = readHost(chain, host.host);
  assert.equal([h.stake, h.payable, h.status], [0n, payable, 'Inactive']);
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'NothingToClaim', watched(host));
});

test('a registered host may withdraw; an active one must deactivate first (InvalidHostStatus)', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  expectOk(chain.send([await withdrawInstruction(chain, registered)], [registered.operator]));
  assert.is(readHost(chain, registered.host).status, 'Inactive');
  const active = await activeHost(chain);
  chain.rejects([await withdrawInstruction(chain, active)], [active.operator], 'InvalidHostStatus', watched(active));
});

test('withdraw_stake fails with HostHasOpenLeases until every lease is closed', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  expectOk(chain.send([await deactivateInstruction(chain, host)], [host.operator]));
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'HostHasOpenLeases', [...watched(host), lease.lease]);
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  expectOk(chain.send([await withdrawInstruction(chain, host)], [host.operator]));
});

test('a jailed host withdraws what the slash left only once its jail time is over (StillJailed before), and stays jailed', async () => {
  const chain = await TestChain.create();
  const host = await jailedHost(chain);
  const { stake, jailedUntil } = readHost(chain, host.host);
  assert.is(stake, chain.params.minHostStake - (chain.params.minHostStake * 1_000n) / 10_000n);
  assert.is(jailedUntil, chain.now() + chain.params.jailSecs);
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'StillJailed', watched(host));
  chain.warp(jailedUntil - 1n);
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'StillJailed', watched(host));
  chain.warp(jailedUntil);
  const owner = chain.balance(host.owner);
  expectOk(chain.send([await withdrawInstruction(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner), owner + stake);
  assert.is(readHost(chain, host.host).status, 'Jailed');
});

test('withdraw_stake rejects another signer, a wrong owner, a missing signature and read-only accounts', async () => {
  const chain = await TestChain.create();
  const host = await registeredHost(chain);
  const stranger = chain.wallet(1n);
  const w = [...watched(host), stranger.publicKey];
  chain.rejectsWithOneOf([await withdraw(chain, host, { operator: stranger.publicKey })], [stranger], ['Unauthorized', 'InvalidPda'], w);
  chain.rejects([await withdraw(chain, host, { owner: stranger.publicKey })], [host.operator], 'WrongOwner', w);
  chain.rejects([await withdraw(chain, host, { owner: host.operator.publicKey })], [host.operator], 'WrongOwner', w);
  chain.rejects([ix.unsigned(await withdraw(chain, host), host.operator.publicKey)], [], 'MissingSigner', w);
  for (const account of [host.owner, host.host]) {
    chain.rejects([ix.readonly(await withdraw(chain, host), account)], [host.operator], 'NotWritable', w);
  }
  const copy = chain.copyAccount(host.host, stranger.publicKey);
  chain.rejects([await withdraw(chain, host, { host: copy })], [host.operator], 'WrongAccountOwner', [...w, copy]);
});

test.run();
