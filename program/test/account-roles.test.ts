/**
 * Checks the mutation run (`npm run mutants:program`) found no test for: a payer that
 * is not writable, an address to create that something else already holds, and a
 * ProgramData account that is not one. Each is refused with its own error and nothing
 * changes, where the runtime alone would fail later with a less useful error, or not at all.
 */
import { test } from 'uvu';
import { Keypair, PublicKey } from '@solana/web3.js';
import { CONFIG, PROGRAM_DATA, REWARD_POOL, TestChain } from './support/chain.js';
import { activeHost, leaseAddress, openLeaseInstructions, plannedLease } from './support/fixtures.js';
import { readonly } from './support/instructions.js';

test('a payer that is not writable is refused with NotWritable: open_lease and initialize', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain);
  const ixs = await openLeaseInstructions(chain, host, lease);
  readonly(ixs[ixs.length - 1]!, lease.renter.publicKey);
  chain.rejects(ixs, [lease.renter], 'NotWritable', [lease.renter.publicKey, lease.lease, host.host]);

  const fresh = TestChain.deployed();
  const ix = await fresh.initializeInstruction();
  fresh.rejects([readonly(ix, fresh.authority.publicKey)], [fresh.authority], 'NotWritable', [fresh.authority.publicKey, CONFIG, REWARD_POOL]);
});

test('initialize refuses a read-only reward pool with NotWritable', async () => {
  const chain = TestChain.deployed();
  const ix = await chain.initializeInstruction();
  chain.rejects([readonly(ix, REWARD_POOL)], [chain.authority], 'NotWritable', [chain.authority.publicKey, CONFIG, REWARD_POOL]);
});

/** Puts an account at `address` as if someone had created it there first. */
function occupy(chain: TestChain, address: PublicKey, owner: PublicKey, data: Uint8Array): void {
  chain.svm.setAccount(address, { lamports: 5_000_000, data, owner, executable: false });
}

test('an address already held by another program, or holding data, is not created over', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const other = Keypair.generate().publicKey;
  for (const [owner, error] of [[other, 'WrongAccountOwner'], [PublicKey.default, 'InvalidAccountData']] as const) {
    const lease = plannedLease(chain);
    occupy(chain, leaseAddress(lease.renter.publicKey, lease.leaseId), owner, new Uint8Array(16));
    chain.rejects(await openLeaseInstructions(chain, host, lease), [lease.renter], error, [lease.renter.publicKey, lease.lease, host.host]);
  }
  for (const address of [CONFIG, REWARD_POOL]) {
    for (const [owner, error] of [[other, 'WrongAccountOwner'], [PublicKey.default, 'InvalidAccountData']] as const) {
      const fresh = TestChain.deployed();
      occupy(fresh, address, owner, new Uint8Array(16));
      fresh.rejects([await fresh.initializeInstruction()], [fresh.authority], error, [fresh.authority.publicKey, CONFIG, REWARD_POOL]);
    }
  }
});

test('initialize refuses a ProgramData account that is not one (wrong state tag, too short)', async () => {
  for (const mangle of [(d: Uint8Array) => { d[0] = 2; return d; }, (d: Uint8Array) => d.slice(0, 40)]) {
    const chain = TestChain.deployed();
    const account = chain.svm.getAccount(PROGRAM_DATA);
    if (!account) throw new Error('the program has a ProgramData account');
    chain.svm.setAccount(PROGRAM_DATA, { ...account, data: mangle(Uint8Array.from(account.data)) });
    chain.rejects([await chain.initializeInstruction()], [chain.authority], 'InvalidAccountData', [chain.authority.publicKey, CONFIG, REWARD_POOL]);
  }
});

test.run();
