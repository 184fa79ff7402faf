import { EpochSchedule } from '@solana/web3.js';
import type { SlotClock } from './slot-clock.js';

/** The Clock sysvar values for a slot, with the epoch derived from litesvm's epoch schedule (warm-up epochs included). */
export interface ClusterTime {
  slot: number;
  epoch: number;
  slotIndex: number;
  slotsInEpoch: number;
  leaderScheduleEpoch: number;
  epochStartTimestamp: number;
  unixTimestamp: number;
}

export interface EpochScheduleInfo {
  slotsPerEpoch: number;
  leaderScheduleSlotOffset: number;
  warmup: boolean;
  firstNormalEpoch: number;
  firstNormalSlot: number;
}

export function clusterTimeAt(schedule: EpochScheduleInfo, slot: number, clock: SlotClock): ClusterTime {
  const epochs = new EpochSchedule(schedule.slotsPerEpoch, schedule.leaderScheduleSlotOffset, schedule.warmup, schedule.firstNormalEpoch, schedule.firstNormalSlot);
  const [epoch, slotIndex] = epochs.getEpochAndSlotIndex(slot);
  return {
    slot,
    epoch,
    slotIndex,
    slotsInEpoch: epochs.getSlotsInEpoch(epoch),
    leaderScheduleEpoch: leaderScheduleEpoch(schedule, epochs, slot),
    epochStartTimestamp: Math.floor(clock.timeOfSlotMs(epochs.getFirstSlotInEpoch(epoch)) / 1000),
    unixTimestamp: Math.floor(clock.nowMs() / 1000),
  };
}

/** Same rule as Agave's `EpochSchedule::get_leader_schedule_epoch`. */
function leaderScheduleEpoch(schedule: EpochScheduleInfo, epochs: EpochSchedule, slot: number): number {
  if (slot < schedule.firstNormalSlot) return epochs.getEpoch(slot) + 1;
  return schedule.firstNormalEpoch + Math.floor((slot - schedule.firstNormalSlot + schedule.leaderScheduleSlotOffset) / schedule.slotsPerEpoch);
}
