/**
 * Attack: front-run the deployer's initialize, to own the config (fees, witnesses, the
 * reward pool's rules). initialize must be signed by the program's upgrade authority, read
 * from the program's own ProgramData account: a stranger's signature, a fake ProgramData
 * (another address, another program's, a forged owner) or an immutable program all fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import {
  CONFIG, PROGRAM_DATA, PROGRAM_DATA_HEADER, PROGRAM_ID, REWARD_POOL, TestChain, UPGRADEABLE_LOADER, deployUpgradeable, errorOf, expectOk,
  programDataAddress, setUpgradeAuthority,
} from './support/chain.js';
import type { ErrorName } from './support/chain.js';
import { readConfig } from './support/accounts.js';
import { NOOP_PROGRAM_ELF } from './support/noop-program.js';

const nothingCreated = () => [CONFIG, REWARD_POOL];
/** How the program may refuse a ProgramData that is not the program's own. */
const REFUSALS: ErrorName[] = ['InvalidPda', 'WrongAccountOwner', 'InvalidAccountData', 'NotUpgradeAuthority'];

/** ProgramData bytes naming `authority`, with `elf` after the header. */
function programDataBytes(authority: PublicKey, elf: Uint8Array): Buffer {
  const header = Buffer.alloc(PROGRAM_DATA_HEADER);
  header.writeUInt32LE(3, 0);
  header.writeUInt8(1, 12);
  authority.toBuffer().copy(header, 13);
  return Buffer.concat([header, Buffer.from(elf)]);
}

test('initialize signed by anyone but the upgrade authority fails with NotUpgradeAuthority', async () => {
  const chain = TestChain.deployed();
  for (const attacker of [chain.wallet(1n), chain.witnesses[0] as Keypair]) {
    chain.svm.airdrop(attacker.publicKey, 1_000_000_000n);
    chain.rejects([await chain.initializeInstruction({}, { authority: attacker.publicKey })], [attacker], 'NotUpgradeAuthority', [...nothingCreated(), attacker.publicKey]);
  }
  assert.is(chain.svm.getAccount(CONFIG), null);
  expectOk(chain.send([await chain.initializeInstruction()], [chain.authority]));
  assert.ok(readConfig(chain, CONFIG).authority.equals(chain.authority.publicKey));
});

test('a fake ProgramData naming the attacker is refused: another address, another program’s, a forged owner, the program account', async () => {
  const chain = TestChain.deployed();
  const attacker = chain.wallet(2n);
  const data = programDataBytes(attacker.publicKey, NOOP_PROGRAM_ELF);
  // 1. A system-owned account with ProgramData bytes.
  const systemOwned = Keypair.generate().publicKey;
  chain.svm.setAccount(systemOwned, { lamports: 1_000_000_000, data, owner: SystemProgram.programId, executable: false });
  // 2. A loader-owned account with the right bytes at another address.
  const elsewhere = Keypair.generate().publicKey;
  chain.svm.setAccount(elsewhere, { lamports: 1_000_000_000, data, owner: UPGRADEABLE_LOADER, executable: false });
  // 3. The real ProgramData of the attacker's own program.
  const own = Keypair.generate().publicKey;
  deployUpgradeable(chain.svm, own, NOOP_PROGRAM_ELF, attacker.publicKey);
  const cases: [string, PublicKey][] = [
    ['a system-owned copy', systemOwned], ['a loader-owned account at another address', elsewhere],
    ["the attacker's own program's ProgramData", programDataAddress(own)], ['the program account itself', PROGRAM_ID],
    ['the config address', CONFIG],
  ];
  for (const [what, programData] of cases) {
    const outcome = chain.rejectsWithOneOf([await chain.initializeInstruction({}, { authority: attacker.publicKey, programData })], [attacker], REFUSALS,
      [...nothingCreated(), attacker.publicKey, programData]);
    console.log(`  ${what}: ${errorOf(outcome)}`);
  }
  // 4. The right address with the attacker's bytes but not owned by the loader (unreachable on a real chain).
  const real = chain.svm.getAccount(PROGRAM_DATA);
  if (!real) throw new Error('no ProgramData');
  chain.svm.setAccount(PROGRAM_DATA, { ...real, owner: SystemProgram.programId, data: programDataBytes(attacker.publicKey, real.data.subarray(PROGRAM_DATA_HEADER)) });
  const forged = chain.rejectsWithOneOf([await chain.initializeInstruction({}, { authority: attacker.publicKey })], [attacker], REFUSALS,
    [...nothingCreated(), attacker.publicKey]);
  console.log(`  the right address, not owned by the loader: ${errorOf(forged)}`);
  assert.is(chain.svm.getAccount(CONFIG), null, 'nothing was initialized');
});

test('an immutable program (no upgrade authority) cannot be initialized by anyone', async () => {
  const chain = TestChain.deployed();
  setUpgradeAuthority(chain.svm, PROGRAM_ID, null);
  for (const signer of [chain.authority, chain.wallet(1n)]) {
    chain.rejects([await chain.initializeInstruction({}, { authority: signer.publicKey })], [signer], 'NotUpgradeAuthority', [...nothingCreated(), signer.publicKey]);
  }
});

test.run();
