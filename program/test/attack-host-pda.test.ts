/**
 * Attack: an operator registers a second host account (at a non-canonical bump of its host
 * address), e.g. to escape a jailed host or its slash base with a fresh one. register_host
 * finds the canonical bump on-chain and accepts no other: one host per operator, for good.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { CONFIG, PROGRAM_ID, TestChain, expectOk } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { SPEC_HASH, hostSeeds, jailedHost, peerIdOf, registeredHost, withdrawInstruction } from './support/fixtures.js';
import * as ix from './support/instructions.js';

/** Every valid (off-curve) host address of `operator` below its canonical bump. */
function nonCanonical(operator: PublicKey): PublicKey[] {
  const [, canonical] = PublicKey.findProgramAddressSync(hostSeeds(operator), PROGRAM_ID);
  const out: PublicKey[] = [];
  for (let bump = canonical - 1; bump >= 0 && out.length < 3; bump--) {
    try {
      out.push(PublicKey.createProgramAddressSync([...hostSeeds(operator), Buffer.from([bump])], PROGRAM_ID));
    } catch {
      // on the curve: not an address any program can sign for
    }
  }
  return out;
}

const registerAt = (chain: TestChain, operator: Keypair, host: PublicKey, owner = operator.publicKey) =>
  ix.registerHost(chain.program, { peerId: peerIdOf(operator.publicKey), specHash: SPEC_HASH, stake: chain.params.minHostStake }, { operator: operator.publicKey, owner, host });

test('register_host at a non-canonical bump of the operator’s host address fails with InvalidPda', async () => {
  const chain = await TestChain.create();
  const operator = chain.wallet();
  const addresses = nonCanonical(operator.publicKey);
  assert.ok(addresses.length > 0);
  for (const host of addresses) {
    chain.rejects([await registerAt(chain, operator, host)], [operator], 'InvalidPda', [operator.publicKey, host, CONFIG]);
  }
});

test('a second host for the same operator is impossible: not at the canonical address, not at another bump, not after withdrawing', async () => {
  const chain = await TestChain.create();
  const first = await registeredHost(chain);
  const watched = [first.operator.publicKey, first.host, first.owner];
  chain.rejects([await registerAt(chain, first.operator, first.host)], [first.operator], 'AlreadyInitialized', watched);
  for (const host of nonCanonical(first.operator.publicKey)) {
    chain.rejects([await registerAt(chain, first.operator, host)], [first.operator], 'InvalidPda', [...watched, host]);
  }
  expectOk(chain.send([await withdrawInstruction(chain, first)], [first.operator]));
  chain.rejects([await registerAt(chain, first.operator, first.host)], [first.operator], 'AlreadyInitialized', watched);
});

test('a jailed operator cannot start over with a fresh host account', async () => {
  const chain = await TestChain.create();
  const jailed = await jailedHost(chain);
  const before = readHost(chain, jailed.host);
  const watched = [jailed.operator.publicKey, jailed.host, jailed.owner];
  chain.rejects([await registerAt(chain, jailed.operator, jailed.host)], [jailed.operator], 'AlreadyInitialized', watched);
  for (const host of nonCanonical(jailed.operator.publicKey)) {
    chain.rejects([await registerAt(chain, jailed.operator, host)], [jailed.operator], 'InvalidPda', [...watched, host]);
  }
  assert.equal(readHost(chain, jailed.host), before);
});

test.run();
