/**
 * Attack: forge a proof by putting, right before post_proof, an instruction that looks
 * exactly like the Ed25519 verification (same data: key, signature, message) but runs in a
 * program that checks nothing. The program only trusts the Ed25519 program itself: that
 * is ProofMissing (TermsNotSigned for open_lease). And receipts count only when signed by
 * the lease's renter or its delegate.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, TransactionInstruction } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { REWARD_POOL, TestChain, expectOk } from './support/chain.js';
import { readLease } from './support/accounts.js';
import {
  activeHost, heartbeatInstructions, openLeaseInstructions, openedLease, plannedLease, receiptProof, signed,
} from './support/fixtures.js';
import { receiptMessage } from './support/messages.js';
import { deployNoop } from './support/noop-program.js';

/** The same instruction, run by `programId` instead of the Ed25519 program. */
const impersonated = (verify: TransactionInstruction, programId: PublicKey) => new TransactionInstruction({ programId, keys: [], data: verify.data });

/** An Ed25519-shaped instruction whose signature is garbage (the Ed25519 program would refuse it; a no-op program does not). */
function forged(verify: TransactionInstruction, programId: PublicKey): TransactionInstruction {
  const data = Buffer.from(verify.data);
  data.fill(0x42, 48, 112);
  return new TransactionInstruction({ programId, keys: [], data });
}

async function setUp() {
  const chain = await TestChain.create();
  const fake = deployNoop(chain.svm);
  const host = await activeHost(chain);
  const delegate = Keypair.generate();
  const lease = await openedLease(chain, host, { delegate });
  chain.advance(600n);
  return { chain, fake, host, lease, delegate, watched: [host.host, lease.lease, REWARD_POOL, lease.renter.publicKey] };
}

test('post_proof after a fake verifier with the same data fails with ProofMissing', async () => {
  const { chain, fake, host, lease, watched } = await setUp();
  const [verify, post] = await receiptProof(chain, host, lease, chain.now());
  if (!verify || !post) throw new Error('two instructions');
  // The fake instruction itself runs fine.
  expectOk(chain.send([impersonated(verify, fake)]));
  chain.rejects([impersonated(verify, fake), post], [], 'ProofMissing', watched);
  chain.rejects([forged(verify, fake), post], [], 'ProofMissing', watched);
  expectOk(chain.send([verify, post]));
  assert.is(readLease(chain, lease.lease).provenUntil, chain.now());
});

test('witness_heartbeat and open_lease after a fake verifier are refused too (ProofMissing, TermsNotSigned)', async () => {
  const { chain, fake, host } = await setUp();
  const [beat, heartbeat] = await heartbeatInstructions(chain, chain.epoch() - 1n);
  if (!beat || !heartbeat) throw new Error('two instructions');
  chain.rejects([impersonated(beat, fake), heartbeat], [], 'ProofMissing', [REWARD_POOL]);
  const planned = plannedLease(chain);
  const [terms, open] = await openLeaseInstructions(chain, host, planned);
  if (!terms || !open) throw new Error('two instructions');
  chain.rejects([impersonated(terms, fake), open], [planned.renter], 'TermsNotSigned', [planned.renter.publicKey, planned.lease, host.host]);
  chain.rejects([forged(terms, fake), open], [planned.renter], 'TermsNotSigned', [planned.renter.publicKey, planned.lease, host.host]);
});

test("receipts by the lease's delegate count; by anyone else (operator, witness, another lease's delegate, a stranger) they do not", async () => {
  const { chain, host, lease, delegate, watched } = await setUp();
  const otherDelegate = Keypair.generate();
  await openedLease(chain, host, { delegate: otherDelegate });
  const until = chain.now() - 100n;
  const post = (await receiptProof(chain, host, lease, until))[1] as TransactionInstruction;
  for (const signer of [host.operator, chain.witnesses[0] as Keypair, otherDelegate, Keypair.generate(), chain.authority]) {
    chain.rejects([signed(signer, receiptMessage(lease.lease, until)), post], [], 'ProofInvalid', watched);
  }
  expectOk(chain.send([signed(delegate, receiptMessage(lease.lease, until)), post]));
  assert.is(readLease(chain, lease.lease).provenUntil, until);
});

test.run();
