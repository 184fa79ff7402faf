import type { LeaseStats } from '@decloud/sdk/access/index';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import type { ContainerState, ContainerStats } from '../runtime/index.js';

/**
 * A lease's usage and cost now, from one engine sample, the container's state and the lease
 * account. Cost so far is rate x seconds since the lease started (up to its max end); proven
 * cost is rate x proven seconds; neither exceeds the deposit.
 */
export function leaseStatsOf(usage: ContainerStats, state: ContainerState, account: LeaseAccount, nowMs: number): LeaseStats {
  const nowSecs = BigInt(Math.floor(nowMs / 1000));
  const until = nowSecs < account.maxEnd ? nowSecs : account.maxEnd;
  const elapsed = until > account.start ? until - account.start : 0n;
  const withinDeposit = (lamports: bigint): bigint => (lamports < account.deposit ? lamports : account.deposit);
  const count = (n: number): number => Math.max(0, Math.round(n));
  return {
    cpuPercent: Math.max(0, usage.cpuPercent),
    memoryBytes: count(usage.memoryBytes),
    memoryLimit: count(usage.memoryLimit),
    netRx: count(usage.netRx),
    netTx: count(usage.netTx),
    pids: count(usage.pids),
    uptimeSecs: state.startedAt ? count(Math.floor((nowMs - state.startedAt.getTime()) / 1000)) : 0,
    provenUntil: account.provenUntil > 0n ? account.provenUntil : 0n,
    costSoFar: withinDeposit(account.rate * elapsed),
    provenCost: withinDeposit(account.rate * account.provenSecs),
    deposit: account.deposit,
    maxEnd: account.maxEnd,
  };
}
