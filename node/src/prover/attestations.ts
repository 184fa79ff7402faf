/**
 * Witness attestations ("host answered its challenges in epoch E", signed by a witness the
 * program's config lists) posted as uptime proofs for every open lease of this host.
 * Each is checked here first: an unknown witness or a bad signature is refused, never sent.
 */
import type { PublicKey } from '@solana/web3.js';
import { attestationMessage, DecloudProgramError } from '@decloud/sdk/chain/index';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { bounded, throwIfAborted } from '../leases/signal.js';
import type { Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator, messageOf } from './components.js';
import type { ProverComponents } from './components.js';

export interface Attestation {
  epoch: bigint;
  witness: PublicKey;
  /** the witness's Ed25519 signature over attestationMessage(host operator, epoch) */
  signature: Uint8Array;
}

export interface AttestationReport {
  /** proofs that added proven time, one per (lease, attestation) */
  posted: number;
  /** (lease, attestation) pairs the chain had already covered, or whose epoch had not ended */
  skipped: number;
  /** (lease, attestation) pairs the program refused otherwise, or that could not be sent */
  failed: number;
  refused: Array<{ epoch: bigint; witness: string; reason: string }>;
}

const QUIET_REFUSALS = new Set(['ProofStale', 'ProofInFuture']);

export async function postAttestations(c: ProverComponents, attestations: Attestation[], { signal }: Signalled = {}): Promise<AttestationReport> {
  checkSignsAsOperator(c);
  const report: AttestationReport = { posted: 0, skipped: 0, failed: 0, refused: [] };
  const operator = c.operator.publicKey;
  const config = await bounded(c.chain.fetchConfig(), signal);
  const witnesses = config.witnesses.slice(0, config.witnessCount).map((w) => w.toBase58());
  const valid = attestations.filter((a) => {
    const reason = !witnesses.includes(a.witness.toBase58())
      ? `${a.witness.toBase58()} is not a witness in the program config`
      : !verifySolanaSignature('', attestationMessage(operator, a.epoch), a.signature, a.witness.toBytes())
        ? `the signature is not the witness's over (host ${operator.toBase58()}, epoch ${a.epoch})`
        : undefined;
    if (reason) report.refused.push({ epoch: a.epoch, witness: a.witness.toBase58(), reason });
    return reason === undefined;
  }).sort((a, b) => (a.epoch < b.epoch ? -1 : a.epoch > b.epoch ? 1 : 0));
  for (const refusal of report.refused) c.log.warn({ epoch: refusal.epoch.toString(), reason: refusal.reason }, 'attestation refused');
  if (valid.length === 0) return report;
  const leases = await bounded(c.chain.listLeases({ host: c.chain.hostAddress(operator) }), signal);
  for (const { address } of leases) {
    for (const a of valid) {
      throwIfAborted(signal);
      try {
        await bounded(c.chain.postAttestation(address, operator, a.epoch, { signer: a.witness, message: attestationMessage(operator, a.epoch), signature: a.signature }), signal);
        report.posted += 1;
      } catch (err) {
        if (err instanceof DecloudProgramError && QUIET_REFUSALS.has(err.errorName)) {
          report.skipped += 1;
          continue;
        }
        if (signal?.aborted) throw err;
        c.log.warn({ lease: address.toBase58(), epoch: a.epoch.toString(), err: messageOf(err) }, 'posting an attestation failed');
        report.failed += 1;
      }
    }
  }
  return report;
}
