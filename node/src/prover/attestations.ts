/**
 * Witness attestations ("lease L of this host had its container running in epoch E", signed
 * by a witness the program's config lists), each posted as an uptime proof for its own lease.
 * Each is checked here first: an unknown witness, a bad signature, or a lease that is not
 * open on this host is refused, never sent.
 */
import type { PublicKey } from '@solana/web3.js';
import { attestationMessage, DecloudProgramError } from '@decloud/sdk/chain/index';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { bounded, throwIfAborted } from '../leases/signal.js';
import type { Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator, messageOf } from './components.js';
import type { ProverComponents } from './components.js';

export interface Attestation {
  /** the lease the witness saw running */
  lease: PublicKey;
  epoch: bigint;
  witness: PublicKey;
  /** the witness's Ed25519 signature over attestationMessage(host operator, lease, epoch) */
  signature: Uint8Array;
}

export interface AttestationReport {
  /** attestations the program accepted (proven time for their lease) */
  posted: number;
  /** attestations the chain had already covered, or whose epoch had not ended */
  skipped: number;
  /** attestations the program refused otherwise, or that could not be sent */
  failed: number;
  refused: Array<{ lease: string; epoch: bigint; witness: string; reason: string }>;
}

const QUIET_REFUSALS = new Set(['ProofStale', 'ProofInFuture']);

const byEpoch = (a: Attestation, b: Attestation): number => (a.epoch < b.epoch ? -1 : a.epoch > b.epoch ? 1 : 0);

export async function postAttestations(c: ProverComponents, attestations: Attestation[], { signal }: Signalled = {}): Promise<AttestationReport> {
  checkSignsAsOperator(c);
  const report: AttestationReport = { posted: 0, skipped: 0, failed: 0, refused: [] };
  if (attestations.length === 0) return report;
  const operator = c.operator.publicKey;
  const config = await bounded(c.chain.fetchConfig(), signal);
  const witnesses = config.witnesses.slice(0, config.witnessCount).map((w) => w.toBase58());
  const open = new Set((await bounded(c.chain.listLeases({ host: c.chain.hostAddress(operator) }), signal)).map(({ address }) => address.toBase58()));
  const valid = attestations.filter((a) => {
    const lease = a.lease.toBase58();
    const reason = !witnesses.includes(a.witness.toBase58())
      ? `${a.witness.toBase58()} is not a witness in the program config`
      : !verifySolanaSignature('', attestationMessage(operator, a.lease, a.epoch), a.signature, a.witness.toBytes())
        ? `the signature is not the witness's over (host ${operator.toBase58()}, lease ${lease}, epoch ${a.epoch})`
        : !open.has(lease)
          ? `lease ${lease} is not open on this host (closed, or another host's)`
          : undefined;
    if (reason) report.refused.push({ lease, epoch: a.epoch, witness: a.witness.toBase58(), reason });
    return reason === undefined;
  }).sort(byEpoch);
  for (const refusal of report.refused) c.log.warn({ lease: refusal.lease, epoch: refusal.epoch.toString(), reason: refusal.reason }, 'attestation refused');
  for (const a of valid) {
    throwIfAborted(signal);
    try {
      await bounded(c.chain.postAttestation(a.lease, operator, a.epoch, { signer: a.witness, message: attestationMessage(operator, a.lease, a.epoch), signature: a.signature }), signal);
      report.posted += 1;
    } catch (err) {
      if (err instanceof DecloudProgramError && QUIET_REFUSALS.has(err.errorName)) {
        report.skipped += 1;
        continue;
      }
      if (signal?.aborted) throw err;
      c.log.warn({ lease: a.lease.toBase58(), epoch: a.epoch.toString(), err: messageOf(err) }, 'posting an attestation failed');
      report.failed += 1;
    }
  }
  return report;
}
