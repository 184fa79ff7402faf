import { statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import si from 'systeminformation';
import { cpuArchOf } from './arch.js';
import type { Capacity } from './capacity.js';
import { CapacityError } from './errors.js';
import { gpusFromControllers } from './gpus.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export interface MeasureCapacityOptions {
  /** Where the node keeps its data; its file system is the disk that is sold. Default: the home directory. */
  dataPath?: string;
}

/** Measures the machine: cores, CPU model, memory, disk of the data path, GPUs, architecture. */
export async function measureCapacity(options: MeasureCapacityOptions = {}): Promise<Capacity> {
  const diskPath = resolve(options.dataPath ?? homedir());
  const [cpu, mem, graphics, disk] = await Promise.all([si.cpu(), si.mem(), si.graphics(), diskOf(diskPath)]);
  return {
    arch: cpuArchOf(process.arch),
    cpuCores: cpu.cores,
    cpuModel: cpuModelName(cpu.manufacturer, cpu.brand),
    memoryMiB: Math.floor(mem.total / MIB),
    diskPath,
    diskTotalGiB: disk.totalGiB,
    diskFreeGiB: disk.freeGiB,
    gpus: gpusFromControllers(graphics.controllers),
  };
}

// statfs on the path itself rather than systeminformation's mount list: it answers for the
// file system that really holds the path (bind mounts, nested mounts) without prefix guessing.
async function diskOf(path: string): Promise<{ totalGiB: number; freeGiB: number }> {
  try {
    const fs = await statfs(path);
    return {
      totalGiB: Math.floor((fs.blocks * fs.bsize) / GIB),
      freeGiB: Math.floor((fs.bavail * fs.bsize) / GIB),
    };
  } catch (cause) {
    throw new CapacityError('DATA_PATH_UNREADABLE', `cannot read the file system of the data path ${path}: create the folder or pass another dataPath`, { cause });
  }
}

function cpuModelName(manufacturer: string, brand: string): string {
  const name = brand.startsWith(manufacturer) ? brand : `${manufacturer} ${brand}`;
  return name.replace(/\s+/g, ' ').trim() || 'unknown';
}
