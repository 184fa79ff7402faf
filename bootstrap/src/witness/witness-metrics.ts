/** Prometheus metrics of the witness, registered on the daemon's registry. */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface WitnessMetrics {
  challengesSent: Counter;
  /** Answers that were valid (signed by the host, right nonce and epoch). */
  challengesAnswered: Counter;
  /** Challenges without a valid answer, by reason (timeout, unreachable, forged-answer, ...). */
  challengesFailed: Counter<'reason'>;
  attestationsSigned: Counter;
  /** Valid answers (or leases in them) that earned no attestation: every listed container down, no lease, too late, a lease not open on-chain. */
  attestationsWithheld: Counter<'reason'>;
  /** Attestations the host acknowledged (by answering the challenge that carried them). */
  attestationsDelivered: Counter;
  activeHosts: Gauge;
  /** witness_heartbeat transactions that landed (one per ended epoch with a round). */
  heartbeatsPosted: Counter;
  /** Heartbeats that did not land (chain unreachable, refused). */
  heartbeatsFailed: Counter;
}

export function createWitnessMetrics(registry: Registry): WitnessMetrics {
  const registers = [registry];
  return {
    challengesSent: new Counter({ name: 'decloud_witness_challenges_sent_total', help: 'Witness challenges sent to hosts', registers }),
    challengesAnswered: new Counter({ name: 'decloud_witness_challenges_answered_total', help: 'Challenges answered validly', registers }),
    challengesFailed: new Counter({ name: 'decloud_witness_challenges_failed_total', help: 'Challenges without a valid answer, by reason', labelNames: ['reason'], registers }),
    attestationsSigned: new Counter({ name: 'decloud_witness_attestations_signed_total', help: 'Attestations signed for ended epochs, one per lease seen running', registers }),
    attestationsWithheld: new Counter({ name: 'decloud_witness_attestations_withheld_total', help: 'Valid answers, or leases reported in them, that earned no attestation, by reason', labelNames: ['reason'], registers }),
    attestationsDelivered: new Counter({ name: 'decloud_witness_attestations_delivered_total', help: 'Attestations acknowledged by their host', registers }),
    activeHosts: new Gauge({ name: 'decloud_witness_active_hosts', help: 'Active hosts on-chain at the last round', registers }),
    heartbeatsPosted: new Counter({ name: 'decloud_witness_heartbeats_posted_total', help: 'Heartbeats (witness alive in an ended epoch) posted on-chain', registers }),
    heartbeatsFailed: new Counter({ name: 'decloud_witness_heartbeats_failed_total', help: 'Heartbeats that did not land', registers }),
  };
}
