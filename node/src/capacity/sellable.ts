import type { Capacity, CpuArch, Gpu } from './capacity.js';
import { CapacityError } from './errors.js';

/** What the operator keeps for the machine itself (the OS, the node, Docker). */
export interface Reserve {
  cpuCores: number;
  memoryMiB: number;
  diskGiB: number;
}

/** What the node offers to renters: the measured capacity minus the reserve, in whole units. */
export interface SellableCapacity {
  arch: CpuArch;
  cpuCores: number;
  cpuModel: string;
  memoryMiB: number;
  diskGiB: number;
  gpus: Gpu[];
}

// The node daemon and dockerd need memory and the image store needs room even on a machine
// that sells everything else.
export const DEFAULT_RESERVE: Readonly<Reserve> = { cpuCores: 0, memoryMiB: 512, diskGiB: 5 };

/** Takes the reserve off the capacity. Throws CapacityError when the reserve is invalid or leaves nothing to sell. */
export function sellableCapacity(capacity: Capacity, reserve: Reserve = DEFAULT_RESERVE): SellableCapacity {
  checkReserve(reserve);
  const sellable = {
    arch: capacity.arch,
    // Offers count whole cores: a fractional remainder stays with the machine.
    cpuCores: Math.floor(capacity.cpuCores - reserve.cpuCores),
    cpuModel: capacity.cpuModel,
    memoryMiB: Math.floor(capacity.memoryMiB - reserve.memoryMiB),
    diskGiB: Math.floor(capacity.diskFreeGiB - reserve.diskGiB),
    gpus: capacity.gpus.map((g) => ({ ...g })),
  };
  requireLeft('cpuCores', sellable.cpuCores, capacity.cpuCores, reserve.cpuCores, 1);
  requireLeft('memoryMiB', sellable.memoryMiB, capacity.memoryMiB, reserve.memoryMiB, 1);
  requireLeft('diskGiB', sellable.diskGiB, capacity.diskFreeGiB, reserve.diskGiB, 1);
  return sellable;
}

function checkReserve(reserve: Reserve): void {
  for (const key of ['cpuCores', 'memoryMiB', 'diskGiB'] as const) {
    const value = reserve[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new CapacityError('BAD_RESERVE', `reserve.${key} must be a number >= 0, got ${String(value)}: fix the node config`);
    }
  }
}

function requireLeft(field: string, left: number, measured: number, reserved: number, minimum: number): void {
  if (left < minimum) {
    throw new CapacityError(
      'RESERVE_EXCEEDS_CAPACITY',
      `reserving ${reserved} of ${measured} ${field} leaves ${Math.max(left, 0)} to sell (at least ${minimum} needed): lower reserve.${field}`,
    );
  }
}
