/**
 * Attack: a host stretches a witness's attestation. The witness saw one lease running (A);
 * the host tries it on its other lease (B) that was not running, or borrows another host's
 * attestation, or replays it for another epoch or a time before the lease. Attestations are
 * per lease and per host operator: each is refused, with nothing changed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Keypair } from '@solana/web3.js';
import { REWARD_POOL, SOL, TestChain, expectOk } from './support/chain.js';
import { readHost, readLease } from './support/accounts.js';
import { activeHost, attestationProof, openedLease, signed } from './support/fixtures.js';
import { attestationMessage, heartbeatMessage } from './support/messages.js';
import * as ix from './support/instructions.js';

async function setUp() {
  const chain = await TestChain.create();
  const funder = chain.wallet(11n);
  expectOk(chain.send([await ix.fundRewards(chain.program, 10n * SOL, { funder: funder.publicKey })], [funder]));
  const host = await activeHost(chain);
  const other = await activeHost(chain);
  const a = await openedLease(chain, host, { durationSecs: 20n * chain.params.proofEpochSecs });
  const b = await openedLease(chain, host, { durationSecs: 20n * chain.params.proofEpochSecs });
  const c = await openedLease(chain, other, { durationSecs: 20n * chain.params.proofEpochSecs });
  chain.advance(2n * chain.params.proofEpochSecs);
  const epoch = chain.epoch() - 1n;
  const watched = [host.host, other.host, a.lease, b.lease, c.lease, REWARD_POOL];
  return { chain, host, other, a, b, c, epoch, watched, witness: chain.witnesses[0] as Keypair };
}

test('an attestation of lease A cannot prove lease B of the same host (ProofInvalid)', async () => {
  const { chain, host, a, b, epoch, watched, witness } = await setUp();
  const forA = signed(witness, attestationMessage(host.operator.publicKey, a.lease, epoch));
  const postB = await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: b.lease });
  chain.rejects([forA, postB], [], 'ProofInvalid', watched);
  expectOk(chain.send(await attestationProof(chain, host, a, epoch)));
  chain.rejects([forA, postB], [], 'ProofInvalid', watched);
  assert.is(readLease(chain, b.lease).provenSecs, 0n, 'B stays unproven');
});

test("an attestation signed for another host's operator cannot prove this host's lease (ProofInvalid), nor theirs through this host", async () => {
  const { chain, host, other, b, c, epoch, watched, witness } = await setUp();
  // The witness attested the other host's lease C; this host posts it for its own lease B, or names C's lease with its own operator.
  const forOther = signed(witness, attestationMessage(other.operator.publicKey, c.lease, epoch));
  chain.rejects([forOther, await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: b.lease })], [], 'ProofInvalid', watched);
  const forOtherOperator = signed(witness, attestationMessage(other.operator.publicKey, b.lease, epoch));
  chain.rejects([forOtherOperator, await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: b.lease })], [], 'ProofInvalid', watched);
  // C's own attestation, posted through this host's account: the lease is not this host's.
  chain.rejects([forOther, await ix.postProof(chain.program, { attestation: { epoch } }, { host: host.host, lease: c.lease })], [], 'LeaseHostMismatch', watched);
  const before = readHost(chain, other.host);
  expectOk(chain.send([forOther, await ix.postProof(chain.program, { attestation: { epoch } }, { host: other.host, lease: c.lease })]));
  assert.is(readHost(chain, other.host).provenEpochs, before.provenEpochs + 1n, 'the attestation proves exactly what it names');
  assert.is(readHost(chain, host.host).provenEpochs, 0n);
});

test('an attestation replayed for another epoch, a heartbeat posted as one, an epoch before the lease: refused', async () => {
  const { chain, host, a, epoch, watched, witness } = await setUp();
  const post = (e: bigint) => ix.postProof(chain.program, { attestation: { epoch: e } }, { host: host.host, lease: a.lease });
  chain.rejects([signed(witness, attestationMessage(host.operator.publicKey, a.lease, epoch - 1n)), await post(epoch)], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, heartbeatMessage(epoch)), await post(epoch)], [], 'ProofInvalid', watched);
  const before = epoch - 5n; // ended before the lease started
  chain.rejectsWithOneOf([signed(witness, attestationMessage(host.operator.publicKey, a.lease, before)), await post(before)], [], ['ProofStale', 'ProofInvalid'], watched);
  assert.is(readHost(chain, host.host).provenEpochs, 0n);
});

test.run();
