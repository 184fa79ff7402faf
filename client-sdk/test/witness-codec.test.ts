// The witness protocol's challenge frame carries per-lease attestations: each names its lease,
// up to WITNESS_LIMITS.maxCarriedAttestations of them fit one frame, and anything else is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { attestationMessage, signProof } from '../src/chain/proofs.js';
import { verifySolanaSignature } from '../src/identity/signatures.js';
import { decodeChallenge, encodeChallenge, WITNESS_LIMITS, WitnessError } from '../src/witness/index.js';
import type { CarriedAttestation, Challenge, WitnessErrorCode } from '../src/witness/index.js';

const witness = Keypair.generate();
const operator = Keypair.generate().publicKey;
const leases: PublicKey[] = Array.from({ length: WITNESS_LIMITS.maxCarriedAttestations }, () => Keypair.generate().publicKey);

function attestation(lease: PublicKey, epoch: bigint): CarriedAttestation {
  return { lease, epoch, signature: signProof(witness.secretKey, witness.publicKey, attestationMessage(operator, lease, epoch)).signature };
}

const challengeOf = (attestations: CarriedAttestation[]): Challenge => ({ epoch: 10n, nonce: new Uint8Array(32).fill(1), attestations });

function fails(run: () => unknown, code: WitnessErrorCode, pattern: RegExp): void {
  try {
    run();
  } catch (err) {
    assert.instance(err, WitnessError);
    assert.is((err as WitnessError).code, code, (err as Error).message);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected WitnessError ${code}`);
}

test('a challenge carries one attestation per lease, each over (operator, lease, epoch)', () => {
  const carried = [attestation(leases[0]!, 9n), attestation(leases[1]!, 9n), attestation(leases[0]!, 8n)];
  const back = decodeChallenge(encodeChallenge(challengeOf(carried)));
  assert.equal(back.attestations.map((a) => [a.lease.toBase58(), a.epoch]), carried.map((a) => [a.lease.toBase58(), a.epoch]));
  for (const a of back.attestations) {
    assert.ok(verifySolanaSignature('', attestationMessage(operator, a.lease, a.epoch), a.signature, witness.publicKey.toBytes()));
  }
  assert.not.ok(verifySolanaSignature('', attestationMessage(operator, leases[1]!, 9n), back.attestations[0]!.signature, witness.publicKey.toBytes()),
    'an attestation of one lease is no attestation of another');
});

test(`${WITNESS_LIMITS.maxCarriedAttestations} attestations fit one frame; one more is refused`, () => {
  const full = leases.map((lease, i) => attestation(lease, BigInt(i)));
  const bytes = encodeChallenge(challengeOf(full));
  assert.ok(bytes.length <= WITNESS_LIMITS.maxMessageBytes, `${bytes.length} bytes`);
  assert.is(bytes.length, 2 + 8 + 32 + 1 + full.length * (32 + 8 + 64));
  assert.is(decodeChallenge(bytes).attestations.length, WITNESS_LIMITS.maxCarriedAttestations);
  fails(() => encodeChallenge(challengeOf([...full, attestation(leases[0]!, 99n)])), 'OUT_OF_RANGE', /challenge\.attestations/);
});

test('an attestation without a lease key, or a truncated one, is refused', () => {
  fails(() => encodeChallenge(challengeOf([{ epoch: 1n, signature: new Uint8Array(64) } as unknown as CarriedAttestation])), 'OUT_OF_RANGE', /attestations\[0\]\.lease/);
  const bytes = encodeChallenge(challengeOf([attestation(leases[0]!, 1n)]));
  fails(() => decodeChallenge(bytes.subarray(0, bytes.length - 1)), 'MALFORMED', /challenge/);
});

test.run();
