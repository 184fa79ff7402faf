/** `withdraw_stake` against the real program: the stake back to the owner once nothing is open, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PublicKey } from '@solana/web3.js';
import { HOST_LEN, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { activeHost, closeInstruction, jailedHost, openedLease, registeredHost } from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const withdraw = (chain: TestChain, host: HostParty, a: Partial<Record<'operator' | 'owner' | 'host', PublicKey>> = {}) =>
  ix.withdrawStake(chain.program, { operator: host.operator.publicKey, owner: host.owner.publicKey, host: host.host, ...a });
const deactivate = (chain: TestChain, host: HostParty) => ix.deactivateHost(chain.program, { operator: host.operator.publicKey, host: host.host });
const watched = (host: HostParty) => [host.host, host.owner.publicKey, host.operator.publicKey];

test('withdraw_stake returns the whole stake to the owner; the host keeps its rent and turns inactive', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  expectOk(chain.send([await deactivate(chain, host)], [host.operator]));
  const stake = readHost(chain, host.host).stake;
  const [owner, operator] = [chain.balance(host.owner.publicKey), chain.balance(host.operator.publicKey)];
  const outcome = expectOk(chain.send([await withdraw(chain, host)], [host.operator]));
  reportCu('withdraw_stake', outcome);
  assert.is(chain.balance(host.owner.publicKey), owner + stake);
  assert.is(chain.balance(host.operator.publicKey), operator, 'the stake goes to the owner, not the operator');
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN));
  const h = readHost(chain, host.host);
  assert.is(h.stake, 0n);
  assert.is(h.status, 'Inactive');
  chain.rejects([await withdraw(chain, host)], [host.operator], 'NothingToClaim', watched(host));
});

test('a registered host may withdraw; an active one must deactivate first (InvalidHostStatus)', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  expectOk(chain.send([await withdraw(chain, registered)], [registered.operator]));
  assert.is(readHost(chain, registered.host).status, 'Inactive');
  const active = await activeHost(chain);
  const outcome = chain.rejects([await withdraw(chain, active)], [active.operator], 'InvalidHostStatus', watched(active));
  assert.ok(outcome.logs.some((l) => l.includes('deactivate the host first')));
});

test('withdraw_stake fails with HostHasOpenLeases until every lease is closed', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  expectOk(chain.send([await deactivate(chain, host)], [host.operator]));
  chain.rejects([await withdraw(chain, host)], [host.operator], 'HostHasOpenLeases', [...watched(host), lease.lease]);
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  expectOk(chain.send([await withdraw(chain, host)], [host.operator]));
});

test('a jailed host withdraws what the slash left and stays jailed', async () => {
  const chain = await TestChain.create();
  const host = await jailedHost(chain);
  const stake = readHost(chain, host.host).stake;
  assert.is(stake, chain.params.minHostStake - (chain.params.minHostStake * 1_000n) / 10_000n);
  const owner = chain.balance(host.owner.publicKey);
  expectOk(chain.send([await withdraw(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner.publicKey), owner + stake);
  assert.is(readHost(chain, host.host).status, 'Jailed');
});

test('withdraw_stake rejects another signer, a wrong owner, a missing signature and read-only accounts', async () => {
  const chain = await TestChain.create();
  const host = await registeredHost(chain);
  const stranger = chain.wallet(1n);
  const w = [...watched(host), stranger.publicKey];
  chain.rejects([await withdraw(chain, host, { operator: stranger.publicKey })], [stranger], 'Unauthorized', w);
  chain.rejects([await withdraw(chain, host, { owner: stranger.publicKey })], [host.operator], 'WrongOwner', w);
  chain.rejects([await withdraw(chain, host, { owner: host.operator.publicKey })], [host.operator], 'WrongOwner', w);
  chain.rejects([ix.unsigned(await withdraw(chain, host), host.operator.publicKey)], [], 'MissingSigner', w);
  for (const account of [host.owner.publicKey, host.host]) {
    chain.rejects([ix.readonly(await withdraw(chain, host), account)], [host.operator], 'NotWritable', w);
  }
  const copy = chain.copyAccount(host.host, stranger.publicKey);
  chain.rejects([await withdraw(chain, host, { host: copy })], [host.operator], 'WrongAccountOwner', [...w, copy]);
});

test.run();
