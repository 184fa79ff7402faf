/**
 * Attack: a host names a payout owner that can never receive lamports, hoping that every
 * payout to it (and so every close or penalty of its leases) fails, locking the renters'
 * deposits in. register_host refuses such owners; and no lease instruction needs the owner
 * any more: settle and close pay into the host account, whatever the owner is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Ed25519Program, Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY, SYSVAR_INSTRUCTIONS_PUBKEY, SYSVAR_RENT_PUBKEY, SystemProgram,
} from '@solana/web3.js';
import { CONFIG, PROGRAM_DATA, PROGRAM_ID, REWARD_POOL, TestChain, UPGRADEABLE_LOADER, errorOf, expectOk } from './support/chain.js';
import { isClosed, readHost } from './support/accounts.js';
import {
  activeHost, closeInstruction, hostAddress, makePenalizable, openedLease, penalizeInstruction, receiptProof, registerInstruction, settleInstruction,
} from './support/fixtures.js';
import { deployNoop } from './support/noop-program.js';

const ComputeBudget = new PublicKey('ComputeBudget111111111111111111111111111111');

test('a host registering a sysvar, a builtin or a deployed program as its owner is refused (OwnerCannotReceive or NotWritable)', async () => {
  const chain = await TestChain.create();
  const noop = deployNoop(chain.svm);
  const unpayable: [string, PublicKey][] = [
    ['the clock sysvar', SYSVAR_CLOCK_PUBKEY], ['the rent sysvar', SYSVAR_RENT_PUBKEY], ['the instructions sysvar', SYSVAR_INSTRUCTIONS_PUBKEY],
    ['the System Program', SystemProgram.programId], ['the Ed25519 program', Ed25519Program.programId], ['the DeCloud program', PROGRAM_ID],
    ['the upgradeable loader', UPGRADEABLE_LOADER], ['the compute budget program', ComputeBudget], ['a deployed program', noop],
  ];
  for (const [what, owner] of unpayable) {
    const operator = chain.wallet();
    const host = hostAddress(operator.publicKey);
    const outcome = chain.rejectsWithOneOf([await registerInstruction(chain, operator.publicKey, owner)], [operator], ['OwnerCannotReceive', 'NotWritable'],
      [operator.publicKey, host, owner, CONFIG]);
    console.log(`  owner = ${what}: ${errorOf(outcome)}`);
    assert.is(chain.svm.getAccount(host), null, `${what}: no host created`);
    assert.is(chain.balance(operator.publicKey), 100n * 1_000_000_000n, `${what}: the operator paid nothing`);
  }
});

test("settle, close and penalize never need the owner: they succeed whatever payout address the host named", async () => {
  const chain = await TestChain.create();
  const program = Keypair.generate().publicKey;
  const foreignPda = PublicKey.findProgramAddressSync([Buffer.from('vault')], program)[0];
  const owners: [string, PublicKey][] = [
    ['an address that does not exist', Keypair.generate().publicKey], ['the config PDA', CONFIG], ['the reward pool', REWARD_POOL],
    ["the program's ProgramData", PROGRAM_DATA], ["another program's PDA", foreignPda],
  ];
  for (const [what, owner] of owners) {
    const host = await activeHost(chain, { owner });
    assert.ok(readHost(chain, host.host).owner.equals(owner), what);
    const served = await openedLease(chain, host);
    const abandoned = await openedLease(chain, host);
    const ownerBefore = chain.snapshot([owner]);
    chain.advance(600n);
    expectOk(chain.send(await receiptProof(chain, host, served, chain.now())));
    expectOk(chain.send([await settleInstruction(chain, host, served)]));
    expectOk(chain.send([await closeInstruction(chain, host, served)], [served.renter]));
    await makePenalizable(chain, abandoned);
    const caller = chain.wallet(1n);
    expectOk(chain.send([await penalizeInstruction(chain, host, abandoned, caller.publicKey)], [caller]));
    assert.ok(isClosed(chain, served.lease) && isClosed(chain, abandoned.lease), `${what}: both leases closed`);
    if (!owner.equals(REWARD_POOL)) chain.assertUnchanged(ownerBefore);
    assert.ok(readHost(chain, host.host).payable > 0n, `${what}: the host account holds the payment`);
  }
});

test.run();
