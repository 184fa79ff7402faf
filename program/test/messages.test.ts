/**
 * The signed messages the program tests use (the SDK's builders) are byte for byte the
 * spec's layouts, built here by hand: a change on the SDK side that the program does not
 * share fails here rather than as a mysterious TermsNotSigned or ProofInvalid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey } from '@solana/web3.js';
import { attestationMessage, heartbeatMessage, receiptMessage, termsMessage } from './support/messages.js';

const u64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b; };
const key = () => Keypair.generate().publicKey;

test('terms: "decloud/terms/v1" || renter || host operator || lease_id u64 || rate u64 || duration u64 || quote_expires_at i64 || delegate || terms_hash (176 bytes)', () => {
  const t = { renter: key(), hostOperator: key(), leaseId: 2n ** 64n - 2n, rate: 1_234n, durationSecs: 3_600n, quoteExpiresAt: -5n, delegate: PublicKey.default, termsHash: Buffer.alloc(32, 9) };
  const expected = Buffer.concat([Buffer.from('decloud/terms/v1'), t.renter.toBuffer(), t.hostOperator.toBuffer(), u64(t.leaseId), u64(t.rate), u64(t.durationSecs),
    i64(t.quoteExpiresAt), t.delegate.toBuffer(), t.termsHash]);
  assert.is(expected.length, 176);
  assert.equal([...termsMessage(t)], [...expected]);
});

test('receipt, attestation and heartbeat layouts', () => {
  const [lease, operator] = [key(), key()];
  assert.equal([...receiptMessage(lease, -7n)], [...Buffer.concat([Buffer.from('decloud/receipt/v1'), lease.toBuffer(), i64(-7n)])]);
  assert.equal([...attestationMessage(operator, lease, 99n)], [...Buffer.concat([Buffer.from('decloud/attest/v2'), operator.toBuffer(), lease.toBuffer(), u64(99n)])]);
  assert.equal([...heartbeatMessage(2n ** 40n)], [...Buffer.concat([Buffer.from('decloud/alive/v1'), u64(2n ** 40n)])]);
});

test.run();
