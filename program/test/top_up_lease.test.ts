/** `top_up_lease` against the real program: more deposit, later max end, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemProgram } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { PROGRAM_ID, TestChain, expectOk, reportCu } from './support/chain.js';
import { readLease } from './support/accounts.js';
import { activeHost, openedLease } from './support/fixtures.js';
import type { LeaseParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const topUp = (chain: TestChain, lease: LeaseParty, extraSecs: bigint, renter: PublicKey = lease.renter.publicKey, accounts: Partial<Record<'lease' | 'systemProgram', PublicKey>> = {}) =>
  ix.topUpLease(chain.program, extraSecs, { renter, lease: lease.lease, ...accounts });

async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 3_600n });
  return { chain, host, lease, watched: [lease.renter.publicKey, lease.lease] };
}

test('top_up_lease adds rate x extra_secs to the deposit and the max end', async () => {
  const { chain, lease } = await setUp();
  const before = readLease(chain, lease.lease);
  const [renterBefore, leaseBefore] = [chain.balance(lease.renter.publicKey), chain.balance(lease.lease)];
  chain.advance(3_599n); // the last second before max end
  const outcome = expectOk(chain.send([await topUp(chain, lease, 1_800n)], [lease.renter]));
  reportCu('top_up_lease', outcome);
  const after = readLease(chain, lease.lease);
  assert.is(after.deposit, before.deposit + 1_800_000n);
  assert.is(after.maxEnd, before.maxEnd + 1_800n);
  assert.is(chain.balance(lease.lease), leaseBefore + 1_800_000n);
  assert.is(chain.balance(lease.renter.publicKey), renterBefore - 1_800_000n);
  assert.equal({ ...after, deposit: 0n, maxEnd: 0n }, { ...before, deposit: 0n, maxEnd: 0n }, 'nothing else changed');
});

test('top_up_lease rejects a lease at or past its max end with LeaseExpired', async () => {
  const { chain, lease, watched } = await setUp();
  chain.advance(3_600n);
  chain.rejects([await topUp(chain, lease, 60n)], [lease.renter], 'LeaseExpired', watched);
});

test('top_up_lease rejects zero seconds with InvalidArgument and an overflowing amount or end with ArithmeticOverflow', async () => {
  const { chain, lease, watched } = await setUp();
  chain.rejects([await topUp(chain, lease, 0n)], [lease.renter], 'InvalidArgument', watched);
  chain.rejects([await topUp(chain, lease, 2n ** 60n)], [lease.renter], 'ArithmeticOverflow', watched);
  const cheap = await openedLease(chain, await activeHost(chain), { rate: 1n, durationSecs: 60n });
  chain.rejects([await topUp(chain, cheap, 2n ** 63n - 1n)], [cheap.renter], 'ArithmeticOverflow', [cheap.renter.publicKey, cheap.lease]);
});

test('top_up_lease rejects another signer, a missing signature, a read-only or fake lease and a wrong system program', async () => {
  const { chain, lease, watched } = await setUp();
  const stranger = chain.wallet(1n);
  chain.rejects([await topUp(chain, lease, 60n, stranger.publicKey)], [stranger], 'Unauthorized', [...watched, stranger.publicKey]);
  chain.rejects([ix.unsigned(await topUp(chain, lease, 60n), lease.renter.publicKey)], [], 'MissingSigner', watched);
  chain.rejects([ix.readonly(await topUp(chain, lease, 60n), lease.lease)], [lease.renter], 'NotWritable', watched);
  const fake = chain.copyAccount(lease.lease, SystemProgram.programId);
  chain.rejects([await topUp(chain, lease, 60n, lease.renter.publicKey, { lease: fake })], [lease.renter], 'WrongAccountOwner', [...watched, fake]);
  chain.failsWith([await topUp(chain, lease, 60n, lease.renter.publicKey, { systemProgram: PROGRAM_ID })], [lease.renter], 'IncorrectProgramId', watched);
});

test.run();
