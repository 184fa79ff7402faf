/**
 * Attack: a renter (or anyone) penalizes a host during a witness outage: no attestation,
 * so the host's leases look unproven, though nobody could prove them. Penalties count only
 * witness-alive epochs (a heartbeat or any attestation marks one): with the witnesses
 * silent, penalize_host stays WithinGrace however late; with them alive, more than grace
 * epochs unproven is penalizable, exactly grace is not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REWARD_POOL, TestChain, expectOk } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { activeHost, attestationProof, closeInstruction, openedLease, penalizeInstruction, postHeartbeats } from './support/fixtures.js';

async function setUp(epochs = 200n) {
  const chain = await TestChain.create();
  const L = chain.params.proofEpochSecs;
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 10n, durationSecs: epochs * L });
  const caller = chain.wallet(1n);
  const watched = [host.host, lease.lease, REWARD_POOL, lease.renter.publicKey, caller.publicKey];
  const penalize = async () => penalizeInstruction(chain, host, lease, caller.publicKey);
  return { chain, host, lease, caller, watched, penalize, L, E0: chain.epoch(), grace: BigInt(chain.params.graceEpochs) };
}

test('with no attestation or heartbeat for the missing epochs, penalize_host is WithinGrace even long past the grace', async () => {
  const { chain, caller, watched, penalize, L, E0, grace } = await setUp();
  for (const late of [grace + 1n, 10n * grace, 63n, 64n, 150n]) {
    chain.warp((E0 + late) * L);
    chain.rejects([await penalize()], [caller], 'WithinGrace', watched);
  }
});

test('heartbeats for more than grace epochs make the lease penalizable; exactly grace epochs do not', async () => {
  const { chain, host, caller, watched, penalize, L, E0, grace } = await setUp();
  chain.warp((E0 + 40n) * L);
  await postHeartbeats(chain, E0 + 10n, E0 + 10n + grace - 1n); // grace alive epochs, scattered in a long outage
  chain.rejects([await penalize()], [caller], 'WithinGrace', watched);
  await postHeartbeats(chain, E0 + 30n, E0 + 30n, chain.witnesses[1]); // one more alive epoch, by the other witness
  const stake = readHost(chain, host.host).stake;
  expectOk(chain.send([await penalize()], [caller]));
  assert.is(readHost(chain, host.host).stake, stake - (stake * BigInt(chain.params.slashBps)) / 10_000n);
});

test("an attestation of another host's lease marks the epoch alive too: the witness was up, this host did not prove", async () => {
  const { chain, caller, watched, penalize, L, E0, grace } = await setUp();
  const other = await activeHost(chain);
  const served = await openedLease(chain, other, { durationSecs: 100n * L });
  for (let e = 0n; e <= grace; e += 1n) {
    chain.warp((E0 + e + 1n) * L);
    if (e < grace) chain.rejects([await penalize()], [caller], 'WithinGrace', watched);
    expectOk(chain.send(await attestationProof(chain, other, served, E0 + e)));
  }
  expectOk(chain.send([await penalize()], [caller]));
});

test('alive epochs older than the pool’s 64-epoch memory no longer count; the renter can always close instead', async () => {
  const { chain, host, lease, caller, watched, penalize, L, E0, grace } = await setUp();
  chain.warp((E0 + grace + 1n) * L);
  await postHeartbeats(chain, E0, E0 + grace);
  chain.warp((E0 + 100n) * L);
  await postHeartbeats(chain, E0 + 99n, E0 + 99n); // the newest alive epoch moves the window past E0..E0 + grace
  chain.rejects([await penalize()], [caller], 'WithinGrace', watched);
  const renter = chain.balance(lease.renter.publicKey);
  const locked = chain.balance(lease.lease);
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  assert.is(chain.balance(lease.renter.publicKey), renter + locked, 'nothing was proven: everything back');
});

test.run();
