/** The witness's counters, as the bootstrap peer of `npm start` serves them on /metrics. */

export interface WitnessCounters {
  sent: number;
  answered: number;
  /** by reason: unreachable, timeout, refused... */
  failed: Record<string, number>;
  signed: number;
  delivered: number;
}

const METRICS_URL = 'http://127.0.0.1:8080/metrics';

export async function witnessCounters(): Promise<WitnessCounters> {
  const text = await (await fetch(METRICS_URL)).text();
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const failed: Record<string, number> = {};
  for (const match of text.matchAll(/^decloud_witness_challenges_failed_total\{reason="([^"]+)"\} (\S+)$/gm)) failed[match[1]!] = Number(match[2]);
  return {
    sent: value('decloud_witness_challenges_sent_total'),
    answered: value('decloud_witness_challenges_answered_total'),
    failed,
    signed: value('decloud_witness_attestations_signed_total'),
    delivered: value('decloud_witness_attestations_delivered_total'),
  };
}

export function failedTotal(counters: WitnessCounters): number {
  return Object.values(counters.failed).reduce((sum, n) => sum + n, 0);
}
